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
from functools import cache
from datetime import date
from typing import Any
from collections.abc import Callable

from agent.concepts import (colour_families, group_concepts, id_stem, is_style_checkpoint, label, main_colour_words, month_of,
                            newest_first, why)
from agent.constraints import DEED_KINDS, REMOVED, names_change
from agent.conversation import pos_of
from agent.mention import DETERMINED_BEFORE, Intent
from agent.timeexpr import TimeWindow
from agent.lexicon import (COLOURS, COLOUR_FAMILIES, HYPERNYMS, PLAIN_COLOURS, lexname, same_thing_words, stem, wordnet_relation,
                           wordnet_senses)
from agent.vocab import (STYLE_SYNONYMS, YOUNG_KINDS, Vocabulary, name_key, normalize_noun, normalize_phrase, strip_name,
                         style_pattern)
from repo_store.schema import Checkpoint

KIND_NAMES = {"lora": "LoRA", "dreambooth": "DreamBooth", "textual_inversion": "textual inversion"}
DENSE_FLOOR = 0.40  # cosine below which a subject-less request is "nothing like it" (MiniLM)
MAX_OPTIONS = 8  # a question offers at most this many choices (a row of thumbnails; the rest are named)


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


# "my boy", "my girl": one's own son or daughter as well as any boy or girl of the repository
_MY_CHILD = {"boy": "son", "girl": "daughter"}

_CLASS_POOL = 200  # a detail read by its class only among a few concepts' versions, never over a whole repository


def _name_says(name: str, style: str) -> bool:
    """Whether a checkpoint's name begins a word with the style word ("sketch" of "Sketchbook style")."""
    return any(w.startswith(style) for w in re.findall(r"[a-z]+", name.lower())) if " " not in style \
        else style in name.lower()


# at most this many versions in a style are widened to the versions named alike (a bound on the hot path)
_NAMED_ALIKE = 20


# the colour words by their stems ("blond" → "blonde")
COLOUR_WORD = {stem(w): w for w in sorted(COLOURS | set(COLOUR_FAMILIES))}
_OLD = frozenset(("old", "origin"))  # stems of "the old roof", "the original sign"
# words of a negation's phrase that say nothing of a version: "not the repainted one", "not that version"
_PHRASE_FILLERS = frozenset("the one ones version versions model checkpoint that this not without isn any".split())


def _changed(phrase: str) -> bool:
    """Whether a phrase names a change to the subject's look ("the repainted ones", "after the haircut")."""
    return any(names_change(w) for w in re.findall(r"[a-z][\w-]*", phrase.lower()))


def _has_detail(words: frozenset[str], detail: str) -> bool:
    """A stemmed detail in a record's stemmed words; "repaint" also finds "paint" and the reverse."""
    return detail in words or any(len(w) > 4 and len(detail) > 4 and (w.endswith(detail) or detail.endswith(w))
                                  and w not in (f"un{detail}", f"non{detail}", f"non-{detail}")  # "uncracked"
                                  for w in words)


# who someone is, said with "from": "Ollie from the youth squad", "one of the kids from the squad"
_FROM_GROUP = re.compile(r"\bfrom\s+(?:the|our|his|her|their|my)\s+((?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)")


def from_group_words(text: str) -> frozenset[str]:
    """Stems of the words of a "from the ..." phrase up to its punctuation (at most three words)."""
    return frozenset(stem(w) for m in _FROM_GROUP.finditer(text.lower()) for w in re.findall(r"[a-z]+", m.group(1)))


@cache
def _style_canonicals(style: str) -> frozenset[str]:
    """Known styles a record's own style names, whole or as a part of it: "ink wash" is an ink style,
    "pencil sketch" a sketch."""
    phrase = f" {normalize_phrase(style)} "
    return frozenset(c for c, ws in STYLE_SYNONYMS.items()
                     if any(f" {normalize_phrase(w)} " in phrase for w in ws + (c,)))


def style_matches(r: Checkpoint, canonical: str) -> bool:
    own = normalize_phrase(canonical)
    if any(normalize_phrase(s) == own or canonical in _style_canonicals(s) for s in r.styles):
        return True
    return style_pattern(canonical).search(r.description.lower()) is not None


# what a description says its version does not have yet: "before the redecoration", "without the hat", "no harness"
_LACKED = re.compile(r"\b(?:before|prior\s+to|without|no|minus|instead\s+of|not(?:\s+yet)?(?=\s+[a-z]+(?:ed|en)\b)|"
                     + REMOVED + r")\s+"
                     r"(?:(?:the|a|an|any|its|his|her|their|our)\s+)?"
                     r"([a-z][a-z-]*)")
# and after the thing: "after his braces came off", "with the lid off", "the sign removed"
_LACKED_AFTER = re.compile(r"\b(?!(?:shav|cut|took|tak|chopp|remov)[a-z]*\s+off\b)([a-z][a-z-]*)\s+"
                           r"(?:(?:came|come|comes|coming|were|was|been|got|taken|shaved|shaven|cut|"
                           r"chopped|knocked|pulled|snapped|sawn|sanded|stripped|painted)\s+)?"
                           r"(?:off|removed|gone)(?![\w-])")  # "his beard shaved off"; not "green off-road wheels", nor
# "shaving off his beard" (the shaving stays, `_LACKED` drops the beard)


# words that say a thing's colour was changed or is many: a version saying one inherits no colour from the others
_RECOLOURED = frozenset("painted repainted dyed recoloured recolored coloured colored colourful colorful multicoloured "
                        "multicolored rainbow tinted".split())


def _colour_said(intent: Intent) -> str | None:
    """A colour word right before a subject word ("my ginger cat", "the black dog"), not before a name."""
    subject = intent.subject
    if subject is None or subject.kind not in ("subject", "synonym", "class"):
        return None
    before = re.search(r"([a-z]+)\s+$", intent.request[:subject.start].lower())
    if before is None or before.group(1) not in COLOUR_FAMILIES \
            or any(s <= before.start(1) < e for s, e in intent.cue_spans):  # "the green van, sorry, I mean the cream one"
        return None
    return before.group(1)


# a creature said with "a" right before the place phrase (in, at, by: not on) that names a checkpoint: "a pony in the
# field"
_BEING_BEFORE = re.compile(r"\b(?:an?|some|two|three|few)\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z]+)\s+(?:[a-z]+ing\s+)?"
                           r"(?:in|at|by|near|inside|outside|beside|behind|next\s+to|in\s+front\s+of)\s+"
                           r"(?:(?:the|my|our|his|her|their|a|an)\s+(?:[a-z-]+\s+){0,2})?$")
_OPENS = re.compile(r"\s*(?:(?:can|could|would)\s+(?:you|u)\s+(?:draw|paint|make|do|show)\s+(?:me\s+)?)?")  # what may come
# before the creature


