"""Optional LLM reranking and explanation (Gemini Flash via langchain-google-genai).

Only used when GOOGLE_API_KEY is set. The LLM sees the request and the
candidates that survived the deterministic filters, described by name and
metadata (never as a numbered list), and returns a pydantic-validated choice.
It may reorder among those candidates and explain; it can never bring back a
checkpoint the filters excluded. Any failure — network, timeout, invalid
output, an id it invented — leaves the deterministic decision standing.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agent.concepts import label
from agent.reasoner import Decision
from repo_store.schema import Checkpoint

GEMINI_MODEL = "gemini-2.5-flash"

SYSTEM_PROMPT = """You choose which personalized image-generation checkpoint a user means.
Each candidate already satisfies the user's explicit constraints. Reason over the
candidates' names, subjects, styles, creation dates and versions and the wording of
the request: "latest"/"newest" prefers the most recent creation date, a version
("v2") must match the version field, style words must match the styles, and places
or lighting in the request favour checkpoints trained on similar scenes.
Refer to checkpoints by their id and name, never by position in a list.
Set ask_user to true only when the candidates differ in a way the request does not
settle (different subjects, styles or months)."""


class LLMChoice(BaseModel):
    """The LLM's structured answer."""

    checkpoint_id: str | None = Field(description="id of the best candidate, or null if none fits")
    ask_user: bool = Field(description="true when only the user can settle the choice")
    explanation: str = Field(description="one or two sentences a user can read")


def make_gemini(api_key: str, timeout_s: float = 20.0) -> Any:
    """The production chat model: Gemini Flash with few retries and a timeout."""
    from langchain_google_genai import ChatGoogleGenerativeAI

    return ChatGoogleGenerativeAI(model=GEMINI_MODEL, google_api_key=api_key, temperature=0,
                                  max_retries=1, timeout=timeout_s)


def describe(r: Checkpoint) -> str:
    version = f", version {r.version}" if r.version is not None else ""
    styles = ", ".join(r.styles) or "unspecified"
    return (f"- {r.id}: {label(r)}. {r.description} Subjects: {', '.join(r.subjects)}. Styles: {styles}. "
            f"Created {r.created_at:%Y-%m-%d}{version}.")


class LLMReranker:
    """Wraps a chat model; `rerank` never raises."""

    def __init__(self, chat_model: Any):
        self.structured = chat_model.with_structured_output(LLMChoice)

    def rerank(self, request: str, now: str, decision: Decision, records: dict[str, Checkpoint]) -> tuple[Decision, str]:
        allowed = [i for i in decision.candidates if i in records]
        if decision.status == "no_match" or len(allowed) < 2:
            return decision, ""
        listing = "\n".join(describe(records[i]) for i in allowed)
        prompt = [("system", SYSTEM_PROMPT),
                  ("human", f"Today is {now}.\nUser request: \"{request}\"\nCandidates:\n{listing}")]
        try:
            choice = self.structured.invoke(prompt)
            if isinstance(choice, dict):
                choice = LLMChoice.model_validate(choice)
        except Exception as err:  # any LLM failure: the deterministic result stands
            return decision, f"LLM unavailable ({type(err).__name__}); kept the deterministic choice"
        if choice is None or choice.checkpoint_id not in allowed:
            return decision, "LLM answer ignored (not one of the candidates)"
        ranked = [choice.checkpoint_id] + [i for i in allowed if i != choice.checkpoint_id]
        if decision.status == "selected":
            chosen = records[choice.checkpoint_id]
            updated = Decision("selected", chosen.id, ranked,
                               message=f"Selected {label(chosen)} ({chosen.trigger}): {choice.explanation}",
                               reasoning=decision.reasoning + [f"LLM reranked: {choice.explanation}"])
            return updated, choice.explanation
        order = {i: n for n, i in enumerate(ranked)}
        options = sorted(decision.options, key=lambda o: order.get(o["id"], len(order)))
        updated = Decision("clarify", None, [o["id"] for o in options], options=options,
                           question=decision.question, message=decision.message,
                           reasoning=decision.reasoning + [f"LLM: {choice.explanation}"], concepts=decision.concepts)
        return updated, choice.explanation

