"""How a checkpoint becomes text and index metadata, and how text becomes
lexical tokens.

The same document feeds the dense embedder and BM25. The tokenizer keeps what
embeddings blur: whole triggers (`<bear-v4>`), versions (`v2`, `version 2` →
`v2`) and names, plus the trigger's parts so `bear` still finds `<bear-v4>`.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from repo_store.schema import Checkpoint

_TRIGGER = re.compile(r"<[^<>\s]+>")
_VERSION = re.compile(r"\b(?:version|ver\.?|v)\s*(\d+)\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    "a an the of and or in on at to for with from by is are was be this that it its my me "
    "our your his her their please use using model checkpoint one".split()
)


def render_document(ckpt: Checkpoint) -> str:
    """The text indexed for a checkpoint: name, description, subjects, styles, version, triggers."""
    parts = [f"{ckpt.name}.", ckpt.description.rstrip(".") + "."]
    parts.append("Subjects: " + ", ".join(ckpt.subjects) + ".")
    if ckpt.styles:
        parts.append("Styles: " + ", ".join(ckpt.styles) + ".")
    if ckpt.version is not None:
        parts.append(f"Version v{ckpt.version}.")
    parts.append("Triggers: " + " ".join(ckpt.triggers) + ".")
    return " ".join(parts)


def date_int(value: datetime) -> int:
    """2025-04-11 → 20250411: sortable and usable in chroma's numeric filters."""
    return value.year * 10000 + value.month * 100 + value.day


def index_metadata(ckpt: Checkpoint) -> dict[str, Any]:
    """Chroma metadata for a checkpoint. Scalars and non-empty string arrays only."""
    meta: dict[str, Any] = {
        "name": ckpt.name,
        "trigger": ckpt.trigger,
        "created_at": date_int(ckpt.created_at),
        "created_year": ckpt.created_at.year,
        "created_month": ckpt.created_at.month,
        "subjects": [s.lower() for s in ckpt.subjects],
        "source": ckpt.source,
    }
    if ckpt.styles:
        meta["styles"] = [s.lower() for s in ckpt.styles]
    if ckpt.version is not None:
        meta["version"] = ckpt.version
    if ckpt.last_used_at is not None:
        meta["last_used_at"] = date_int(ckpt.last_used_at)
    if ckpt.kind:
        meta["kind"] = ckpt.kind
    return meta


def content_hash(ckpt: Checkpoint) -> str:
    """Hash of everything the index stores for a record: equal hash, no re-embedding."""
    payload = {"doc": render_document(ckpt), "meta": index_metadata(ckpt), "record": ckpt.to_json()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=8192)
def _noun_lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getLemma

    return tuple(getLemma(word, upos="NOUN"))


def normalize_word(word: str) -> str:
    """Possessive and plural folding: "dog's" → "dog", "corgis" → "corgi", "puppies" → "puppy"; plurals in -ves
    and -men/-ren by lemminflect ("scarves" → "scarf", "wolves" → "wolf", "women" → "woman", "children" → "child")."""
    word = word.lower().removesuffix("'s").removesuffix("’s")
    if len(word) > 4 and word.endswith(("ves", "men", "ren")):
        lemmas = _noun_lemmas(word)
        if lemmas:
            return next((w for w in lemmas if w.endswith(("f", "fe"))), lemmas[0])
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def lexical_tokens(text: str) -> list[str]:
    """Tokens for BM25: lowercase words (light plural folding), whole triggers, `vN` versions."""
    text = text.lower()
    tokens: list[str] = []
    for trigger in _TRIGGER.findall(text):
        tokens.append(trigger)
    text = _TRIGGER.sub(lambda m: " " + m.group(0)[1:-1].replace("-", " ").replace("_", " ") + " ", text)
    for number in _VERSION.findall(text):
        tokens.append(f"v{int(number)}")
    text = _VERSION.sub(" ", text)
    for word in _WORD.findall(text):
        if word not in STOPWORDS:
            tokens.append(normalize_word(word))
    return tokens
