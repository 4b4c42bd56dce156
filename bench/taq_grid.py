"""`python app.py bench taq`: the TAQ grid — K/V granularity × protection × bits × activation scope — on the mini
model's personalized checkpoints, with paired bootstrap intervals for what protecting the trigger changes.

Every row draws the same images (checkpoints × prompts × seeds) as the float reference; each image gives its
PSNR against the float image, the evaluator's attribute accuracy and concept fidelity (minisd/evaluator.py).
Differences between protections are paired per image, and a difference is declared only when its 95 %
bootstrap interval (numpy, 10,000 resamples) excludes 0. Float references are computed once and cached on disk
(`$PERSONALQ_HOME/bench/`), as is each finished (checkpoint, row), so an interrupted run resumes; calibration
is done once per checkpoint and serves every row (ranges are kept per token class and per timestep); to fit a
2-core CPU it uses 8 calibration prompts × the grid's own steps (the app: 16 × 25), so the per-timestep ranges are
observed at exactly the images' timesteps, under a home of its own so the app's cache is untouched.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path

import numpy as np

from bench.minisd_bench import fidelity, reference_reading
from bench.stats import paired_bootstrap
from bench.plans import DEFAULT_CHECKPOINTS, grid
from minisd.concepts import DEMO_CONCEPTS
from minisd.evaluator import CAPTIONED, load_evaluator, observable, predict
from repo_store.loader import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device

COMPARISONS = (("trigger", "none"), ("trigger", "bos"), ("bos+trigger", "bos"), ("trigger", "random"))
METRICS = ("psnr", "attributes", "fidelity")


def psnr(image: np.ndarray, reference: np.ndarray) -> float:
    mse = float(((image.astype(np.float64) - reference.astype(np.float64)) ** 2).mean())
    return 99.0 if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def group_name(row: dict) -> str:
    """The row's settings except the protection, e.g. 'w8a4 cross-attention kv=tensor'."""
    extra = "".join(f" {k}={v}" for k, v in row.items() if k not in ("bits", "act_scope", "kv_granularity", "protect"))
    return f"{row['bits']} {row['act_scope']} kv={row['kv_granularity']}{extra}"


def image_scores(evaluator, pictures: list, scenes: list, reference: dict[str, str]) -> tuple[list[float], list[float]]:
    """Per image: attribute accuracy (caption attributes the scene shows) and concept fidelity."""
    readings = predict(evaluator, pictures)
    attributes = []
    for reading, scene in zip(readings, scenes):
        heads = [h for h in CAPTIONED if observable(scene, h)]
        attributes.append(sum(reading[h] == getattr(scene, h) for h in heads) / max(len(heads), 1))
    return attributes, [fidelity([r], reference) for r in readings]


class DiskCache:
    """JSON values and float reference images under `$PERSONALQ_HOME/bench/`, keyed by a hash of what made them."""

    def __init__(self, root: Path):
        self.root = Path(root) / "bench"
        self.root.mkdir(parents=True, exist_ok=True)
        self.rows_file = self.root / "taq-grid-rows.json"
        self.rows = json.loads(self.rows_file.read_text()) if self.rows_file.is_file() else {}

    @staticmethod
    def key(*parts) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]

    def put_row(self, key: str, value: dict) -> None:
        self.rows[key] = value
        tmp = self.rows_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.rows))
        tmp.replace(self.rows_file)

    def has_images(self, key: str) -> bool:
        return (self.root / f"taq-float-{key}.npy").is_file()

    def images(self, key: str, make) -> np.ndarray:
        path = self.root / f"taq-float-{key}.npy"
        if path.is_file():
            return np.load(path, allow_pickle=False)
        images = make()
        np.save(path.with_suffix(".tmp.npy"), images, allow_pickle=False)
        path.with_suffix(".tmp.npy").replace(path)
        return images


