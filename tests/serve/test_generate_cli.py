"""`python app.py generate`: a PNG on success, one readable line on every refusal."""
from __future__ import annotations

import re

import pytest
from PIL import Image

import app
from tests.conftest import meta, write_meta
from tests.serve.conftest import add_checkpoint, lora_tensors

pytestmark = pytest.mark.slow  # images drawn and calibrated through the CLI


@pytest.fixture()
def repo(tmp_path, tiny_base, monkeypatch):
    monkeypatch.setenv("PERSONALQ_BASE_MODEL", str(tiny_base))
    monkeypatch.setenv("PERSONALQ_HOME", str(tmp_path / "home"))
    folder = tmp_path / "repo"
    add_checkpoint(folder, "pet-v1", "lora", lora_tensors(tiny_base))
    (folder / "old-v1.ckpt").write_bytes(b"\x80\x04pickle")
    write_meta(folder, "old-v1.yaml", meta("old-v1", kind="dreambooth", weights="old-v1.ckpt"))
    return folder


def run(*argv: str) -> int:
    return app.main(["generate", *argv])


def test_writes_an_image(repo, tmp_path, capsys):
    out = tmp_path / "out" / "pet.png"
    assert run("--repo", str(repo), "--checkpoint", "pet-v1", "--prompt", "a <pet-v1> dog", "--steps", "2",
               "--out", str(out)) == 0
    assert Image.open(out).size == (16, 16)
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (("--checkpoint", "nope-v9", "--prompt", "a dog"), "no checkpoint 'nope-v9'"),
    (("--checkpoint", "old-v1", "--prompt", "a dog"), "pickle"),
    (("--checkpoint", "pet-v1", "--prompt", "   "), "prompt is empty"),
    (("--checkpoint", "pet-v1", "--prompt", "a dog", "--steps", "0"), "steps 0 is out of range"),
    (("--checkpoint", "pet-v1", "--prompt", "a dog", "--bits", "w3a3"), "bits 'w3a3' is unknown"),
    (("--checkpoint", "pet-v1", "--prompt", "a dog", "--bits", "w8a8", "--protect", "all"), "protect 'all' is unknown"),
    (("--prompt", "a dog", "--bits", "w8a4", "--kv-granularity", "column"), "kv_granularity='column' is unknown"),
    (("--prompt", "a dog", "--bits", "w8a4", "--act-scope", "everywhere"), "act_scope='everywhere' is unknown"),
    (("--prompt", "a dog", "--bits", "w8a4", "--timestep-groups", "0"), "timestep_groups=0 is out of range"),
])
def test_refusals_are_one_clear_line(repo, tmp_path, capsys, argv, message):
    assert run("--repo", str(repo), *argv, "--out", str(tmp_path / "x.png")) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_missing_trigger_is_noted(repo, tmp_path, capsys):
    assert run("--repo", str(repo), "--checkpoint", "pet-v1", "--prompt", "a dog", "--steps", "1",
               "--out", str(tmp_path / "y.png")) == 0
    assert "does not contain the trigger <pet-v1>" in capsys.readouterr().err


def test_quantized_image_and_the_cached_second_run(repo, tmp_path, capsys):
    argv = ("--repo", str(repo), "--checkpoint", "pet-v1", "--prompt", "a <pet-v1> dog", "--steps", "2",
            "--bits", "w8a8", "--protect", "trigger")
    assert run(*argv, "--out", str(tmp_path / "q1.png")) == 0
    first = capsys.readouterr().err
    assert re.search(r"w8a8-\S*-trigger, \S.*, calibrated in", first)  # the setting's name, kernels, dtype
    assert run(*argv, "--out", str(tmp_path / "q2.png")) == 0
    second = capsys.readouterr().err
    assert re.search(r"w8a8-\S*-trigger, .*pet-v1", second) and "calibrated" not in second  # ranges came from disk
    assert Image.open(tmp_path / "q1.png").tobytes() == Image.open(tmp_path / "q2.png").tobytes()


def test_sensitivity_table_and_chart(repo, tmp_path, capsys):
    out = tmp_path / "sens.png"
    assert app.main(["taq", "sensitivity", "--repo", str(repo), "--checkpoint", "pet-v1", "--steps", "2",
                     "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "trigger mean" in table and "other mean" in table and "rex" not in table
    assert "│ yes" in table  # the trigger's sub-tokens are marked
    assert Image.open(out).size[0] > 400


def test_sensitivity_of_an_unknown_checkpoint_is_one_line(repo, tmp_path, capsys):
    assert app.main(["taq", "sensitivity", "--repo", str(repo), "--checkpoint", "nope", "--out",
                     str(tmp_path / "s.png")]) == 2
    err = capsys.readouterr().err
    assert "no checkpoint 'nope'" in err and "Traceback" not in err


@pytest.mark.parametrize("flags, name", [
    ((), "w8a8-xattn-attn1float-uniform-kvtensor-prow-intensor-trigger"),  # the defaults the README recommends
    (("--bits", "w8a4", "--protect", "bos+trigger", "--kv-granularity", "prompt", "--act-scope", "cross-attention"),
     "w8a4-xattn-attn1float-uniform-kvprompt-prow-intensor-bos+trigger"),
    (("--bits", "w8a4", "--protect", "none", "--kv-granularity", "row", "--act-scope", "all", "--probs", "log2",
      "--timestep-groups", "2", "--self-attention", "quantized"), "w8a4-all-uniform-kvrow-plog2-intensor-none-t2"),
    (("--bits", "w8a4", "--protect", "bos", "--kv-granularity", "tensor", "--inputs", "token"),
     "w8a4-xattn-attn1float-uniform-kvtensor-prow-intoken-bos"),
])
def test_every_taq_flag_reaches_the_setting(repo, tmp_path, capsys, flags, name):
    argv = ("--repo", str(repo), "--checkpoint", "pet-v1", "--prompt", "a <pet-v1> dog", "--steps", "2")
    assert run(*argv, *(flags or ("--bits", "w8a8")), "--out", str(tmp_path / "f.png")) == 0
    assert f"{name}, " in capsys.readouterr().err
    assert Image.open(tmp_path / "f.png").size == (16, 16)
