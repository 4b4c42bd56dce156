"""Votes are stored at once, survive a crash, are counted exactly, and one evaluator votes once per pair.

Every store test runs twice (`state_backend`): on the embedded SQLite file and on a real Postgres."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from judging.votes import Vote, VoteError, VoteStore, wilson_interval


def vote(evaluator: str, pair: str, choice: str, left: str = "checkin", right: str = "random") -> Vote:
    return Vote(evaluator, "selection", "checkin vs random", pair, left, right, choice)


def test_win_rate_counts_the_shown_side_and_ties_as_half(tmp_path, state_backend):
    store = VoteStore.open(tmp_path, state_backend)
    store.add(vote("ann", "p1", "left"))  # checkin on the left, preferred
    store.add(vote("ann", "p2", "right", left="random", right="checkin"))  # checkin on the right, preferred
    store.add(vote("ann", "p3", "left", left="random", right="checkin"))  # random preferred
    store.add(vote("ann", "p4", "tie"))
    [rate] = store.win_rates("selection")
    assert (rate.pairing, rate.votes, rate.wins, rate.losses, rate.ties) == ("checkin vs random", 4, 2, 1, 1)
    assert rate.rate == pytest.approx(2.5 / 4)
    assert store.win_rates("image") == []


def test_wilson_interval_known_values():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == 1.0


def test_one_vote_per_evaluator_and_pair(tmp_path, state_backend):
    store = VoteStore.open(tmp_path, state_backend)
    store.add(vote("ann", "p1", "left"))
    with pytest.raises(VoteError, match="already judged"):
        store.add(vote("ann", "p1", "right"))
    store.add(vote("bob", "p1", "right"))
    assert store.seen("ann") == {"p1"} and [v.choice for v in store.votes()] == ["left", "right"]


@pytest.mark.parametrize("evaluator, choice, message", [("", "left", "evaluator name"), ("ann", "both", "unknown")])
def test_bad_votes_are_refused_and_not_stored(tmp_path, state_backend, evaluator, choice, message):
    store = VoteStore.open(tmp_path, state_backend)
    with pytest.raises(VoteError, match=message):
        store.add(vote(evaluator, "p1", choice))
    assert store.votes() == []


def test_a_vote_survives_a_crash_of_the_process(tmp_path, state_backend):
    path = state_backend or tmp_path / "votes.sqlite"
    code = ("import os, sys; sys.path.insert(0, sys.argv[2]); from judging.votes import Vote, VoteStore; "
            "VoteStore(sys.argv[1]).add(Vote('ann', 'image', 'a vs b', 'p9', 'a', 'b', 'left')); os._exit(9)")
    from tests.conftest import ROOT

    assert subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], check=False).returncode == 9  # no clean close
    [kept] = VoteStore(path).votes()
    assert (kept.evaluator, kept.pair_id, kept.winner) == ("ann", "p9", "a")


def test_csv_export_matches_the_table(tmp_path, state_backend):
    store = VoteStore.open(tmp_path, state_backend)
    for i, choice in enumerate(["left"] * 8 + ["right"] * 2):
        store.add(vote(f"e{i}", "p1", choice))
    rows = list(csv.DictReader(io.StringIO(store.results_csv())))
    assert rows == [{"pairing": "checkin vs random", "votes": "10", "wins": "8", "losses": "2", "ties": "0",
                     "win_rate": "0.8000", "ci95_low": "0.4902", "ci95_high": "0.9433"}]


def test_postgres_start_is_migration_free_and_keeps_existing_votes(postgres_server):
    url = postgres_server.new_database()
    VoteStore(url).add(vote("ann", "p1", "left"))
    again = VoteStore(url)  # CREATE TABLE IF NOT EXISTS on a database that has the table
    again.add(vote("bob", "p1", "right"))
    assert [(v.evaluator, v.choice) for v in again.votes()] == [("ann", "left"), ("bob", "right")]
