"""`python app.py select` exactly as the contract in docs/architecture.md states it: JSON lines only on stdout."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs app.py in child processes

KEYS = ["status", "checkpoint", "candidates", "question", "prompt"]


def _select(args, home, timeout=300):
    env = {**os.environ, "PERSONALQ_HOME": str(home)}
    env.pop("GOOGLE_API_KEY", None)
    return subprocess.run([sys.executable, str(ROOT / "app.py"), "select", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_single_query_with_answer_resumes_and_prints_one_json_line(repo_dir, tmp_path):
    done = _select(["--repo", str(repo_dir), "--now", "2025-05-14", "--answer", "the labrador",
                    "my dog on the beach"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert list(result) == KEYS
    assert result == {"status": "selected", "checkpoint": "dog-shadow-v2", "candidates": result["candidates"],
                      "question": None, "prompt": "<shadow-v2> on the beach"}


def test_batch_prints_one_line_per_input_in_order(repo_dir, tmp_path):
    batch = tmp_path / "queries.jsonl"
    rows = [
        {"query": "paint my dog from last week on a beach", "answer": None},
        {"query": "my dog on the beach", "answer": None},
        {"query": "my dog on the beach", "answer": "the corgi, anime"},
        {"query": "paint my hamster", "answer": None},
        {"query": "", "answer": None},
    ]
    batch.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    done = _select(["--repo", str(repo_dir), "--now", "2025-05-14", "--batch", str(batch)], tmp_path)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [list(r) for r in results] == [KEYS] * 6
    assert [r["status"] for r in results] == ["selected", "clarify", "selected", "no_match", "no_match", "no_match"]
    assert results[0]["checkpoint"] == "dog-biscuit-v3"
    assert "Biscuit" in results[1]["question"] and results[1]["prompt"] is None
    assert results[2]["checkpoint"] == "dog-biscuit-anime-v1"
    assert "empty" in done.stderr and "not json" not in done.stdout
