"""Speed of every precision, side by side: is the quantized path the fast one?

Two parts, each row in its own process (spawned one after another, so rows never share a core):
- SD1.5 size: the real UNet config with random weights (no download), one denoising step at
  512×512 with guidance (batch 2). Scratch files (fp32/W8/W4 UNets, calibrated ranges, Inductor's
  cache) are written once into `--scratch` and reused by the next run.
- the bundled mini model: s/image, 25 steps, batch 1, through the serving `Generator`.

Rows: fp32-eager, fp32-compiled, bf16-eager, bf16-compiled (bf16 only where the CPU computes it
natively), w8-weight-only and w4-weight-only (weights dequantized on the fly, in the fast float
dtype), w8a8-fake (today's fake-quant, fp32), w8a8-int (integer kernels, fast float dtype around
them) and w8a8-int-fp32 (the same kernels with fp32 around them). The W8A8 rows use the settings
`generate --bits w8a8` serves with (self-attention's math in float) and activation ranges from
PersonalQ's own calibration (`quant.model.calibrate`, one fp32 step on the random UNet).
Each row reports its first call (start-up, kernel set-up, compile) apart from the timed steps.
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import queue as queue_module
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from bench.sd15_memory import SD15_UNET


@dataclass(frozen=True)
class Row:
    name: str
    weights: str  # float | w8 | w4
    dtype: str  # fp32 | bf16 | fast (bf16 where native, else fp32)
    act: bool = False  # W8A8: activations quantized with calibrated ranges
    kernels: str = "fake"  # int | fake
    compiled: bool = False


ROWS = (Row("fp32-eager", "float", "fp32"), Row("bf16-eager", "float", "bf16"),
        Row("w8a8-fake", "w8", "fp32", act=True), Row("w8a8-int", "w8", "fast", act=True, kernels="int"),
        Row("w8a8-int-fp32", "w8", "fp32", act=True, kernels="int"), Row("w8-weight-only", "w8", "fast"),
        Row("w4-weight-only", "w4", "fast"), Row("fp32-compiled", "float", "fp32", compiled=True),
        Row("bf16-compiled", "float", "bf16", compiled=True))
PSNR_PAIRS = (("w8a8-int", "w8a8-fake"), ("w8a8-int-fp32", "w8a8-fake"), ("bf16-eager", "fp32-eager"),
              ("fp32-compiled", "fp32-eager"), ("bf16-compiled", "bf16-eager"), ("w8a8-fake", "fp32-eager"),
              ("w8a8-int", "fp32-eager"))


def row_dtype(row: Row):
    import torch

    from serve.fast_path import cpu_float_dtype

    if row.dtype == "fast":
        return cpu_float_dtype()
    return torch.float32 if row.dtype == "fp32" else torch.bfloat16


def serving_config(row: Row):
    """The W8A8 settings `generate --bits w8a8` serves with (self-attention math in float)."""
    from serve.generate import Settings

    return Settings(bits=f"{row.weights}a8").taq


def runnable(row: Row) -> str | None:
    """Why `row` cannot run on this machine, or None."""
    from quant.int8 import int8_backend
    from serve.fast_path import native_bf16

    if row.dtype == "bf16" and not native_bf16():
        return "this CPU has no native bf16"
    if row.kernels == "int" and int8_backend("cpu") is None:
        return "this CPU has no int8 kernels (oneDNN with VNNI/AMX)"
    return None


def psnr(a, b) -> float:
    """PSNR of `a` against reference `b`, peak = the reference's value range."""
    import math

    mse = (a.double() - b.double()).pow(2).mean().item()
    peak = (b.max() - b.min()).item()
    return math.inf if mse == 0 else 10 * math.log10(peak * peak / mse)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------- SD1.5 size
def sd15_inputs(dtype):
    import torch

    gen = torch.Generator().manual_seed(0)
    latents = torch.randn(2, 4, 64, 64, generator=gen).to(dtype)
    text = torch.randn(2, 77, 768, generator=gen).to(dtype)
    return latents, torch.tensor([500, 500]), text


