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
VARIABLES = {"google_api_key": "GOOGLE_API_KEY", "hub_offline": "HF_HUB_OFFLINE", "ray_address": "RAY_ADDRESS"}


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
    # shared state in real servers (unset: SQLite files and the chroma folder under home)
    database_url: str | None = None  # postgresql://... for LangGraph threads and votes
    chroma_url: str | None = None  # http://host:port of a `chroma run` server for the index
    # `serve --ray` (docs/scale-out.md)
    ray_address: str | None = None  # join this Ray cluster; unset = start a local one
    ray_num_cpus: int = 4  # CPUs of the local cluster
    ray_checkin_replicas: int = 2  # Check-in deployment replicas
    ray_generation_replicas: int = 1  # generation deployment replicas
    ray_models_per_replica: int = 4  # checkpoints a generation replica keeps loaded (Ray Serve's multiplexing LRU)
    ray_replica_memory_mb: int = 2048  # UNet memory budget of one generation replica
    max_upload_mb: int = 2048  # largest upload the web app receives (cut off while it is received)
    auth: str | None = None  # "user:password[,user:password]": the web app's login; required beyond localhost

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

    def auth_pairs(self) -> list[tuple[str, str]]:
        return parse_auth(self.auth)


def parse_auth(raw: str | None) -> list[tuple[str, str]]:
    """`"ann:pw1,bob:pw2"` → [("ann", "pw1"), ("bob", "pw2")]; the value itself is never echoed."""
    if not raw:
        return []
    pairs = []
    for item in raw.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise ConfigError("PERSONALQ_AUTH must be user:password pairs separated by commas (e.g. ann:s3cret)")
        pairs.append((user, password))
    return pairs


def _parse(name: str, key: str, raw: str) -> object:
    default = AppConfig.__dataclass_fields__[name].default
    if name in ("home", "repo"):
        return Path(raw).expanduser()
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes")
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{key}={raw!r} is not a whole number") from None
        if name == "max_upload_mb" and value <= 0:
            raise ConfigError(f"{key}={raw!r} must be a positive number of megabytes")
        return value
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{key}={raw!r} is not a number") from None
    if name == "auth":
        parse_auth(raw)  # a malformed value is refused at start, not at the first login
    return raw
