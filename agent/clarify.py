"""Resolving a clarification answer to one of the offered options.

The answer may be a candidate id (a thumbnail click) or free text: "the corgi",
"Biscuit", "April", "cartoon please", "the second one", "the newest", "v3",
"neither". Free text is scored against each option's name, subjects, styles,
dates, version and description; a unique best wins, anything else asks again.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from agent.timeexpr import find_time
from agent.vocab import normalize_noun, strip_name, style_pattern
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS

NONE = "__none__"
_ARTICLES = frozenset({"the", "a", "an", "of", "and"})
_ORDINAL = {"first": 0, "1": 0, "one": 0, "former": 0, "second": 1, "2": 1, "two": 1, "third": 2, "3": 2,
            "three": 2, "fourth": 3, "4": 3, "four": 3}


def _words(text: str) -> set[str]:
    return {normalize_noun(w) for w in re.findall(r"[a-z0-9]+", text.lower())} - STOPWORDS


def resolve_answer(answer: str, options: list[dict[str, Any]], records: dict[str, Checkpoint], now: date,
                   shown: int | None = None) -> str | list[str] | None:
    """The chosen option id, NONE when the user declines all, the tied ids when the answer fits
    several equally ("Biscuit" with two Biscuit styles), or None when unclear.

    `options` lists the shown options first (`shown` of them), then any others the answer may name.
    """
    text = answer.strip()
    ids = [o["id"] for o in options]
    if text in ids:
        return text
    low = text.lower()
    if not low:
        return None
    if re.search(r"\b(?:none|neither|nothing|no thanks|cancel|never ?mind)\b", low):
        return NONE
    heads = [records[i] for i in ids]
    if re.search(r"\b(?:latest|newest|most recent|recent)\b", low):
        return max(heads, key=lambda r: r.created_at).id
    if re.search(r"\b(?:oldest|earliest)\b", low):
        return min(heads, key=lambda r: r.created_at).id
    m = re.search(r"\b(first|second|third|fourth|former|latter|last)\b(?:\s+one)?|^\s*(?:#|number\s+)?([1-4])\s*$", low)
    if m:
        word = m.group(1) or m.group(2)
        shown = len(ids) if shown is None else shown  # ordinals count the options that were shown
        index = shown - 1 if word in ("latter", "last") else _ORDINAL.get(word, -1)
        if 0 <= index < shown:
            return ids[index]

    said = _words(low)
    said_raw = set(re.findall(r"[a-z0-9]+", low))  # names may be stopwords: "Me", "Us"
    window = find_time(low, text, now)
    version = re.search(r"\bv(?:ersion)?\s?(\d+)\b", low)
    scores = []
    for head, offered in zip(heads, options):
        name_words = set(re.findall(r"[a-z0-9]+", strip_name(head.name))) - _ARTICLES
        score = 3 * len((said & _words(offered["name"])) | (said_raw & name_words))
        score += 2 * len(said & _words(" ".join(head.subjects)))
        score += 3 * sum(style_pattern(style.lower()).search(low) is not None for style in head.styles)
        if window and window.contains(head.created_at.date()):
            score += 3
        if version and head.version == int(version.group(1)):
            score += 3
        score += len(said & _words(head.description.split(".")[0]))
        scores.append(score)
    best = max(scores)
    if best <= 0:
        return None
    tied = [i for i, score in zip(ids, scores) if score == best]
    return tied[0] if len(tied) == 1 else (tied if len(tied) < len(ids) else None)
