"""Deterministic metadata reasoning: from an intent and retrieval hits to a decision.

    identity  trigger > name > subject term (or synonym) > retrieval evidence
    filters   style (hard or preferred), time window, version — a hard filter that
              nothing meets is a no-match that names the nearest alternatives
    details   words of the request that only some concepts' descriptions share
    concepts  successive versions collapse to one concept; ordering words pick
              within; several concepts left → one question
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from agent.concepts import group_concepts, label, month_of, newest_first, why
from agent.intent import Intent
from agent.vocab import (MODEL_WORDS, SCENE_WORDS, STYLE_SYNONYMS, STYLE_WORDS, Vocabulary, normalize_noun,
                         normalize_phrase, style_pattern)
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS

_STYLE_TOKENS = frozenset(normalize_noun(t) for w in STYLE_WORDS for t in w.split())  # "oil", "painting", ...
DENSE_FLOOR = 0.40  # cosine below which a subject-less request is "nothing like it" (MiniLM)
MAX_OPTIONS = 4  # a question offers at most this many choices


@dataclass
class Decision:
    status: str  # selected | clarify | no_match
    checkpoint: str | None = None
    candidates: list[str] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)  # clarify: {id, name, thumbnail, why}
    question: str | None = None
    message: str = ""
    reasoning: list[str] = field(default_factory=list)
    concepts: dict[str, list[str]] = field(default_factory=dict)  # clarify: option id → versions

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def style_matches(r: Checkpoint, canonical: str) -> bool:
    names = {normalize_phrase(w) for w in STYLE_SYNONYMS.get(canonical, ()) + (canonical,)}
    if any(normalize_phrase(s) in names for s in r.styles):
        return True
    return style_pattern(canonical).search(r.description.lower()) is not None


def subject_pool(term: str, vocab: Vocabulary, records: dict[str, Checkpoint]) -> set[str]:
    """Ids whose subjects include `term`, or a multi-word subject containing it ("lab" ⊂ "black lab")."""
    ids = set(vocab.subjects.get(term, set()))
    for subject, owners in vocab.subjects.items():
        if " " in subject and term in subject.split():
            ids |= owners
    return {i for i in ids if i in records}


def option(r: Checkpoint, name: str | None = None) -> dict[str, Any]:
    return {"id": r.id, "name": name or label(r), "thumbnail": r.thumbnail, "why": why(r)}


class Reasoner:
    """Turns (intent, hits) into a Decision over one repository's records."""

    def __init__(self, records: dict[str, Checkpoint], vocab: Vocabulary, metadata: bool = True):
        self.records = records
        self.vocab = vocab
        self.metadata = metadata  # False: the ablation without metadata reasoning (retrieval decides)

    # --- identity -----------------------------------------------------------------
    def identity(self, intent: Intent, hits: list[dict[str, Any]], steps: list[str]) -> tuple[set[str] | None, str]:
        """The ids the request can mean before metadata filters, and how it was named."""
        subject = intent.subject
        if subject and subject.kind == "trigger":
            ckpt_id = self.vocab.triggers[subject.term]
            steps.append(f"the request names the trigger {subject.text} → {ckpt_id}")
            return {ckpt_id}, subject.text
        if subject and subject.kind == "name":
            ids = {i for i in self.vocab.names[subject.term] if i in self.records}
            steps.append(f"name '{subject.text}' → {len(ids)} checkpoints")
            return ids, subject.text
        if subject:
            ids = subject_pool(subject.term, self.vocab, self.records)
            via = f" (read as '{subject.term}')" if subject.kind == "synonym" else ""
            steps.append(f"subject '{subject.text}'{via} → {len(ids)} checkpoints")
            return ids, subject.text
        if intent.unknown_subject:
            steps.append(f"'{intent.unknown_subject}' matches no subject in the repository")
            return None, intent.unknown_subject
        if intent.has_selection_cues:
            steps.append("no subject named: metadata cues choose among all checkpoints")
            return set(self.records), "checkpoint"
        close = [h["id"] for h in hits if (h.get("dense") or 0) >= DENSE_FLOOR or h.get("lexical")]
        steps.append(f"no subject or cue named: {len(close)} retrieved checkpoints are close enough")
        return (set(close) or None), intent.content or intent.request

    # --- filters ------------------------------------------------------------------
    def filters(self, intent: Intent, pool: list[Checkpoint], steps: list[str]) -> tuple[list[Checkpoint], str | None, list[Checkpoint]]:
        """Apply style, time and version. Returns (kept, failure message, nearest on failure)."""
        for style in intent.styles:
            kept = [r for r in pool if style_matches(r, style)]
            if kept:
                steps.append(f"style {style} → {len(kept)}")
                pool = kept
            elif intent.style_hard:
                return [], f"none is in {style} style", pool
            else:
                steps.append(f"no {style} version; the style is left to the prompt")
        if intent.time:
            window = intent.time
            fields = {"created": ["created_at"], "used": ["last_used_at"], "any": ["created_at", "last_used_at"]}[window.field]
            kept = []
            for attr in fields:
                kept = [r for r in pool if getattr(r, attr) and window.contains(getattr(r, attr).date())]
                if kept:
                    verb = "created" if attr == "created_at" else "last used"
                    steps.append(f"{verb} {window.describe()} → {len(kept)}")
                    break
            if not kept:
                verb = "was used" if window.field == "used" else "was created"
                return [], f"none {verb} {_when_phrase(window)}", _nearest_in_time(pool, window)
            pool = kept
        if intent.version is not None:
            kept = [r for r in pool if r.version == intent.version]
            if not kept:
                nearest = sorted(pool, key=lambda r: (abs((r.version or 0) - intent.version), newest_first(r)))
                return [], f"none is version {intent.version}", nearest
            steps.append(f"version {intent.version} → {len(kept)}")
            pool = kept
        return pool, None, []

    # --- details ------------------------------------------------------------------
    def detail_tokens(self, intent: Intent) -> set[str]:
        subject_words = set(intent.subject.term.split()) if intent.subject else set()
        words = {normalize_noun(w) for w in re.findall(r"[a-z0-9]+", intent.content.lower())}
        return {w for w in words if len(w) > 2 and w not in STOPWORDS and w not in SCENE_WORDS
                and w not in MODEL_WORDS and w not in subject_words and w not in _STYLE_TOKENS
                and not w.isdigit() and w not in {"paint", "draw", "photo", "picture", "generate", "make",
                                                  "show", "image", "render", "create"}}

    def by_details(self, concepts: list[list[Checkpoint]], tokens: set[str], steps: list[str]) -> list[list[Checkpoint]]:
        """Keep the concepts whose own words match the most request details ("red collar")."""
        if not tokens or len(concepts) < 2:
            return concepts
        def score(concept: list[Checkpoint]) -> int:
            first = concept[0]
            looks = first.description.split(".")[0] + " " + first.name + " " + " ".join(first.subjects)
            own = {normalize_noun(w) for w in re.findall(r"[a-z0-9]+", looks.lower())}
            return len(tokens & own)
        scores = [score(c) for c in concepts]
        best = max(scores)
        if best == 0 or scores.count(best) == len(scores):
            return concepts
        kept = [c for c, s in zip(concepts, scores) if s == best]
        steps.append(f"details {sorted(tokens)} fit {len(kept)} of {len(concepts)} concepts")
        return kept

    # --- decision -----------------------------------------------------------------
    def decide(self, intent: Intent, hits: list[dict[str, Any]]) -> Decision:
        if not self.metadata:
            return self.decide_by_retrieval(hits)
        steps: list[str] = []
        relevance = {h["id"]: h["fused"] for h in hits}
        ids, named = self.identity(intent, hits, steps)
        if not ids:
            return self._no_match(f"No checkpoint matches '{named}'.", [self.records[h["id"]] for h in hits
                                                                     if h["id"] in self.records], steps)
        pool = [self.records[i] for i in ids]
        kept, failure, nearest = self.filters(intent, pool, steps)
        if failure:
            return self._no_match(f"I found {_count(pool, named)}, but {failure}.", nearest, steps)

        concepts = group_concepts(kept)
        steps.append(f"{len(kept)} checkpoints in {len(concepts)} concepts")
        concepts = self.by_details(concepts, self.detail_tokens(intent), steps)
        if intent.prefers_photo and not intent.styles and len(concepts) > 1:
            photo = [c for c in concepts if style_matches(c[0], "photorealistic")]
            if 0 < len(photo) < len(concepts):
                steps.append("'photo' prefers the photorealistic concepts")
                concepts = photo

        flat = sorted((r for c in concepts for r in c), key=newest_first)
        if intent.ordering in ("latest", "oldest") and len(concepts) > 1:
            chosen = flat[0] if intent.ordering == "latest" else flat[-1]
            steps.append(f"'{intent.ordering}' picks {chosen.id} across {len(concepts)} concepts")
            return self._selected(chosen, flat, f"the {'newest' if intent.ordering == 'latest' else 'oldest'} "
                                                f"of {len(flat)} matching checkpoints", steps)
        if len(concepts) == 1:
            return self.within_concept(concepts[0], intent, steps)
        return self.clarify(concepts, relevance, steps)

    def decide_by_retrieval(self, hits: list[dict[str, Any]]) -> Decision:
        """The ablation: no names, dates, versions or styles; the retrieved concepts decide (Table 3's '× metadata')."""
        relevance = {h["id"]: h["fused"] for h in hits if h["id"] in self.records}
        close = [i for i in relevance if any(h["id"] == i and ((h.get("dense") or 0) >= DENSE_FLOOR or h.get("lexical"))
                                             for h in hits)]
        steps = [f"retrieval only: {len(close)} of {len(hits)} hits are close enough"]
        if not close:
            return self._no_match("No checkpoint matches this request.", [self.records[i] for i in relevance], steps)
        concepts = group_concepts([self.records[i] for i in close])
        if len(concepts) == 1:
            best = max(concepts[0], key=lambda r: relevance[r.id])
            return self._selected(best, concepts[0], "the best-retrieved version of the only retrieved concept", steps)
        return self.clarify(concepts, relevance, steps)

    def within_concept(self, versions: list[Checkpoint], intent: Intent, steps: list[str]) -> Decision:
        """One concept left: pick the version the request asks for, else the newest."""
        if len(versions) == 1:
            return self._selected(versions[0], versions, "the only checkpoint that fits", steps)
        if intent.ordering == "oldest":
            return self._selected(versions[-1], versions, f"the oldest of {len(versions)} versions", steps)
        if intent.ordering == "previous":
            return self._selected(versions[1], versions, f"the version before the newest of {len(versions)}", steps)
        newest = versions[0]
        version = f"v{newest.version}, " if newest.version is not None else ""
        reason = f"{len(versions)} versions of {label(newest)} fit; using the newest ({version}created {newest.created_at:%Y-%m-%d})"
        return self._selected(newest, versions, reason, steps)

    def _selected(self, chosen: Checkpoint, plausible: list[Checkpoint], reason: str, steps: list[str]) -> Decision:
        rest = [r.id for r in plausible if r.id != chosen.id]
        return Decision("selected", chosen.id, [chosen.id] + rest[:9],
                        message=f"Selected {label(chosen)} ({chosen.trigger}): {reason}.", reasoning=steps)

    def _no_match(self, message: str, nearest: list[Checkpoint], steps: list[str]) -> Decision:
        seen, alternatives = set(), []
        for r in nearest:
            if r.id not in seen:
                seen.add(r.id)
                alternatives.append(r)
        alternatives = alternatives[:3]
        if alternatives:
            message += " Closest: " + "; ".join(f"{label(r)} ({why(r)})" for r in alternatives) + "."
        return Decision("no_match", None, [r.id for r in alternatives], message=message, reasoning=steps)

    def clarify(self, concepts: list[list[Checkpoint]], relevance: dict[str, float], steps: list[str]) -> Decision:
        """One question over the concepts (the most relevant shown, the rest still answerable)."""
        def rank(concept: list[Checkpoint]) -> tuple:
            return (-max(relevance.get(r.id, 0.0) for r in concept), newest_first(concept[0]))
        ranked = sorted(concepts, key=rank)
        shown = ranked[:MAX_OPTIONS]
        heads = [c[0] for c in shown]
        names = option_names(heads)
        question = clarifying_question(heads, names)
        hidden = [label(c[0]) for c in ranked[MAX_OPTIONS:]]
        if hidden:
            more = _either(sorted(set(hidden))) if len(hidden) <= 3 else f"{len(hidden)} others"
            question += f" (Also possible: {more}.)"
        steps.append(f"{len(concepts)} concepts remain; asking")
        return Decision("clarify", None, [r.id for r in heads],
                        options=[option(r, n) for r, n in zip(heads, names)], question=question,
                        message=question, reasoning=steps, concepts={c[0].id: [r.id for r in c] for c in ranked})


