"""`python app.py bench scale`: serving a large repository of checkpoints, simulated from measured costs.

Measured here, on this machine:
  - load throughput: a quantized UNet-like safetensors file (int8 tensors) read from disk into memory,
    its pages dropped from the page cache first (and, for comparison, warm: the best case);
  - the real demo LoRA and DreamBooth files of the bundled repository, loaded the same way;
  - one SD1.5-size UNet denoising step at 512×512 on this CPU (random weights, batch 2 for guidance).
Published (cited in docs/scale-out.md): one SD1.5 image (512×512, 50 steps) on an A100 80G, out-of-the-box
Diffusers with SDPA: 1.604 s (Stable Diffusion Benchmarks, fal.ai).

The simulation: 100,000 checkpoints with Zipf popularity, Poisson arrivals, N replicas each drawing one
image at a time and holding C checkpoints (C = what its memory budget fits at W4 / W8 / fp16), LRU eviction.
Routing as Ray Serve's request router does it for multiplexed requests: to a replica holding the checkpoint
if one frees within the matching timeout (1–2 s, Ray's default), else to the replica free first; the
round-robin baseline ignores where checkpoints are (the replica free first, an idealized balancer).
"""
from __future__ import annotations

import json
import math
import random
import statistics
import tempfile
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

GPU_IMAGE_S = 1.604  # SD1.5, 512×512, 50 steps, A100 80G SXM, Diffusers (torch 2.1, SDPA): Stable Diffusion Benchmarks
GPU_IMAGE_SOURCE = "Stable Diffusion Benchmarks (fal.ai), SD1.5 end-to-end, A100 80G SXM, Diffusers (torch 2.1, SDPA)"
MATCH_TIMEOUT_S = (1.0, 2.0)  # RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S default, drawn uniformly in [t, 2t]
BYTES_PER_PARAM = {"fp16": 2.0, "w8": 1.0, "w4": 0.5}


@dataclass
class Costs:
    load_gb_per_s: float  # safetensors → memory, from the disk (the file's pages dropped from the cache first)
    warm_load_gb_per_s: float  # the same file again, page cache warm: the best case
    unet_params: int  # SD1.5 UNet
    lora_bytes: int  # an SD1.5 attention LoRA at rank 16, fp16
    cpu_step_s: float  # one SD1.5-size UNet step at 512×512 with guidance on this CPU
    demo_lora_load_ms: float
    demo_dreambooth_load_ms: float

    def unet_bytes(self, precision: str) -> int:
        return int(self.unet_params * BYTES_PER_PARAM[precision])

    def load_s(self, nbytes: int) -> float:
        return nbytes / 1e9 / self.load_gb_per_s


def _drop_from_page_cache(path: Path) -> None:
    """Ask the kernel to forget this one file's cached pages (nothing else is touched)."""
    import os

    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _timed_load(path: Path, repeats: int = 3, cold: bool = False) -> float:
    from safetensors.torch import load_file

    times = []
    for _ in range(repeats):
        if cold:
            _drop_from_page_cache(path)
        start = time.perf_counter()
        load_file(str(path))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sd15_unet(device: str = "meta"):
    import torch
    from diffusers import UNet2DConditionModel

    from bench.sd15_memory import SD15_UNET

    with torch.device(device):
        return UNet2DConditionModel(**SD15_UNET)


def lora_bytes(unet, rank: int = 16) -> int:
    """fp16 bytes of a rank-`rank` LoRA on every attention projection (to_q, to_k, to_v, to_out.0)."""
    import torch

    total = 0
    for name, module in unet.named_modules():
        if isinstance(module, torch.nn.Linear) and name.endswith(("to_q", "to_k", "to_v", "to_out.0")):
            total += rank * (module.in_features + module.out_features)
    return total * 2


