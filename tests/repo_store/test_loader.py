"""Metadata validation: each bad input gets its own message, the other files still load."""
from __future__ import annotations

import hashlib
from datetime import datetime

import numpy as np
import pytest
from safetensors.numpy import save_file

import app
from repo_store.loader import WeightsError, load_repository, verify_weights
from tests.conftest import meta, write_meta


def _safetensors(path):
    save_file({"w": np.arange(6, dtype=np.float32).reshape(2, 3)}, str(path))
    return path


def test_valid_file_loads_into_typed_record(tmp_path):
    write_meta(tmp_path, "bear.yaml", meta(
        "bear-v4", name="Tan teddy bear", triggers="<bear-v4>", subjects=["bear", "teddy bear"],
        styles=["photorealistic"], version=4, created_at="2025-04-11T09:30:00+02:00", kind="lora",
    ))
    loaded = load_repository(tmp_path)
    assert loaded.ok and list(loaded.checkpoints) == ["bear-v4"]
    bear = loaded.checkpoints["bear-v4"]
    assert bear.triggers == ("<bear-v4>",)  # a lone string becomes a list
    assert bear.trigger == "<bear-v4>"
    assert bear.created_at == datetime(2025, 4, 11, 7, 30)  # aware → naive UTC
    assert bear.version == 4 and bear.styles == ("photorealistic",)
    assert bear.source == str((tmp_path / "bear.yaml").resolve())


def test_name_defaults_to_id_and_plain_dates_are_midnight(tmp_path):
    write_meta(tmp_path, "a.yaml", meta("dog-a"))
    ckpt = load_repository(tmp_path).checkpoints["dog-a"]
    assert ckpt.name == "dog-a"
    assert ckpt.created_at == datetime(2025, 4, 11)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"triggers": None}, "field 'triggers': required but missing"),
        ({"created_at": "2025-13-45"}, "field 'created_at': bad value '2025-13-45'"),
        ({"id": "Bear V4"}, "field 'id': bad value 'Bear V4'"),
        ({"version": -1}, "field 'version': bad value -1"),
        ({"kind": "hypernetwork"}, "field 'kind': bad value 'hypernetwork'"),
        ({"subjects": []}, "field 'subjects': bad value []"),
        ({"triggers": ["<two words>"]}, "contains whitespace"),
        ({"sha256": "abc"}, "field 'sha256': bad value 'abc'"),
    ],
)
def test_bad_field_is_refused_with_file_field_and_value_and_others_load(tmp_path, overrides, expected):
    write_meta(tmp_path, "good.yaml", meta("good"))
    write_meta(tmp_path, "bad.yaml", meta("bad", **overrides))
    loaded = load_repository(tmp_path)
    assert list(loaded.checkpoints) == ["good"]
    assert [r.file for r in loaded.refused] == ["bad.yaml"]
    assert expected in loaded.refused[0].reason


def test_invalid_yaml_names_the_line(tmp_path):
    write_meta(tmp_path, "broken.yaml", "id: x\ntriggers: [<x>\nsubjects: [dog]\n")
    write_meta(tmp_path, "empty.yaml", "")
    write_meta(tmp_path, "list.yaml", "- a\n- b\n")
    refused = {r.file: r.reason for r in load_repository(tmp_path).refused}
    assert refused["broken.yaml"].startswith("invalid YAML at line 3")
    assert refused["empty.yaml"].startswith("the file is empty")
    assert refused["list.yaml"].startswith("the file is a list")


@pytest.mark.parametrize("suffix", [".ckpt", ".bin", ".pt"])
def test_pickle_weights_are_refused_with_why(tmp_path, suffix):
    (tmp_path / f"w{suffix}").write_bytes(b"\x80\x04pickle")
    write_meta(tmp_path, "p.yaml", meta("p", weights=f"w{suffix}"))
    write_meta(tmp_path, "ok.yaml", meta("ok"))
    loaded = load_repository(tmp_path)
    assert list(loaded.checkpoints) == ["ok"]
    reason = loaded.refused[0].reason
    assert f"bad value 'w{suffix}'" in reason and "pickle" in reason and ".safetensors" in reason


