"""The Check-in graph state: plain JSON values only (ids, strings, dicts), so any
checkpointer can store it and a thread can resume in another process."""
from __future__ import annotations

from typing import Any, TypedDict


class CheckinState(TypedDict, total=False):
    request: str  # what the user typed
    now: str  # ISO reference date for "yesterday", "last week"
    intent: dict[str, Any]  # agent.intent.Intent.to_json()
    extraction: str | None  # what the optional LLM extraction added to the parsed intent
    hits: list[dict[str, Any]]  # {id, fused, dense, lexical}, best first
    status: str  # selected | clarify | no_match
    checkpoint: str | None  # chosen id
    candidates: list[str]  # plausible ids, best first (clarify: the options)
    options: list[dict[str, Any]]  # clarify: {id, name, thumbnail, why}
    concepts: dict[str, list[str]]  # clarify: option id → its matching versions, newest first
    question: str | None
    answer: str | None  # the user's reply to the question
    attempts: int  # questions asked in this turn
    prompt: str | None  # the rewritten image prompt
    message: str  # what to tell the user
    reasoning: list[str]  # how the decision was reached
    image: str | None  # path of a generated image (the generate node), None when it drew nothing
    drawn: dict[str, Any] | None  # generate: what drew the image ({checkpoint, settings, label}) or {error}