def subject_pool(term: str, vocab: Vocabulary, records: dict[str, Checkpoint]) -> set[str]:
    """Ids whose subjects include `term`, or a multi-word subject containing it ("lab" ⊂ "black lab"); an
    everyday class word only one concept lists ("pet" on the guinea pigs alone) covers its class as well."""
    ids = set(vocab.subjects.get(term, set()))
    kinds: set[str] | frozenset[str] = frozenset()
    if len({id_stem(i) for i in ids}) == 1:  # one concept lists it: its class, from the hand-kept list; a group
        # listed by the class word in the plural ("grandchildren" on the twins) covers WordNet's members too
        kinds = HYPERNYMS.get(term) or (vocab.covered_by(term) if ids <= vocab.plural_listed.get(term, set())
                                        else frozenset())
    for subject, owners in vocab.subjects.items():
        head = subject.split()[-1]
        if " " in subject and term == head and " and " not in subject:  # not "dog" in "dog walker", nor the
            # "breakfast" of "bed and breakfast"
            ids |= owners
        if subject in kinds or head in kinds:  # not a "pet portrait" style
            ids |= {i for i in owners if i in records and not is_style_checkpoint(records[i])}
    return {i for i in ids if i in records}


def option(r: Checkpoint, name: str | None = None) -> dict[str, Any]:
    return {"id": r.id, "name": name or label(r), "thumbnail": r.thumbnail, "why": why(r)}


