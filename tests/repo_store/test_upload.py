"""Uploading a checkpoint: validated like a metadata file; a refused upload writes nothing."""
from __future__ import annotations

import hashlib

import pytest
import torch
from safetensors.torch import save_file

from repo_store import load_repository
from repo_store.upload import UploadError, add_checkpoint

FIELDS = {"id": "bear-v5", "name": "Tan teddy bear", "triggers": ["<bear-v5>"], "subjects": ["bear", "teddy bear"],
          "description": "A small plush teddy bear.", "styles": ["photorealistic"], "created_at": "2025-06-01",
          "version": 5, "kind": "lora", "base_model": "minisd-64"}


@pytest.fixture
def weights(tmp_path):
    path = tmp_path / "upload" / "my-bear.safetensors"
    path.parent.mkdir()
    save_file({"unet.x.lora_A.weight": torch.ones(2, 3)}, path)
    return path


def test_upload_writes_metadata_weights_and_hash(tmp_path, weights):
    repo = tmp_path / "repo"
    repo.mkdir()
    ckpt = add_checkpoint(repo, FIELDS, weights)
    assert sorted(p.name for p in repo.iterdir()) == ["bear-v5.safetensors", "bear-v5.yaml"]
    assert ckpt.sha256 == hashlib.sha256(weights.read_bytes()).hexdigest()
    loaded = load_repository(repo)
    assert loaded.ok and loaded.checkpoints["bear-v5"].trigger == "<bear-v5>"
    assert loaded.checkpoints["bear-v5"].weights == str((repo / "bear-v5.safetensors").resolve())


@pytest.mark.parametrize("change, message", [
    ({"id": "Bear V5"}, "field 'id': bad value 'Bear V5'"),
    ({"triggers": []}, "field 'triggers'"),
    ({"created_at": "someday"}, "field 'created_at': bad value 'someday'"),
])
def test_bad_fields_are_named_and_nothing_is_written(tmp_path, weights, change, message):
    repo = tmp_path / "repo"
    repo.mkdir()
    with pytest.raises(UploadError, match=message):
        add_checkpoint(repo, FIELDS | change, weights)
    assert list(repo.iterdir()) == []


def test_pickle_corrupt_and_duplicate_uploads_are_refused(tmp_path, weights):
    repo = tmp_path / "repo"
    repo.mkdir()
    pickle = tmp_path / "model.ckpt"
    pickle.write_bytes(b"\x80\x04pickle")
    with pytest.raises(UploadError, match="pickle checkpoints"):
        add_checkpoint(repo, FIELDS, pickle)
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{oops")
    with pytest.raises(UploadError, match="corrupted safetensors header"):
        add_checkpoint(repo, FIELDS, broken)
    assert list(repo.iterdir()) == []
    add_checkpoint(repo, FIELDS, weights)
    with pytest.raises(UploadError, match="already in the repository"):
        add_checkpoint(repo, FIELDS | {"name": "again"}, weights)
    with pytest.raises(UploadError, match="already in the repository"):
        add_checkpoint(repo, FIELDS | {"id": "teddy"}, weights, existing_ids={"teddy"})
