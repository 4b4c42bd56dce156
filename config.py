"""AppConfig: every setting PersonalQ reads, with its default and its PERSONALQ_* variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# settings whose variable is not PERSONALQ_<NAME>
_OTHER_NAMES = {"google_api_key": "GOOGLE_API_KEY", "ray_address": "RAY_ADDRESS"}


@dataclass(frozen=True)
class AppConfig:
    home: Path = Path("data")  # PERSONALQ_HOME: chroma index, SQLite files, caches
    repo: Path | None = None  # PERSONALQ_REPO: the repository folder served; None = the bundled minisd/demo_repo
    base_model: str = str(ROOT / "minisd" / "weights" / "base")  # PERSONALQ_BASE_MODEL: diffusers folder, FILE.safetensors::CONFIG_DIR, or hub id (online only)
    embed_model: str = "all-MiniLM-L6-v2"  # PERSONALQ_EMBED_MODEL: packaged MiniLM unless a local folder is named
    memory_budget_mb: int = 4096  # PERSONALQ_MEMORY_BUDGET_MB: quantized-model cache budget
    google_api_key: str | None = None  # GOOGLE_API_KEY: enables the Gemini reasoner; none = offline reasoner
    # shared state in real servers (unset: SQLite files and the chroma folder under home)
    database_url: str | None = None  # PERSONALQ_DATABASE_URL: postgresql://... for LangGraph threads and votes
    chroma_url: str | None = None  # PERSONALQ_CHROMA_URL: http://host:port of a `chroma run` server for the index
    # `serve --ray`
    ray_address: str | None = None  # RAY_ADDRESS: join this cluster; unset = start a local one
    ray_num_cpus: int = 4  # PERSONALQ_RAY_NUM_CPUS: CPUs of the local cluster
    ray_checkin_replicas: int = 2  # PERSONALQ_RAY_CHECKIN_REPLICAS
    ray_generation_replicas: int = 1  # PERSONALQ_RAY_GENERATION_REPLICAS
    ray_models_per_replica: int = 4  # PERSONALQ_RAY_MODELS_PER_REPLICA: checkpoints a generation replica keeps loaded
    ray_replica_memory_mb: int = 2048  # PERSONALQ_RAY_REPLICA_MEMORY_MB: UNet memory budget of one generation replica

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppConfig:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for f in fields(cls):
            key = _OTHER_NAMES.get(f.name, f"PERSONALQ_{f.name.upper()}")
            raw = env.get(key)
            if raw in (None, ""):
                continue
            if f.name in ("home", "repo"):
                values[f.name] = Path(raw).expanduser()
            elif f.type == "int":
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{key}={raw!r} is not a whole number") from None
                if values[f.name] < 1:
                    raise ValueError(f"{key}={raw!r} must be at least 1")
            else:
                values[f.name] = raw
        return cls(**values)
