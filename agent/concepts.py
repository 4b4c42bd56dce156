"""Concepts: checkpoints that are successive versions of one trained thing.

Two checkpoints are one concept when their ids share a stem once the version
is stripped (`bear-v4`, `bear-v5`), or when name (without "(style)"),
subjects and styles all agree. Different styles of one subject are different
concepts: "Biscuit" and "Biscuit (anime)" are worth a question.
"""
from __future__ import annotations

import re
from datetime import datetime

from agent.lexicon import COLOUR_FAMILIES, COLOURS
from agent.vocab import normalize_noun, strip_name
from repo_store.schema import Checkpoint


def id_stem(checkpoint_id: str) -> str:
    return re.sub(r"[-_.]?v(?:er(?:sion)?)?\d+$", "", checkpoint_id)


def group_concepts(records: list[Checkpoint]) -> list[list[Checkpoint]]:
    """Records grouped into concepts (union-find), each newest first; groups ordered by their newest."""
    parent = {r.id: r.id for r in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owners: dict[tuple, str] = {}
    for r in records:
        keys = [("stem", id_stem(r.id)),
                ("meta", strip_name(r.name), tuple(sorted(s.lower() for s in r.subjects)),
                 tuple(sorted(s.lower() for s in r.styles)))]
        for key in keys:
            if key in owners:
                parent[find(r.id)] = find(owners[key])
            else:
                owners[key] = r.id
    groups: dict[str, list[Checkpoint]] = {}
    for r in records:
        groups.setdefault(find(r.id), []).append(r)
    ordered = [sorted(g, key=newest_first) for g in groups.values()]
    return sorted(ordered, key=lambda g: newest_first(g[0]))


def newest_first(r: Checkpoint) -> tuple:
    return (-r.created_at.timestamp(), -(r.version or 0), r.id)


GENERIC_SUBJECTS = frozenset({"puppy", "pup", "kitten", "kitty", "pet", "animal"})  # say "dog", not "puppy"


def specific_subject(r: Checkpoint) -> str:
    """The most telling subject word for a label: "corgi" rather than "dog", but "dog" rather than
    "puppy" or "pet" (words that would name every dog or cat alike)."""
    name = strip_name(r.name) if r.name != r.id else ""
    for subject in r.subjects[1:] + r.subjects[:1]:
        if subject.lower() in GENERIC_SUBJECTS and subject is not r.subjects[0]:
            continue
        if subject.lower() not in name and "style" not in subject.lower():
            return subject
    return ""


def label(r: Checkpoint) -> str:
    """How a person would name the concept: "Biscuit the corgi", "Tan teddy bear".

    Without a display name (it defaults to the id), the subject speaks instead: "the siamese cat".
    """
    subject = specific_subject(r)
    if r.name == r.id:
        return f"the {subject or r.subjects[0]}"
    name = r.name.split(" (")[0]
    if not subject or subject.lower() in name.lower():
        return name
    return f"{name} the {subject}"


def when(r: Checkpoint) -> str:
    return f"{r.created_at:%-d %B %Y}"


def month_of(r: Checkpoint | datetime) -> str:
    stamp = r if isinstance(r, datetime) else r.created_at
    return f"{stamp:%B %Y}"


def why(r: Checkpoint) -> str:
    """One line of distinguishing facts for a thumbnail."""
    parts = [specific_subject(r) or r.subjects[0]]
    if r.styles:
        parts.append(", ".join(r.styles))
    if r.version is not None:
        parts.append(f"v{r.version}")
    parts.append(f"created {when(r)}")
    return " · ".join(parts)


def is_style_checkpoint(ckpt: Checkpoint) -> bool:
    """A checkpoint that teaches a look rather than a thing ("painting style", "art style")."""
    return any("style" in s.lower().split() for s in ckpt.subjects)


def main_colour_words(r: Checkpoint, look: str) -> set[str]:
    """Colours that describe the thing itself ("our brown dog", "a grey tabby cat"), not a part of it
    ("brown ears"): a colour word followed within three words by one of its subject or name words, or the colours
    that open a clause of their own ("Koda, grey and white with a torn ear")."""
    own = {w for s in r.subjects for w in s.lower().split()} | set(strip_name(r.name).split())
    found = set()
    for n, clause in enumerate(re.split(r"[.,;:!?()]", look.lower())):
        words = re.findall(r"[a-z]+", clause)
        if n and len(words) > 2 and words[0] in ("a", "an"):  # "Skipper, a black labrador": a clause that says what
            lead = 1  # the thing is, its leading colours its own
            while lead < len(words) - 1 and (words[lead] in COLOURS or words[lead] in COLOUR_FAMILIES or words[lead] == "and"):
                lead += 1
            found |= {w for w in words[1:lead] if w != "and"}
        for i, word in enumerate(words):
            colour = (word in COLOURS or word in COLOUR_FAMILIES) and word not in own  # not "Rusty", a name
            if colour and any(normalize_noun(w) in own for w in words[i + 1:i + 4]):
                found.add(word)
            elif colour and _repainted(words, i, own):
                found.add(word)
        first = 0
        while first < len(words) - 1 and words[first] in _BEFORE_OWN_COLOUR:
            first += 1  # "..., now bright green", "painted dark blue"
        lead = first
        while lead < len(words) and words[lead] not in own and (words[lead] in COLOURS or words[lead] in COLOUR_FAMILIES
                                                                or lead > first and words[lead] in ("and", "or")):
            lead += 1
        if lead > first and (lead == len(words) or words[lead] in _AFTER_OWN_COLOUR):  # "Koda the husky, grey and
            found |= {w for w in words[first:lead] if w not in ("and", "or")}  # white with a green bandana": its own
    return found


def _repainted(words: list[str], i: int, own: set[str]) -> bool:
    """Whether the colour at `i` is what the thing itself was painted: "the truck repainted cherry red", "its shell
    repainted royal blue, same crest" (not "by a fence painted red": the painted word must be the thing's own or
    its part's, said with "its"; not "her curls dyed lilac")."""
    verb = next((j for j in range(i - 1, max(i - 4, -1), -1) if words[j] in _PAINT_VERBS), None)
    if verb is None or verb == 0:
        return False
    before = words[verb - 1]
    return (normalize_noun(before) in own or verb > 1 and words[verb - 2] == "its") and \
        (i + 1 == len(words) or words[i + 1] in _AFTER_OWN_COLOUR)


_PAINT_VERBS = frozenset("painted repainted resprayed dyed".split())
# words that may come before a clause's leading colours and leave them the thing's own ("now bright green")
_BEFORE_OWN_COLOUR = frozenset("now all painted repainted bright dark light pale deep".split())
# words that may follow a clause's leading colours when those colours are the thing's own ("grey and white with a
# torn ear"), not a part's ("red harness")
_AFTER_OWN_COLOUR = frozenset("with in on all from except apart but all over throughout".split())


def colour_families(words: set[str]) -> set[str]:
    """The colour families `words` name ("ginger" → orange; "silver" → grey, silver)."""
    return {family for w in words for family in COLOUR_FAMILIES.get(w, ())}
