"""Stored votes map back to their pairs; the judge's verdicts sit beside them on exactly those pairs."""
from __future__ import annotations

import random

import pytest

from bench.human_votes import votes_beside_judge
from judging.pairs import SelectionPairs
from judging.votes import Vote, VoteStore
from tests.judging.test_pairs import Fixed, checkpoints


class AlwaysA:
    name = "always the first system"

    def compare(self, instance, a, b):
        return "a"


def test_votes_and_judge_on_the_same_pairs(tmp_path):
    pairs = SelectionPairs(checkpoints(tmp_path / "repo"), Fixed("checkin", "bear-v4"), [Fixed("other", None)],
                           queries=10)
    store = VoteStore(tmp_path / "votes.sqlite")
    rng, shown = random.Random(0), []
    while len(shown) < 4 and (pair := pairs.next_pair({p.pair_id for p in shown}, rng)) is not None:
        shown.append(pair)
    # a human prefers Check-in twice, the other system once, and calls one a tie
    wanted = ["checkin", "checkin", "other", None]
    for pair, winner in zip(shown, wanted):
        choice = "tie" if winner is None else "left" if pair.left == winner else "right"
        store.add(Vote("ann", "selection", pair.pairing, pair.pair_id, pair.left, pair.right, choice))
    store.add(Vote("ann", "selection", "checkin vs other", "not-a-known-pair", "checkin", "other", "left"))
    [row] = votes_beside_judge(store, pairs, AlwaysA())
    assert row["pairing"] == "checkin vs other" and row["votes"] == 4
    assert row["human_rate"] == pytest.approx((2 + 0.5) / 4)
    assert row["judge_rate"] == 1.0 and row["agreement"] == pytest.approx(2 / 4)