def prepare_sd15(folder: Path, weights: tuple[str, ...], ranges: bool) -> None:
    """The files the chosen rows need, each written once: the fp32 file of one random SD1.5 UNet, its
    W8 / W4 quantized files, and activation ranges from one calibrated fp32 step."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import load_file, save_file

    from quant.model import (
        calibrate,
        install_processors,
        load_quantized,
        quantize_weights,
        save_quantized,
    )

    if not (folder / "fp32.safetensors").is_file():
        torch.manual_seed(0)
        unet = UNet2DConditionModel(**SD15_UNET)
        save_file({k: v.contiguous() for k, v in unet.state_dict().items()}, str(folder / "fp32.safetensors"))
    for bits in (8, 4):
        path = folder / f"w{bits}.safetensors"
        if f"w{bits}" in weights and not path.is_file():
            with torch.device("meta"):
                unet = UNet2DConditionModel(**SD15_UNET)
            unet.load_state_dict(load_file(str(folder / "fp32.safetensors")), assign=True)
            quantize_weights(unet, bits)
            save_quantized(unet, path, bits, {"unet_config": json.dumps(dict(unet.config))})
            del unet
    if ranges and not (folder / "ranges.json").is_file():
        unet = load_quantized(folder / "w8.safetensors",
                              lambda meta: UNet2DConditionModel.from_config(json.loads(meta["unet_config"])))
        install_processors(unet)
        with calibrate(unet) as observed:
            unet(*sd15_inputs(torch.float32))
        (folder / "ranges.json").write_text(json.dumps(observed))


def load_sd15(folder: Path, row: Row, dtype):
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import load_file

    from quant.model import enable_activations, install_processors, load_quantized

    if row.weights == "float":
        with torch.device("meta"):
            unet = UNet2DConditionModel(**SD15_UNET)
        unet.load_state_dict(load_file(str(folder / "fp32.safetensors")), assign=True)
        return unet.to(dtype).eval()
    unet = load_quantized(folder / f"{row.weights}.safetensors",
                          lambda meta: UNet2DConditionModel.from_config(json.loads(meta["unet_config"])), dtype=dtype)
    install_processors(unet)
    if row.act:
        ranges = json.loads((folder / "ranges.json").read_text())
        enable_activations(unet, serving_config(row), ranges)
    return unet.eval()


def sd15_row(folder: Path, row: Row, steps: int, queue) -> None:
    """Child process: one row at SD1.5 size."""
    import torch
    from safetensors.torch import save_file

    from quant.int8 import int8_bytes
    from quant.packed import tensor_bytes
    from serve.fast_path import compile_unet, use_kernels

    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(folder / "inductor"))  # compiled code, reused by the next run
    torch.manual_seed(0)
    dtype = row_dtype(row)
    start = time.perf_counter()
    unet = load_sd15(folder, row, dtype)
    used = use_kernels(unet, serving_config(row) if row.act else None, "cpu", row.kernels)
    if row.compiled:
        compile_unet(unet, folder / "inductor")
    load_s = time.perf_counter() - start
    inputs = sd15_inputs(dtype)
    with torch.inference_mode():
        start = time.perf_counter()
        out = unet(*inputs).sample  # first call: pages weights in, sets kernels up, compiles
        first_s = time.perf_counter() - start
        times = [first_s] if steps == 0 else []  # --steps 0: the first call is the timed step
        for _ in range(steps):
            start = time.perf_counter()
            out = unet(*inputs).sample
            times.append(time.perf_counter() - start)
    save_file({"out": out.float().contiguous()}, str(folder / f"out-{row.name}.safetensors"))
    queue.put({"precision": row.name, "dtype": str(dtype).removeprefix("torch."), "kernels": used,
               "s_per_step": sum(times) / len(times), "first_s": first_s, "load_s": load_s,
               "peak_rss_mb": rss_mb(), "unet_mb": (tensor_bytes(unet) + int8_bytes(unet)) / 2**20})


# ----------------------------------------------------------------------------------------------- mini model
def mini_row(base: str, home: Path, row: Row, steps: int, queue) -> None:
    """Child process: s/image of the mini model through the serving Generator (25 steps, batch 1)."""
    import numpy as np

    from quant.int8 import int8_bytes
    from quant.packed import tensor_bytes
    from serve.fast_path import compile_unet
    from serve.generate import Generator, Settings
    from serve.pipeline import Device

    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(home / "inductor"))  # compiled code, reused by the next run
    dtype = row_dtype(row)
    generator = Generator(base, Device("cpu", dtype), home, memory_budget_mb=1 << 14)
    bits = {"float": "float", "w8": "w8a8", "w4": "w4a8"}[row.weights]
    settings = Settings(steps=steps, seed=0, guidance=7.5, bits=bits, kernels=row.kernels)
    pipe = generator.activate(None, settings)  # quantizes / calibrates once (cached in home)
    if row.weights != "float" and not row.act:  # weight-only: activations back to float
        from quant.model import QuantConfig, enable_activations

        enable_activations(pipe.unet, QuantConfig(int(row.weights[1]), None), None)
        generator.kernels_used = f"{row.weights} weight-only"
    if row.compiled:
        compile_unet(pipe.unet, home / "inductor")
    start = time.perf_counter()
    generator.generate("a photo of a dog on the beach", None, settings)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    image = generator.generate("a photo of a dog on the beach", None, settings)
    seconds = time.perf_counter() - start
    np.save(home / f"mini-{row.name}.npy", np.asarray(image, dtype=np.float32))
    unet = generator.pipe.unet
    queue.put({"precision": row.name, "dtype": str(dtype).removeprefix("torch."), "kernels": generator.kernels_used,
               "s_per_image": seconds, "first_s": first_s, "peak_rss_mb": rss_mb(),
               "unet_mb": (tensor_bytes(unet) + int8_bytes(unet)) / 2**20})


# ---------------------------------------------------------------------------------------------------- runner
def _spawn(target, args, name: str) -> dict:
    context = mp.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=target, args=(*args, queue))
    child.start()
    while child.is_alive() or not queue.empty():
        with contextlib.suppress(queue_module.Empty):  # keep waiting while the child runs
            return queue.get(timeout=5)
    raise RuntimeError(f"row {name} failed (exit {child.exitcode})")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_speed_bench(base_model: str, scratch: Path, sd15: bool = True, mini: bool = True, sd15_steps: int = 1,
                    mini_steps: int = 25, rows: tuple[str, ...] | None = None, out: Path | None = None) -> dict:
    import numpy as np
    from rich.console import Console
    from safetensors.torch import load_file

    console = Console(width=160)
    scratch = Path(scratch)
    chosen = [r for r in ROWS if rows is None or r.name in rows]
    result: dict = {"load_before": load_average(), "rows": [], "mini": [], "skipped": {}, "psnr": {}, "mini_psnr": {}}
    for row in chosen:
        reason = runnable(row)
        if reason:
            result["skipped"][row.name] = reason
    chosen = [r for r in chosen if r.name not in result["skipped"]]
    if sd15:
        folder = scratch / "sd15"
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        context = mp.get_context("spawn")
        weights = tuple({r.weights for r in chosen} | ({"w8"} if any(r.act for r in chosen) else set()))
        child = context.Process(target=prepare_sd15, args=(folder, weights, any(r.act for r in chosen)))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"preparing the SD1.5-size UNets failed (exit {child.exitcode})")
        result["prepare_s"] = time.perf_counter() - start
        for row in chosen:
            console.print(f"SD1.5 {row.name} (load {load_average()})…")
            result["rows"].append(_spawn(sd15_row, (folder, row, sd15_steps), row.name) | {"load": load_average()})
            console.print(result["rows"][-1])
            save(result, out)  # a run cut short keeps the rows it measured
        # every row's output in the scratch folder, so rows measured by separate runs are compared too
        outs = {f.stem.removeprefix("out-"): load_file(str(f))["out"] for f in sorted(folder.glob("out-*.safetensors"))}
        result["psnr"] = {f"{a} vs {b}": psnr(outs[a], outs[b]) for a, b in PSNR_PAIRS if a in outs and b in outs}
    if mini:
        home = scratch / "mini"
        home.mkdir(parents=True, exist_ok=True)
        for row in [r for r in chosen if not r.name.startswith("w4")]:
            console.print(f"mini {row.name} (load {load_average()})…")
            result["mini"].append(_spawn(mini_row, (base_model, home, row, mini_steps), row.name) | {"load": load_average()})
            console.print(result["mini"][-1])
            save(result, out)
        images = {r["precision"]: np.load(home / f"mini-{r['precision']}.npy") for r in result["mini"]}
        for a, b in PSNR_PAIRS:
            if a in images and b in images:
                mse = float(((images[a] - images[b]) ** 2).mean())
                result["mini_psnr"][f"{a} vs {b}"] = float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)
    result["load_after"] = load_average()
    print_tables(console, result)
    save(result, out)
    if out is not None:
        console.print(f"wrote {out}")
    return result


def save(result: dict, out: Path | None) -> None:
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1))


def print_tables(console, result: dict) -> None:
    from rich.table import Table

    sd15_title = ("SD1.5-size UNet, one denoising step at 512×512 with guidance (batch 2), CPU; "
                  f"load {result['load_before']} → {result['load_after']}")
    for rows, unit, title, digits, unet_digits in (
            (result["rows"], "s_per_step", sd15_title, 2, 0),
            (result["mini"], "s_per_image", "mini model, s/image (25 steps, batch 1, guidance 7.5), CPU", 3, 1)):
        if not rows:
            continue
        fp32 = next((r[unit] for r in rows if r["precision"] == "fp32-eager"), None)
        table = Table(title=title)
        for column in ("precision", "dtype", "Linear/Conv2d", unit.replace("s_per_", "s/"), "vs fp32 eager",
                       "first call", "peak RSS", "UNet"):
            table.add_column(column, justify="right")
        for r in rows:
            table.add_row(r["precision"], r["dtype"], r["kernels"], f"{r[unit]:.{digits}f}",
                          f"{fp32 / r[unit]:.2f}×" if fp32 else "-", f"{r['first_s']:.1f} s",
                          f"{r['peak_rss_mb']:,.0f} MB", f"{r['unet_mb']:,.{unet_digits}f} MB")
        console.print(table)
    for key in ("psnr", "mini_psnr"):
        if result[key]:
            what = "SD1.5 UNet output" if key == "psnr" else "mini model image"
            console.print(f"PSNR ({what}): " + "; ".join(f"{k} {v:.1f} dB" for k, v in result[key].items()))
    for name, reason in result["skipped"].items():
        console.print(f"skipped {name}: {reason}")