def run_taq_grid(base_model: str, repo: str, home: Path, checkpoints: tuple[str, ...] = DEFAULT_CHECKPOINTS,
                 prompts: int = 8, seeds: int = 2, steps: int = 25, guidance: float = 5.0, rows: list[dict] | None = None,
                 out: Path | None = None, resamples: int = 10_000, progress: bool = True,
                 calibration: tuple[int, int] | None = None, cached_only: bool = False) -> dict:
    """Run (or, with `cached_only`, only summarize what the disk cache holds: rows missing for any checkpoint
    are left out) the grid, print it and write `out`."""
    from rich.console import Console
    from tqdm import tqdm

    console = Console(width=170)
    rows = rows if rows is not None else grid()
    calibration = calibration or (8, steps)  # the images' own timesteps: per-timestep ranges match them exactly
    evaluator = load_evaluator()
    # its own home: calibrated on `calibration` (prompts × steps), which may differ from what the app uses
    generator = Generator(base_model, Device.detect("cpu"), Path(home) / "bench-taq", memory_budget_mb=1 << 16,
                          calibration={"count": calibration[0], "steps": calibration[1]})
    known = load_repository(repo).checkpoints
    concepts = [c for c in DEMO_CONCEPTS if c.id in checkpoints and c.id in known]
    if not concepts:
        raise ValueError(f"none of {', '.join(checkpoints)} is in {repo}; name demo checkpoints with --checkpoints")
    cache = DiskCache(home)
    seed_list = [1000 + j for j in range(seeds)]
    per_image: dict[str, dict[str, list[float]]] = {"float": {m: [] for m in METRICS[1:]}}
    per_image |= {json.dumps(r, sort_keys=True): {m: [] for m in METRICS} for r in rows}
    seconds: dict[str, list[float]] = {}
    started = time.time()
    missing: set[str] = set()
    bar = tqdm(total=len(concepts) * (len(rows) + 1), desc="bench taq", unit="setting", disable=not progress)
    for concept in concepts:
        checkpoint = known[concept.id]
        rng = random.Random(f"taq-grid|{concept.id}")
        scenes = [concept.scene(rng) for _ in range(prompts)]
        texts = [concept.prompt(s) for s in scenes] * seeds  # prompt i with seed j at j·prompts + i
        image_seeds = [s for s in seed_list for _ in range(prompts)]
        all_scenes = scenes * seeds
        reading = reference_reading(evaluator, concept)
        base = (generator.store.fingerprint, checkpoint.id, checkpoint.sha256, texts, image_seeds, steps, guidance)

        def draw(settings: Settings, texts=texts, checkpoint=checkpoint, image_seeds=image_seeds) -> list:
            return generator.generate_many(texts, checkpoint, settings, image_seeds)

        float_settings = Settings(steps=steps, guidance=guidance)
        float_key = cache.key(*base, "float")
        if cached_only and not cache.has_images(float_key):
            raise ValueError(f"no cached float images for {concept.id}; run without --cached-only first")
        reference = cache.images(float_key, lambda s=float_settings: np.stack([np.asarray(p) for p in draw(s)]))
        from PIL import Image

        attributes, fid = image_scores(evaluator, [Image.fromarray(a) for a in reference], all_scenes, reading)
        per_image["float"]["attributes"] += attributes
        per_image["float"]["fidelity"] += fid
        bar.update(1)
        for row in rows:
            name = json.dumps(row, sort_keys=True)
            key = cache.key(*base, row)
            if key not in cache.rows and cached_only:
                missing.add(name)
                continue
            if key not in cache.rows:
                # the studies quantize self-attention too (serving keeps it float)
                settings = Settings(steps=steps, guidance=guidance, **({"self_attention": "quantized"} | row))
                generator.activate(checkpoint, settings)  # calibration (once per checkpoint) stays out of the timing
                start = time.perf_counter()
                pictures = draw(settings)
                elapsed = (time.perf_counter() - start) / len(pictures)
                attributes, fid = image_scores(evaluator, pictures, all_scenes, reading)
                cache.put_row(key, {"psnr": [psnr(np.asarray(p), r) for p, r in zip(pictures, reference)],
                                    "attributes": attributes, "fidelity": fid, "seconds": elapsed})
            done = cache.rows[key]
            for m in METRICS:
                per_image[name][m] += done[m]
            seconds.setdefault(name, []).append(done["seconds"])
            bar.update(1)
    bar.close()
    rows = [r for r in rows if json.dumps(r, sort_keys=True) not in missing]
    result = summarize(rows, per_image, seconds, resamples)
    result["setup"] = {"checkpoints": [c.id for c in concepts], "prompts": prompts, "seeds": seeds, "steps": steps,
                       "calibration_prompts": calibration[0], "calibration_steps": calibration[1],
                       "guidance": guidance, "images_per_row": len(per_image["float"]["fidelity"]),
                       "wall_seconds": round(time.time() - started, 1)}
    print_grid(console, result)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result | {"per_image": per_image}, indent=1))
    return result


