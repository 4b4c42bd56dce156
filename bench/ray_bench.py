"""`python app.py bench ray`: the Ray Serve deployments measured on a real local Ray cluster.

1. Selection: first Check-in turns sent by 4 client threads through a handle to 1, then 2 Check-in replicas;
   throughput and p50/p95 latency.
2. Generation: requests for 3 checkpoints over 2 replicas (each keeping 2 checkpoints), sent by 1, then 2
   client threads, once with `multiplexed_model_id` (Ray Serve routes to a replica holding the checkpoint) and once
   without (Ray's default router, blind to checkpoints); loads and cache hits per replica.
"""
from __future__ import annotations

import random
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np


def _selection_queries(records) -> list[str]:
    out = []
    for c in records:
        out.append(f"{c.name} on the beach")
        out.append(f"paint {c.triggers[0]} in the snow")
    return out


def _percentiles(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def bench_selection(cfg, repo_dir: str, replicas: int, queries: list[str], clients: int = 4) -> dict:
    from ray import serve

    from serve.ray_app import CHECKIN_APP, CheckInDeployment, RayCheckIn

    app = CheckInDeployment.options(num_replicas=replicas, user_config={"version": 1}).bind(cfg, repo_dir)
    checkin = RayCheckIn(serve.run(app, name=CHECKIN_APP, route_prefix=None))
    checkin.pending("warm-up")  # every replica is up once serve.run returns; this warms the route

    def one(i_query):
        i, query = i_query
        start = time.perf_counter()
        checkin.ask(query, f"bench-{replicas}-{i}")
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(one, enumerate(queries)))
    wall = time.perf_counter() - start
    serve.delete(CHECKIN_APP)
    p50, p95 = _percentiles(latencies)
    return {"replicas": replicas, "requests": len(queries), "clients": clients, "seconds": wall,
            "throughput": len(queries) / wall, "p50_s": p50, "p95_s": p95}


def bench_generation(cfg, checkpoints, multiplexed: bool, requests: int = 24, clients: int = 2, seed: int = 0) -> dict:
    from ray import serve

    from serve.generate import Settings
    from serve.ray_app import _result, generation_deployment

    name = "bench-generation"
    app = generation_deployment(2).options(num_replicas=2, ray_actor_options={"num_cpus": 0.5}).bind(cfg)
    handle = serve.run(app, name=name, route_prefix=None)
    rng = random.Random(seed)
    order = [rng.choice(checkpoints) for _ in range(requests)]
    settings = Settings(steps=2, guidance=1.0)

    def one(checkpoint):
        call = handle.options(multiplexed_model_id=checkpoint.id) if multiplexed else handle
        start = time.perf_counter()
        _, info = _result(call.generate.remote("a photo", checkpoint, settings))
        return info | {"latency": time.perf_counter() - start}

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        infos = list(pool.map(one, order))
    wall = time.perf_counter() - start
    serve.delete(name)
    per_replica: dict[str, dict] = {}
    for info in infos:
        row = per_replica.setdefault(info["replica"], {"requests": 0, "loads": 0, "hits": 0, "checkpoints": set()})
        row["requests"] += 1
        row["loads" if info["loaded"] else "hits"] += 1
        row["checkpoints"].add(info["checkpoint"])
    p50, p95 = _percentiles([i["latency"] for i in infos])
    return {"routing": "multiplexed" if multiplexed else "default router", "requests": requests, "clients": clients,
            "loads": sum(i["loaded"] for i in infos), "seconds": wall, "p50_s": p50, "p95_s": p95,
            "load_seconds": sum(i["load_seconds"] for i in infos),
            "per_replica": [{"replica": k, **{f: (sorted(v) if f == "checkpoints" else v) for f, v in row.items()}}
                            for k, row in sorted(per_replica.items())]}


def run_ray_bench(num_cpus: int = 2, checkpoint_ids: tuple[str, ...] = ("rex-v3", "biscuit-v2", "bruno-v2")) -> dict:
    import ray
    from ray import serve

    from config import ROOT, AppConfig
    from minisd.demo_repo import DEMO_DIR
    from repo_store import load_repository

    records = load_repository(DEMO_DIR).checkpoints
    home = Path(tempfile.mkdtemp(prefix="personalq-raybench-"))
    cfg = AppConfig(home=home, repo=DEMO_DIR, ray_replica_memory_mb=512)
    ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level="WARNING", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}})
    try:
        serve.start(proxy_location="Disabled")
        from wiring import open_repository

        open_repository(cfg, DEMO_DIR)  # the index, synced once before the replicas read it
        queries = _selection_queries(records.values())
        selection = [bench_selection(cfg, str(DEMO_DIR), n, queries) for n in (1, 2)]
        checkpoints = [records[i] for i in checkpoint_ids]
        generation = [bench_generation(cfg, checkpoints, multiplexed, clients=clients)
                      for clients in (1, 2) for multiplexed in (True, False)]
    finally:
        serve.shutdown()
        ray.shutdown()
        shutil.rmtree(home, ignore_errors=True)
    return {"num_cpus": num_cpus, "selection": selection, "generation": generation,
            "checkpoints": list(checkpoint_ids)}


def markdown(result: dict) -> str:
    lines = ["| Check-in replicas | requests (4 clients) | throughput | p50 | p95 |", "|---|---|---|---|---|"]
    for r in result["selection"]:
        lines.append(f"| {r['replicas']} | {r['requests']} | {r['throughput']:.2f} req/s | {1e3 * r['p50_s']:.0f} ms | "
                     f"{1e3 * r['p95_s']:.0f} ms |")
    lines += ["", f"Generation: {', '.join(result['checkpoints'])} over 2 replicas (2 checkpoints each), "
              f"{result['generation'][0]['requests']} requests in a seeded random order:", "",
              "| clients | routing | loads | hits | per replica (requests / loads / hits) | time loading | p95 |",
              "|---|---|---|---|---|---|---|"]
    for g in result["generation"]:
        reps = "; ".join(f"{r['requests']} / {r['loads']} / {r['hits']}" for r in g["per_replica"])
        lines.append(f"| {g['clients']} | {g['routing']} | {g['loads']} | {g['requests'] - g['loads']} | {reps} | "
                     f"{g['load_seconds']:.1f} s | {g['p95_s']:.2f} s |")
    return "\n".join(lines)
