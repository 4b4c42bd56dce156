"""The single-process app never imports Ray: `serve --ray` is the only way in."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_single_process_app_does_not_import_ray():
    code = ("import sys, app, wiring, ui.app, ui.chat, ui.services, serve.generate; "
            "app.build_parser().parse_args(['serve']); "
            "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
