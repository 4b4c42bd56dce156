"""Human votes from the judging tab beside the automatic judge, on exactly the pairs people voted on.

The judging tab draws its selection pairs from REPO-PROMPTS over the served repository
(`judging.pairs.SelectionPairs`); the pair ids are stable, so each stored vote maps back to its
request and the two systems' choices, and the automatic judge gives its verdict on the same pair.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from judging.pairs import SelectionPairs
from judging.votes import VoteStore, wilson_interval


def votes_beside_judge(votes: VoteStore, pairs: SelectionPairs, judge: Any) -> list[dict[str, Any]]:
    """Per pairing "A vs B": votes, A's human win rate, A's judge win rate on the same pairs, agreement."""
    known = pairs.pairs()
    tallies: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for vote in votes.votes("selection"):
        if vote.pair_id not in known:
            continue  # a pair from another repository or seed
        a, b, instance = known[vote.pair_id]
        t = tallies[f"{a} vs {b}"]
        human = "tie" if vote.winner is None else "a" if vote.winner == a else "b"
        verdict = judge.compare(instance, pairs.choice(a, instance), pairs.choice(b, instance))
        t["votes"] += 1
        t["human_a"] += {"a": 1.0, "tie": 0.5, "b": 0.0}[human]
        if verdict is not None:
            t["judged"] += 1
            t["judge_a"] += {"a": 1.0, "tie": 0.5, "b": 0.0}[verdict]
            t["agree"] += verdict == human
    rows = []
    for pairing, t in sorted(tallies.items()):
        n, judged = int(t["votes"]), int(t["judged"])
        rows.append({"pairing": pairing, "votes": n, "human_rate": t["human_a"] / n,
                     "human_interval": wilson_interval(t["human_a"], n),
                     "judge_rate": t["judge_a"] / judged if judged else float("nan"),
                     "agreement": t["agree"] / judged if judged else float("nan")})
    return rows
