"""Optional LLM constraint extraction, reranking and explanation (Gemini Flash via langchain-google-genai).

Only used when GOOGLE_API_KEY is set. The LLM sees the request and the
candidates that survived the deterministic filters, described by name and
metadata (never as a numbered list), and returns a pydantic-validated choice.
It may reorder among those candidates and explain; it can never bring back a
checkpoint the filters excluded. Any failure — network, timeout, invalid
output, an id it invented — leaves the deterministic decision standing.
"""
from __future__ import annotations

import re
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



EXTRACT_PROMPT = """You read one request to an assistant that picks which of the user's personalized
image-generation checkpoints to use. Extract only what the request says about WHICH checkpoint,
not what the picture shows. Words of the scene (places, other animals or objects in the picture,
clothes worn in the picture, weather, seasons of the scene) are not constraints.
- subject: the word(s) naming the checkpoint's subject as written (a name like "Rex", or "my dog"), else null
- exclude: names, subjects, styles or visible details the user rules out ("not the sketchy one" → "sketch")
- styles: art styles asked of the checkpoint; details: visible details that tell versions apart ("collar")
- kind: lora | dreambooth | textual_inversion when named; version: a version number when named
- position: 1 for the oldest/first, 2 for the second, -1 for the newest, -2 for the next-to-latest
- used_recently: true when the user means the checkpoint they used most recently"""


class ExtractedConstraints(BaseModel):
    """The constraints of a request, as the LLM reads them (checked against the repository afterwards)."""

    subject: str | None = Field(default=None, description="the words naming the checkpoint's subject, or null")
    exclude: list[str] = Field(default_factory=list, description="names, subjects, styles or details ruled out")
    styles: list[str] = Field(default_factory=list, description="styles asked of the checkpoint")
    details: list[str] = Field(default_factory=list, description="visible details that tell versions apart")
    kind: str | None = Field(default=None, description="lora | dreambooth | textual_inversion, or null")
    version: int | None = Field(default=None, description="a version number the user names, or null")
    position: int | None = Field(default=None, description="1 oldest, 2 second, -1 newest, -2 next-to-latest")
    used_recently: bool = Field(default=False, description="the checkpoint the user used most recently")


class LLMExtractor:
    """Structured extraction of a request's constraints (the paper's reasoning step), checked by the
    deterministic side: every value must name something this repository has, or it is dropped, and
    it only fills what the deterministic parser left empty. `refine` never raises."""

    def __init__(self, chat_model: Any):
        self.structured = chat_model.with_structured_output(ExtractedConstraints)

    def refine(self, request: str, intent: Any, vocab: Any) -> tuple[Any, str]:
        try:
            found = self.structured.invoke([("system", EXTRACT_PROMPT), ("human", request)])
            if isinstance(found, dict):
                found = ExtractedConstraints.model_validate(found)
        except Exception as err:  # any LLM failure: the deterministic reading stands
            return intent, f"LLM extraction unavailable ({type(err).__name__})"
        if found is None:
            return intent, "LLM extraction returned nothing"
        return merge_extracted(intent, found, vocab)


def merge_extracted(intent: Any, found: ExtractedConstraints, vocab: Any) -> tuple[Any, str]:
    """Add to `intent` what `found` says and the repository can check; say what was added."""
    from agent.mention import Mention
    from agent.lexicon import KIND_WORDS, stem
    from agent.vocab import STYLE_SYNONYMS, normalize_phrase

    added = []

    def style_of(word: str) -> str | None:
        word = word.lower().strip()
        return next((c for c, words in STYLE_SYNONYMS.items() if word == c or word in words), None)

    def term_of(word: str) -> tuple[str, str] | None:
        phrase = normalize_phrase(re.sub(r"^(?:my|our|the|a|an)\s+", "", word.lower().strip()))
        if phrase in vocab.names:
            return "name", phrase
        if phrase in vocab.subjects:
            return "subject", phrase
        informal = vocab.informal(phrase)
        return ("synonym", informal) if informal else None

    if found.subject and intent.subject is None:
        term = term_of(found.subject)
        if term:
            at = intent.request.lower().find(found.subject.lower())
            start, end = (at, at + len(found.subject)) if at >= 0 else (0, 0)
            intent.mentions.append(Mention(term[0], term[1], found.subject if at >= 0 else "", start, end, start, "none"))
            intent.mentions.sort(key=lambda m: m.start)
            intent.unknown_subject = None
            added.append(f"subject {term[1]}")
    for word in found.exclude:
        style, term = style_of(word), term_of(word)
        item = ({"field": "style", "value": style} if style else
                {"field": term[0] if term[0] == "name" else "subject", "value": term[1]} if term else
                {"field": "detail", "value": stem(word.split()[-1])} if word.split() and
                stem(word.split()[-1]) in vocab.detail_words else None)
        if item and not any(x["field"] == item["field"] and x["value"] == item["value"] for x in intent.excluded):
            intent.excluded.append({**item, "text": word})
            added.append(f"not {word}")
    for word in found.styles:
        style = style_of(word)
        if style and style not in intent.styles and not any(x["value"] == style for x in intent.excluded):
            intent.styles.append(style)
            added.append(f"style {style}")
    for word in found.details:
        key = stem(word.split()[-1]) if word.split() else ""
        if key in vocab.detail_words and key not in intent.details:
            intent.details.append(key)
            added.append(f"detail {key}")
    kind = (found.kind or "").lower().replace(" ", "_")
    if intent.kind is None and kind in KIND_WORDS:
        intent.kind = kind
        added.append(f"kind {kind}")
    if intent.version is None and found.version is not None and 0 < found.version < 1000:
        intent.version = found.version
        added.append(f"version {found.version}")
    if intent.position is None and intent.ordering is None and found.position not in (None, 0) \
            and abs(found.position) <= 50:
        intent.position = found.position
        added.append(f"position {found.position}")
    if found.used_recently and not intent.usage:
        intent.usage = True
        added.append("most recently used")
    return intent, ("LLM added " + ", ".join(added)) if added else "LLM added nothing the parser missed"
