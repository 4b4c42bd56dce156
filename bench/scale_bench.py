"""`python app.py bench checkin-scale`: Check-in alone on REPO-PROMPTS at one repository size.

    python app.py bench checkin-scale --size 100000 --prompts 100 --home DIR   # p95 at 100,000
    python app.py bench checkin-scale --size 1000 --prompts 500 --profile                # REPO-PROMPTS + where time goes

The synthetic repository (20 categories × size/20 versions) and its chroma index are kept under
`--home`, so a second run at the same size only loads them. Prints the share of requests handled
right (first turn, then a simulated user answering questions), first-turn p50/p95, and with
`--profile` the functions that take the most time across all first turns.

`--embedder hashing` indexes with `HashingEmbedder` (feature hashing of words into MiniLM's 384
dimensions) instead of MiniLM: the same chroma/HNSW and BM25 work per request, but a 100,000-record
index builds in minutes on a CPU instead of hours. Query embedding then costs nothing, so add
MiniLM's per-query encoding (printed by `bench index`) when reading those latencies.
"""
from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import tempfile
import time
import re
import zlib
from pathlib import Path

import numpy as np

WIDTH = 384  # all-MiniLM-L6-v2's width, so chroma's HNSW does the same work


class HashingEmbedder:
    """Words hashed into WIDTH signed buckets, L2-normalized: a fast stand-in for timing the index."""

    name = "hashing-384"

    def _vector(self, text: str) -> list[float]:
        v = np.zeros(WIDTH, dtype=np.float32)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            h = zlib.crc32(word.encode())
            v[h % WIDTH] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        return (v / norm if norm else v).tolist()

    def embed_documents(self, texts, progress: bool = False) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def run_reasoning_only(size: int, prompts: int, home: str | None = None, seed: int = 0) -> dict[str, float]:
    """Parse + decide alone (no index, no retrieval, no threads): what grows with the repository in Check-in's
    own code. The synthetic repository's YAML files are kept under `home` between runs."""
    from datetime import date

    from agent.intent import parse_intent
    from agent.reasoner import Reasoner
    from agent.vocab import Vocabulary
    from bench.stats import p50_p95
    from evaluation.repo_prompts import repo_prompts
    from repo_store.loader import load_repository
    from repo_store.synth import synth_records, write_repository

    folder = Path(home or tempfile.mkdtemp(prefix="pq-scale-")) / f"repo-{size}"
    if not folder.is_dir():
        write_repository(folder, synth_records(20, max(1, size // 20), seed))
    records = load_repository(folder).checkpoints
    start = time.perf_counter()
    vocab = Vocabulary.build(records)
    reasoner = Reasoner(records, vocab)
    built = time.perf_counter() - start
    instances = repo_prompts(records, prompts, seed + 1)
    latencies, right = [], 0
    for n, inst in enumerate([instances[0]] + instances):  # the first one warms caches and is not counted
        start = time.perf_counter()
        decision = reasoner.decide(parse_intent(inst.query, date.fromisoformat(inst.now), vocab), [])
        latencies.append((time.perf_counter() - start) * 1000)
        truth = inst.ground_truth
        expected = "no_match" if truth["no_match"] else "clarify" if truth["requires_clarification"] else "selected"
        right += n > 0 and decision.status == expected and (expected != "selected" or
                                                            decision.checkpoint == truth["checkpoint_id"])
    p50, p95 = p50_p95(latencies[1:])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(records):,} checkpoints: vocabulary + reasoner built in {built:.1f} s; parse + decide over "
          f"{len(instances)} REPO-PROMPTS requests: first turn right {right}/{len(instances)}, "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (load {load:.1f})")
    return {"size": len(records), "p50_ms": p50, "p95_ms": p95, "right": right}


def run_scale_bench(size: int, prompts: int, embed_model: str, home: str | None = None, seed: int = 0,
                    profile: bool = False, embedder: str = "minilm") -> dict[str, float]:
    from rich.console import Console

    from evaluation.repo_prompts import repo_prompts
    from bench.selection_eval import open_synthetic, scaling_point

    console = Console(width=140)
    with tempfile.TemporaryDirectory(prefix="pq-scale-") as tmp:
        folder = Path(home) if home else Path(tmp)
        start = time.perf_counter()
        if embedder == "hashing":
            from repo_store import Repository
            from repo_store.synth import synth_records, write_repository

            repo = folder / f"repo-{size}"
            if not repo.is_dir():
                write_repository(repo, synth_records(20, max(1, size // 20), seed))
            store = Repository.open(repo, folder / f"home-{size}-hashing", HashingEmbedder(), progress=True)
        else:
            store = open_synthetic(size, folder, embed_model, seed, progress=True)
        console.print(f"repository of {len(store.checkpoints):,} checkpoints ready in {time.perf_counter() - start:.0f} s")
        instances = repo_prompts(store.checkpoints, prompts, seed + 1)
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        point = scaling_point(store, instances)
        if profiler:
            profiler.disable()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    console.print(f"{point['size']:,} checkpoints ({embedder} index), {point['queries']} REPO-PROMPTS requests: handled right "
                  f"{point['accuracy']:.1%}; first turn p50 {point['p50_ms']:.1f} ms, p95 {point['p95_ms']:.1f} ms "
                  f"({platform.machine()}, {os.cpu_count()} CPUs, load {load:.1f})")
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(20)
        console.print(text.getvalue(), markup=False, highlight=False)
    return point
