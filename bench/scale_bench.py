"""`python app.py bench scale`: Check-in alone on REPO-PROMPTS at one repository size.

    python app.py bench scale --size 100000 --prompts 100 --home /tmp/pq-scale   # p95 at 100,000
    python app.py bench scale --size 1000 --prompts 500 --profile                # REPO-PROMPTS + where time goes

The synthetic repository (20 categories × size/20 versions) and its chroma index are kept under
`--home`, so a second run at the same size only loads them. Prints the share of requests handled
right (first turn, then a simulated user answering questions), first-turn p50/p95, and with
`--profile` the functions that take the most time across all first turns.
"""
from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import tempfile
import time
from pathlib import Path


def run_scale_bench(size: int, prompts: int, embed_model: str, home: str | None = None, seed: int = 0,
                    profile: bool = False) -> dict[str, float]:
    from rich.console import Console

    from bench.repo_prompts import repo_prompts
    from bench.selection_eval import open_synthetic, scaling_point

    console = Console(width=140)
    with tempfile.TemporaryDirectory(prefix="pq-scale-") as tmp:
        folder = Path(home) if home else Path(tmp)
        start = time.perf_counter()
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
    console.print(f"{point['size']:,} checkpoints, {point['queries']} REPO-PROMPTS requests: handled right "
                  f"{point['accuracy']:.1%}; first turn p50 {point['p50_ms']:.1f} ms, p95 {point['p95_ms']:.1f} ms "
                  f"({platform.machine()}, {os.cpu_count()} CPUs, load {load:.1f})")
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(20)
        console.print(text.getvalue(), markup=False, highlight=False)
    return point
