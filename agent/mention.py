"""What a request names and asks: a `Mention` of the repository (a trigger, name, subject word or class word,
with its noun phrase and determiner) and the parsed `Intent` (mentions, selection cues with their spans, what
the picture shows). `intent.parse_intent` fills an Intent; `reasoner` and `mapping` read it."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.lexicon import BODY_PARTS, is_english
from agent.timeexpr import TimeWindow

PRONOUNS = frozenset({"me", "us", "myself", "ourselves"})
_GENERIC_HEADS = frozenset("guy guys person people man men woman women lady bloke chap fellow one thing things stuff style "
                           "look type kind sort picture photo image".split())
_NOT_IN_COMPOUND = frozenset("a an the my our his her their its your and or but nor with without of in on at by to for from "
                             "under over beside near behind above below between through across around past along against "
                             "toward towards into onto upon inside outside beyond within among amid next number version "
                             "as like than then that this these those who which what where when while is are was were "
                             "be been has have had do does did not no yes very so too also just please".split())
_PLACE_AFTER = frozenset("in on at under beside by near next with without behind inside outside over across through "
                         "along against from into onto among around asleep awake alone afloat aboard ashore".split())
# the words a request may open with before the picture's own first noun phrase ("hi, could you draw me a ...")
_OPENING_WORDS = frozenset("hi hey hello hiya yo ok okay so um please pls plz kindly can could would will you u i id i'd "
                           "we we'd just maybe possibly make draw paint render show generate create give do get have "
                           "see like love want wanna need me us to a an picture pic image photo drawing painting of "
                           "new quick another one".split())


@dataclass(frozen=True)
class Mention:
    """A phrase that names what the picture is of."""

    kind: str  # trigger | name | partial (one word of a longer name) | subject | synonym | class ("my animal") |
    # owner ("something of my grandparents'": the things a kind of person owns by name)
    term: str  # normalized subject term, stripped name, or lowercase trigger
    text: str  # as typed
    start: int  # span of the head phrase
    end: int
    np_start: int  # start of the whole noun phrase ("my fluffy dog" → at "my")
    det: str  # possessive | definite | indefinite | none
    scene: bool = False  # sits in a place phrase ("on the train"): not the subject
    negated: bool = False  # inside a negation ("not Rex", "except the corgi"): excluded, not the subject


# a definite or possessive determiner and up to two words before a noun, nothing between ("the painted hive", not
# "the shallows beside a canoe"): the words, group 1
DETERMINED_BEFORE = re.compile(r"\b(?:the|my|our|his|her|their)\s+((?:(?!(?:a|an|the|some)\b)[a-z-]+\s+){0,2})$")


_OR_BETWEEN = re.compile(r"\s*,?\s*or\s+(?:maybe\s+|perhaps\s+|else\s+)?(?:the\s+|my\s+|our\s+)?")


_BODY_PART_AFTER = re.compile(r"(?:['’]s)?\s+(?:[a-z]+\s+)?(?:" + "|".join(sorted(BODY_PARTS)) + r")\b")


def on_body_of(text: str, m: Mention) -> bool:
    """Whether mention `m` is in the possessive before a part of a body: "a bee landing on Hazel's hand", "a cat
    asleep on Rex's back" (the one whose body it is, is in the picture)."""
    possessive = text[m.end - 2:m.end] in ("'s", "’s") or text[m.end:m.end + 2] in ("'s", "’s")
    return possessive and _BODY_PART_AFTER.match(text, m.end) is not None


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