def measure_costs(load_mb: int = 256, cpu_step: bool = True) -> Costs:
    import torch
    from safetensors.torch import save_file

    from minisd.demo_repo import DEMO_DIR
    from repo_store import load_repository

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w8.safetensors"
        n = load_mb * 2**20 // 64
        save_file({f"layer{i}": torch.randint(-128, 127, (n // 16,), dtype=torch.int8) for i in range(64)}, str(path))
        load_gb_per_s = path.stat().st_size / 1e9 / _timed_load(path, cold=True)
        warm_gb_per_s = path.stat().st_size / 1e9 / _timed_load(path)
    records = load_repository(DEMO_DIR).checkpoints.values()
    lora = next(c for c in records if c.kind == "lora")
    dreambooth = next(c for c in records if c.kind == "dreambooth")
    meta = sd15_unet("meta")
    params = sum(p.numel() for p in meta.parameters())
    step_s = float("nan")
    if cpu_step:
        torch.manual_seed(0)
        unet = sd15_unet("cpu").eval()
        latents, text = torch.randn(2, 4, 64, 64), torch.randn(2, 77, 768)
        with torch.inference_mode():
            unet(latents, 500, encoder_hidden_states=text)  # warm-up
            start = time.perf_counter()
            unet(latents, 500, encoder_hidden_states=text)
            step_s = time.perf_counter() - start
        del unet
    return Costs(load_gb_per_s, warm_gb_per_s, params, lora_bytes(meta), step_s, _timed_load(Path(lora.weights), cold=True) * 1e3,
                 _timed_load(Path(dreambooth.weights), cold=True) * 1e3)


@dataclass
class SimResult:
    routing: str
    precision: str
    replicas: int
    per_replica: int
    rate: float
    hit_rate: float
    p50_s: float
    p95_s: float
    utilization: float


def zipf_sampler(n: int, s: float, rng: np.random.Generator):
    weights = 1.0 / np.arange(1, n + 1) ** s
    cdf = np.cumsum(weights / weights.sum())
    return lambda size: np.minimum(np.searchsorted(cdf, rng.random(size)), n - 1)


def simulate(*, routing: str, replicas: int, per_replica: int, rate: float, image_s: float, load_s: float,
             checkpoints: int = 100_000, zipf_s: float = 1.0, requests: int = 20_000, warmup: int = 5_000,
             seed: int = 0, precision: str = "") -> SimResult:
    """One run: Poisson arrivals at `rate`/s, Zipf(`zipf_s`) checkpoint choice, per-replica LRU of `per_replica`."""
    rng = np.random.default_rng(seed)
    draw = zipf_sampler(checkpoints, zipf_s, rng)
    models = draw(requests + warmup)
    gaps = rng.exponential(1.0 / rate, requests + warmup)
    match = random.Random(seed)
    free_at = [0.0] * replicas
    caches = [OrderedDict() for _ in range(replicas)]
    holders: dict[int, set[int]] = {}
    latencies, hits, busy = [], 0, 0.0
    now = 0.0
    for i in range(requests + warmup):
        now += gaps[i]
        model = int(models[i])
        first = min(range(replicas), key=lambda r: free_at[r])
        chosen = first
        if routing == "multiplexed" and holders.get(model):
            best = min(holders[model], key=lambda r: free_at[r])
            if max(free_at[best], now) - max(free_at[first], now) <= match.uniform(*MATCH_TIMEOUT_S):
                chosen = best
        cache = caches[chosen]
        hit = model in cache
        if hit:
            cache.move_to_end(model)
        else:
            cache[model] = True
            holders.setdefault(model, set()).add(chosen)
            if len(cache) > per_replica:
                old, _ = cache.popitem(last=False)
                holders[old].discard(chosen)
        service = image_s + (0.0 if hit else load_s)
        start = max(now, free_at[chosen])
        free_at[chosen] = start + service
        if i >= warmup:
            latencies.append(free_at[chosen] - now)
            hits += hit
            busy += service
    span = now - float(np.sum(gaps[:warmup]))
    lat = np.array(latencies)
    return SimResult(routing, precision, replicas, per_replica, rate, hits / requests, float(np.percentile(lat, 50)),
                     float(np.percentile(lat, 95)), busy / (span * replicas))


@dataclass
class Scenario:
    precision: str
    per_replica: int
    load_s: float


def scenarios(costs: Costs, budget_gb: float, reserved_gb: float) -> list[Scenario]:
    """Checkpoints that fit one replica's budget (after text encoder, VAE and activations) at each precision."""
    out = []
    for precision in ("w4", "w8", "fp16"):
        size = costs.unet_bytes(precision)
        out.append(Scenario(precision, max(1, int((budget_gb - reserved_gb) * 1e9 // size)), costs.load_s(size)))
    return out


def replicas_needed(scenario: Scenario, routing: str, rate: float, image_s: float, slo_s: float,
                    max_replicas: int = 400, **kw) -> tuple[int | None, SimResult | None]:
    """The fewest replicas whose p95 latency meets `slo_s` at `rate` (bisection over N)."""
    def run(n):
        return simulate(routing=routing, replicas=n, per_replica=scenario.per_replica, rate=rate, image_s=image_s,
                        load_s=scenario.load_s, precision=scenario.precision, **kw)
    low = max(1, math.ceil(rate * image_s))  # below this the queue grows without bound
    high = low
    result = run(high)
    while result.p95_s > slo_s:
        if high >= max_replicas:
            return None, result
        low, high = high + 1, min(max_replicas, high * 2)
        result = run(high)
    best = result
    while low < high:
        mid = (low + high) // 2
        attempt = run(mid)
        if attempt.p95_s <= slo_s:
            high, best = mid, attempt
        else:
            low = mid + 1
    return high, best


def load_costs(path: Path) -> Costs:
    """The costs a previous run measured (its scale.json), to re-run the simulation alone."""
    import dataclasses

    saved = json.loads(Path(path).read_text())["costs"]
    return Costs(**{f.name: saved[f.name] for f in dataclasses.fields(Costs)})


def run_scale(out_dir: Path, budget_gb: float = 24.0, reserved_gb: float = 4.0, rate: float = 20.0,
              slo_s: float = 10.0, replicas: tuple[int, ...] = (32, 48, 64, 96, 128, 192, 256), quick: bool = False,
              costs: Costs | None = None) -> dict:
    """Measure the costs, sweep the simulation, write scale.json and scale_out.png; return everything."""
    costs = costs or measure_costs(cpu_step=not quick)
    kw = {"requests": 4000, "warmup": 1000} if quick else {}
    rows, needed = [], []
    for scenario in scenarios(costs, budget_gb, reserved_gb):
        for routing in ("multiplexed", "round-robin"):
            for n in replicas:
                rows.append(simulate(routing=routing, replicas=n, per_replica=scenario.per_replica,
                                     rate=rate, image_s=GPU_IMAGE_S,
                                     load_s=scenario.load_s, precision=scenario.precision, **kw))
            n_needed, at = replicas_needed(scenario, routing, rate, GPU_IMAGE_S, slo_s, **kw)
            needed.append({"precision": scenario.precision, "routing": routing, "per_replica": scenario.per_replica,
                           "load_s": scenario.load_s, "replicas": n_needed, "hit_rate": at.hit_rate if at else None,
                           "p95_s": at.p95_s if at else None})
    result = {"costs": asdict(costs) | {"gpu_image_s": GPU_IMAGE_S, "gpu_image_source": GPU_IMAGE_SOURCE,
                                        "lora_load_s": costs.load_s(costs.lora_bytes)},
              "assumptions": {"checkpoints": 100_000, "zipf_s": 1.0, "budget_gb": budget_gb, "reserved_gb": reserved_gb,
                              "target_rate": rate, "slo_p95_s": slo_s, "requests": kw.get("requests", 20_000)},
              "sweep": [asdict(r) for r in rows], "needed": needed}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scale.json").write_text(json.dumps(result, indent=1))
    plot(result, out_dir / "scale_out.png")
    return result


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    colours = {"w4": "tab:green", "w8": "tab:blue", "fp16": "tab:red"}
    for precision, colour in colours.items():
        for routing, style in (("multiplexed", "-"), ("round-robin", ":")):
            rows = [r for r in result["sweep"] if r["precision"] == precision and r["routing"] == routing]
            xs = [r["replicas"] for r in rows]
            left.plot(xs, [100 * r["hit_rate"] for r in rows], style, color=colour, marker="o",
                      label=f"{precision} ({rows[0]['per_replica']}/replica), {routing}")
            right.plot(xs, [r["p95_s"] for r in rows], style, color=colour, marker="o")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("replicas")
        ax.grid(alpha=0.3)
    left.set_ylabel("cache hit rate (%)")
    right.set_ylabel("p95 latency (s)")
    right.set_yscale("log")
    a = result["assumptions"]
    fig.suptitle(f"{a['checkpoints']:,} checkpoints, Zipf s={a['zipf_s']}, {a['budget_gb']:.0f} GB per replica, "
                 f"{a['target_rate']:.0f} requests/s")
    left.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(result: dict) -> str:
    c, a = result["costs"], result["assumptions"]
    lines = ["| cost | value | how |", "|---|---|---|",
             f"| load from local disk (cold / page cache warm) | {c['load_gb_per_s']:.2f} / {c['warm_load_gb_per_s']:.2f} GB/s "
             "| measured: 256 MB int8 safetensors; the simulation uses the cold rate |",
             f"| demo LoRA / DreamBooth file load (cold) | {c['demo_lora_load_ms']:.1f} / "
             f"{c['demo_dreambooth_load_ms']:.1f} ms | measured: bundled mini-model files |",
             f"| SD1.5 UNet | {c['unet_params'] / 1e6:.1f} M params: fp16 {c['unet_params'] * 2 / 1e9:.2f} GB, "
             f"W8 {c['unet_params'] / 1e9:.2f} GB, W4 {c['unet_params'] / 2e9:.2f} GB | counted from the SD1.5 config |",
             f"| SD1.5 rank-16 attention LoRA | {c['lora_bytes'] / 2**20:.1f} MB, loads in {c['lora_load_s'] * 1e3:.1f} ms "
             "| counted; load at the measured rate |",
             f"| one SD1.5 UNet step, 512×512, guidance, this CPU | {c['cpu_step_s']:.2f} s "
             f"(50 steps ≈ {50 * c['cpu_step_s'] / 60:.0f} min) | measured |",
             f"| one SD1.5 image, 50 steps, A100 | {c['gpu_image_s']:.3f} s | published: {c['gpu_image_source']} |",
             "", f"Replicas needed for {a['target_rate']:.0f} requests/s at p95 ≤ {a['slo_p95_s']:.0f} s "
             f"({a['checkpoints']:,} checkpoints, Zipf s = {a['zipf_s']}, {a['budget_gb']:.0f} GB per replica, "
             f"{a['reserved_gb']:.0f} GB of it for text encoder, VAE and activations):", "",
             "| precision | checkpoints per replica | load on a miss | routing | replicas needed | hit rate | p95 |",
             "|---|---|---|---|---|---|---|"]
    for n in result["needed"]:
        found = f"{n['replicas']}" if n["replicas"] else "none up to 400"
        lines.append(f"| {n['precision']} | {n['per_replica']} | {n['load_s']:.2f} s | {n['routing']} | {found} | "
                     f"{100 * n['hit_rate']:.1f} % | {n['p95_s']:.2f} s |")
    lines += ["", "| precision | routing | replicas | rate (req/s) | hit rate | p50 | p95 | utilization |",
              "|---|---|---|---|---|---|---|---|"]
    for r in result["sweep"]:
        lines.append(f"| {r['precision']} | {r['routing']} | {r['replicas']} | {r['rate']:.1f} | "
                     f"{100 * r['hit_rate']:.1f} % | {r['p50_s']:.2f} s | {r['p95_s']:.2f} s | "
                     f"{100 * r['utilization']:.0f} % |")
    return "\n".join(lines)
