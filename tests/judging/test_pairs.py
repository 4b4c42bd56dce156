"""Selection pairs: informative only, never twice for one evaluator, sides shuffled; image pairs likewise."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from judging.pairs import IMAGE_PAIRINGS, ImagePairs, SelectionPairs
from repo_store import load_repository
from tests.agent.conftest import RECORDS
from tests.conftest import write_records


class Fixed:
    """A selector that always answers the same id (a test double for a selection system)."""

    def __init__(self, name: str, answer: str | None):
        self.name, self.answer = name, answer

    def select(self, query: str, now: date, answer: str | None = None) -> str | None:
        return self.answer


def checkpoints(tmp_path):
    write_records(tmp_path, RECORDS)
    return load_repository(tmp_path).checkpoints


def test_pairs_skip_agreement_and_seen_and_shuffle_sides(tmp_path):
    records = checkpoints(tmp_path)
    pairs = SelectionPairs(records, Fixed("checkin", "bear-v4"), [Fixed("same", "bear-v4"), Fixed("other", None)],
                           queries=20)
    seen, sides = set(), set()
    rng = random.Random(3)
    while (pair := pairs.next_pair(seen, rng)) is not None:
        assert pair.pairing == "checkin vs other"  # "same" always agrees: nothing to judge
        assert pair.pair_id not in seen and {pair.left, pair.right} == {"checkin", "other"}
        assert pair.choices == {"checkin": "bear-v4", "other": None}
        seen.add(pair.pair_id)
        sides.add(pair.left)
    assert len(seen) == len(pairs.queries) and sides == {"checkin", "other"}


def test_image_pairs_cover_both_pairings_once(tmp_path):
    records = {k: replace(v, weights="/w.safetensors") for k, v in checkpoints(tmp_path).items()}
    pairs = ImagePairs(records, per_pairing=3)
    seen = []
    while (pair := pairs.next_pair(set(seen), random.Random(len(seen)))) is not None:
        assert pair.checkpoint_id in records and records[pair.checkpoint_id].trigger in pair.prompt
        seen.append(pair.pair_id)
    assert len(seen) == len(set(seen)) == 3 * len(IMAGE_PAIRINGS)


def test_a_cached_pair_image_is_keyed_by_the_base_and_the_checkpoint_weights(tmp_path):
    from judging.render import cached_image
    from serve.generate import Settings

    records = {k: replace(v, weights="/w.safetensors", sha256="0" * 64) for k, v in checkpoints(tmp_path).items()}
    pair = ImagePairs(records).next_pair(set(), random.Random(0))
    ckpt = records[pair.checkpoint_id]
    drawn = Settings(steps=20, guidance=5.0)
    first = cached_image(tmp_path, pair, pair.left, "a" * 64, ckpt, drawn)
    assert first == cached_image(tmp_path, pair, pair.left, "a" * 64, ckpt, drawn)  # same drawing: from disk
    assert first.parent == tmp_path / "judging" and first.name.startswith(f"{pair.pair_id}-{pair.left}-")
    assert first != cached_image(tmp_path, pair, pair.right, "a" * 64, ckpt, drawn)
    assert first != cached_image(tmp_path, pair, pair.left, "b" * 64, ckpt, drawn)  # the base was retrained
    assert first != cached_image(tmp_path, pair, pair.left, "a" * 64, replace(ckpt, sha256="c" * 64), drawn)
    assert first != cached_image(tmp_path, pair, pair.left, "a" * 64, ckpt, replace(drawn, steps=25))
