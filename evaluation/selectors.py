"""Selection systems behind one interface, for pairwise judging and the selection benchmarks.

    system.select(query, now, answer) -> checkpoint id or None

`answer` is what the user replies if the system asks a question (only Check-in asks): a fixed
text, or a function of the options shown (`SimulatedUser`), asked up to three times.
Baselines, as in the paper's Table 2:
  random       uniform over the checkpoints of the query's category (its subject noun)
  dense        Stylus-style: top-1 cosine similarity of the query to the descriptions
  reranker     a cross-encoder over the hybrid top-20 when a local model folder is given
               (PERSONALQ_RERANKER_MODEL); otherwise a lexical+dense rescoring of the same 20 (named as such)
  no-clarify   Check-in that never asks: it takes the first candidate when it would ask
"""
from __future__ import annotations

import copy
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from agent.checkin import CheckIn, Turn
from agent.intent import parse_intent
from agent.vocab import Vocabulary
from errors import ConfigError
from repo_store.store import Repository

Answer = str | Callable[[list[dict[str, Any]]], str] | None
MAX_ANSWERS = 3


class Selector(Protocol):
    name: str

    def select(self, query: str, now: date, answer: Answer = None) -> str | None: ...


@dataclass
class Conversation:
    """One request through Check-in: the first turn, the last one, and the first turn's latency."""

    first: Turn
    final: Turn
    latency_ms: float

    @property
    def selected(self) -> str | None:
        return self.final.checkpoint if self.final.status == "selected" else None


def converse(checkin: CheckIn, query: str, thread: str, now: date, answer: Answer = None) -> Conversation:
    """Ask, then answer each question with `answer` (up to MAX_ANSWERS times) until Check-in decides."""
    start = time.perf_counter()
    first = checkin.ask(query, thread, now)
    latency_ms = (time.perf_counter() - start) * 1000
    turn = first
    for _ in range(MAX_ANSWERS):
        if turn.status != "clarify":
            break
        text = answer(turn.options) if callable(answer) else answer
        if not text:
            break
        turn = checkin.reply(text, thread)
    return Conversation(first, turn, latency_ms)


class CheckinSelector:
    name = "checkin"

    def __init__(self, checkin: CheckIn, clarify: bool = True, name: str | None = None):
        self.checkin = checkin
        self.clarify = clarify
        if not clarify:
            self.name = "no-clarify"
        if name:
            self.name = name

    def select(self, query: str, now: date, answer: Answer = None) -> str | None:
        talk = converse(self.checkin, query, f"judge-{uuid.uuid4().hex}", now, answer if self.clarify else None)
        if not self.clarify and talk.first.status == "clarify":  # it would ask: take the first candidate
            return talk.first.candidates[0] if talk.first.candidates else None
        return talk.selected


def without_lexical(repository: Repository) -> Repository:
    """The same repository and index with BM25 switched off in retrieval (an ablation)."""
    retriever = copy.copy(repository.retriever)
    retriever.use_lexical = False
    return replace(repository, retriever=retriever)


class RerankerSelector:
    """Reranks the hybrid top-20 and takes the best.

    With `model_dir` (a local cross-encoder folder, e.g. a downloaded ms-marco-MiniLM or
    Qwen3-Reranker; PERSONALQ_RERANKER_MODEL), sentence-transformers' CrossEncoder scores (query,
    description) pairs. Without it: 0.5 × cosine + 0.5 × BM25/max(BM25) over the same 20, a
    documented stand-in, reported as "reranker (lexical+dense rescoring)".
    """

    def __init__(self, repository: Repository, model_dir: str | None = None, pool: int = 20):
        self.repository = repository
        self.pool = pool
        self.cross_encoder = None
        if model_dir:
            if not Path(model_dir).is_dir():
                raise ConfigError(f"PERSONALQ_RERANKER_MODEL={model_dir} is not a folder; point it to a local "
                                        "cross-encoder model or unset it to use the lexical+dense rescoring")
            from sentence_transformers import CrossEncoder

            self.cross_encoder = CrossEncoder(model_dir, local_files_only=True)
            self.name = f"reranker ({Path(model_dir).name})"
        else:
            self.name = "reranker (lexical+dense rescoring)"

    def select(self, query: str, now: date, answer: Answer = None) -> str | None:
        hits = self.repository.retrieve(query, k=self.pool)
        if not hits:
            return None
        if self.cross_encoder is not None:
            docs = [f"{h.checkpoint.name}. {h.checkpoint.description}" for h in hits]
            scores = list(self.cross_encoder.predict([(query, d) for d in docs]))
        else:
            top_lexical = max((h.lexical or 0.0) for h in hits) or 1.0
            scores = [0.5 * (h.dense or 0.0) + 0.5 * (h.lexical or 0.0) / top_lexical for h in hits]
        best = max(range(len(hits)), key=lambda i: (scores[i], -i))
        return hits[best].checkpoint_id


class DenseSelector:
    name = "dense"

    def __init__(self, repository: Repository):
        self.repository = repository

    def select(self, query: str, now: date, answer: Answer = None) -> str | None:
        hits = self.repository.index.dense(query, 1)
        return hits[0][0] if hits else None


class RandomSelector:
    """Uniform within the category the query names (all checkpoints when it names none); seeded per query."""

    name = "random"

    def __init__(self, repository: Repository, vocab: Vocabulary, seed: int = 0):
        self.repository = repository
        self.vocab = vocab
        self.seed = seed

    def select(self, query: str, now: date, answer: Answer = None) -> str | None:
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