def summarize(rows: list[dict], per_image: dict, seconds: dict, resamples: int) -> dict:
    table = [{"setting": "float", "protect": "-", "attributes": float(np.mean(per_image["float"]["attributes"])),
              "fidelity": float(np.mean(per_image["float"]["fidelity"]))}]
    for row in rows:
        name = json.dumps(row, sort_keys=True)
        table.append({"setting": group_name(row), "protect": row["protect"], "row": row,
                      **{m: float(np.mean(per_image[name][m])) for m in METRICS},
                      "seconds_per_image": float(np.mean(seconds[name]))})
    comparisons = []
    groups = {}
    for row in rows:
        groups.setdefault(group_name(row), {})[row["protect"]] = json.dumps(row, sort_keys=True)
    for group, by_protect in groups.items():
        for a, b in COMPARISONS:
            if a in by_protect and b in by_protect:
                entry = {"setting": group, "comparison": f"{a} − {b}"}
                for m in METRICS:
                    mean, lo, hi = paired_bootstrap(per_image[by_protect[a]][m], per_image[by_protect[b]][m], resamples)
                    entry[m] = {"mean": mean, "lo": lo, "hi": hi,
                                "verdict": "better" if lo > 0 else "worse" if hi < 0 else "no difference"}
                comparisons.append(entry)
    return {"rows": table, "comparisons": comparisons}


def _interval(x: dict, scale: float = 1.0, digits: int = 2) -> str:
    mark = {"better": " ▲", "worse": " ▼", "no difference": ""}[x["verdict"]]
    return f"{scale * x['mean']:+.{digits}f} [{scale * x['lo']:+.{digits}f}, {scale * x['hi']:+.{digits}f}]{mark}"


def print_grid(console, result: dict) -> None:
    from rich.table import Table

    setup = result.get("setup", {})
    table = Table(title=f"TAQ grid: {len(setup.get('checkpoints', []))} checkpoints × {setup.get('prompts')} prompts × "
                        f"{setup.get('seeds')} seeds = {setup.get('images_per_row')} images per row, {setup.get('steps')} "
                        f"steps, guidance {setup.get('guidance')}; PSNR against float on the same seeds")
    for column in ("setting", "protect", "PSNR dB", "attributes", "concept fidelity", "s/image"):
        table.add_column(column, justify="right")
    for r in result["rows"]:
        table.add_row(r["setting"], r["protect"], f"{r['psnr']:.2f}" if "psnr" in r else "∞", f"{r['attributes']:.1%}",
                      f"{r['fidelity']:.1%}", f"{r['seconds_per_image']:.3f}" if "seconds_per_image" in r else "")
    console.print(table)
    table = Table(title="paired differences, mean [95 % bootstrap interval]; ▲/▼: the interval excludes 0")
    for column in ("setting", "difference", "Δ PSNR dB", "Δ attributes (points)", "Δ concept fidelity (points)"):
        table.add_column(column, justify="right")
    for c in result["comparisons"]:
        table.add_row(c["setting"], c["comparison"], _interval(c["psnr"]), _interval(c["attributes"], 100, 1),
                      _interval(c["fidelity"], 100, 1))
    console.print(table)


def grid_markdown(result: dict) -> list[str]:
    """The grid and its paired differences as Markdown tables (REPORT.md and docs/results.md)."""
    setup = result.get("setup", {})
    lines = [f"TAQ grid: {len(setup.get('checkpoints', []))} checkpoints × {setup.get('prompts')} prompts × "
             f"{setup.get('seeds')} seeds = {setup.get('images_per_row')} images per row, {setup.get('steps')} steps, "
             f"guidance {setup.get('guidance')}.", "",
             "| setting | protect | PSNR dB | attributes | concept fidelity |", "|---|---|---|---|---|"]
    for r in result["rows"]:
        psnr_text = f"{r['psnr']:.2f}" if "psnr" in r else "∞"
        lines.append(f"| {r['setting']} | {r['protect']} | {psnr_text} | {100 * r['attributes']:.1f} % | "
                     f"{100 * r['fidelity']:.1f} % |")
    lines += ["", "Paired differences, mean [95 % bootstrap interval]; ▲/▼ when the interval excludes 0:", "",
              "| setting | difference | Δ PSNR dB | Δ attributes (points) | Δ concept fidelity (points) |",
              "|---|---|---|---|---|"]
    for c in result["comparisons"]:
        lines.append(f"| {c['setting']} | {c['comparison']} | {_interval(c['psnr'])} | "
                     f"{_interval(c['attributes'], 100, 1)} | {_interval(c['fidelity'], 100, 1)} |")
    return lines
