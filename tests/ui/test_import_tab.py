"""The Repository tab's "Import a folder" action, driven through gradio_client on the launched app."""
from __future__ import annotations

import json

import pytest
from gradio_client import Client
from safetensors.torch import save_file

from tests.importer.conftest import MINI_BASE, kohya_lora

pytestmark = pytest.mark.slow  # a launched app, driven over HTTP


def test_import_a_folder_indexes_it_and_a_bad_path_is_a_message(running_app, tmp_path):
    client = Client(running_app.url, verbose=False)
    status, *_ = client.predict(str(tmp_path / "nowhere"), "link", False, api_name="/import_folder")
    assert status.startswith("Not imported:") and "does not exist" in status

    src = tmp_path / "Lora"
    src.mkdir()
    save_file(kohya_lora(MINI_BASE, 11, text_encoder=False), str(src / "kite_v1.safetensors"))
    (src / "kite_v1.civitai.info").write_text(json.dumps({
        "name": "v1", "createdAt": "2026-06-01T00:00:00Z", "trainedWords": ["redkite"], "baseModel": "SD 1.5",
        "description": "A red diamond kite with a long tail.", "model": {"name": "Red Kite", "type": "LORA"}}))
    status, _, table, _ = client.predict(str(src), "copy", False, api_name="/import_folder")
    assert status.startswith("1 imported, 0 already imported, 0 duplicates, 0 skipped")
    assert "| imported | kite_v1.safetensors | red-kite-v1 |" in status
    assert "red-kite-v1" in [row[0] for row in table["data"]]
    assert (running_app.repo / "red-kite-v1.yaml").is_file()
    assert (src / "kite_v1.safetensors").stat().st_nlink == 1  # copied, not linked
