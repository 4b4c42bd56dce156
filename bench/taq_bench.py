"""`python app.py bench taq`: TAQ against plain quantization on the mini model's personalized checkpoints.

For each bit-width × activation quantizer × protection, on the same prompts and seeds as the float
reference: PSNR and MSE against float, the evaluator's attribute accuracy and concept fidelity
(our offline stand-ins for CLIP score), UNet bytes resident (counted from the actual tensors, LoRA
included), peak process memory while generating (sampled), and seconds per image. The table has the
layout of the paper's Tables 1 and 4. `--sd15` adds the full-size memory rows (bench/sd15_memory.py).
"""
from __future__ import annotations

import json
import platform
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from bench.minisd_bench import fidelity, reference_reading
from bench.plans import ATTENTION_BITS, BITS, DEFAULT_CHECKPOINTS, PROTECT, QUANTIZERS
from config import AppConfig
from minisd.concepts import DEMO_CONCEPTS
from minisd.evaluator import accuracy, load_evaluator, predict
from quant.attention import AttentionQuant, protected_mask
from quant.sensitivity import cross_attention_quantizers
from repo_store.loader import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device


class PeakMemory:
    """Highest resident set size seen while the block runs (sampled every 5 ms in a thread)."""

    def __enter__(self) -> PeakMemory:
        import psutil

        self._process, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.005)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


@dataclass
class Row:
    bits: str
    quantizer: str
    protect: str
    psnr: list[float] = field(default_factory=list)
    mse: list[float] = field(default_factory=list)
    attributes: list[float] = field(default_factory=list)
    fidelity: list[float] = field(default_factory=list)
    unet_bytes: list[int] = field(default_factory=list)
    peak_rss: int = 0
    seconds: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        mean = lambda xs: float(np.mean(xs)) if xs else float("nan")  # noqa: E731
        return {"bits": self.bits, "quantizer": self.quantizer, "protect": self.protect, "psnr": mean(self.psnr),
                "mse": mean(self.mse), "attributes": mean(self.attributes), "fidelity": mean(self.fidelity),
                "unet_mb": mean(self.unet_bytes) / 2**20, "peak_rss_mb": self.peak_rss / 2**20,
                "seconds_per_image": mean(self.seconds)}


def psnr(image: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    mse = float(((image.astype(np.float64) - reference.astype(np.float64)) ** 2).mean())
    return (99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)), mse


def attention_only(generator: Generator, checkpoint, prompts: list[str], seeds: list[int], steps: int,
                   guidance: float, bits: int, quantizer: str, protect: str) -> list:
    """Images with only cross-attention quantized (Q, K/V rows, probabilities at `bits`), all else float."""
    pipe = generator.activate(checkpoint, Settings(steps=steps, guidance=guidance))
    mask = protected_mask(pipe.tokenizer, prompts, [checkpoint.trigger] * len(prompts), protect, guidance > 1)
    generators = [torch.Generator(generator.device.name).manual_seed(s) for s in seeds]
    size = generator.image_size()
    with cross_attention_quantizers(pipe.unet, AttentionQuant.all(bits, quantizer)), torch.inference_mode():
        return pipe(prompts, height=size, width=size, num_inference_steps=steps, guidance_scale=guidance,
                    generator=generators, cross_attention_kwargs={"protected": mask}).images


