"""Paths in a YAML stay inside the repository; pickle is refused everywhere; damaged safetensors
get their own message; a duplicate id stays with the indexed file."""
from __future__ import annotations

import os

import pytest

from app import main
from repo_store import Repository, load_repository
from repo_store.loader import read_safetensors_header, shown_value
from tests.conftest import meta, write_meta
from tests.security.conftest import make_safetensors


@pytest.fixture
def layout(tmp_path):
    """`outside/` holds real files next to the repository folder `repo/`."""
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    repo.mkdir()
    make_safetensors(outside / "secret.safetensors")
    (outside / "secret.png").write_bytes((repo.parent / "outside" / "secret.safetensors").read_bytes()[:10])
    (outside / "te").mkdir()
    make_safetensors(outside / "te" / "learned_embeds.safetensors")
    return repo, outside


def reasons(repo) -> dict[str, str]:
    return {r.file: r.reason for r in load_repository(repo).refused}


def test_weights_outside_the_repository_are_refused_alike_whether_they_exist_or_not(layout):
    repo, outside = layout
    (repo / "link.safetensors").symlink_to(outside / "secret.safetensors")
    (repo / "linkdir").symlink_to(outside / "te", target_is_directory=True)
    cases = {"abs": str(outside / "secret.safetensors"), "abs-missing": str(outside / "nothing.safetensors"),
             "dotdot": "../outside/secret.safetensors", "dotdot-missing": "../outside/nothing.safetensors",
             "dir": "../outside/te", "link": "link.safetensors", "linkdir": "linkdir"}
    for cid, path in cases.items():
        write_meta(repo, f"{cid}.yaml", meta(cid, weights=path))
    got = reasons(repo)
    assert set(got) == {f"{c}.yaml" for c in cases}
    for cid, path in cases.items():
        assert got[f"{cid}.yaml"] == (f"field 'weights': bad value {shown_value(path)} (the path leads outside "
                                      "the repository folder; keep the weights inside it)")


def test_a_metadata_file_linked_from_outside_is_refused(layout):
    repo, outside = layout
    write_meta(outside, "elsewhere.yaml", meta("elsewhere"))
    (repo / "linked.yaml").symlink_to(outside / "elsewhere.yaml")
    write_meta(repo, "good.yaml", meta("good"))
    loaded = load_repository(repo)
    assert list(loaded.checkpoints) == ["good"]
    assert reasons(repo) == {"linked.yaml": "the file is a link leading outside the repository folder; copy the "
                                            "metadata file in instead"}


def test_pickle_is_refused_on_every_path_including_inside_folders(layout):
    repo, _ = layout
    (repo / "ti").mkdir()
    make_safetensors(repo / "ti" / "learned_embeds.safetensors")
    (repo / "ti" / "nested").mkdir()
    (repo / "ti" / "nested" / "learned_embeds.bin").write_bytes(b"\x80\x04pickle")
    (repo / "disguised.safetensors").symlink_to(repo / "ti" / "nested" / "learned_embeds.bin")
    (repo / "ok").mkdir()
    make_safetensors(repo / "ok" / "model.safetensors")
    write_meta(repo, "ti.yaml", meta("ti", weights="ti", kind="textual_inversion"))
    write_meta(repo, "disguised.yaml", meta("disguised", weights="disguised.safetensors"))
    write_meta(repo, "ckpt.yaml", meta("ckpt", weights="model.CKPT"))
    write_meta(repo, "ok.yaml", meta("ok", weights="ok"))
    loaded = load_repository(repo)
    got = {r.file: r.reason for r in loaded.refused}
    assert list(loaded.checkpoints) == ["ok"]
    assert got["ti.yaml"].startswith("field 'weights': folder 'ti' holds the pickle file 'nested/learned_embeds.bin'")
    assert "pickle checkpoints can run arbitrary code" in got["disguised.yaml"]
    assert "pickle checkpoints can run arbitrary code" in got["ckpt.yaml"]