class Reasoner:
    """Turns (intent, hits) into a Decision over one repository's records."""

    def __init__(self, records: dict[str, Checkpoint], vocab: Vocabulary, metadata: bool = True):
        self.records = records
        self.vocab = vocab
        self.metadata = metadata  # False: the ablation without metadata reasoning (retrieval decides)
        # concepts are a property of the repository: grouped once, not per request
        self.concept_of: dict[str, str] = {}
        self.versions_of: dict[str, list[Checkpoint]] = {}  # a concept's first id → its versions
        for group in group_concepts(list(records.values())):
            self.versions_of[group[0].id] = group
            for r in group:
                self.concept_of[r.id] = group[0].id
        self._styled: dict[str, set[str]] = {}  # canonical style → ids that have it
        self._words: dict[str, frozenset[str]] = {}  # description → stems of its words
        self._index_styles()  # once, here: no request pays for a scan of the repository

    def styled(self, canonical: str) -> set[str]:
        """Ids whose styles or description name `canonical` (one pass over the repository, at first use)."""
        if not self._styled:
            self._index_styles()
        if canonical not in self._styled:
            self._styled[canonical] = {r.id for r in self.records.values() if style_matches(r, canonical)}
        return self._styled[canonical]

    def styled_among(self, canonical: str, ids: set[str]) -> set[str]:
        """Of `ids`, those in a style; all the versions whose name says the style word when only some are in it
        ("the third sketch style" of three "Sketchbook style" versions drawn in pencil, ink and charcoal)."""
        styled = ids & self.styled(canonical)
        if not styled or len(styled) > _NAMED_ALIKE:
            return styled
        keys = {name_key(self.records[i]) for i in styled}  # the versions named alike, found by the name index
        named = {j for k in keys if k for j in self.vocab.names.get(k, ()) if j in ids
                 and _name_says(self.records[j].name, canonical)}
        return named if styled < named else styled

    def _index_styles(self) -> None:
        """Every known style's ids in one scan: a record's own styles, then one regex over its description."""
        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(
            {w for c, ws in STYLE_SYNONYMS.items() for w in ws + (c,)}, key=len, reverse=True)) + r")(?![\w-])")
        lookup = {w.lower(): c for c, ws in STYLE_SYNONYMS.items() for w in ws + (c,)}
        index: dict[str, set[str]] = {c: set() for c in STYLE_SYNONYMS}
        for r in self.records.values():
            for style in r.styles:
                for canonical in _style_canonicals(style):
                    index[canonical].add(r.id)
            for m in pattern.finditer(r.description.lower()):
                index[lookup[m.group(1)]].add(r.id)
        self._styled.update(index)

    def words(self, r: Checkpoint) -> frozenset[str]:
        """Stems of the words of a record's description and name (what details are matched on); a thing the
        description says it lacks is not among them ("before the logo was painted on", "no harness")."""
        key = f"{r.description} {strip_name(r.name) if r.name != r.id else ''}".lower()
        if key not in self._words:
            self._words[key] = frozenset(self.stems(r))
        return self._words[key]

    def stems(self, r: Checkpoint) -> list[str]:
        """The stems of a record's description and name in their order, without what it says it lacks."""
        key = f"{r.description} {strip_name(r.name) if r.name != r.id else ''}".lower()
        text = _LACKED.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)], key)
        text = _LACKED_AFTER.sub(lambda m: m.group(0)[m.end(1) - m.start(0):], text)
        return [stem(w) for w in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)]

    def across(self, pool: list[Checkpoint]) -> bool:
        """Whether `pool` holds versions of more than one concept."""
        return len({self.concept_of.get(r.id, r.id) for r in pool}) > 1

    def own_colours(self, r: Checkpoint) -> set[str]:
        """The colour families of the thing itself: its description's own colours, or where it states none, those
        its concept's other versions agree on ("Biscuit with a red collar" is still the yellow dog of "Biscuit, a
        yellow dog"; not when a repaint makes the versions disagree)."""
        stated = colour_families(main_colour_words(r, r.description))
        if stated:
            return stated
        head = re.split(r"\b(?:with|wearing|holding|has|having)\b", r.description.lower(), maxsplit=1)[0]
        words = re.findall(r"[a-z]+", head)
        if any(w in _RECOLOURED or (w in COLOURS or w in COLOUR_FAMILIES) and not (
                i + 1 < len(words) and "NOUN" in pos_of(words[i + 1]) and words[i + 1] not in COLOURS)
               for i, w in enumerate(words)):
            return set()  # "the neon sign after the repair, glowing blue", "in coloured chalk": a colour said
            # otherwise, or changed; no inheritance (a part's colour is no such: "in a red life vest")
        others = {frozenset(colour_families(main_colour_words(o, o.description)))
                  for o in self._siblings(r) if o.id != r.id} - {frozenset()}
        return set(next(iter(others))) if len(others) == 1 else set()

    def said_together(self, r: Checkpoint, details: list[str]) -> bool:
        """Whether a record's description says the details in their order, each within three words of the one
        before ("grey waistcoat" in "a grey waistcoat"; not in "a grey beard, in a dark green waistcoat")."""
        stems = self.stems(r)
        at = [i for i, w in enumerate(stems) if _has_detail(frozenset([w]), details[0])]
        for detail in details[1:]:
            at = [j for j, w in enumerate(stems) if _has_detail(frozenset([w]), detail) and any(0 < j - i <= 3 for i in at)]
        return bool(at)

    def concepts(self, pool: list[Checkpoint]) -> list[list[Checkpoint]]:
        """`pool` grouped into its concepts, each newest first; groups ordered by their newest."""
        groups: dict[str, list[Checkpoint]] = {}
        for r in pool:
            groups.setdefault(self.concept_of.get(r.id, r.id), []).append(r)
        ordered = [sorted(g, key=newest_first) for g in groups.values()]
        return sorted(ordered, key=lambda g: newest_first(g[0]))

    # --- identity -----------------------------------------------------------------
    def identity(self, intent: Intent, hits: list[dict[str, Any]], steps: list[str]) -> tuple[set[str] | None, str]:
        """The ids the request can mean before metadata filters, and how it was named; words right before
        the subject narrow it when they can ("bunny plushie": the plush toys that are bunnies)."""
        ids, named = self._identity(intent, hits, steps)
        for other in intent.alternatives if ids else []:  # "grandma or grandpa": either one
            more = self.mention_ids(other) - ids
            if more:
                steps.append(f"or '{other.text}' → {len(more)} more")
                ids = ids | more
        for modifier in intent.modifiers if ids else []:
            narrowed = ids & self.mention_ids(modifier)
            if narrowed:
                steps.append(f"'{modifier.text}' narrows to {len(narrowed)}")
                ids, named = narrowed, f"{modifier.text} {named}"
        return ids, named

    def mention_ids(self, mention) -> set[str]:
        if mention.kind == "trigger":
            return {self.vocab.triggers[mention.term]}
        if mention.kind in ("name", "partial"):
            return {i for i in self.vocab.names.get(mention.term, set()) if i in self.records}
        if mention.kind == "class":
            return self.vocab.class_members(mention.term, self.records)
        return subject_pool(mention.term, self.vocab, self.records)

    def _lacked_creature(self, intent: Intent) -> str | None:
        """The animal or person a request opens with, said with "a", at a place of the repository the repository
        lacks it at ("a pony in the field", "two hedgehogs by the farm shop"); not a thing beside one ("a bowl of
        ramen next to the red car" draws the car), one on a thing ("a seagull on the clinic roof" draws the clinic),
        nor what a style draws ("a fox in my style")."""
        first = next((m for m in intent.mentions if not m.negated), None)
        if first is None or first.kind == "trigger" or intent.styles or intent.style_spans:
            return None
        before = _BEING_BEFORE.search(intent.request[:first.np_start].lower())
        if before is None or lexname(normalize_noun(before["noun"])) not in ("animal", "person") \
                or not _OPENS.fullmatch(intent.request[:before.start()].lower()) \
                or any(is_style_checkpoint(self.records[i]) for i in self.mention_ids(first)):
            return None  # the pool of the first mention is looked up only when a creature opens the request
        return intent.request[before.start():before.end("noun")]

    def _identity(self, intent: Intent, hits: list[dict[str, Any]], steps: list[str]) -> tuple[set[str] | None, str]:
        subject = intent.subject
        being = self._lacked_creature(intent)
        if being:
            steps.append(f"'{being}' matches no subject in the repository")
            return None, being
        if subject and subject.kind == "trigger":
            ckpt_id = self.vocab.triggers[subject.term]
            steps.append(f"the request names the trigger {subject.text} → {ckpt_id}")
            return {ckpt_id}, subject.text
        if subject and subject.kind in ("name", "partial"):
            ids = {i for i in self.vocab.names[subject.term] if i in self.records}
            steps.append(f"name '{subject.text}' → {len(ids)} checkpoints")
            return ids, subject.text
        if subject and subject.kind == "class":
            ids = self.vocab.class_members(subject.term, self.records)
            steps.append(f"'{subject.text}' covers {len(ids)} checkpoints")
            return ids, subject.text
        if subject and subject.kind == "owner":
            ids = {i for i in self.vocab.owned_by(subject.term) if i in self.records}
            steps.append(f"the things of '{subject.text}': {len(ids)} checkpoints")
            return ids, subject.text
        if subject and subject.det == "indefinite" and intent.styles:
            # "a woman at a market stall in my raku look": a style checkpoint draws the indefinite thing, when
            # none of those things is in that style
            styled = {i for style in intent.styles for i in self.styled(style)}
            if styled and all(is_style_checkpoint(self.records[i]) for i in styled) \
                    and not styled & self.mention_ids(subject):
                steps.append(f"'{subject.text}' is what the {' '.join(intent.styles)} style draws")
                return styled, "checkpoint"
        if subject:
            ids = self._number(intent, subject, subject_pool(subject.term, self.vocab, self.records))
            child = _MY_CHILD.get(subject.term) if subject.det == "possessive" else None
            if child and child in self.vocab.subjects:  # "my girl": a girl, or one's daughter
                ids |= subject_pool(child, self.vocab, self.records)
            via = f" (read as '{subject.term}')" if subject.kind == "synonym" else ""
            steps.append(f"subject '{subject.text}'{via} → {len(ids)} checkpoints")
            return ids, subject.text
        if intent.unknown_subject:
            steps.append(f"'{intent.unknown_subject}' matches no subject in the repository")
            if intent.has_selection_cues and not intent.styles:
                # "the one from last october, of our route": when the cues choose only styles, the unknown
                # thing is what the style draws
                chosen, failure, _ = self.filters(intent, list(self.records.values()), [])
                if chosen and not failure and all(is_style_checkpoint(r) for r in chosen):
                    steps.append(f"the cues choose {len(chosen)} style checkpoints, which draw it")
                    return {r.id for r in chosen}, "checkpoint"
            return None, intent.unknown_subject
        if intent.has_selection_cues or intent.excluded:
            steps.append("no subject named: metadata cues choose among all checkpoints")
            return set(self.records), "checkpoint"
        held, said_as, said = self._scene_holds(intent)
        if held and intent.details and set(intent.details) <= set(said):  # "a bowl of ramen next to the red car":
            steps.append(f"no subject named: the scene holds only '{said_as}' → {len(held)} checkpoints")  # its words
            return held, said_as
        if intent.details:  # "the one with white ears": the descriptions that have the details
            ids = {i for i, r in self.records.items() if any(_has_detail(self.words(r), d) for d in intent.details)}
            if ids:
                steps.append(f"no subject named: details {intent.details} fit {len(ids)} checkpoints")
                return ids, "checkpoint"
        if held:  # "a cat-shaped cushion on the green sofa": the one thing of the repository the picture holds
            steps.append(f"no subject named: the scene holds only '{said_as}' → {len(held)} checkpoints")
            return held, said_as
        close = [h["id"] for h in hits if (h.get("dense") or 0) >= DENSE_FLOOR or h.get("lexical")]
        steps.append(f"no subject or cue named: {len(close)} retrieved checkpoints are close enough")
        return (set(close) or None), intent.content or intent.request

    def _scene_holds(self, intent: Intent) -> tuple[set[str], str, list[str]]:
        """The one concept of the repository that a scene phrase names (ids, as said, the stems said right before its
        noun), when the request names no subject; empty when none or several."""
        placed = [m for m in intent.mentions if m.scene and not m.negated and m.kind != "trigger"
                  and not m.text.lower().endswith(("'s", "’s"))]  # "her mum's spaniel": whose, not in the scene
        held = set().union(*(self.mention_ids(m) & set(self.records) for m in placed)) if placed else set()
        before = [DETERMINED_BEFORE.search(intent.request[:m.start].lower()) for m in placed]
        said = [stem(w) for b in before if b for w in re.findall(r"[a-z]+", b.group(1))]
        if len({id_stem(i) for i in held}) > 1:  # "on the roof of the painted hive": the words before its noun
            fitting = {i for i in held if said and all(_has_detail(self.words(self.records[i]), w) for w in said)}
            held = fitting or held
        if not held or len({id_stem(i) for i in held}) != 1:
            return set(), "", []
        return held, next(m.text for m in placed if self.mention_ids(m) & held), said

    def _number(self, intent: Intent, subject, ids: set[str]) -> set[str]:
        """"the sisters", "both sisters": the checkpoints that list the word in the plural (the pair); "one of the
        sisters": the others."""
        member = re.search(r"\b(?:one|either|any|each|neither|some)\s+of\s+(?:(?:the|my|our|his|her|their)\s+(?:\w+\s+)?)?$",
                           intent.request[:subject.start].lower())
        members = self._members(ids) if member else set()
        if members:  # "one of us" where the repository holds "us" only as the couple: one of the two named in it
            return members
        plural = {i for i in self.vocab.plural_listed.get(subject.term, ()) if i in ids}
        if not plural or plural == ids:
            return ids
        typed = subject.text.lower()
        if member:  # the group goes only where its members have their own checkpoints ("one of the sisters");
            # twins nobody trained alone, or a wall of tools, are still one of them
            return ids - {i for i in plural if any(self._names(self._own_text(i), j) for j in ids - plural)}
        return plural if normalize_noun(typed) != typed else ids

    def _members(self, groups: set[str]) -> set[str]:
        """The checkpoints of the people or things every one of `groups` names in its description as its members
        ("Ron and Mavis together on the step"), when each names two or more concepts of the repository."""
        named: set[str] = set()
        for i in groups:
            text = self._own_text(i)
            found = {j for j in self.records if j not in groups and self._names(text, j)}
            if len({id_stem(j) for j in found}) < 2:
                return set()
            named |= found
        return named

    def _own_text(self, ckpt_id: str) -> str:
        """A checkpoint's name and description, normalized as names are keyed (what `_names` searches)."""
        return normalize_phrase(f"{self.records[ckpt_id].name} {self.records[ckpt_id].description}")

    def _names(self, text: str, ckpt_id: str) -> bool:
        """Whether `text` (`_own_text` of another checkpoint) names checkpoint `ckpt_id` by its name key."""
        key = name_key(self.records[ckpt_id])
        return bool(key) and re.search(rf"\b{re.escape(key)}\b", text) is not None

    # --- filters ------------------------------------------------------------------
    def filters(self, intent: Intent, pool: list[Checkpoint], steps: list[str]) -> tuple[list[Checkpoint], str | None, list[Checkpoint]]:
        """Apply style, time and version. Returns (kept, failure message, nearest on failure)."""
        for style in intent.styles:
            styled = self.styled_among(style, {r.id for r in pool})
            kept = [r for r in pool if r.id in styled]
            if kept:
                steps.append(f"style {style} → {len(kept)}")
                pool = kept
            elif intent.style_hard:
                return [], f"none is in {style} style", pool
            else:
                steps.append(f"no {style} version; the style is left to the prompt")
        if intent.time:
            window = intent.time
            kept = []
            start = date.fromisoformat(window.start) if window.start else date.min
            end = date.fromisoformat(window.end) if window.end else date.max
            months = set(window.months)
            for attr in window.attributes:  # window.contains, with the window's dates parsed once
                kept = [r for r in pool if (stamp := getattr(r, attr)) and start <= stamp.date() <= end
                        and (not months or stamp.month in months)]
                if kept:
                    verb = "created" if attr == "created_at" else "last used"
                    steps.append(f"{verb} {window.describe()} → {len(kept)}")
                    on_day = [r for r in kept if getattr(r, attr).date().isoformat() == window.day]
                    if 0 < len(on_day) < len(kept):  # "on Halloween": the day itself before the days around it
                        steps.append(f"{verb} on {window.day} → {len(on_day)}")
                        kept = on_day
                    break
            if not kept and intent.scene_time:
                steps.append(f"none created {window.describe()}: '{window.label}' is when the picture is set")
                kept = pool
            if not kept:
                verb = "was used" if window.field == "used" else "was created"
                return [], f"none {verb} {_when_phrase(window)}", _nearest_in_time(pool, window)
            pool = kept
        if intent.version is not None:
            kept = [r for r in pool if r.version == intent.version]
            if not kept and intent.version_ordinal:
                if pool and all(len(c) < intent.version for c in self.concepts(pool)):  # "the fourth version" of three
                    return [], _too_few(pool, intent.version), sorted(pool, key=newest_first)
                steps.append(f"no version numbered {intent.version}: read as the {intent.version}th oldest")
                return pool, None, []
            if not kept:
                nearest = sorted(pool, key=lambda r: (abs((r.version or 0) - intent.version), newest_first(r)))
                return [], f"none is version {intent.version}", nearest
            steps.append(f"version {intent.version} → {len(kept)}")
            pool = kept
        if intent.kind:  # a preference: people say "LoRA" for any fine-tune
            kept = [r for r in pool if (r.kind or "").lower() == intent.kind]
            if kept:
                steps.append(f"kind {intent.kind} → {len(kept)}")
                pool = kept
            else:
                steps.append(f"none is a {KIND_NAMES.get(intent.kind, intent.kind)}; the kind is not used")
        return pool, None, []

    # --- exclusions ---------------------------------------------------------------
    def exclude(self, intent: Intent, pool: list[Checkpoint], steps: list[str]) -> list[Checkpoint]:
        """Drop what the request rules out: "not Rex", "except the corgi", "not the sketchy one", "without the collar"."""
        grouped: dict[Any, list[str]] = {}  # details of one negation scope exclude together: "not the green walled one"
        for item in intent.excluded:
            if item["field"] == "detail" and item.get("group") is not None:
                grouped.setdefault(item["group"], []).append(item["value"])
        # names and subject words first: "the robot that isn't the chess arm" rules out the robot arm, and only then
        # the chess words; a description's "gripper arm" is no robot arm
        for item in sorted(intent.excluded, key=lambda x: x["field"] not in ("name", "subject")):
            field_name, value = item["field"], item["value"]
            if field_name == "detail" and item.get("group") is not None:
                values = grouped.pop(item["group"], None)
                if values is None:
                    continue  # the group was applied with its first detail
                tests = [lambda r, values=values: self.said_together(r, values),  # "not the grey waistcoat
                         # one" when the other has a grey beard and a green waistcoat
                         lambda r, values=values: all(_has_detail(self.words(r), v) for v in values),
                         # "minus the jumper and harness" when no version has both: each is ruled out
                         lambda r, values=values: any(_has_detail(self.words(r), v) for v in values)]
                test = next((t for t in tests if any(t(r) for r in pool)), tests[-1]) if len(values) > 1 else \
                    self._detail_or_class(pool, values[0], str(item.get("text") or ""))
                if _changed(str(item.get("phrase") or " ".join(values))):
                    test = self._and_later(pool, test, values)
                kept = [r for r in pool if not test(r)]
                if not kept and len(values) > 1:  # "not the short hair version" beside "long dark hair" and
                    # "short bob haircut": the word that describes the noun tells them apart
                    kept = [r for r in pool if not _has_detail(self.words(r), values[0])] or kept
                if not kept and item.get("phrase"):  # "not the repainted one" beside "painted dark green" and "after
                    # its repaint", "not the new-glass version": the one that says the negation's words most exactly
                    kept = self.least_said(pool, item["phrase"])
                if len(kept) < len(pool):
                    steps.append(f"not {' '.join(values)!r} → {len(kept)} of {len(pool)}")
                pool = kept
                continue
            if field_name == "name":
                out = {i for i in self.vocab.names.get(value, set())}
                test = (lambda r, out=out: r.id in out)
            elif field_name == "subject":
                out = subject_pool(value, self.vocab, self.records)
                test = (lambda r, out=out: r.id in out)
            elif field_name == "style":
                out = self.styled(value)
                test = (lambda r, out=out: r.id in out)
            elif field_name == "kind":
                test = (lambda r, value=value: (r.kind or "").lower() == value)
            elif field_name == "version":
                test = (lambda r, value=value: r.version == value)
            elif field_name == "time":  # "not the Christmas one": made (or used) then
                window = TimeWindow.from_json(value)
                said = stem(window.label.lower()) if re.fullmatch(r"[a-z]+", window.label.lower()) else None
                test = (lambda r, window=window, said=said: any((stamp := getattr(r, attr)) and window.contains(
                    stamp.date()) for attr in window.attributes) or said is not None and said in self.words(r))
                # "the concert that isn't the christmas one": made then, or a Christmas concert
            else:  # a detail of the description
                test = self._detail_or_class(pool, value, str(item.get("text") or ""))
                if _changed(str(item.get("phrase") or item.get("text") or value)):
                    test = self._and_later(pool, test, [str(value)])
            kept = [r for r in pool if not test(r)] or ([] if not item.get("soft") else pool)
            named = intent.subject is not None and intent.subject.kind in ("name", "partial", "trigger")
            if not kept and field_name == "subject" and (item.get("version") or len(self.concepts(pool)) == 1 and (
                    named or str(value) in YOUNG_KINDS)):
                # "our beagle, not the puppy version", "Pepper, not the kitten", "the dog, not the puppy": a word
                # every version of the one concept is named by tells them apart only through their descriptions
                # (not "some merch that isn't the mug or the hoodie": the hoodie itself is ruled out)
                kept = [r for r in pool if not _has_detail(self.words(r), stem(str(value)))] or pool
            elif len(kept) == len(pool) and field_name in ("subject", "name"):
                # "our tent, not lasse's little one-person thing": no candidate is Lasse, one belongs to him
                for said in (str(value), str(item["text"]).lower()):  # "nor the winter one": the word as typed,
                    # not the whole name it is part of ("winter cascade bouquet")
                    kept = [r for r in pool if not all(_has_detail(self.words(r), stem(w)) for w in said.split())] \
                        or pool
                    if len(kept) < len(pool):
                        break
            if len(kept) < len(pool):
                steps.append(f"not {item['text']!r} → {len(kept)} of {len(pool)}")
            pool = kept
        return pool

    def _and_later(self, pool: list[Checkpoint], test: Callable[[Checkpoint], bool],
                   values: list[str]) -> Callable[[Checkpoint], bool]:
        """A change rules out the version it made and the later versions of its concept, which keep it: "not any of
        the repainted ones" beside "repainted green" and a later "in the green hat, now holding a lantern". The
        version made is the one that says the change's word itself ("repainted", not the first "painted blue")."""
        made = [r for r in pool if any(v in self.words(r) for v in values)] or [r for r in pool if test(r)]
        first: dict[str, Any] = {}
        for r in made:
            key = self.concept_of.get(r.id, r.id)
            first[key] = min(first.get(key, r.created_at), r.created_at)
        return lambda r: (key := self.concept_of.get(r.id, r.id)) in first and r.created_at >= first[key]

    def least_said(self, pool: list[Checkpoint], phrase: str) -> list[Checkpoint]:
        """The checkpoints whose descriptions hold fewer of a phrase's words, each word's stem exactly (not "paint"
        for "repaint"); none when all hold as many."""
        stems = {stem(w) for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) > 2 and w not in _PHRASE_FILLERS}
        said = {r.id: len(stems & self.words(r)) for r in pool}
        most = max(said.values(), default=0)
        return [r for r in pool if said[r.id] < most]

    def _detail_or_class(self, pool: list[Checkpoint], value: str, typed: str = "") -> Callable[[Checkpoint], bool]:
        """The test for a detail said or ruled out: its word in a description, or when no description of the pool has
        it, another word for the word as `typed` ("without the glasses" beside "round spectacles") or a word WordNet
        puts under it ("with fruit on it", "not the one with fruit" beside "hung with ripe figs")."""
        def said(r: Checkpoint) -> bool:
            return _has_detail(self.words(r), value)

        others = [stem(w) for w in same_thing_words(typed.lower())] if typed and not any(map(said, pool)) else []
        others = [w for w in others if any(_has_detail(self.words(r), w) for r in pool)]
        if others:
            return lambda r: any(_has_detail(self.words(r), w) for w in others)

        if value in COLOUR_FAMILIES and self.across(pool):  # "the dog that's
            # not yellow": nor the yellow dog's version that does not repeat its colour (a colour it states is
            # matched by its word); between the versions of one concept only what each says tells them apart
            hues = colour_families({value})
            return lambda r: said(r) or not main_colour_words(r, r.description) and bool(self.own_colours(r) & hues)

        if value in COLOUR_FAMILIES and not any(map(said, pool)):  # "not the red one" beside "re-dyed deep crimson":
            hues = colour_families({value})  # a word of the colour's family that a version's description uses

            def kin(r: Checkpoint) -> bool:
                return bool(colour_families({w for w in re.findall(r"[a-z]+", r.description.lower())
                                             if w in PLAIN_COLOURS}) & hues)

            if not all(map(kin, pool)):  # a colour every one has tells none apart
                return kin

        if any(said(r) for r in pool) or value not in wordnet_senses() or len(pool) > _CLASS_POOL:
            return said
        typed = {r.id: frozenset(re.findall(r"[a-z]+", r.description.lower())) for r in pool}
        shared = frozenset.intersection(*typed.values()) if typed else frozenset()

        def under(r: Checkpoint) -> bool:  # a word every version has ("fig" of the fig tree) tells none apart
            return any(wordnet_relation(normalize_noun(w), value) == "above" for w in typed.get(r.id, frozenset()) - shared
                       if len(w) > 2 and value not in w)  # "headband" is no "band" of musicians

        return under

    def owned(self, intent: Intent, pool: list[Checkpoint], steps: list[str]) -> tuple[list[Checkpoint], str | None]:
        """"Mrs. Glass's pet": the owner's, widened to the class when the thing's own word is not listed on it."""
        if not intent.owner:
            return pool, None
        owner = stem(intent.owner)
        kept = [r for r in pool if _has_detail(self.words(r), owner)]
        if not kept and intent.subject is not None and intent.subject.term in HYPERNYMS:
            kept = [self.records[i] for i in self.vocab.class_members(intent.subject.term, self.records)
                    if _has_detail(self.words(self.records[i]), owner)]
        if not kept:
            return [], f"none is {intent.owner.title()}'s"
        steps.append(f"{intent.owner.title()}'s → {len(kept)}")
        return kept, None

    def coloured(self, intent: Intent, pool: list[Checkpoint], steps: list[str]) -> tuple[list[Checkpoint], str | None]:
        """"my ginger cat": the thing's own colour, where its descriptions state one."""
        colour = _colour_said(intent)
        if not colour:
            return pool, None
        hues = colour_families({colour})
        across = self.across(pool)  # between versions, only what each says
        stated = {r.id: self.own_colours(r) if across else colour_families(main_colour_words(r, r.description)) for r in pool}
        kept = [r for r in pool if stated[r.id] & hues]
        if not across and not all(stated.values()) and any(d != stem(colour) and d not in COLOUR_WORD for d in intent.details):
            return pool, None  # "the ginger cat with the bell collar": a version that states no colour may keep it;
            # the other details choose between versions
        if not kept and all(stated.values()):
            return [], f"none is {colour}"
        if kept:
            steps.append(f"'{colour}' → {len(kept)} of {len(pool)}")
        return kept or pool, None

    # --- versions -----------------------------------------------------------------
    def pick_version(self, versions: list[Checkpoint], intent: Intent, steps: list[str]) -> tuple[Checkpoint, str] | None:
        """Position ("next-to-latest", "the third one") or relative ("before the collar") within one concept's
        versions (newest first); None when the request says neither."""
        oldest_first = versions[::-1]
        if intent.relative and intent.relative.get("bound"):
            # "after the black repaint but before the roof rack": from the first version that has the one
            # to the last before the first that has the other
            ends = {rel["direction"]: self._anchors(oldest_first, rel) for rel in (intent.relative, intent.relative["bound"])}
            low = ends["after"][0] if ends["after"] else 0
            if intent.relative["direction"] == "after" and intent.relative.get("change") and not intent.relative.get("details"):
                low = 1  # "after the haircut but before the scarf": a change no description names came after the first
            high = ends["before"][0] if ends["before"] else len(oldest_first)
            if low < high:
                return oldest_first[high - 1], "the version between the two changes"
        if intent.relative:
            rel = intent.relative
            anchors = self._anchors(oldest_first, rel)
            if anchors and rel["direction"] == "before" and len(anchors) == len(oldest_first) > 1 \
                    and rel.get("details"):  # "Scuffy before all the stickers" when each version has some: the first
                return oldest_first[0], f"the earliest version, every one has '{' '.join(rel['details'])}'"
            if anchors:
                anchor = anchors[0]
                index = anchor - 1 if rel["direction"] == "before" else anchor + (0 if rel.get("event") else 1)
                if 0 <= index < len(oldest_first):
                    what = f"v{rel['version']}" if rel.get("version") is not None else (
                        "the newest" if rel.get("change") else KIND_NAMES.get(rel["kind"], rel["kind"]) if rel.get("kind")
                        else "'" + " ".join(rel["details"]) + "'")
                    return oldest_first[index], f"the version {rel['direction']} {what}"
        if intent.position is not None:
            n = intent.position
            if n == 0:  # "the middle Rex"
                if len(oldest_first) % 2 == 1:
                    return oldest_first[len(oldest_first) // 2], "the middle version"
                return None
            index = n - 1 if n > 0 else len(oldest_first) + n
            if 0 <= index < len(oldest_first):
                return oldest_first[index], (f"version {n} counting from the oldest" if n > 0
                                             else f"version {-n} counting from the newest")
        return None

    def _anchors(self, oldest_first: list[Checkpoint], rel: dict[str, Any]) -> list[int]:
        """Indexes (oldest first) of the versions a relative cue points from: the version it names, the newest for
        a change ("the retrain"), those of the kind, or those whose descriptions have its details."""
        if rel.get("version") is not None:
            return [i for i, r in enumerate(oldest_first) if r.version == rel["version"]]
        if rel.get("change"):
            return [len(oldest_first) - 1]
        if rel.get("kind"):
            anchors = [i for i, r in enumerate(oldest_first) if (r.kind or "").lower() == rel["kind"]]
            return anchors[::-1] if rel["direction"] == "before" else anchors
        details = rel["details"]
        if rel.get("deed"):  # "before she chopped her hair off": the version whose description says that deed
            deeds = next((kind for kind in DEED_KINDS if rel["deed"] in kind), frozenset({rel["deed"]}))
            deeds |= {"off"} if rel.get("gone") else set()  # "after he shaved the beard off" for "once it came off"
            made = [i for i, r in enumerate(oldest_first) if deeds & self.words(r)
                    and all(_has_detail(self.words(r), d) for d in details)]
            having = [i for i, r in enumerate(oldest_first) if all(_has_detail(self.words(r), d) for d in details)]
            if made:
                return made
            if rel.get("gone") and having and having[-1] + 1 < len(oldest_first):
                return [having[-1] + 1]  # "before he ditched the cap": the last with the cap, then the first without
        if len(details) > 1:  # "before the new roof" beside "a green tin roof": the words some version says
            details = [d for d in details if any(_has_detail(self.words(r), d) for r in oldest_first)] or details
        exact = [i for i, r in enumerate(oldest_first) if all(d in self.words(r) for d in details)]
        return exact or [i for i, r in enumerate(oldest_first)  # "before the repaint": the repainted one, not "paint"
                         if all(_has_detail(self.words(r), d) for d in details)]

    # --- usage --------------------------------------------------------------------
    def most_used(self, pool: list[Checkpoint]) -> Checkpoint | None:
        used = [r for r in pool if r.last_used_at]
        return max(used, key=lambda r: (r.last_used_at, r.created_at)) if used else None

    def beside_another(self, concepts: list[list[Checkpoint]], rel: dict[str, Any], steps: list[str]) -> Checkpoint | None:
        """With no subject, a relative cue whose words fit the versions of one concept only marks a time: "the
        newest thing I trained before the red sweater Tank" is the checkpoint made last before that version (the
        first of them for "before", the last for "after"), whatever it shows."""
        marks = [[r for r in c if all(_has_detail(self.words(r), d) for d in rel["details"])] for c in concepts]
        marks = [m for m in marks if m]
        if len(marks) > 1:  # "just before Lina": Lina herself, not "Tom and Lina"
            marks = [m for m in marks if {stem(w) for w in re.findall(r"[a-z]+", m[0].name.lower())} == set(rel["details"])]
        if len(marks) != 1:
            return None
        flat = sorted((r for c in concepts for r in c), key=lambda r: r.created_at)
        if rel["direction"] == "before":
            mark = min(marks[0], key=lambda r: r.created_at)
            earlier = [r for r in flat if r.created_at < mark.created_at]
            picked = earlier[-1] if earlier else None
        else:
            mark = max(marks[0], key=lambda r: r.created_at)
            later = [r for r in flat if r.created_at > mark.created_at]
            picked = later[0] if later else None
        if picked is not None:
            steps.append(f"{rel['direction']} {mark.id} ({mark.created_at:%Y-%m-%d}) across all concepts: {picked.id}")
        return picked

    # --- details ------------------------------------------------------------------
    def _siblings(self, r: Checkpoint) -> list[Checkpoint]:
        return self.versions_of.get(self.concept_of.get(r.id, r.id), [r])

    def by_details(self, pool: list[Checkpoint], details: list[str], steps: list[str],
                   group_words: frozenset[str] = frozenset()) -> list[Checkpoint]:
        """Keep the checkpoints whose description has the most request details ("with the collar",
        "when its walls were white"), when that tells them apart: across concepts and, above all,
        between the versions of one concept (which version's description mentions the detail)."""
        if not details or len(pool) < 2:
            return pool
        renewed = self._before_renewal(pool, details)
        if renewed:
            steps.append(f"details {details}: {len(renewed)} of {len(pool)} from before the new one")
            return renewed
        tests = [self._detail_or_class(pool, d) for d in details]  # "with fruit on it": the figs' version
        fits = [[bool(test(r)) for test in tests] for r in pool]
        for n in [n for n, d in enumerate(details) if d in group_words]:
            said: dict[str, bool] = {}  # per concept: "Ollie from the squad" where his first version says "from the
            # youth squad": who he is, said of one version, is true of all
            for r, row in zip(pool, fits):
                concept = self.concept_of.get(r.id, r.id)
                if concept not in said:
                    said[concept] = any(details[n] in from_group_words(v.description) for v in self._siblings(r))
                row[n] = row[n] or said[concept]
        rarity = [1 / max(1, sum(row[n] for row in fits)) for n in range(len(tests))]
        # the most details first; among as many versions of one concept, the rarer ones ("the bleached hair
        # version": "bleached" tells the one version, "hair" two of three)
        siblings = len(self.concepts(pool)) == 1  # across concepts, as many details leave a question
        scores = [(sum(row), round(sum(w for w, hit in zip(rarity, row) if hit), 6) if siblings else 0) for row in fits]
        best = max(scores)
        hues = [n for n, d in enumerate(details) if d in COLOUR_WORD]
        if siblings and best[0] and min(scores) == best and 0 < len(hues) < len(details):
            # "her old blonde hair" beside "a bleached blonde pixie cut" and "hair dyed teal": the colour tells
            scores = [(sum(row[n] or bool(self.own_colours(r) & colour_families({COLOUR_WORD[details[n]]}))
                           for n in hues), 0) for r, row in zip(pool, fits)]  # not "the yellow one with the collar":
            # each version is the yellow dog
            best = max(scores)
        if best[0] == 0 or min(scores) == best:
            return pool
        kept = [r for r, score in zip(pool, scores) if score == best]
        steps.append(f"details {details} fit {len(kept)} of {len(pool)} checkpoints")
        return kept

    def telling(self, details: list[str], chosen: Checkpoint) -> frozenset[str]:
        """The details that tell `chosen` apart from its other versions: its description has them and another
        version's lacks them ("Engine 7 with the gold lettering"). They said which version, the trigger draws them."""
        siblings = self._siblings(chosen)
        return frozenset(d for d in details if _has_detail(self.words(chosen), d)
                         and any(not _has_detail(self.words(r), d) for r in siblings))

    def by_scene(self, versions: list[Checkpoint], intent: Intent, steps: list[str]) -> list[Checkpoint]:
        """After a detail left several versions of one concept, a word of the rest of the request that one of their
        descriptions says beside that detail picks it ("dusk in oil at sunset": the oil versions are at sunset and at
        night)."""
        said = [m.span() for m in re.finditer(r"[a-z]+", intent.request.lower())
                if not any(s <= m.start() < e for s, e in intent.cue_spans + [(x.np_start, x.end) for x in intent.mentions])]
        words = {stem(w) for s, e in said if e - s > 3 and "NOUN" in pos_of(w := intent.request[s:e].lower())
                 and not w.endswith(("ing", "ed"))}  # "at sunset"; not "wearing"
        words = [w for w in words - set(intent.details) if any((d, w) in self.vocab.detail_pairs
                                                                or (w, d) in self.vocab.detail_pairs for d in intent.details)]
        hits = [sum(_has_detail(self.words(r), w) for w in words) for r in versions]
        if not any(hits) or min(hits) == max(hits):
            return versions
        kept = [r for r, n in zip(versions, hits) if n == max(hits)]
        steps.append(f"the rest of the request fits {len(kept)} of {len(versions)}")
        return kept

    def _before_renewal(self, pool: list[Checkpoint], details: list[str]) -> list[Checkpoint]:
        """"The barn with the old roof" when a later version has "its new tin roof": the versions of one concept from
        before the first that says the thing is new; none when that does not apply."""
        if not any(d in _OLD for d in details) or len(self.concepts(pool)) != 1 \
                or any(_has_detail(self.words(r), d) for r in pool for d in details if d in _OLD):
            return []
        things = {d for d in details if d not in _OLD}
        oldest_first = sorted(pool, key=lambda r: r.created_at)

        def renews(said: list[str]) -> bool:  # "a new roof", "its new tin roof"
            return any(a == "new" and things & set(said[n + 1:n + 3]) for n, a in enumerate(said))

        first_new = next((i for i, r in enumerate(oldest_first) if renews(self.stems(r))), None)
        return oldest_first[:first_new][::-1] if first_new else []

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
        for style in intent.styles:  # set intersections first: a style need not be checked record by record
            styled = self.styled_among(style, ids)
            if styled:
                ids = styled
        pool = [self.records[i] for i in ids]
        details = intent.details
        for narrow in (self.owned, self.coloured):  # "Mrs. Glass's pet", "my ginger cat"
            kept, failure = narrow(intent, pool, steps)
            if failure:
                return self._no_match(f"I found {_count(pool, named)}, but {failure}.", pool, steps)
            colour = _colour_said(intent) if narrow == self.coloured and len(kept) < len(pool) else None
            if colour and self.across(pool) and all(colour_families({colour}) & self.own_colours(r) for r in kept):
                details = [d for d in details if d != stem(colour)]  # "the yellow pupper": Biscuit, any version
            pool = kept
        if intent.owner_words:  # "granny's old bike", "the boss lady": the concepts whose descriptions say whose they
            # are, or who is in charge
            for word in intent.owner_words:  # in order: "the boss" is the owner before a head baker
                theirs = [r for c in self.concepts(pool) if any(_has_detail(self.words(x), word) for x in c) for r in c]
                if 0 < len(theirs) < len(pool):
                    steps.append(f"said of them: {word!r} → {len(theirs)} of {len(pool)}")
                    pool = theirs
                    break
        if intent.excluded:
            kept = self.exclude(intent, pool, steps)
            if not kept:
                ruled = ", ".join(repr(x["text"]) for x in intent.excluded)
                return self._no_match(f"I found {_count(pool, named)}, but you ruled out {ruled}.", pool, steps)
            pool = kept
        kept, failure, nearest = self.filters(intent, pool, steps)
        if failure:
            return self._no_match(f"I found {_count(pool, named)}, but {failure}.", nearest, steps)
        told = self.by_details(kept, details, steps, from_group_words(intent.request))
        cued = intent.relative or intent.ordering or intent.position is not None or intent.version is not None \
            or intent.time or intent.usage or intent.kind or intent.excluded
        kept = self.by_scene(told, intent, steps) if 1 < len(told) < len(kept) and not self.across(told) \
            and not cued else told

        concepts = self.concepts(kept)
        steps.append(f"{len(kept)} checkpoints in {len(concepts)} concepts")
        if intent.prefers_photo and not intent.styles and len(concepts) > 1:
            photo = [c for c in concepts if c[0].id in self.styled("photorealistic")]
            if 0 < len(photo) < len(concepts):
                steps.append("'photo' prefers the photorealistic concepts")
                concepts = photo

        if intent.relative and intent.relative.get("details") and intent.subject is None and len(concepts) > 1:
            picked = self.beside_another(concepts, intent.relative, steps)
            if picked is not None:  # "the thing I trained just before Felix": another checkpoint is the mark
                return self._selected(picked, [picked], f"the checkpoint made {intent.relative['direction']} "
                                                        f"{' '.join(intent.relative['details'])!r}", steps)
        if intent.relative and intent.relative.get("details") and len(concepts) > 1:
            # "mochi from before the collar": only a concept with a collar version has a version before it
            anchored = [c for c in concepts if self.pick_version(sorted(c, key=newest_first), intent, [])]
            if 0 < len(anchored) < len(concepts):
                steps.append(f"only {len(anchored)} of {len(concepts)} concepts have a version "
                             f"{intent.relative['direction']} {' '.join(intent.relative['details'])!r}")
                concepts = anchored
        if intent.position == 0 and len(concepts) > 1 and not intent.relative:  # "the middle hive version": the
            placed = [c for c in concepts if len(c) > 1 and self.pick_version(c, intent, [])]  # hive row has a middle
            # one, the single skep none
            if 0 < len(placed) < len(concepts):
                steps.append(f"only {len(placed)} of {len(concepts)} concepts have that position among their versions")
                concepts = placed
        flat = sorted((r for c in concepts for r in c), key=newest_first)
        if intent.usage and intent.time is None:  # "what I used last week" with three used then: ask
            used = self.most_used(flat)
            if used is not None:
                steps.append(f"'used' picks {used.id}, last used {used.last_used_at:%Y-%m-%d}")
                return self._selected(used, flat, "the one you used most recently", steps)
        if intent.ordering in ("latest", "oldest") and len(concepts) > 1 and intent.per_concept:
            steps.append(f"'{intent.ordering}' is said of the versions of one of {len(concepts)} concepts")
            return self.clarify([c[-1:] if intent.ordering == "oldest" else c[:1] for c in concepts], relevance, steps)
        if intent.ordering in ("latest", "oldest") and len(concepts) > 1 and intent.position is None:
            chosen = flat[0] if intent.ordering == "latest" else flat[-1]
            tied = [[r for r in c if r.created_at == chosen.created_at] for c in concepts]
            tied = [c for c in tied if c]
            if len(tied) > 1:  # "the oldest thing I have" when two were trained the same day: ask
                steps.append(f"'{intent.ordering}': {len(tied)} concepts were created at {chosen.created_at:%Y-%m-%d %H:%M}")
                return self.clarify(tied, relevance, steps)
            steps.append(f"'{intent.ordering}' picks {chosen.id} across {len(concepts)} concepts")
            return self._selected(chosen, flat, f"the {'newest' if intent.ordering == 'latest' else 'oldest'} "
                                                f"of {len(flat)} matching checkpoints", steps)
        if intent.ordering == "previous" and intent.subject is None and len(concepts) > 1 and len(flat) > 1 \
                and intent.position is None:  # "the checkpoint i made just before my most recent one"
            steps.append(f"'previous' picks {flat[1].id}, the one before {flat[0].id}")
            return self._selected(flat[1], flat, f"the one before the newest of {len(flat)} checkpoints", steps)
        if intent.relative and intent.relative.get("change") and intent.subject is None and len(concepts) > 1:
            picked = self.pick_version(flat, intent, steps)  # "the checkpoint right before my newest one"
            if picked:
                return self._selected(picked[0], flat, f"{picked[1]} of {len(flat)} checkpoints", steps)
        if intent.position is not None and len(concepts) > 1 and not intent.relative:
            picked = self.pick_version(flat, intent, steps)
            if picked and intent.position != 0 and (intent.subject is None or intent.subject.kind == "class"
                                                    or abs(intent.position) > 1):
                steps.append(f"position {intent.position} picks {picked[0].id} across {len(concepts)} concepts")
                return self._selected(picked[0], flat, f"{picked[1]} of {len(flat)} matching checkpoints", steps)
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
        picked = self.pick_version(versions, intent, steps)
        if picked:
            return self._selected(picked[0], versions, picked[1], steps)
        if intent.position is not None and abs(intent.position) > len(versions) and not intent.relative:
            return self._no_match(f"I found {_count(versions, label(versions[0]))}, but "  # "the third gnome" of two
                                  f"{_too_few(versions, abs(intent.position))}.", versions, steps)
        if intent.usage:
            used = self.most_used(versions)
            if used is not None:
                return self._selected(used, versions, "the version you used most recently", steps)
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


def _too_few(pool: list[Checkpoint], wanted: int) -> str:
    most = max((len(c) for c in group_concepts(pool)), default=0)
    return f"there {'is' if most == 1 else 'are'} only {most} version{'' if most == 1 else 's'}, not {wanted}"


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
