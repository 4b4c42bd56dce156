"""`python app.py bench minisd`: is the embedded model good enough to measure quantization on?

Prints five tables:
1. the evaluator's own accuracy on freshly rendered images;
2. the base model's attribute accuracy on held-out captions (the evaluator reads each image);
3. per personalized checkpoint, concept fidelity with its trigger and without it;
4. where fidelity is lost: true renders, and the same renders through the autoencoder alone;
5. seconds per image at 25 steps on this machine.
Concept fidelity: the share of the concept's attributes (colour, pattern, accent, marking; style and
time for a style) that the evaluator reads in a generated image the same way it reads them in true
renders of the concept (reference-relative, like CLIP-I/DINO similarity), averaged over images.
"""
from __future__ import annotations

import platform
import random
import time
from collections import Counter

import torch

from config import AppConfig
from minisd.concepts import DEMO_CONCEPTS, Concept
from minisd.evaluator import (
    CAPTIONED,
    accuracy,
    fresh_accuracy,
    load_evaluator,
    predict,
    random_scenes,
)
from minisd.world import caption, render
from repo_store.loader import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device


def reference_reading(evaluator, concept: Concept, count: int = 16) -> dict[str, str]:
    """How the evaluator reads the concept's own renders: the majority value per attribute."""
    rng = random.Random(f"reference|{concept.id}")
    scenes = [concept.scene(rng) for _ in range(count)]
    readings = predict(evaluator, [render(s, 7_000_000 + i) for i, s in enumerate(scenes)])
    reference = {}
    for attribute in concept.attributes:
        if concept.is_style:
            reference[attribute] = getattr(scenes[0], attribute)
        else:
            votes = Counter(r[attribute] for r in readings)
            reference[attribute] = votes.most_common(1)[0][0]
    return reference


def fidelity(readings: list[dict], reference: dict[str, str]) -> float:
    hits = [r[a] == v for r in readings for a, v in reference.items()]
    return sum(hits) / len(hits)


def fidelity_ceiling(evaluator, vae, per_concept: int = 8) -> dict[str, dict[str, float]]:
    """Concept fidelity of what no checkpoint can beat: the concept's true renders, and the same renders
    encoded and decoded by the base's autoencoder (no UNet). Same scenes as the benchmark's prompts."""
    from minisd.decoder import reconstructions
    from minisd.evaluator import to_pixels

    out = {}
    for concept in DEMO_CONCEPTS:
        rng = random.Random(f"bench|{concept.id}")
        renders = [render(concept.scene(rng), 100 + i) for i in range(per_concept)]
        reference = reference_reading(evaluator, concept)
        out[concept.id] = {"renders": fidelity(predict(evaluator, renders), reference),
                           "round_trip": fidelity(predict(evaluator, reconstructions(vae, to_pixels(renders))),
                                                  reference)}
    return out


def run_minisd_bench(base_model: str, repo: str, images: int = 200, per_concept: int = 8,
                     steps: int = AppConfig.steps, guidance: float = AppConfig.guidance, seed: int = 0, batch: int = 25) -> dict:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    torch.manual_seed(seed)
    device = Device.detect(bits="fp32" if not torch.cuda.is_available() else None)  # accuracy measured in fp32 on CPU
    evaluator = load_evaluator()
    generator = Generator(base_model, device)
    settings = Settings(steps=steps, seed=seed, guidance=guidance)
    results: dict = {}

    # 1. the evaluator on fresh renders
    results["evaluator"] = fresh_accuracy(evaluator)

    # 2. base model on held-out captions
    held_out = random_scenes(images, 2_000_000 + seed)
    scenes = [s for s, _ in held_out]
    prompts = [caption(s, random.Random(i)) for i, s in enumerate(scenes)]
    pictures = []
    for i in range(0, images, batch):
        pictures += generator.generate_many(prompts[i:i + batch], None, settings, list(range(i, min(i + batch, images))))
    scores = accuracy(evaluator, pictures, scenes)
    base = {attribute: scores[attribute] for attribute in CAPTIONED} | {"mean": scores["captioned"]}
    results["base"] = base

    # 3. personalized checkpoints
    checkpoints = load_repository(repo).checkpoints
    rows = []
    for concept in DEMO_CONCEPTS:
        if concept.id not in checkpoints:
            continue
        rng = random.Random(f"bench|{concept.id}")
        sample = [concept.scene(rng) for _ in range(per_concept)]
        reference = reference_reading(evaluator, concept)
        seeds = list(range(100, 100 + per_concept))
        with_trigger = predict(evaluator, generator.generate_many([concept.prompt(s) for s in sample],
                                                                  checkpoints[concept.id], settings, seeds))
        without = predict(evaluator, generator.generate_many([concept.prompt(s, trigger=False) for s in sample],
                                                             checkpoints[concept.id], settings, seeds))
        rows.append((concept, fidelity(with_trigger, reference), fidelity(without, reference)))
    results["concepts"] = {c.id: {"with": w, "without": wo} for c, w, wo in rows}
    ceiling = fidelity_ceiling(evaluator, generator.pipe.vae, per_concept)
    results["ceiling"] = {key: sum(c[key] for c in ceiling.values()) / len(ceiling) for key in ("renders", "round_trip")}

    # 4. speed
    start = time.perf_counter()
    timed = 3
    for n in range(timed):
        generator.generate(prompts[n], None, settings)
    results["seconds_per_image"] = (time.perf_counter() - start) / timed

    table = Table(title="evaluator accuracy on 1,000 fresh renders (`python -m minisd.evaluator eval`)")
    for head in results["evaluator"]:
        table.add_column(head)
    table.add_row(*(f"{v:.1%}" for v in results["evaluator"].values()))
    console.print(table)
    table = Table(title=f"base model attribute accuracy, {images} held-out captions, {steps} steps, guidance {guidance}")
    for head in base:
        table.add_column(head)
    table.add_row(*(f"{v:.1%}" for v in base.values()))
    console.print(table)
    table = Table(title=f"concept fidelity, {per_concept} images each (target ≥ 80% with the trigger)")
    for column in ("checkpoint", "kind", "attributes", "with trigger", "without"):
        table.add_column(column)
    for concept, w, wo in rows:
        table.add_row(concept.id, concept.kind, ", ".join(concept.attributes), f"{w:.0%}", f"{wo:.0%}")
    if rows:
        mean_w = sum(r[1] for r in rows) / len(rows)
        mean_wo = sum(r[2] for r in rows) / len(rows)
        table.add_row("mean", "", "", f"{mean_w:.1%}", f"{mean_wo:.1%}")
        results["fidelity_mean"] = {"with": mean_w, "without": mean_wo}
    console.print(table)
    table = Table(title="where concept fidelity is lost (mean over the demo concepts)")
    for column in ("images read", "concept fidelity"):
        table.add_column(column)
    table.add_row("true renders (the evaluator's own ceiling)", f"{results['ceiling']['renders']:.1%}")
    table.add_row("the same renders encoded and decoded by the autoencoder", f"{results['ceiling']['round_trip']:.1%}")
    if rows:
        table.add_row("the checkpoints' images with their triggers", f"{results['fidelity_mean']['with']:.1%}")
    console.print(table)
    console.print(f"{results['seconds_per_image']:.2f} s per image at {steps} steps, batch 1, on {device.name} "
                  f"({platform.machine()}, {torch.get_num_threads()} threads)")
    return results
