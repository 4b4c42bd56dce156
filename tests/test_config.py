"""AppConfig reads every setting from the environment in one place; the CLI prints the project's own errors
as one line and lets anything else end the process with its traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import AppConfig
from errors import ConfigError, PersonalQError

ROOT = Path(__file__).resolve().parents[1]


def test_environment_overrides_each_default():
    cfg = AppConfig.from_env({"PERSONALQ_HOME": "~/pq", "PERSONALQ_STEPS": "12", "PERSONALQ_GUIDANCE": "7.5",
                              "PERSONALQ_MEMORY_BUDGET_MB": "512", "HF_HUB_OFFLINE": "1", "GOOGLE_API_KEY": "k",
                              "PERSONALQ_RERANKER_MODEL": "/models/ce", "PERSONALQ_REPO": ""})
    assert cfg == AppConfig(home=Path("~/pq").expanduser(), steps=12, guidance=7.5, memory_budget_mb=512,
                            hub_offline=True, google_api_key="k", reranker_model="/models/ce")
    assert AppConfig.from_env({}) == AppConfig()  # nothing set: the documented defaults
    assert AppConfig.variable("guidance") == "PERSONALQ_GUIDANCE" and AppConfig.variable("hub_offline") == "HF_HUB_OFFLINE"


@pytest.mark.parametrize("key, value, says", [("PERSONALQ_STEPS", "many", "PERSONALQ_STEPS='many' is not a whole number"),
                                              ("PERSONALQ_GUIDANCE", "high", "PERSONALQ_GUIDANCE='high' is not a number")])
def test_a_bad_value_names_the_variable(key, value, says):
    with pytest.raises(ConfigError, match=says):
        AppConfig.from_env({key: value})


def test_generation_defaults_come_from_the_config():
    from serve.generate import Settings
    from wiring import default_settings

    assert (Settings().steps, Settings().guidance) == (AppConfig.steps, AppConfig.guidance)
    chosen = default_settings(AppConfig(steps=9, guidance=3.0), seed=4, guidance=None)
    assert (chosen.steps, chosen.guidance, chosen.seed) == (9, 3.0, 4)


def run_app(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)


@pytest.mark.slow  # runs app.py in a child process
def test_own_errors_are_one_line(tmp_path):
    done = run_app("repo", "check", str(tmp_path / "missing"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: repository folder {str(tmp_path / 'missing')!r} does not "
                                                "exist; pass a folder of checkpoint .yaml files"]


@pytest.mark.slow  # runs app.py in a child process
def test_a_bad_setting_is_one_line(tmp_path):
    done = run_app("repo", "check", str(tmp_path), env={"PATH": "/usr/bin:/bin", "PERSONALQ_MEMORY_BUDGET_MB": "lots"})
    assert (done.returncode, done.stderr) == (2, "error: PERSONALQ_MEMORY_BUDGET_MB='lots' is not a whole number\n")


def test_a_bug_keeps_its_traceback(monkeypatch, capsys):
    import app

    def broken(cfg, args):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(app, "cmd_repo_synth", broken)
    with pytest.raises(ZeroDivisionError):
        app.main(["repo", "synth", "--out", "x"])
    assert issubclass(ConfigError, PersonalQError) and issubclass(ConfigError, ValueError)
