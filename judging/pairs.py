"""What evaluators compare: selection pairs (Check-in vs a baseline) and image pairs (two quantization settings).

Selection pairs come from the REPO-PROMPTS generator (`evaluation.repo_prompts`) over the
served repository, with the same simulated user answering questions, so human votes and the
automatic judge (`python app.py bench all`) are reported on the same pairs. A pair whose
two systems chose the same checkpoint carries no preference and is not shown. Image pairs render
one prompt per checkpoint under two settings; the images are cached on disk by pair id.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from evaluation.repo_prompts import Instance, SimulatedUser, repo_prompts
from evaluation.selectors import Selector
from repo_store.schema import Checkpoint

# image pairings: system name → (bits, protect); "float" is the device's precision
IMAGE_SYSTEMS = {"w8a8-taq": ("w8a8", "trigger"), "w8a8-plain": ("w8a8", "none"), "float": ("float", "trigger")}
IMAGE_PAIRINGS = (("w8a8-taq", "w8a8-plain"), ("w8a8-taq", "float"))
IMAGE_SCENES = ("on the beach at sunset", "in the snow at noon", "on a city street at night", "on the grass at noon")


def pair_id(*parts: Any) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass
class SelectionPair:
    pair_id: str
    pairing: str  # "A vs B"
    query: Instance
    left: str  # system names, in display order
    right: str
    choices: dict[str, str | None] = field(default_factory=dict)  # system → checkpoint id or None


@dataclass
class ImagePair:
    pair_id: str
    pairing: str
    checkpoint_id: str
    prompt: str
    seed: int
    left: str
    right: str


class SelectionPairs:
    """Check-in against each baseline over one query set; selections computed on demand and kept."""

    def __init__(self, checkpoints: dict[str, Checkpoint], checkin: Selector, baselines: list[Selector],
                 queries: int = 40, seed: int = 0):
        self.queries = repo_prompts(checkpoints, queries, seed)
        self.user = SimulatedUser(checkpoints)
        self.systems = {s.name: s for s in [checkin, *baselines]}
        self.pairings = [(checkin.name, b.name) for b in baselines]
        self._chosen: dict[tuple[str, str], str | None] = {}

    def choice(self, system: str, query: Instance) -> str | None:
        key = (system, query.query + "|" + query.now)
        if key not in self._chosen:
            self._chosen[key] = self.systems[system].select(query.query, date.fromisoformat(query.now),
                                                            lambda options: self.user.answer(query, options))
        return self._chosen[key]

    def pairs(self) -> dict[str, tuple[str, str, Instance]]:
        """Every pair id this set can show: id → (system a, system b, request)."""
        return {pair_id("selection", a, b, q.query, q.now): (a, b, q) for q in self.queries for a, b in self.pairings}

    def next_pair(self, seen: set[str], rng: random.Random) -> SelectionPair | None:
        """An informative pair the evaluator has not judged, sides in random order; None when all are done."""
        order = [(q, pairing) for q in self.queries for pairing in self.pairings]
        random.Random(0).shuffle(order)  # one fixed interleaving of pairings and queries for everyone
        for query, (a, b) in order:
            pid = pair_id("selection", a, b, query.query, query.now)
            if pid in seen:
                continue
            chosen = {a: self.choice(a, query), b: self.choice(b, query)}
            if chosen[a] == chosen[b]:
                continue
            left, right = (a, b) if rng.random() < 0.5 else (b, a)
            return SelectionPair(pid, f"{a} vs {b}", query, left, right, chosen)
        return None


class ImagePairs:
    def __init__(self, checkpoints: dict[str, Checkpoint], per_pairing: int = 8, seed: int = 0):
        rng = random.Random(seed)
        usable = sorted((c for c in checkpoints.values() if c.weights), key=lambda c: c.id)
        rng.shuffle(usable)
        self.items: list[tuple[Checkpoint, str, int]] = []
        for i, ckpt in enumerate(usable[:per_pairing]):
            scene = IMAGE_SCENES[i % len(IMAGE_SCENES)]
            style = f", {ckpt.styles[0]}" if ckpt.styles else ""
            self.items.append((ckpt, f"a {ckpt.trigger} {ckpt.subjects[0]} {scene}{style}", 1000 + i))

    def next_pair(self, seen: set[str], rng: random.Random) -> ImagePair | None:
        for pairing in IMAGE_PAIRINGS:
            for ckpt, prompt, seed in self.items:
                pid = pair_id("image", *pairing, ckpt.id, prompt, seed)
                if pid in seen:
                    continue
                left, right = pairing if rng.random() < 0.5 else pairing[::-1]
                return ImagePair(pid, " vs ".join(pairing), ckpt.id, prompt, seed, left, right)
        return None
