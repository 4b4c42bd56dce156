"""`python app.py bench index`: cold index build, incremental re-index, retrieval latency.

Works on a copy of the repository in a temporary folder (your files and your
index are never touched), with a fresh chroma home, so every run is cold.
"""
from __future__ import annotations

import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from bench.stats import p50_p95
from repo_store import CheckpointIndex, HybridRetriever, load_embedder, load_repository, open_client
from repo_store.schema import Checkpoint
from repo_store.synth import synth_records, write_repository


def bench_queries(checkpoints: list[Checkpoint], n: int, seed: int = 0) -> list[str]:
    """Realistic retrieval queries built from the records: subjects, names, styles, triggers."""
    rng = random.Random(seed)
    scenes = ["on the beach", "in the snow", "at sunset", "in a park", "on a city street", "by the lake"]
    forms = [
        lambda c: f"my {rng.choice(c.subjects)} {rng.choice(scenes)}",
        lambda c: f"{c.name} {rng.choice(scenes)}",
        lambda c: f"a {rng.choice(c.styles or ('photo',))} of the {c.subjects[0]}",
        lambda c: f"{c.trigger} {rng.choice(scenes)}",
        lambda c: f"{c.name} v{c.version or 1}",
        lambda c: f"the {rng.choice(c.subjects)}: {_first_clause(c.description)}",
    ]
    return [rng.choice(forms)(rng.choice(checkpoints)) for _ in range(n)]


def _first_clause(description: str) -> str:
    """'Biscuit, a tan corgi with a red collar. Fine-tuned…' → 'a tan corgi with a red collar'."""
    sentence = description.split(".")[0]
    return sentence.split(",", 1)[1].strip() if "," in sentence else sentence


def _touch(files: list[Path]) -> None:
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["description"] = data["description"] + " Retouched."
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def run_index_bench(repo: str | None, embed_model: str, queries: int = 200, changed: int = 10,
                    versions: int = 50, seed: int = 0) -> dict[str, float]:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="pq-bench-") as tmp:
        work = Path(tmp) / "repo"
        if repo:
            shutil.copytree(repo, work)
            source = str(Path(repo).resolve())
        else:
            write_repository(work, synth_records(20, versions, seed))
            source = f"synthetic, 20 categories × {versions} versions, seed {seed}"

        t = time.perf_counter()
        embedder = load_embedder(embed_model)
        load_model_s = time.perf_counter() - t

        t = time.perf_counter()
        loaded = load_repository(work)
        load_yaml_s = time.perf_counter() - t
        n = len(loaded.checkpoints)
        if n == 0:
            raise ValueError(f"{source}: no checkpoints loaded; nothing to benchmark")

        index = CheckpointIndex(open_client(Path(tmp) / "home"), work, embedder)
        cold = index.sync(loaded, progress=True)

        files = sorted(work.glob("*.yaml"))
        _touch(random.Random(seed).sample(files, min(changed, len(files))))
        t = time.perf_counter()
        incremental = index.sync(load_repository(work))
        incremental_s = time.perf_counter() - t

        t = time.perf_counter()
        retriever = HybridRetriever(index)
        retriever_s = time.perf_counter() - t

        records = list(loaded.checkpoints.values())
        asked = bench_queries(records, queries, seed)
        for q in asked[:5]:  # warm-up
            retriever.retrieve(q, k=10)
        plain, filtered = [], []
        for q in asked:
            t = time.perf_counter()
            retriever.retrieve(q, k=10)
            plain.append((time.perf_counter() - t) * 1000)
        years = sorted({c.created_at.year for c in records})
        for i, q in enumerate(asked):
            t = time.perf_counter()
            retriever.retrieve(q, k=10, where={"created_year": years[i % len(years)]})
            filtered.append((time.perf_counter() - t) * 1000)
        trigger_hits = records[:100]
        trigger_top1 = sum(retriever.retrieve(f"{c.trigger} on a beach", k=1)[0].checkpoint_id == c.id
                           for c in trigger_hits) / len(trigger_hits)

    p50, p95 = p50_p95(plain)
    fp50, fp95 = p50_p95(filtered)
    results = {
        "checkpoints": n, "load_model_s": load_model_s, "load_yaml_s": load_yaml_s,
        "cold_build_s": cold.seconds, "cold_records_per_s": n / cold.seconds,
        "incremental_s": incremental_s, "incremental_embedded": incremental.embedded,
        "retriever_build_s": retriever_s, "p50_ms": p50, "p95_ms": p95,
        "filtered_p50_ms": fp50, "filtered_p95_ms": fp95, "trigger_top1": trigger_top1,
    }
    rows = [
        ("repository", source),
        ("checkpoints", f"{n}"),
        ("embedding model", f"{embedder.name} (load {load_model_s:.1f} s)"),
        ("YAML load + validation", f"{load_yaml_s:.2f} s"),
        ("cold index build", f"{cold.seconds:.1f} s  ({n / cold.seconds:.0f} records/s)"),
        (f"incremental re-index, {changed} changed", f"{incremental_s:.2f} s  ({incremental.embedded} re-embedded, "
                                                     f"{incremental.unchanged} unchanged)"),
        ("retriever build (BM25 over snapshot)", f"{retriever_s:.2f} s"),
        (f"retrieval latency, {queries} queries, k=10", f"p50 {p50:.1f} ms   p95 {p95:.1f} ms"),
        ("  with a where pre-filter (created_year)", f"p50 {fp50:.1f} ms   p95 {fp95:.1f} ms"),
        ("exact trigger query → top-1", f"{trigger_top1:.0%} of {len(trigger_hits)}"),
        ("machine", f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"),
    ]
    table = Table(title="bench index")
    table.add_column("measure")
    table.add_column("value")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return results
