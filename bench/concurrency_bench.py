"""`python app.py bench concurrency`: Check-in latency when many selections arrive at once.

The web app's path in-process: the demo repository (or `--repo`), its chroma index, MiniLM,
SQLite threads. First `--serial` requests one at a time (the baseline), then `--rounds` rounds of
`--concurrent` requests released together by a barrier, each on its own thread and its own
LangGraph thread id. Prints p50/p95 per mode, where the time went (embedding, chroma, SQLite,
the rest), this process's CPU time per request, and the machine's load average at the start and the end.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from evaluation.queries import QueryBuilder
from bench.stats import p50_p95
from repo_store import Repository, load_embedder


class Stopwatch:
    """Seconds spent inside wrapped calls, summed per label over all threads."""

    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def wrap(self, obj, name: str, label: str) -> None:
        inner = getattr(obj, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                with self._lock:
                    self.spent[label] += time.perf_counter() - start
                    self.calls[label] += 1

        setattr(obj, name, timed)

    @contextmanager
    def fresh(self):
        self.spent.clear()
        self.calls.clear()
        yield self.spent


def _instrument(store: Repository, checkin: CheckIn) -> Stopwatch:
    watch = Stopwatch()
    watch.wrap(store.index.embedder, "embed_query", "embedding (MiniLM)")
    watch.wrap(store.index._collection, "query", "chroma query")
    saver = checkin.graph.checkpointer
    for name in ("put", "put_writes"):
        watch.wrap(saver, name, "SQLite writes")
    watch.wrap(saver, "get_tuple", "SQLite reads")
    return watch


def run_concurrency_bench(repo: str | None, embed_model: str, concurrent: int = 20, rounds: int = 3,
                          serial: int = 20, seed: int = 0, unbatched: bool = False) -> dict[str, float]:
    """`unbatched`: every request encodes its own query on its own thread with torch's default
    thread count (how queries were embedded before `QueryBatcher`), for comparison."""
    from minisd.demo_repo import DEMO_DIR

    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="pq-concurrency-") as tmp:
        home = Path(tmp) / "home"
        store = Repository.open(repo or DEMO_DIR, home, load_embedder(embed_model))
        checkin = CheckIn(build_graph(sqlite_checkpointer(home), store))
        if unbatched:
            embedder = store.index.embedder
            embedder.embed_query = lambda text: embedder._encode_queries([text])[0]
        queries = QueryBuilder(store.checkpoints, seed).build(serial + concurrent * rounds, 0, 0)
        texts = [(q.query, date.fromisoformat(q.now)) for q in queries]
        watch = _instrument(store, checkin)
        checkin.ask("warm-up request for my dog", "warm-up", date.today())

        def one(n: int) -> float:
            text, now = texts[n % len(texts)]
            start = time.perf_counter()
            checkin.ask(text, f"bench-{n}", now)
            return time.perf_counter() - start

        cpu = time.process_time()
        with watch.fresh() as spent:
            alone = [one(n) for n in range(serial)]
            alone_parts, alone_calls = dict(spent), dict(watch.calls)
        alone_cpu, cpu = time.process_time() - cpu, time.process_time()
        together: list[float] = []
        walls = []
        with watch.fresh() as spent:
            for r in range(rounds):
                barrier = threading.Barrier(concurrent)
                offset = serial + r * concurrent

                def released(n: int, barrier: threading.Barrier = barrier) -> float:
                    barrier.wait()
                    return one(n)

                wall = time.perf_counter()
                with ThreadPoolExecutor(concurrent) as pool:
                    together += list(pool.map(released, range(offset, offset + concurrent)))
                walls.append(time.perf_counter() - wall)
            together_parts, together_calls = dict(spent), dict(watch.calls)
        together_cpu = time.process_time() - cpu
    load_end = os.getloadavg()

    a50, a95 = p50_p95(alone)
    c50, c95 = p50_p95(together)
    how = "unbatched query embedding (as before QueryBatcher)" if unbatched else "batched query embedding"
    print(f"Check-in over {len(store.checkpoints)} checkpoints ({repo or 'demo repository'}), {how}, "
          f"{os.cpu_count()} CPUs, "
          f"load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end")
    print(f"{'mode':34s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    print(f"{'one at a time':34s} {len(alone):8d} {a50 * 1000:8.0f} {a95 * 1000:8.0f} {max(alone) * 1000:8.0f}")
    label = f"{concurrent} at once × {rounds} rounds"
    print(f"{label:34s} {len(together):8d} {c50 * 1000:8.0f} {c95 * 1000:8.0f} {max(together) * 1000:8.0f}")
    print(f"throughput at {concurrent} at once: {len(together) / sum(walls):.1f} requests/s "
          f"(one at a time: {len(alone) / sum(alone):.1f} requests/s)")
    print(f"CPU time of this process per request (independent of other load): one at a time "
          f"{alone_cpu / len(alone) * 1000:.0f} ms, at once {together_cpu / len(together) * 1000:.0f} ms")
    print("time inside each part incl. waiting, ms per request (calls per request): one at a time | at once")
    for part in sorted(set(alone_parts) | set(together_parts)):
        print(f"  {part:22s} {alone_parts.get(part, 0) / len(alone) * 1000:8.1f} "
              f"({alone_calls.get(part, 0) / len(alone):.1f}) | "
              f"{together_parts.get(part, 0) / len(together) * 1000:8.1f} "
              f"({together_calls.get(part, 0) / len(together):.1f})")
    return {"serial_p50_ms": a50 * 1000, "concurrent_p50_ms": c50 * 1000, "concurrent_p95_ms": c95 * 1000}
