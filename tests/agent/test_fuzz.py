"""Odd requests never crash Check-in: every one ends selected, clarify or no_match."""
from __future__ import annotations

import random

from tests.agent.conftest import NOW

PIECES = ["my", "the", "dog", "<", ">", "<bear-v4>", "v", "v2", "version", "2025-13-40", "April", "may", "spring",
          "last", "week", "yesterday's", "’s", "🐶", "Über", "İstanbul", "—", ",", "'", "\"", "(", ")", "3 days ago",
          "first", "latest", "anime", "8-bit", "me", "of the", "a", "in", "corgi's", "Grandma Rose", "0", "-1",
          "version two", "2024", "March 32", "the 31st of February", "\t", "\n", "...", "model", "Shadow"]


def test_random_requests_end_in_a_valid_status(checkin):
    rng = random.Random(7)
    for n in range(150):
        text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 9)))
        if not text.strip():
            continue
        turn = checkin.ask(text, f"fuzz-{n}", NOW)
        assert turn.status in ("selected", "clarify", "no_match"), text
        if turn.status == "selected":
            assert turn.prompt is not None and turn.checkpoint