def option_names(heads: list[Checkpoint]) -> list[str]:
    """Labels that tell the options apart: add the style, then the month, where labels repeat."""
    names = [label(r) for r in heads]
    for extra in (lambda r: ", ".join(r.styles) or "no style", month_of):
        if len(set(names)) == len(names):
            break
        counts = {n: names.count(n) for n in names}
        names = [f"{n} ({extra(r)})" if counts[n] > 1 else n for n, r in zip(names, heads)]
    return names


def clarifying_question(heads: list[Checkpoint], names: list[str]) -> str:
    """One short question naming what differs, never ids."""
    base = {label(r) for r in heads}
    styles = [" and ".join(r.styles) for r in heads]
    months = [month_of(r) for r in heads]
    if len(base) == 1 and len(set(styles)) == len(heads):
        return f"Which {_bare(label(heads[0]))} do you mean: {_either([s + ' style' for s in styles])}?"
    if len(base) == 1 and len(set(months)) == len(heads):
        return f"Do you mean the {_bare(label(heads[0]))} from {_either(months)}?"
    if len(base) == len(heads):
        return f"Do you mean {_either(names)}?"
    return f"Which one do you mean: {_either(names)}?"


def _bare(name: str) -> str:
    return name.removeprefix("the ")


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _count(pool: list[Checkpoint], what: str) -> str:
    noun = "checkpoint" if len(pool) == 1 else "checkpoints"
    return f"{len(pool)} {noun} for '{what}'" if what != "checkpoint" else f"{len(pool)} {noun}"


def _when_phrase(window) -> str:
    if window.months and not window.start:
        return "in " + window.describe()
    if window.start == window.end:
        return f"on {window.start}"
    return f"between {window.start} and {window.end}"


def _nearest_in_time(pool: list[Checkpoint], window) -> list[Checkpoint]:
    def distance(r: Checkpoint) -> float:
        day = r.created_at.date()
        if window.months and not window.start:
            return min(min(abs(day.month - m), 12 - abs(day.month - m)) for m in window.months) * 30
        start, end = date.fromisoformat(window.start), date.fromisoformat(window.end)
        return 0 if start <= day <= end else min(abs((day - start).days), abs((day - end).days))
    return sorted(pool, key=lambda r: (distance(r), newest_first(r)))
