"""The intent judges: exact rubric scores from the ground truth; the LLM judge counts only order-consistent verdicts."""
from __future__ import annotations

import json
from datetime import datetime

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bench.intent_judge import LLMJudge, RubricJudge, Scores
from evaluation.repo_prompts import Instance
from repo_store.schema import Checkpoint


def ckpt(id_: str, name: str, version: int, created: str, subjects=("dog", "corgi"), styles=("photorealistic",)):
    return Checkpoint(id=id_, name=name, triggers=(f"<{id_}>",), subjects=tuple(subjects), styles=tuple(styles),
                      description=f"{name}, a test checkpoint.", created_at=datetime.fromisoformat(created),
                      source=f"{id_}.yaml", version=version)


RECORDS = {c.id: c for c in [
    ckpt("dog-biscuit-v1", "Biscuit", 1, "2025-03-02"), ckpt("dog-biscuit-v2", "Biscuit", 2, "2025-04-11"),
    ckpt("dog-rex-v1", "Rex", 1, "2025-04-20"), ckpt("cat-mochi-v1", "Mochi", 1, "2025-04-21", ("cat", "kitten")),
    ckpt("dog-biscuit-anime-v1", "Biscuit (anime)", 1, "2025-05-01", styles=("anime",)),
]}


def instance(query, expected, pool, cues, kind="clear"):
    return Instance("rp-0001", query, "2025-06-01", kind, "test", pool,
                    {"checkpoint_id": expected, "requires_clarification": kind == "ambiguous",
                     "no_match": kind == "no_match"}, cues)


VERSION = instance("Biscuit v1 on the beach", "dog-biscuit-v1", ["dog-biscuit-v1"], {"name": "Biscuit", "version": 1})
NONE = instance("my hamster", None, [], {"subject": "hamster"}, kind="no_match")


def test_rubric_exact_scores():
    judge = RubricJudge(RECORDS)
    assert judge.score(VERSION, "dog-biscuit-v1") == Scores(5, 5, 5, 5)
    assert judge.score(VERSION, "dog-biscuit-v2") == Scores(5, 5, 1, 3)  # right concept, wrong version
    assert judge.score(VERSION, "dog-rex-v1") == Scores(1, 5, 5, 1)  # wrong name (its version happens to be 1)
    assert judge.score(VERSION, None) == Scores(1, 1, 1, 1)
    assert judge.score(NONE, None) == Scores(5, 5, 5, 5)
    assert judge.score(NONE, "cat-mochi-v1").context == 1
    styled = instance("the anime corgi", "dog-biscuit-anime-v1", ["dog-biscuit-anime-v1"], {"subject": "corgi", "style": "anime"})
    assert judge.score(styled, "dog-biscuit-v2") == Scores(5, 1, 5, 1)  # same dog, not the anime line asked for
    assert judge.score(styled, "cat-mochi-v1").intent == (1 + 1 + 5 + 1) / 4
    assert judge.compare(VERSION, "dog-biscuit-v1", "dog-biscuit-v2") == "a"
    assert judge.compare(VERSION, "dog-rex-v1", "dog-biscuit-v1") == "b"
    assert judge.compare(VERSION, "dog-biscuit-v2", "dog-biscuit-v2") == "tie"


def verdict(best: str, subject: int = 5) -> str:
    return "Sure.\n" + json.dumps({"subject": subject, "style": 4, "temporal": 3, "context": 5, "intent_score": 4.25,
                                   "best_choice": best, "reasoning": "..."})


def test_llm_judge_needs_both_orders_to_agree():
    consistent = LLMJudge(FakeListChatModel(responses=[verdict("Selected Better"), verdict("Alternative [1] Better")]),
                          RECORDS)
    assert consistent.compare(VERSION, "dog-biscuit-v1", "dog-rex-v1") == "a"
    positional = LLMJudge(FakeListChatModel(responses=[verdict("Selected Better"), verdict("Selected Better")]), RECORDS)
    assert positional.compare(VERSION, "dog-biscuit-v1", "dog-rex-v1") is None
    garbage = LLMJudge(FakeListChatModel(responses=["I think the first.", verdict("Selected Better")]), RECORDS)
    assert garbage.compare(VERSION, "dog-biscuit-v1", "dog-rex-v1") is None
    scorer = LLMJudge(FakeListChatModel(responses=[verdict("Selected Better", subject=2)]), RECORDS)
    assert scorer.score(VERSION, "dog-biscuit-v1") == Scores(2, 4, 3, 5)
