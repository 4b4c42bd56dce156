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
    max_upload_mb: int = 2048  # PERSONALQ_MAX_UPLOAD_MB: largest upload the web app receives (enforced while receiving)
    auth: str | None = None  # PERSONALQ_AUTH: "user:password[,user:password]"; required when serving beyond localhost

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
            elif f.name in ("memory_budget_mb", "max_upload_mb"):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{key}={raw!r} is not a whole number of megabytes") from None
                if values[f.name] <= 0:
                    raise ValueError(f"{key}={raw!r} must be a positive number of megabytes")
            elif f.name == "auth":
                values[f.name] = raw
                parse_auth(raw)  # a malformed value is refused at start, not at the first login
            else:
                values[f.name] = raw
        return cls(**values)


def parse_auth(raw: str | None) -> list[tuple[str, str]]:
    """`"ann:pw1,bob:pw2"` → [("ann", "pw1"), ("bob", "pw2")]; the value itself is never echoed."""
    if not raw:
        return []
    pairs = []
    for item in raw.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise ValueError("PERSONALQ_AUTH must be user:password pairs separated by commas (e.g. ann:s3cret)")
        pairs.append((user, password))
    return pairs
