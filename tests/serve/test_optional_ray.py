"""The single-process app never imports Ray: `serve --ray` is the only way in."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow  # a fresh interpreter importing the whole app (about 6 s)
def test_the_single_process_app_does_not_import_ray():
    code = ("import sys, app, wiring, ui.app, ui.chat, ui.services, serve.generate; "
            "app.build_parser().parse_args(['serve']); "
            "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