def test_weights_missing_corrupted_or_lfs_pointer_are_refused(tmp_path):
    (tmp_path / "junk.safetensors").write_bytes(b"\xff" * 64)
    (tmp_path / "lfs.safetensors").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\n")
    _safetensors(tmp_path / "real.safetensors")
    write_meta(tmp_path, "missing.yaml", meta("missing", weights="nowhere.safetensors"))
    write_meta(tmp_path, "junk.yaml", meta("junk", weights="junk.safetensors"))
    write_meta(tmp_path, "lfs.yaml", meta("lfs", weights="lfs.safetensors"))
    write_meta(tmp_path, "real.yaml", meta("real", weights="real.safetensors"))
    loaded = load_repository(tmp_path)
    refused = {r.file: r.reason for r in loaded.refused}
    assert "file not found" in refused["missing.yaml"]
    assert "not a safetensors file" in refused["junk.yaml"]
    assert "git lfs pull" in refused["lfs.yaml"]
    assert loaded.checkpoints["real"].weights == str((tmp_path / "real.safetensors").resolve())


def test_sha256_is_verified_lazily(tmp_path):
    weights = _safetensors(tmp_path / "w.safetensors")
    good = hashlib.sha256(weights.read_bytes()).hexdigest()
    write_meta(tmp_path, "good.yaml", meta("good", weights="w.safetensors", sha256=good))
    write_meta(tmp_path, "bad.yaml", meta("bad", weights="w.safetensors", sha256="0" * 64))
    loaded = load_repository(tmp_path)
    assert loaded.ok  # a wrong hash is not read at load time
    assert verify_weights(loaded.checkpoints["good"]) == str(weights.resolve())
    with pytest.raises(WeightsError, match="fail the sha256 check"):
        verify_weights(loaded.checkpoints["bad"])
    weights.unlink()
    with pytest.raises(WeightsError, match="not found"):
        verify_weights(loaded.checkpoints["good"])


def test_duplicate_ids_name_both_files_and_keep_the_first(tmp_path):
    write_meta(tmp_path, "a.yaml", meta("same", description="first"))
    write_meta(tmp_path, "b.yaml", meta("same", description="second"))
    loaded = load_repository(tmp_path)
    assert loaded.checkpoints["same"].description == "first"
    (refusal,) = loaded.refused
    assert refusal.file == "b.yaml"
    assert "duplicate id 'same'" in refusal.reason and "a.yaml" in refusal.reason


def test_unknown_field_is_a_warning_not_a_refusal(tmp_path):
    write_meta(tmp_path, "a.yaml", meta("a", author="me"))
    loaded = load_repository(tmp_path)
    assert loaded.ok and "a" in loaded.checkpoints
    assert [w.reason for w in loaded.warnings] == ["unknown field 'author' ignored"]


def test_record_json_round_trip(tmp_path):
    write_meta(tmp_path, "a.yaml", meta("a", last_used_at="2025-05-01", version=2, styles=["anime"]))
    ckpt = load_repository(tmp_path).checkpoints["a"]
    from repo_store.schema import Checkpoint

    assert Checkpoint.from_json(ckpt.to_json()) == ckpt


def test_repo_check_cli_prints_table_and_exits_1_on_refusal(tmp_path, capsys):
    write_meta(tmp_path, "good.yaml", meta("good"))
    assert app.main(["repo", "check", str(tmp_path)]) == 0
    write_meta(tmp_path, "bad.yaml", meta("bad", created_at="yesterday"))
    assert app.main(["repo", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 loaded, 1 refused" in out and "bad.yaml" in out and "created_at" in out


def test_missing_repository_folder_is_a_clear_error(tmp_path, capsys):
    assert app.main(["repo", "check", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
