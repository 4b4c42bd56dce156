"""Build the demo repository: every concept of `minisd.concepts` trained, thumbnailed and described.

    python -m minisd.demo_repo --out minisd/demo_repo --seed 0 [--only rex-v1,rex-v2]
    python -m minisd.demo_repo --thumbnails-only      # redraw thumbnails after the base changed

For each concept: fine-tune a fresh copy of the base (`minisd.personalize`), save its safetensors,
write its metadata YAML (the schema in docs/architecture.md, with sha256), and render its thumbnail *through the
serving path* (`serve.generate.Generator`), so a thumbnail shows what the checkpoint really draws.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

from minisd.concepts import DEMO_CONCEPTS, Concept
from minisd.model import BASE_DIR
from minisd.personalize import TuneConfig, finetune, save_weights

DEMO_DIR = Path(__file__).resolve().parent / "demo_repo"
BASE_NAME = "minisd-64"
LAST_USED = {"rex-v2": "2026-11-21", "mochi-v2": "2026-11-14", "dusk-v2": "2026-10-30"}
THUMBNAIL = dict(steps=25, seed=0, guidance=5.0)


def metadata(concept: Concept, weights: Path, sha256: str, thumbnail: str | None) -> dict:
    styles = list(concept.styles) or [{"photo": "photorealistic"}.get(concept.style, concept.style)]
    meta = {"id": concept.id, "name": concept.name, "triggers": [concept.trigger], "subjects": list(concept.subjects),
            "description": concept.description, "styles": styles, "created_at": concept.created_at,
            "version": concept.version, "base_model": BASE_NAME, "kind": concept.kind, "weights": weights.name,
            "sha256": sha256}
    if concept.id in LAST_USED:
        meta["last_used_at"] = LAST_USED[concept.id]
    if thumbnail:
        meta["thumbnail"] = thumbnail
    return meta


def write_yaml(path: Path, meta: dict) -> None:
    path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))


def build(out: Path, base: Path, cfg: TuneConfig, seed: int, only: set[str] | None = None, log=print) -> int:
    import torch
    from diffusers import StableDiffusionPipeline
    from tqdm import tqdm

    from repo_store.loader import file_sha256, load_checkpoint_file
    from serve.generate import Generator
    from serve.pipeline import Device

    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(str(base), Device("cpu", torch.float32))
    concepts = [c for c in DEMO_CONCEPTS if not only or c.id in only]
    for concept in tqdm(concepts, desc="concepts", unit="checkpoint"):
        start = time.perf_counter()
        pipe = StableDiffusionPipeline.from_pretrained(str(base), local_files_only=True, dtype=torch.float32,
                                                       safety_checker=None, requires_safety_checker=False)
        weights = save_weights(finetune(pipe, concept, cfg, seed, log), concept, out / f"{concept.id}.safetensors")
        source, sha256 = out / f"{concept.id}.yaml", file_sha256(weights)
        write_yaml(source, metadata(concept, weights, sha256, None))
        checkpoint, _ = load_checkpoint_file(source)
        thumbnail = draw_thumbnail(generator, concept, checkpoint, out)
        write_yaml(source, metadata(concept, weights, sha256, thumbnail.name))
        log(f"{concept.id}: {weights.stat().st_size / 1e3:.0f} kB in {time.perf_counter() - start:.0f} s")
    return len(concepts)


def draw_thumbnail(generator, concept: Concept, checkpoint, out: Path) -> Path:
    """Render `concept`'s thumbnail scene through the serving path (what the checkpoint really draws)."""
    from serve.generate import Settings

    image = generator.generate(concept.prompt(concept.thumbnail_scene()), checkpoint, Settings(**THUMBNAIL))
    image.save(path := out / f"{concept.id}.png")
    return path


def redraw_thumbnails(out: Path, base: Path, only: set[str] | None = None) -> int:
    """Draw every checkpoint's thumbnail again through the serving path, weights untouched (after the
    base's decoder changed, say); metadata and sha256 stay as they are."""
    import torch
    from tqdm import tqdm

    from repo_store.loader import load_repository
    from serve.generate import Generator
    from serve.pipeline import Device

    generator = Generator(str(base), Device("cpu", torch.float32))
    checkpoints = load_repository(out).checkpoints
    concepts = [c for c in DEMO_CONCEPTS if c.id in checkpoints and (not only or c.id in only)]
    for concept in tqdm(concepts, desc="thumbnails", unit="checkpoint"):
        draw_thumbnail(generator, concept, checkpoints[concept.id], out)
    return len(concepts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m minisd.demo_repo", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEMO_DIR)
    parser.add_argument("--base", type=Path, default=BASE_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, help="training steps for every kind (default: minisd.personalize.STEPS)")
    parser.add_argument("--only", help="comma-separated concept ids (default: all)")
    parser.add_argument("--thumbnails-only", action="store_true", help="redraw thumbnails, train nothing")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    if args.thumbnails_only:
        print(f"redrew {redraw_thumbnails(args.out, args.base, only)} thumbnails in {args.out}")
        return
    log_file = (args.out / "build.log") if args.out.exists() else None

    def log(message: str) -> None:
        from tqdm import tqdm

        tqdm.write(message)
        if log_file:
            with log_file.open("a") as f:
                f.write(message + "\n")

    n = build(args.out, args.base, TuneConfig(steps=args.steps), args.seed, only, log)
    print(f"built {n} checkpoints in {args.out}")


if __name__ == "__main__":
    main()
