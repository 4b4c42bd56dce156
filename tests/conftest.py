"""Shared fixtures: the real packaged MiniLM embedder (loaded once), metadata writers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from repo_store import load_embedder

    return load_embedder(device="cpu")


def meta(checkpoint_id: str, **fields: Any) -> dict[str, Any]:
    """A valid metadata dict for `checkpoint_id`, with overrides (None removes a field)."""
    record = {
        "id": checkpoint_id,
        "triggers": [f"<{checkpoint_id}>"],
        "subjects": ["dog"],
        "description": f"A test checkpoint called {checkpoint_id}.",
        "created_at": "2025-04-11",
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def write_meta(folder: Path, filename: str, record: dict[str, Any] | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    text = record if isinstance(record, str) else yaml.safe_dump(record, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def write_records(folder: Path, records: list[dict[str, Any]]) -> Path:
    """One `<id>.yaml` per record in `folder`; returns the folder."""
    for record in records:
        write_meta(folder, f"{record['id']}.yaml", record)
    return folder


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway Postgres for the session; skipped with the reason where it cannot start."""
    import shutil
    import tempfile

    from tests.servers import PostgresServer, Unavailable

    folder = Path(tempfile.mkdtemp(prefix="personalq-pg-"))  # not under pytest's root-only tmp: the server user reads it
    server = PostgresServer(folder)
    try:
        server.start()
    except (Unavailable, OSError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"Postgres cannot start here: {err}")
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def state_backend(request, tmp_path):
    """Where shared state goes: None (the embedded SQLite default) or the URL of a fresh Postgres database."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture(scope="session")
def chroma_server():
    """`chroma run` on a free port for the session; skipped with the reason where it cannot start."""
    import shutil
    import tempfile

    from tests.servers import ChromaServer, Unavailable

    folder = Path(tempfile.mkdtemp(prefix="personalq-chroma-"))
    try:
        server = ChromaServer(folder).start()
    except (Unavailable, OSError) as err:
        pytest.skip(f"the chroma server cannot start here: {err}")
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--ray", action="store_true",
                     help="run the web-app tests against `serve --ray` (a local Ray cluster, 2 CPUs) instead of in process")


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when the browser test did not run, and why (a skip is easy to miss in the summary)."""
    for report in terminalreporter.stats.get("skipped", []):
        if "browser" in report.keywords:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            terminalreporter.write_line(f"THE BROWSER TEST DID NOT RUN: {reason.removeprefix('Skipped: ')}",
                                        yellow=True, bold=True)
