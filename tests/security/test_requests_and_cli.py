"""Extreme numbers in a request are constraints nothing meets; `generate` checks --out and --seed first; uploads."""
from __future__ import annotations

from datetime import date

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.graph import build_graph
from agent.timeexpr import find_time
from app import main
from repo_store.upload import add_checkpoint
from tests.agent.conftest import NOW
from tests.conftest import meta
from tests.security.conftest import make_safetensors

EXTREME = [
    ("paint my dog from 99999999 days ago", NOW),
    ("my corgi trained 10000 years ago", NOW),
    ("the teddy bear v99999999999999999999999", NOW),
    ("my dog from last week", date(1, 1, 1)),
    ("my dog from last year", date(1, 1, 1)),
    ("the corgi from 999999999999 weeks ago", NOW),
    ("the corgi from 99999 months ago", date(9999, 12, 31)),
]


@pytest.mark.parametrize(("request_text", "now"), EXTREME)
def test_extreme_numbers_are_constraints_nothing_meets(repository, request_text, now):
    checkin = CheckIn(build_graph(InMemorySaver(), repository))
    turn = checkin.ask(request_text, "t", now)
    assert turn.status == "no_match" and turn.checkpoint is None


def test_an_out_of_range_window_contains_no_day():
    window = find_time("from 99999999 days ago", "from 99999999 days ago", NOW)
    assert window is not None
    assert not any(window.contains(d) for d in (date.min, NOW, date.max))


def test_generate_checks_out_before_generating(tmp_path, monkeypatch, capsys):
    from serve.generate import Generator

    def never(*args, **kwargs):
        raise AssertionError("generated before --out was checked")

    monkeypatch.setattr(Generator, "generate", never)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for out, expected in ((tmp_path / "image.txt", ".txt is not an image type"),
                          (tmp_path, "is a folder"),
                          (blocker / "sub" / "image.png", "cannot create the folder")):
        assert main(["generate", "--prompt", "a dog", "--steps", "1", "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: --out {str(out)!r}") and expected in err[0]


@pytest.mark.parametrize("seed", ["-1", "4294967296", "99999999999999999999999"])
def test_out_of_range_seeds_are_refused_with_one_line(tmp_path, capsys, seed):
    code = main(["generate", "--prompt", "a dog", "--steps", "1", "--seed", seed, "--out", str(tmp_path / "i.png")])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: seed {int(seed)} is out of range; use 0 to 4294967295"]
    assert not (tmp_path / "i.png").exists()


def test_an_upload_is_stored_once_and_over_the_limit_refused(tmp_path):
    from repo_store.upload import UploadError

    upload = tmp_path / "upload"
    upload.mkdir()
    source = upload / "weights.safetensors"
    data = make_safetensors(source, tensors=2, floats=4096)
    repo = tmp_path / "repo"
    repo.mkdir()
    refusal = r"weights.safetensors is 32.\d KB; the limit is 1.0 KB \(PERSONALQ_MAX_UPLOAD_MB\)"
    with pytest.raises(UploadError, match=refusal):
        add_checkpoint(repo, meta("small"), source, max_bytes=1024)
    assert sorted(p.name for p in repo.iterdir()) == []
    ckpt = add_checkpoint(repo, meta("moved"), source, move=True)
    assert not source.exists()  # moved out of the upload folder, not copied: one copy on disk
    assert (repo / "moved.safetensors").read_bytes() == data and ckpt.weights == str(repo / "moved.safetensors")


def test_login_and_upload_settings_are_read_and_checked():
    from config import AppConfig, parse_auth
    from errors import ConfigError

    cfg = AppConfig.from_env({"PERSONALQ_AUTH": "ann:s3cret,bob:pw", "PERSONALQ_MAX_UPLOAD_MB": "512"})
    assert (cfg.max_upload_mb, parse_auth(cfg.auth)) == (512, [("ann", "s3cret"), ("bob", "pw")])
    assert AppConfig().max_upload_mb == 2048 and parse_auth(AppConfig().auth) == []
    with pytest.raises(ConfigError) as refused:
        AppConfig.from_env({"PERSONALQ_AUTH": "ann-without-password-hunter2"})
    assert "user:password" in str(refused.value) and "hunter2" not in str(refused.value)
    with pytest.raises(ConfigError, match="must be a positive number of megabytes"):
        AppConfig.from_env({"PERSONALQ_MAX_UPLOAD_MB": "0"})
