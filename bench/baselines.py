"""Selection systems behind one interface, for pairwise judging and the selection benchmarks.

    system.select(query, now, answer) -> checkpoint id or None

`answer` is what the user replies if the system asks a question (only Check-in asks).
Baselines, as in the paper's Table 2:
  random       uniform over the checkpoints of the query's category (its subject noun)
  dense        Stylus-style: top-1 cosine similarity of the query to the descriptions
  no-clarify   Check-in that never asks: it takes the first candidate when it would ask
"""
from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Protocol

from agent.checkin import CheckIn
from agent.intent import parse_intent
from agent.vocab import Vocabulary
from repo_store.store import Repository


class Selector(Protocol):
    name: str

    def select(self, query: str, now: date, answer: str | None = None) -> str | None: ...


class CheckinSelector:
    name = "checkin"

    def __init__(self, checkin: CheckIn, clarify: bool = True):
        self.checkin = checkin
        self.clarify = clarify
        if not clarify:
            self.name = "no-clarify"

    def select(self, query: str, now: date, answer: str | None = None) -> str | None:
        thread = f"judge-{uuid.uuid4().hex}"
        turn = self.checkin.ask(query, thread, now)
        if turn.status == "clarify":
            if not self.clarify:
                return turn.candidates[0] if turn.candidates else None
            if answer:
                turn = self.checkin.reply(answer, thread)
        return turn.checkpoint if turn.status == "selected" else None


class DenseSelector:
    name = "dense"

    def __init__(self, repository: Repository):
        self.repository = repository

    def select(self, query: str, now: date, answer: str | None = None) -> str | None:
        hits = self.repository.index.dense(query, 1)
        return hits[0][0] if hits else None


class RandomSelector:
    """Uniform within the category the query names (all checkpoints when it names none); seeded per query."""

    name = "random"

    def __init__(self, repository: Repository, vocab: Vocabulary, seed: int = 0):
        self.repository = repository
        self.vocab = vocab
        self.seed = seed

    def select(self, query: str, now: date, answer: str | None = None) -> str | None:
        records = sorted(self.repository.checkpoints.values(), key=lambda r: r.id)
        retriever = self.repository.retriever
        named = retriever.exact_triggers(query) | retriever.named(query)
        subject = parse_intent(query, now, self.vocab).subject
        if named:  # a name or trigger: its category is the named checkpoint's generic subject
            categories = {self.repository.checkpoints[i].subjects[0].lower() for i in named}
        else:
            categories = {subject.term.lower()} if subject is not None else set()
        same = [r for r in records if any(s.lower() in categories for s in r.subjects)]
        records = same or records
        rng = random.Random(f"{self.seed}:{query}")
        return rng.choice(records).id if records else None
