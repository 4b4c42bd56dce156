"""Shared fixtures: the real packaged MiniLM embedder (loaded once), metadata writers."""
from __future__ import annotations

import os
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


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when the browser test did not run, and why (a skip is easy to miss in the summary)."""
    for report in terminalreporter.stats.get("skipped", []):
        if "browser" in report.keywords:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            terminalreporter.write_line(f"THE BROWSER TEST DID NOT RUN: {reason.removeprefix('Skipped: ')}",
                                        yellow=True, bold=True)