@dataclass
class Intent:
    request: str
    now: str  # ISO date
    mentions: list[Mention] = field(default_factory=list)
    unknown_subject: str | None = None  # "my hamster" when nothing like a hamster exists
    styles: list[str] = field(default_factory=list)  # canonical
    style_spans: list[tuple[int, int]] = field(default_factory=list)
    style_hard: bool = False  # the style is how the checkpoint is chosen ("sketch model")
    prefers_photo: bool = False  # "a photo of ...": a soft preference
    time: TimeWindow | None = None
    version: int | None = None
    ordering: str | None = None  # latest | oldest | previous
    per_concept: bool = False  # the ordering is said of one thing's versions ("the newest version of the pet")
    version_ordinal: bool = False  # "the third version": a position when no version has that number
    position: int | None = None  # among versions: 1 oldest, 2 second oldest, -2 next-to-latest
    relative: dict[str, Any] | None = None  # {direction: before|after, version | change | details}
    kind: str | None = None  # lora | dreambooth | textual_inversion
    usage: bool = False  # "the one I used most recently": last_used_at orders
    details: list[str] = field(default_factory=list)  # lemmas of words describing the subject
    detail_spans: list[tuple[str, int, int]] = field(default_factory=list)  # each said detail: (lemma, start, end)
    owner: str | None = None  # "Mrs. Glass's pet": whose it is, a word its description must have
    owner_words: list[str] = field(default_factory=list)  # "granny's old bike": stems that tell concepts apart
    excluded: list[dict[str, Any]] = field(default_factory=list)  # {field, value, text}: what must not match
    cue_spans: list[tuple[int, int]] = field(default_factory=list)  # selection-only words
    context: list[tuple[int, int]] = field(default_factory=list)  # clauses around the picture (conversation.py)
    pronoun: tuple[int, int] | None = None  # "show him jogging": stands for the subject named in a context clause
    content: str = ""
    modifying: list[tuple[int, int]] = field(default_factory=list)  # subject words that only say what kind the noun
    # after them is ("garden fork", `intent._modifying`)
    style_terms: list[str] = field(default_factory=list)  # mentions that name style checkpoints only ("dusk palette")

    @property
    def subject(self) -> Mention | None:
        """The primary subject mention: trigger > name > possessive > definite > bare > indefinite."""
        rank = {"possessive": 0, "definite": 1, "none": 2, "indefinite": 3}
        usable = [m for m in self.mentions if not m.scene and not m.negated
                  and not (m.kind == "partial" and self.unknown_subject)]  # "my car at the car wash"
        # the head of "my plush bunny" is "bunny": a mention right before another one only modifies it
        usable = [m for m in usable if m.kind == "trigger"  # not "lukas tasting", where "tasting" is what he does,
                  or not any(o is not m and self.compounded(m, o) and o.kind != "trigger"  # nor "my nephew
                             and not (o.text.lower().endswith("ing") and (o.kind == "partial" or re.match(  # building a
                                 r"\s+(?:a|an|the|my|our|his|her|their|some)\s", self.request[o.end:].lower())))  # snowman"
                             for o in usable)]
        if not usable:
            return None
        kind_rank = {"trigger": 0, "name": 1, "subject": 2, "synonym": 2, "partial": 3, "class": 3, "owner": 3}

        def order(m: Mention) -> tuple:
            kind = "subject" if m.term in PRONOUNS else m.kind  # a person called "Me" is no stronger than "my dog"
            if kind == "partial" and m.text[:1].isupper() and not is_english(m.text.lower()):
                kind = "name"  # "Ilse" of "Grandma Ilse": her own name, not a word that describes a thing
            # "a van" in the scene is content beside a named one ("marta ... with a van behind her")
            scenery = m.det == "indefinite" and kind != "trigger" and any(
                o.det != "indefinite" and o.kind in ("name", "partial") for o in usable)
            det = m.det
            if kind == "name" and (det == "none" or det == "possessive" and re.match(
                    r"(?:his|her|their|its)\b", self.request[m.np_start:].lower())):
                det = "definite"  # "Peanut in the barber chair", "Aisha in her away kit": a name by itself is definite
            if det == "indefinite" and self._opens(m) and not self._on_body_of_named(usable) \
                    and not any(o.det == "possessive" and o.start > m.end for o in usable):  # "a plane parked
                # next to the hangar": what it opens with; not "a bee landing on Hazel's hand", who is drawn,
                # nor "a horse and cart crossing our bridge", which is ours
                return (False, kind_rank["name"], rank["definite"], m.start)
            if det == "none":  # "a tree house": the article before the word that narrows it is the phrase's
                det = "indefinite" if any(o is not m and o.det == "indefinite" and 0 <= m.start - o.end <= 1
                                          for o in self.mentions) else det
            return (scenery, kind_rank[kind], rank[det], m.start)
        heads = [m for m in usable if (m.start, m.end) not in self.modifying]  # "a bird ... on my garden fork": a
        return min(heads or usable, key=order)  # fork, not the garden; "the dog bowl" alone is read whole as unknown

    def _on_body_of_named(self, usable: list[Mention]) -> bool:
        """Whether a name in the possessive is followed by a part of a body ("on Hazel's hand"): that one is drawn."""
        return any(o.kind in ("name", "partial") and on_body_of(self.request.lower(), o) for o in usable)

    def compounded(self, m: Mention, o: Mention) -> bool:
        """Whether `o` follows `m` inside one noun phrase: right after it, or after a word or two that only
        describe it ("our ice cream push cart": the cart is the head, "ice cream" tells which)."""
        if not 0 <= o.start - m.end:
            return False
        between = self.request[m.end:o.start].lower()
        if o.start - m.end <= 1:
            return True
        words = between.split()
        return re.fullmatch(r"\s+(?:[a-z]+\s+){1,2}", between) is not None and o.det == "none" and m.kind != "name" \
            and o.kind in ("subject", "synonym", "name") and o.term not in _GENERIC_HEADS \
            and not any(w in _NOT_IN_COMPOUND or w.endswith(("ing", "ed", "ly")) or not is_english(w) for w in words)

    def _opens(self, mention: Mention) -> bool:
        """Does the picture's description open with this noun phrase: nothing but a request frame before it, and
        a verb or place after it ("a plane parked next to the hangar", "could you draw a kid with the signed ball")."""
        before = re.split(r"[.!?:;]", self.request[:mention.np_start].lower())[-1]
        if any(m.start < mention.np_start for m in self.mentions) \
                or not set(re.findall(r"[a-z']+", before)) <= _OPENING_WORDS:
            return False
        after = re.match(r"\s*([a-z]+)", self.request[mention.end:].lower())
        if after is None or not (after.group(1).endswith(("ing", "ed")) or after.group(1) in _PLACE_AFTER):
            return False
        # not against someone named bare ("a van driving past grandma Ilse") or a style ("in one of my styles")
        return not any(m.start > mention.end and not m.negated and (m.term == "style" or m.term in self.style_terms
                                                                    or m.kind in ("name", "partial")
                       and not re.match(r"(?:the|my|our|his|her|their)\s", self.request[m.np_start:].lower()))
                       for m in self.mentions)

    @property
    def modifiers(self) -> list[Mention]:
        """Mentions right before the subject that narrow it: "bunny" in "bunny plushie", "dusk" in "dusk style"."""
        subject, found = self.subject, []
        while subject is not None:
            before = [m for m in self.mentions if m is not subject and 0 <= subject.start - m.end <= 1 and not m.negated
                      and m.kind != "trigger" and m not in found]
            if not before:
                break
            subject = before[0]
            found.append(subject)
        return found

    @property
    def alternatives(self) -> list[Mention]:
        """Mentions joined to the subject by "or": "grandma or grandpa on the old bench", "rex or biscuit" (either
        will do, so both are candidates and the question asks between them)."""
        subject = self.subject
        if subject is None or subject.kind == "trigger":
            return []
        low = self.request.lower()
        return [m for m in self.mentions if m is not subject and not m.scene and not m.negated and m.kind != "trigger"
                and (_OR_BETWEEN.fullmatch(low, subject.end, m.np_start) if subject.end <= m.np_start
                     else _OR_BETWEEN.fullmatch(low, m.end, subject.np_start))]

    @property
    def subject_np(self) -> list[tuple[int, int]]:
        """The primary subject's noun-phrase span, which cue stripping must not eat into."""
        subject = self.subject
        return [(subject.np_start, subject.end)] if subject else []

    @property
    def scene_time(self) -> bool:
        """"Olu wearing a santa hat in december": a bare month or season after a named subject may be when the
        picture is set; it stays in the prompt and chooses only when a version was made then."""
        window, subject = self.time, self.subject
        if window is not None and window.field == "any" and subject is not None and re.match(
                r"\s+(?:(?:morning|afternoon|evening|night|day)\s+)?(?:feel|feeling|vibes?|mood|light|atmosphere)\b",
                self.request[window.span[1]:].lower()):
            return True  # "Sunday morning feel", "autumn vibes": how the picture feels
        if window is None or window.field != "any" or subject is None or window.span[0] <= subject.end \
                or subject.kind not in ("name", "partial", "trigger") or not re.fullmatch(r"[a-z]+", window.label.lower()):
            return False
        before = self.request[:window.span[0]].lower()
        return re.search(r"\b(?:in|during)\s+(?:the\s+)?$", before) is not None \
            or window.label.lower() in _WEEKDAYS and re.search(r"\bon\s+$", before) is not None \
            and re.search(r"\b[a-z]+ing\b", before[subject.end:]) is not None  # "Lucia coming out of church on sunday"

    @property
    def has_selection_cues(self) -> bool:
        return bool(self.time or self.version is not None or self.ordering or self.styles or self.kind
                    or self.position is not None or self.usage or self.relative)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = self.time.to_json() if self.time else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Intent:
        data = dict(data)
        data["mentions"] = [Mention(**m) for m in data.get("mentions", [])]
        data["time"] = TimeWindow.from_json(data["time"]) if data.get("time") else None
        data["style_spans"] = [tuple(s) for s in data.get("style_spans", [])]
        data["cue_spans"] = [tuple(s) for s in data.get("cue_spans", [])]
        data["detail_spans"] = [tuple(s) for s in data.get("detail_spans", [])]
        data["context"] = [tuple(s) for s in data.get("context", [])]
        data["pronoun"] = tuple(data["pronoun"]) if data.get("pronoun") else None
        return cls(**data)
