"""`python app.py repo import`: the table and summary on stdout, a missing folder as one line and exit 2."""
from __future__ import annotations

from safetensors.torch import save_file

import app
from tests.importer.conftest import MINI_BASE, kohya_lora


def test_repo_import_prints_the_report_and_a_bad_folder_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PERSONALQ_HOME", str(tmp_path / "home"))
    src = tmp_path / "Lora"
    src.mkdir()
    save_file(kohya_lora(MINI_BASE, 12, text_encoder=False), str(src / "owl_v2.safetensors"))
    assert app.main(["repo", "import", str(src), "--out", str(tmp_path / "repo"), "--no-draw", "--no-index"]) == 0
    out = capsys.readouterr().out
    assert "owl-v2" in out and "1 imported, 0 already imported, 0 duplicates, 0 skipped" in out
    assert (tmp_path / "repo" / "owl-v2.yaml").is_file()
    assert app.main(["repo", "import", str(tmp_path / "missing"), "--out", str(tmp_path / "repo"), "--no-draw"]) == 2
    assert capsys.readouterr().err.strip().startswith("error: source folder")
