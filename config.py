"""AppConfig: every setting PersonalQ reads, with its default and its environment variable.

This is the only module that reads the environment; everything else receives an AppConfig (or
the values it holds). The CLI, the web app and the benchmarks take their defaults from here.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from errors import ConfigError

ROOT = Path(__file__).resolve().parent

# field → environment variable, for the fields whose variable is not PERSONALQ_<FIELD>
VARIABLES = {"google_api_key": "GOOGLE_API_KEY", "hub_offline": "HF_HUB_OFFLINE"}


@dataclass(frozen=True)
class AppConfig:
    home: Path = Path("data")  # chroma index, SQLite files (threads, votes), caches
    repo: Path | None = None  # the repository folder served; None = the bundled minisd/demo_repo
    # a diffusers folder, FILE.safetensors::CONFIG_DIR, or a hub id (only when hub_offline is False)
    base_model: str = str(ROOT / "minisd" / "weights" / "base")
    embed_model: str = "all-MiniLM-L6-v2"  # the packaged MiniLM unless a local folder is named
    memory_budget_mb: int = 4096  # UNets held in memory at once (float, fine-tuned, quantized)
    steps: int = 25  # denoising steps when a request does not say
    guidance: float = 5.0  # classifier-free guidance scale when a request does not say (the mini model's setting)
    reranker_model: str | None = None  # a local cross-encoder folder for the reranker baseline (benchmarks)
    hub_offline: bool = False  # True: a hub id as base model is refused instead of downloaded
    google_api_key: str | None = None  # enables the Gemini reranker and LLM judge; None = the offline reasoner

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable that sets field `name`."""
        return VARIABLES.get(name, f"PERSONALQ_{name.upper()}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AppConfig:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            key = cls.variable(f.name)
            raw = env.get(key)
            if raw in (None, ""):
                continue
            values[f.name] = _parse(f.name, key, raw)
        return cls(**values)


def _parse(name: str, key: str, raw: str) -> object:
    default = AppConfig.__dataclass_fields__[name].default
    if name in ("home", "repo"):
        return Path(raw).expanduser()
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{key}={raw!r} is not a whole number") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{key}={raw!r} is not a number") from None
    return raw
