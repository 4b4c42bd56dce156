"""Hybrid retrieval: dense top-K from chroma plus lexical BM25 (bm25s) over the
same documents, fused with reciprocal-rank fusion (RRF).

    fused(c) = Σ_lists 1 / (rrf_k + rank_list(c))  (+ 1.0 if the query names c's trigger)

The lists are the dense ranking, the BM25 ranking, and the checkpoints whose
display name the query spells out ("Pepper on the beach"), all at rank 1.
RRF needs no score calibration between cosine and BM25. A query that names a
checkpoint's trigger exactly (`<bear-v4>` or `bear-v4`) puts it first: that is
an identifier, not a similarity. An optional chroma `where` filter restricts
every list to the same ids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from repo_store.index import CheckpointIndex
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS, lexical_tokens
from repo_store.where import matches

_WORDS = re.compile(r"[a-z0-9]+")

EXACT_TRIGGER_BONUS = 1.0  # larger than any RRF sum (≤ 2 / (rrf_k + 1))


@dataclass(frozen=True)
class Hit:
    """One retrieved checkpoint with the evidence for its rank."""

    checkpoint: Checkpoint
    fused: float
    dense: float | None = None  # cosine similarity, when in the dense pool
    lexical: float | None = None  # BM25 score, when the lexical half matched
    dense_rank: int | None = None  # 1-based
    lexical_rank: int | None = None
    exact_trigger: bool = False
    name_match: bool = False  # the query spells out the display name

    @property
    def checkpoint_id(self) -> str:
        return self.checkpoint.id


class HybridRetriever:
    """Dense + lexical retrieval over one `CheckpointIndex`.

    `pool` is how many candidates each half contributes before fusion.
    Call `refresh()` after the index changes.
    """

    def __init__(self, index: CheckpointIndex, rrf_k: int = 60, pool: int = 50, use_lexical: bool = True):
        self.index = index
        self.rrf_k = rrf_k
        self.pool = pool
        self.use_lexical = use_lexical  # False: the dense half alone (a benchmark ablation)
        self.refresh()

    def refresh(self) -> None:
        ids, docs, records, metadatas = self.index.snapshot()
        self.ids = ids
        self.records = records
        self.metadatas = metadatas
        self._bm25: Any = None
        if ids:
            self._bm25 = bm25s.BM25()
            self._bm25.index([lexical_tokens(d) or ["<empty>"] for d in docs], show_progress=False)
        self._names: dict[str, set[str]] = {}
        for ckpt_id, record in records.items():
            words = _WORDS.findall(record.name.lower())
            if words and not set(words) <= STOPWORDS:
                self._names.setdefault(" ".join(words), set()).add(ckpt_id)
        self._longest_name = max((k.count(" ") + 1 for k in self._names), default=0)
        # Triggers spelled out in a query: "<bear-v4>" always; bare "bear-v4" only when the bare
        # word is not also a subject word (a trigger "<dog>" must not capture every "dog").
        subject_words = {w for r in records.values() for s in r.subjects for w in s.lower().split()}
        self._triggers: dict[str, str] = {}
        for ckpt_id, record in sorted(records.items()):
            for trigger in record.triggers:
                self._triggers.setdefault(trigger.lower(), ckpt_id)
                bare = trigger.lower().strip("<>")
                if bare not in subject_words:
                    self._triggers.setdefault(bare, ckpt_id)

    def lexical(self, query: str, n: int) -> list[tuple[str, float]]:
        """Top-n (id, BM25 score > 0)."""
        if self._bm25 is None:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in lexical_tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[r], float(scores[r])) for r in top if scores[r] > 0]

    def exact_triggers(self, query: str) -> set[str]:
        """Ids whose trigger the query spells out, with or without angle brackets."""
        found = set()
        for token in re.findall(r"<[^<>\s]+>|[\w.-]+", query.lower()):
            if token in self._triggers:
                found.add(self._triggers[token])
        return found

    def named(self, query: str) -> set[str]:
        """Ids whose display name appears in the query as a whole phrase."""
        words = _WORDS.findall(query.lower())
        found: set[str] = set()
        for size in range(1, self._longest_name + 1):
            for start in range(len(words) - size + 1):
                found |= self._names.get(" ".join(words[start:start + size]), set())
        return found

    def retrieve(self, query: str, k: int = 10, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k best checkpoints for `query`, best first, optionally pre-filtered by `where`."""
        if not query.strip() or not self.ids or k <= 0:
            return []
        pool = max(self.pool, k)
        dense = self.index.dense(query, pool, where)
        # chroma filters the dense half; the in-memory halves check the same filter here
        lexical = self.lexical(query, pool * 4 if where else pool) if self.use_lexical else []
        exact = self.exact_triggers(query)
        named = self.named(query)
        if where:
            def passes(i: str) -> bool:
                return matches(self.metadatas[i], where)
            lexical = [(i, s) for i, s in lexical if passes(i)][:pool]
            exact = {i for i in exact if passes(i)}
            named = {i for i in named if passes(i)}

        fused: dict[str, float] = {i: EXACT_TRIGGER_BONUS for i in exact}
        for ckpt_id in named:
            fused[ckpt_id] = fused.get(ckpt_id, 0.0) + 1.0 / (self.rrf_k + 1)
        for half in (dense, lexical):
            for rank, (ckpt_id, _) in enumerate(half, start=1):
                fused[ckpt_id] = fused.get(ckpt_id, 0.0) + 1.0 / (self.rrf_k + rank)
        dense_at = {i: (r, s) for r, (i, s) in enumerate(dense, start=1)}
        lexical_at = {i: (r, s) for r, (i, s) in enumerate(lexical, start=1)}

        order = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        return [
            Hit(
                checkpoint=self.records[i],
                fused=fused[i],
                dense=dense_at[i][1] if i in dense_at else None,
                lexical=lexical_at[i][1] if i in lexical_at else None,
                dense_rank=dense_at[i][0] if i in dense_at else None,
                lexical_rank=lexical_at[i][0] if i in lexical_at else None,
                exact_trigger=i in exact,
                name_match=i in named,
            )
            for i in order
        ]
