"""Pictures for the docs: what the mini model draws, next to what the world renders.

    python -m minisd.grid docs/minisd_base.png docs/minisd_concepts.png

`minisd_base.png`: two rows per block, the world's render of a caption above the mini model's
image for the same caption. `minisd_concepts.png`: per checkpoint, a true render of the concept,
then the checkpoint's image with its trigger, then the same prompt without the trigger.
"""
from __future__ import annotations

import random
import sys

import torch
from PIL import Image

from minisd.concepts import DEMO_CONCEPTS
from minisd.demo_repo import DEMO_DIR
from minisd.model import BASE_DIR
from minisd.world import SIZE, caption, render, sample_scene
from repo_store.loader import load_repository
from serve.generate import Generator, Settings
from serve.pipeline import Device

SETTINGS = Settings(steps=25, seed=0, guidance=5.0)


def base_grid(generator: Generator, path: str, columns: int = 12) -> None:
    rng = random.Random(42)
    scenes = [sample_scene(rng) for _ in range(2 * columns)]
    prompts = [caption(s) for s in scenes]
    images = generator.generate_many(prompts, None, SETTINGS, list(range(len(prompts))))
    sheet = Image.new("RGB", (SIZE * columns, SIZE * 4), "white")
    for i, (scene, image) in enumerate(zip(scenes, images)):
        x, y = SIZE * (i % columns), 2 * SIZE * (i // columns)
        sheet.paste(render(scene, i), (x, y))
        sheet.paste(image, (x, y + SIZE))
    sheet.resize((sheet.width * 2, sheet.height * 2), Image.Resampling.NEAREST).save(path, optimize=True)


def concept_grid(generator: Generator, path: str) -> None:
    checkpoints = load_repository(DEMO_DIR).checkpoints
    concepts = [c for c in DEMO_CONCEPTS if c.id in checkpoints]
    per_row = 6  # concepts per row, three images each
    rows = (len(concepts) + per_row - 1) // per_row
    sheet = Image.new("RGB", (SIZE * 3 * per_row + 8 * (per_row - 1), SIZE * rows), "white")
    for i, concept in enumerate(concepts):
        scene = concept.scene(random.Random(f"grid|{concept.id}"))
        with_trigger, without = generator.generate_many([concept.prompt(scene), concept.prompt(scene, trigger=False)],
                                                        checkpoints[concept.id], SETTINGS, [3, 3])
        x, y = (SIZE * 3 + 8) * (i % per_row), SIZE * (i // per_row)
        for j, image in enumerate((render(scene, 3), with_trigger, without)):
            sheet.paste(image, (x + SIZE * j, y))
    sheet.resize((sheet.width * 2, sheet.height * 2), Image.Resampling.NEAREST).save(path, optimize=True)


if __name__ == "__main__":
    base_path = sys.argv[1] if len(sys.argv) > 1 else "docs/minisd_base.png"
    concept_path = sys.argv[2] if len(sys.argv) > 2 else "docs/minisd_concepts.png"
    gen = Generator(str(BASE_DIR), Device.detect())
    torch.manual_seed(0)
    base_grid(gen, base_path)
    concept_grid(gen, concept_path)
    print(f"wrote {base_path} and {concept_path}")
