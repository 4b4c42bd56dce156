"""`python app.py bench select`: Check-in accuracy and latency on REPO-PROMPTS requests.

Runs in-process through the real graph (SQLite threads, chroma index, MiniLM), one thread per
request, each with its own reference date; questions are answered by the simulated user. The
harness is `bench.selection_eval` (the same one `bench all` uses); this command prints its
selection targets as a table and can write every request and outcome to a JSONL file.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path

from agent.vocab import Vocabulary
from bench.selection_eval import (
    by_pattern,
    checkin_outcomes,
    checkin_over,
    selection_metrics,
)
from bench.stats import p50_p95
from evaluation.repo_prompts import SimulatedUser, repo_prompts
from repo_store import Repository, load_embedder
from repo_store.synth import synth_records, write_repository

TARGETS = {"clear_accuracy": "≥ 95%", "clarification_precision": "≥ 90%", "clarification_recall": "≥ 90%",
           "no_match_precision": "≥ 90%", "no_match_recall": "≥ 90%", "resolved_after_question": ""}


def run_select_bench(repo: str | None, embed_model: str, clear: int = 200, ambiguous: int = 60,
                     no_match: int = 60, seed: int = 0, out: str | None = None) -> dict[str, float]:
    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory(prefix="pq-select-") as tmp:
        if repo is None:
            repo = str(Path(tmp) / "repo")
            write_repository(repo, synth_records(20, 50, seed))
            source = f"synthetic, 20 categories × 50 versions, seed {seed}"
        else:
            source = str(Path(repo).resolve())
        store = Repository.open(repo, Path(tmp) / "home", load_embedder(embed_model), progress=True)
        instances = repo_prompts(store.checkpoints, seed=seed,
                                 counts={"clear": clear, "ambiguous": ambiguous, "no_match": no_match})
        checkin = checkin_over(store, Vocabulary.build(store.checkpoints, store.index.embedder))
        rows = checkin_outcomes(checkin, instances, SimulatedUser(store.checkpoints), "bench select")

    metrics = selection_metrics(rows)
    p50, p95 = p50_p95([r["latency_ms"] for r in rows])
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in ("clear", "ambiguous", "no_match")}
    table = Table(title=f"bench select: {len(rows)} requests on {len(store.checkpoints)} checkpoints")
    for col in ("measure", "value", "target"):
        table.add_column(col)
    table.add_row("repository", source, "")
    table.add_row("requests", f"{kinds['clear']} clear, {kinds['ambiguous']} ambiguous, {kinds['no_match']} no-match",
                  "≥ 300")
    for key, target in TARGETS.items():
        value = metrics[key]
        table.add_row(key.replace("_", " "), "n/a" if value != value else f"{value:.1%}", target)
    table.add_row("latency per request, first turn", f"p50 {p50:.1f} ms   p95 {p95:.1f} ms", "p50 ≤ 50 ms")
    table.add_row("judge", "ground truth from metadata (brute force), no LLM", "")
    table.add_row("machine", f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}", "")
    console = Console()
    console.print(table)
    console.print("errors by pattern: " + ", ".join(f"{p} {t - r}/{t}" for p, (r, t) in by_pattern(rows).items()))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        console.print(f"requests and outcomes written to {out}")
    return metrics | {"p50_ms": p50, "p95_ms": p95}