def run_taq_bench(base_model: str, repo: str, home: Path, checkpoints: tuple[str, ...] = DEFAULT_CHECKPOINTS,
                  images: int = 4, steps: int = AppConfig.steps, guidance: float = AppConfig.guidance, bits: tuple[str, ...] = BITS,
                  quantizers: tuple[str, ...] = QUANTIZERS, protect: tuple[str, ...] = PROTECT,
                  out: Path | None = None, attention_bits: tuple[int, ...] = ATTENTION_BITS) -> list[dict]:
    from rich.console import Console
    from rich.progress import track
    from rich.table import Table

    console = Console(width=150)
    device = Device.detect(bits="fp32" if not torch.cuda.is_available() else None)  # studies: the fp32 grid on CPU
    evaluator = load_evaluator()
    generator = Generator(base_model, device, home, memory_budget_mb=1 << 16)
    known = load_repository(repo).checkpoints
    concepts = [c for c in DEMO_CONCEPTS if c.id in checkpoints and c.id in known]
    if not concepts:
        raise ValueError(f"none of {', '.join(checkpoints)} is in {repo}; name demo checkpoints with --checkpoints")
    configs = [("float", "uniform", "none")] + [(b, q, p) for b in bits for q in quantizers for p in protect]
    rows = {c: Row(*c) for c in configs}
    ablation = {(f"a{b} attn2", q, p): Row(f"a{b} attn2", q, p) for b in attention_bits for q in quantizers
                for p in protect}
    calibration: list[float] = []
    seeds = list(range(100, 100 + images))
    generator.generate("a dog", None, Settings(steps=2))  # warm-up: the first call pays one-off start-up costs
    for concept in track(concepts, description="checkpoints", console=console):
        checkpoint = known[concept.id]
        rng = random.Random(f"taq|{concept.id}")
        scenes = [concept.scene(rng) for _ in range(images)]
        prompts = [concept.prompt(s) for s in scenes]
        reference_reading_ = reference_reading(evaluator, concept)
        reference = None
        for config in configs:
            settings = Settings(steps=steps, seed=0, guidance=guidance, bits=config[0], quantizer=config[1],
                                protect=config[2], kernels="fake",  # the fake-quant reference, as TAQ defines it
                                self_attention="quantized")
            generator.calibration_seconds = None
            generator.activate(checkpoint, settings)  # quantize / calibrate outside the timed part
            if generator.calibration_seconds:
                calibration.append(generator.calibration_seconds)
            row = rows[config]
            with PeakMemory() as memory:
                start = time.perf_counter()
                pictures = generator.generate_many(prompts, checkpoint, settings, seeds)
                row.seconds.append((time.perf_counter() - start) / images)
            row.peak_rss = max(row.peak_rss, memory.peak)
            arrays = [np.asarray(p) for p in pictures]
            if reference is None:
                reference = arrays
            for image, ref in zip(arrays, reference):
                value, mse = psnr(image, ref)
                row.psnr.append(value)
                row.mse.append(mse)
            row.attributes.append(accuracy(evaluator, pictures, scenes)["captioned"])
            row.fidelity.append(fidelity(predict(evaluator, pictures), reference_reading_))
            row.unet_bytes.append(generator.resident_bytes()["unet"])
        for (name, quantizer, mode), row in ablation.items():
            start = time.perf_counter()
            pictures = attention_only(generator, checkpoint, prompts, seeds, steps, guidance, int(name[1]),
                                      quantizer, mode)
            row.seconds.append((time.perf_counter() - start) / images)
            for image, ref in zip((np.asarray(p) for p in pictures), reference):
                value, mse = psnr(image, ref)
                row.psnr.append(value)
                row.mse.append(mse)
            row.attributes.append(accuracy(evaluator, pictures, scenes)["captioned"])
            row.fidelity.append(fidelity(predict(evaluator, pictures), reference_reading_))

    results = [rows[c].summary() for c in configs]
    table = Table(title=f"TAQ on {len(concepts)} mini-model checkpoints × {images} images, {steps} steps, guidance "
                        f"{guidance} (PSNR/MSE against float on the same seeds)")
    for column in ("W/A", "quantizer", "protect", "PSNR dB", "MSE", "attributes", "concept fidelity", "UNet MB",
                   "peak RSS MB", "s/image"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["bits"], r["quantizer"] if r["bits"] != "float" else "-", r["protect"] if r["bits"] != "float"
                      else "-", "∞" if r["bits"] == "float" else f"{r['psnr']:.2f}", f"{r['mse']:.2f}",
                      f"{r['attributes']:.1%}", f"{r['fidelity']:.1%}", f"{r['unet_mb']:.2f}",
                      f"{r['peak_rss_mb']:,.0f}", f"{r['seconds_per_image']:.3f}")
    console.print(table)
    gains = Table(title="protect=trigger minus protect=none (TAQ's gain), same bits and quantizer")
    for column in ("W/A", "quantizer", "Δ PSNR dB", "Δ concept fidelity", "Δ attributes"):
        gains.add_column(column, justify="right")
    by = {(r["bits"], r["quantizer"], r["protect"]): r for r in results}
    for b in bits:
        for q in quantizers:
            if (b, q, "trigger") in by and (b, q, "none") in by:
                t, n = by[(b, q, "trigger")], by[(b, q, "none")]
                gains.add_row(b, q, f"{t['psnr'] - n['psnr']:+.2f}", f"{t['fidelity'] - n['fidelity']:+.1%}",
                              f"{t['attributes'] - n['attributes']:+.1%}")
    console.print(gains)
    isolated = [r.summary() for r in ablation.values()]
    table = Table(title="Cross-attention only (the paper's setting for TAQ): Q, K/V rows and attention probabilities "
                        "of attn2 quantized, weights and every other activation float")
    for column in ("A bits", "quantizer", "protect", "PSNR dB", "MSE", "attributes", "concept fidelity"):
        table.add_column(column, justify="right")
    for r in isolated:
        table.add_row(r["bits"], r["quantizer"], r["protect"], f"{r['psnr']:.2f}", f"{r['mse']:.2f}",
                      f"{r['attributes']:.1%}", f"{r['fidelity']:.1%}")
    console.print(table)
    if calibration:
        console.print(f"calibration: {len(calibration)} runs, {np.mean(calibration):.1f} s each on average "
                      f"(16 prompts × 25 steps, cached on disk afterwards)")
    console.print(f"device: {device.name} ({platform.machine()}, {torch.get_num_threads()} threads); "
                  f"checkpoints: {', '.join(c.id for c in concepts)}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"rows": results, "cross_attention_only": isolated, "calibration_seconds": calibration,
                                   "checkpoints": [c.id for c in concepts]}, indent=1))
    return results
