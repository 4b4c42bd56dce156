"""AppConfig: every setting PersonalQ reads, with its default and its PERSONALQ_* variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class AppConfig:
    home: Path = Path("data")  # PERSONALQ_HOME: chroma index, SQLite files, caches
    repo: Path | None = None  # PERSONALQ_REPO: the repository folder served; None = the bundled minisd/demo_repo
    base_model: str = str(ROOT / "minisd" / "weights" / "base")  # PERSONALQ_BASE_MODEL: diffusers folder, FILE.safetensors::CONFIG_DIR, or hub id (online only)
    embed_model: str = "all-MiniLM-L6-v2"  # PERSONALQ_EMBED_MODEL: packaged MiniLM unless a local folder is named
    memory_budget_mb: int = 4096  # PERSONALQ_MEMORY_BUDGET_MB: quantized-model cache budget
    google_api_key: str | None = None  # GOOGLE_API_KEY: enables the Gemini reasoner; none = offline reasoner

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppConfig:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for f in fields(cls):
            key = "GOOGLE_API_KEY" if f.name == "google_api_key" else f"PERSONALQ_{f.name.upper()}"
            raw = env.get(key)
            if raw in (None, ""):
                continue
            if f.name in ("home", "repo"):
                values[f.name] = Path(raw).expanduser()
            elif f.name == "memory_budget_mb":
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{key}={raw!r} is not a whole number of megabytes") from None
            else:
                values[f.name] = raw
        return cls(**values)