def test_pickle_dropped_into_a_folder_after_loading_is_refused_at_use(layout):
    from repo_store.loader import WeightsError, verify_weights

    repo, _ = layout
    (repo / "ok").mkdir()
    make_safetensors(repo / "ok" / "model.safetensors")
    write_meta(repo, "ok.yaml", meta("ok", weights="ok"))
    ckpt = load_repository(repo).checkpoints["ok"]
    (repo / "ok" / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(WeightsError, match="holds the pickle file 'pytorch_model.bin'"):
        verify_weights(ckpt)


def test_thumbnail_outside_is_not_used_and_the_warning_does_not_say_if_it_exists(layout):
    repo, outside = layout
    (repo / "pic.png").symlink_to(outside / "secret.png")
    write_meta(repo, "a.yaml", meta("a", thumbnail="../outside/secret.png"))
    write_meta(repo, "b.yaml", meta("b", thumbnail="../outside/nothing.png"))
    write_meta(repo, "c.yaml", meta("c", thumbnail="pic.png"))
    loaded = load_repository(repo)
    assert all(c.thumbnail is None for c in loaded.checkpoints.values())
    warned = {w.file: w.reason for w in loaded.warnings}
    for name, path in (("a", "../outside/secret.png"), ("b", "../outside/nothing.png"), ("c", "pic.png")):
        assert warned[f"{name}.yaml"] == (f"field 'thumbnail': bad value {path!r} (the path leads outside the "
                                          "repository folder); shown with a placeholder")


def test_truncated_safetensors_have_their_own_messages(tmp_path, capsys):
    data = make_safetensors(tmp_path / "whole.safetensors", tensors=4, floats=256)
    (tmp_path / "half.safetensors").write_bytes(data[: len(data) // 2 + 200])
    header_len = int.from_bytes(data[:8], "little")
    (tmp_path / "claims.safetensors").write_bytes(data[:8] + data[8:8 + header_len // 2])
    with pytest.raises(ValueError, match=r"'half.safetensors' is truncated: its header lists \d+ bytes of tensors "
                                         r"but the file has \d+; copy the file again"):
        read_safetensors_header(tmp_path / "half.safetensors")
    with pytest.raises(ValueError, match=rf"'claims.safetensors': the header claims {header_len} bytes but the file "
                                         rf"has only {header_len // 2} after the length field"):
        read_safetensors_header(tmp_path / "claims.safetensors")
    assert read_safetensors_header(tmp_path / "whole.safetensors")
    for name in ("half", "claims", "whole"):
        write_meta(tmp_path, f"{name}.yaml", meta(name, weights=f"{name}.safetensors", kind="lora"))
    assert main(["repo", "check", str(tmp_path)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "is truncated: its header lists" in out and "the header claims" in out
    assert "does not fit" not in out


def test_repo_check_prints_the_id_pattern_as_written(tmp_path, capsys):
    write_meta(tmp_path, "bad.yaml", meta("Bad Id"))
    assert main(["repo", "check", str(tmp_path)]) == 1
    out = "".join(capsys.readouterr().out.split())
    assert "[a-z0-9][a-z0-9._-]*$" in out


def test_a_duplicate_id_stays_with_the_file_already_indexed(tmp_path, embedder):
    repo = tmp_path / "repo"
    write_meta(repo, "zebra.yaml", meta("dup", description="The original, indexed first."))
    store = Repository.open(repo, tmp_path / "home", embedder)
    assert store.checkpoints["dup"].description == "The original, indexed first."
    write_meta(repo, "aardvark.yaml", meta("dup", description="A newcomer that sorts first."))
    store.reload()
    assert store.checkpoints["dup"].description == "The original, indexed first."
    [refusal] = store.loaded.refused
    assert refusal.file == "aardvark.yaml"
    assert refusal.reason == ("duplicate id 'dup': already indexed from zebra.yaml, which keeps it; ids must be "
                              "unique, give aardvark.yaml another id")
    # a fresh open (a restart) keeps the same owner
    again = Repository.open(repo, tmp_path / "home", embedder)
    assert again.checkpoints["dup"].source == os.fspath((repo / "zebra.yaml").resolve())
