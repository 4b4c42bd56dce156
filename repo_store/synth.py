"""A synthetic checkpoint repository in the spirit of the paper's (Appendix A):
20 concept categories × N temporal versions, spread over two years.

Each category holds a few specific concepts (Biscuit the corgi, Shadow the
black Labrador, ...) that are retrained over time, so versions of one concept
share a name and subjects but differ in visual detail, style and date — the
situation Check-in must reason about. With at least 8 versions per category every
lineage appears. Deterministic for a seed; no weights.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Concept:
    name: str  # display name shared across versions
    subjects: tuple[str, ...]  # generic noun first, then synonyms and specifics
    looks: str  # what makes this one recognisable
    style_locked: str | None = None  # style concepts carry their own style


def _c(name: str, subjects: str, looks: str, style: str | None = None) -> Concept:
    return Concept(name, tuple(s.strip() for s in subjects.split(",")), looks, style)


CATEGORIES: dict[str, list[Concept]] = {
    "dog": [_c("Biscuit", "dog, corgi, puppy", "a tan and white Pembroke corgi with a fluffy rump and a red collar"),
            _c("Shadow", "dog, labrador, black lab", "a black Labrador retriever with a grey muzzle"),
            _c("Mochi", "dog, shiba inu, puppy", "a cream shiba inu with a curled tail"),
            _c("Pepper", "dog, dalmatian", "a spotted dalmatian with one black ear")],
    "cat": [_c("Miso", "cat, tabby, kitten", "an orange tabby cat with striped legs"),
            _c("Sapphire", "cat, siamese cat", "a siamese cat with blue eyes and colour-point fur"),
            _c("Smokey", "cat, shorthair, kitty", "a grey domestic shorthair with green eyes"),
            _c("Oreo", "cat, tuxedo cat", "a black and white tuxedo cat with white mittens")],
    "person": [_c("Grandma Rose", "person, grandmother, woman, grandma", "an elderly woman with silver curls and round glasses"),
               _c("Me", "person, me, self portrait, man", "a man in his thirties with a short beard"),
               _c("Ava", "person, girl, child", "a seven-year-old girl with red braids")],
    "bear": [_c("Teddy", "bear, teddy bear, plush toy", "a small plush teddy bear, tan with a cream snout and belly"),
             _c("Bruno", "bear, panda, plush toy", "a plush panda with a green bow"),
             _c("Frost", "bear, polar bear, figurine", "a white polar bear figurine with black eyes")],
    "horse": [_c("Spirit", "horse, mare, pony", "a chestnut mare with a white blaze"),
              _c("Ghost", "horse, stallion", "a grey dappled stallion with a long mane"),
              _c("Clover", "horse, pony, shetland pony", "a shaggy brown shetland pony")],
    "car": [_c("Cherry", "car, convertible, vintage car", "a red 1960s convertible with chrome bumpers"),
            _c("Bluebird", "car, hatchback", "a small blue hatchback with a roof rack"),
            _c("Beetle", "car, beetle, classic car", "a mint green classic beetle with whitewall tyres")],
    "toy": [_c("Bolt", "toy, robot, robot toy", "a tin robot toy with a red antenna"),
            _c("Choo", "toy, train, wooden train", "a wooden toy train painted yellow and blue"),
            _c("Quackers", "toy, rubber duck, duck", "a yellow rubber duck with a tiny sailor hat")],
    "watch": [_c("Heirloom", "watch, pocket watch", "a gold pocket watch with an engraved lid"),
              _c("Diver", "watch, wristwatch, diving watch", "a steel diving watch with a blue bezel")],
    "bag": [_c("Satchel", "bag, satchel, leather bag", "a brown leather satchel with brass buckles"),
            _c("Rover", "bag, backpack", "a red canvas backpack with a patched pocket")],
    "chair": [_c("Eames", "chair, armchair, lounge chair", "a mid-century walnut lounge chair with black leather"),
              _c("Rocker", "chair, rocking chair", "a white wooden rocking chair with a knitted cushion")],
    "house": [_c("Rose Cottage", "house, cottage, home", "a thatched stone cottage with a blue door and roses"),
              _c("Beach House", "house, beach house, home", "a pale blue beach house on stilts"),
              _c("Cabin", "house, log cabin, cabin", "a log cabin with a green tin roof")],
    "building": [_c("Harbor Light", "building, lighthouse, tower", "a red and white striped lighthouse"),
                 _c("Old Library", "building, library", "a brick library with a copper dome"),
                 _c("Glass Tower", "building, skyscraper, office tower", "a glass skyscraper with a twisted silhouette")],
    "bridge": [_c("Red Span", "bridge, suspension bridge", "a red suspension bridge with tall towers"),
               _c("Old Arch", "bridge, stone bridge, arch bridge", "a mossy three-arch stone bridge")],
    "flower": [_c("Ruby Rose", "flower, rose", "a deep red rose with dew drops"),
               _c("Sunny", "flower, sunflower", "a tall sunflower with a dark centre"),
               _c("Sakura", "flower, cherry blossom, blossom", "a branch of pale pink cherry blossoms")],
    "tree": [_c("Old Oak", "tree, oak, oak tree", "a wide old oak with a rope swing"),
             _c("Bonsai", "tree, bonsai", "a juniper bonsai in a blue glazed pot")],
    "mountain": [_c("Aster Peak", "mountain, peak, summit", "a snow-capped peak with a sharp ridge"),
                 _c("Red Mesa", "mountain, mesa, butte", "a flat-topped red sandstone mesa")],
    "painting": [_c("Swirl", "painting, painting style, art style",
                    "thick swirling impasto brush strokes in blues and yellows", "oil painting"),
                 _c("Woodblock", "painting, painting style, art style", "flat ukiyo-e woodblock colours with bold outlines", "ukiyo-e"),
                 _c("Wash", "painting, painting style, art style", "soft wet-on-wet washes with bleeding edges", "watercolor")],
    "drawing": [_c("Charcoal", "drawing, drawing style, sketch", "smudged charcoal lines on grey paper", "sketch"),
                _c("Inkline", "drawing, drawing style, ink drawing", "crisp black ink linework with cross-hatching", "ink"),
                _c("Crayon", "drawing, drawing style, crayon drawing", "a child's wax crayon scribbles", "crayon")],
    "logo": [_c("Bean Badge", "logo, badge, emblem", "a round coffee-bean badge in brown and cream", "flat vector"),
             _c("Fox Mark", "logo, mascot logo", "a minimalist orange fox head", "minimalist")],
    "shoe": [_c("Kicks", "shoe, sneaker, trainers", "white high-top sneakers with red laces"),
             _c("Trail", "shoe, boot, hiking boot", "brown leather hiking boots with yellow laces")],
}

STYLES = ["photorealistic", "anime", "cartoon", "watercolor", "oil painting", "sketch", "pixel art",
          "3d render", "cinematic", "vintage film"]
SCENES = ["on a sandy beach", "in a sunny park", "in fresh snow", "in a studio", "on a forest trail",
          "on a city street", "in a cosy living room", "by a lake", "in a flower field", "on a rooftop"]
LIGHTS = ["at golden hour", "under soft overcast light", "at night with warm lamps", "in bright noon sun",
          "in studio light", "at blue hour"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Lineage:
    """One trained line of a concept: its versions share name, trigger stem and style."""

    category: str
    concept: Concept
    styles: tuple[str, ...]
    stem: str  # id and trigger stem, e.g. "biscuit" or "biscuit-anime"
    name: str


def _lineages(rng: random.Random, category: str) -> list[Lineage]:
    """Each concept gets a main lineage; some also exist in a second style."""
    lines = []
    for concept in CATEGORIES[category]:
        base = slug(concept.name)
        if concept.style_locked:
            lines.append(Lineage(category, concept, (concept.style_locked,), base, concept.name))
            continue
        main = tuple(rng.sample(STYLES, rng.choice((1, 1, 2))))
        lines.append(Lineage(category, concept, main, base, concept.name))
        if rng.random() < 0.4:
            other = rng.choice([s for s in STYLES if s not in main])
            lines.append(Lineage(category, concept, (other,), f"{base}-{slug(other)}", f"{concept.name} ({other})"))
    return lines


def synth_records(categories: int = 20, versions: int = 50, seed: int = 0,
                  start: date = date(2024, 6, 1), days: int = 730) -> list[dict[str, Any]]:
    """Metadata dicts for `categories × versions` checkpoints, deterministic for `seed`."""
    if not 1 <= categories <= len(CATEGORIES):
        raise ValueError(f"categories must be between 1 and {len(CATEGORIES)}, got {categories}")
    rng = random.Random(seed)
    records = []
    for category in list(CATEGORIES)[:categories]:
        lines = _lineages(rng, category)
        moments = sorted(rng.randrange(days * 24 * 60) for _ in range(versions))
        counts = {line.stem: 0 for line in lines}
        first = rng.sample(lines, len(lines))  # every lineage once (when versions allow), then at random
        for n, minute in enumerate(moments):
            line = first[n] if n < len(first) else rng.choice(lines)
            counts[line.stem] += 1
            created = datetime.combine(start, datetime.min.time()) + timedelta(minutes=minute)
            records.append(_record(rng, line, counts[line.stem], created, start, days))
    return records


def _record(rng: random.Random, line: Lineage, version: int,
            created: datetime, start: date, days: int) -> dict[str, Any]:
    concept = line.concept
    scene, light = rng.choice(SCENES), rng.choice(LIGHTS)
    count = rng.randint(3, 8)
    description = (f"{concept.name}, {concept.looks}. Fine-tuned on {count} images {scene} {light}; "
                   f"renders best in {' and '.join(line.styles)} style.")
    record: dict[str, Any] = {
        "id": f"{line.category}-{line.stem}-v{version}",
        "name": line.name,
        "triggers": [f"<{line.stem}-v{version}>"],
        "subjects": list(concept.subjects),
        "description": description,
        "styles": list(line.styles),
        "created_at": created.replace(second=0).isoformat(timespec="minutes"),
        "version": version,
        "base_model": "stable-diffusion-v1-5",
        "kind": rng.choice(("lora", "lora", "lora", "dreambooth")),
    }
    end = datetime.combine(start, datetime.min.time()) + timedelta(days=days)
    if rng.random() < 0.3 and created < end:
        span = int((end - created).total_seconds() // 60)
        record["last_used_at"] = (created + timedelta(minutes=rng.randrange(max(span, 1)))).isoformat(timespec="minutes")
    return record


def write_repository(out: str | Path, records: list[dict[str, Any]]) -> int:
    """Write one `<id>.yaml` per record into `out`; returns how many were written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        text = yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=120)
        (out / f"{record['id']}.yaml").write_text(text, encoding="utf-8")
    return len(records)
