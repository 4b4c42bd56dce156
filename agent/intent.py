"""Intent parsing: what a request asks of the repository, and what it asks of the picture.

    "paint my dog from last week on a beach"
      subject   → "my dog" (possessive, term "dog")      selection cue + picture
      time      → "last week" (created or used)          selection cue only
      content   → "paint my dog on a beach"               what retrieval and the image see

Selection cues (time, version, ordering, "model/build/checkpoint") are found by
span so `mapping` can drop them from the image prompt and keep every other word.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from agent.timeexpr import TimeWindow, find_time
from agent.vocab import (DEFINITES, INDEFINITES, LOCATIVES, MODEL_WORDS, MODIFIERS, POSSESSIVES, SCENE_WORDS,
                         SOFT_PHOTO_WORDS, STYLE_SYNONYMS, STYLE_WORDS, Vocabulary, normalize_noun)
from repo_store.schema import MAX_VERSION
from repo_store.text import STOPWORDS

PRONOUNS = frozenset({"me", "us", "myself", "ourselves"})
_NP_STARTS = POSSESSIVES | DEFINITES | INDEFINITES | {"some", "another", "two", "three"}
_TOKEN = re.compile(r"<[^<>\s]+>|[a-z0-9]+(?:['’][a-z]+)?|[^\sa-z0-9]")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
ORDERING_PATTERNS = (
    ("previous", r"\b(?:previous|prior|the one before|second (?:newest|latest|most recent)|older one)\b"
                 r"|\b(?:version|one|build)\s+before\s+(?:the\s+)?(?:newest|latest|last|current)(?:\s+one)?\b"),
    ("latest", r"\b(?:latest|newest|most recent|most recently \w+|recent|recently|last one|current|updated|newer|new)\b"),
    ("latest", r"\b(?:the\s+)?last(?=\s+(?:\w+\s+)?(?:model|build|version|checkpoint|lora|one)\b)"),
    ("oldest", r"\b(?:oldest|earliest|original|very first|first one|older)\b"),
    ("oldest", r"\bfirst(?=\s+(?:\w+\s+)?(?:model|build|checkpoint|lora|one)\b)"),
)
# words that continue a cue to its right ("April-trained version", "yesterday's"); "in" after a cue starts content
CUE_CONTINUATIONS = frozenset("- trained created made built fine-tuned finetuned tuned 's version one of that which "
                              "was were i we you used ran tried".split())
CONNECTORS = frozenset("from the using use used with of my our in trained created made built fine-tuned finetuned "
                       "tuned that which was were 's - by at version i we you ran tried one".split())


@dataclass(frozen=True)
class Mention:
    """A phrase that names what the picture is of."""

    kind: str  # trigger | name | subject | synonym
    term: str  # normalized subject term, stripped name, or lowercase trigger
    text: str  # as typed
    start: int  # span of the head phrase
    end: int
    np_start: int  # start of the whole noun phrase ("my fluffy dog" → at "my")
    det: str  # possessive | definite | indefinite | none
    scene: bool = False  # sits in a place phrase ("on the train"): not the subject


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
    cue_spans: list[tuple[int, int]] = field(default_factory=list)  # selection-only words
    content: str = ""

    @property
    def subject(self) -> Mention | None:
        """The primary subject mention: trigger > name > possessive > definite > bare > indefinite."""
        rank = {"possessive": 0, "definite": 1, "none": 2, "indefinite": 3}
        usable = [m for m in self.mentions if not m.scene]
        if not usable:
            return None
        kind_rank = {"trigger": 0, "name": 1, "subject": 2, "synonym": 2}

        def order(m: Mention) -> tuple:
            kind = "subject" if m.term in PRONOUNS else m.kind  # a person called "Me" is no stronger than "my dog"
            return (kind_rank[kind], rank[m.det], m.start)
        return min(usable, key=order)

    @property
    def subject_np(self) -> list[tuple[int, int]]:
        """The primary subject's noun-phrase span, which cue stripping must not eat into."""
        subject = self.subject
        return [(subject.np_start, subject.end)] if subject else []

    @property
    def has_selection_cues(self) -> bool:
        return bool(self.time or self.version is not None or self.ordering or self.styles)

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
        return cls(**data)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def parse_intent(request: str, now: date, vocab: Vocabulary) -> Intent:
    """Parse `request` against the repository's vocabulary, relative to `now`."""
    text = _lower_same_length(request)
    intent = Intent(request=request, now=now.isoformat())
    taken: list[tuple[int, int]] = []

    triggers = _find_triggers(text, vocab)
    taken += [(m.start, m.end) for m in triggers]

    window = find_time(text, request, now, STYLE_WORDS)
    if window and not _overlaps(window.span, taken):
        intent.time = window
        intent.cue_spans.append(window.span)
        taken.append(window.span)

    for m in re.finditer(r"\b(?:v|ver\.?|version|build|release|iteration)\s?#?(\d+)\b"
                         r"|\bversion\s+(" + "|".join(_NUMBER_WORDS) + r")\b"
                         r"|\b(" + "|".join(_ORDINALS) + r")\s+(?:version|build|iteration|release)\b", text):
        if _overlaps(m.span(), taken):
            continue
        intent.version = int(m[1]) if m[1] else _NUMBER_WORDS.get(m[2] or "", 0) or _ORDINALS[m[3]]
        intent.version = min(intent.version, MAX_VERSION + 1)  # beyond any stored version: nothing meets it
        intent.cue_spans.append(m.span())
        taken.append(m.span())
        break

    for ordering, pattern in ORDERING_PATTERNS:
        m = next((m for m in re.finditer(pattern, text) if not _overlaps(m.span(), taken)), None)
        if m and intent.ordering is None:
            intent.ordering = ordering
            intent.cue_spans.append(m.span())
            taken.append(m.span())

    for canonical, words in STYLE_SYNONYMS.items():
        for word in sorted(words, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                if not _overlaps(m.span(), taken + intent.style_spans):
                    if canonical not in intent.styles:
                        intent.styles.append(canonical)
                    intent.style_spans.append(m.span())
    intent.prefers_photo = any(re.search(rf"\b{w}s?\b", text) for w in SOFT_PHOTO_WORDS)

    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for tok, start, end in tokens:
        if normalize_noun(tok) in MODEL_WORDS and not _overlaps((start, end), taken):
            intent.cue_spans.append((start, end))

    blocked = taken + intent.style_spans
    mentions = triggers + _find_mentions(text, request, tokens, vocab, blocked)
    intent.mentions = mentions
    intent.unknown_subject = _resolve_unknown(text, request, tokens, vocab, intent, blocked)

    intent.style_hard = bool(intent.styles) and (intent.subject is None or _style_names_model(text, intent.style_spans))
    intent.content = strip_cues(request, intent.cue_spans, protect=intent.subject_np)
    return intent


def _find_triggers(text: str, vocab: Vocabulary) -> list[Mention]:
    found = []
    for m in re.finditer(r"<[^<>\s]+>|[a-z0-9][\w.-]*[a-z0-9]", text):
        word = m.group(0)
        key = word if word in vocab.triggers else (f"<{word}>" if f"<{word}>" in vocab.triggers
                                                   and word not in vocab.subjects else None)
        if key:
            found.append(Mention("trigger", key, word, m.start(), m.end(), m.start(), "none"))
    return found


def _determiner(tokens: list[tuple[str, int, int]], head: int, taken: list[tuple[int, int]]) -> tuple[str, int, bool]:
    """Look left of token `head` past modifiers and cue words: (kind, np_start, in a place phrase)."""
    i = head - 1
    np_start = tokens[head][1]
    while i >= 0 and head - i <= 4:
        tok, start, end = tokens[i]
        if tok in POSSESSIVES or tok.endswith("'s") and tok not in ("yesterday's", "today's"):
            return "possessive", start, False
        if tok in DEFINITES or tok in INDEFINITES:
            place = i > 0 and tokens[i - 1][0] in LOCATIVES
            return ("definite" if tok in DEFINITES else "indefinite"), start, place
        if tok in LOCATIVES:
            return "none", np_start, True
        if tok in MODIFIERS or _overlaps((start, end), taken) or tok == "-":
            i -= 1
            continue
        break
    return "none", np_start, False


def _find_mentions(text: str, original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                   taken: list[tuple[int, int]]) -> list[Mention]:
    words = [(i, normalize_noun(t)) for i, (t, s, e) in enumerate(tokens)
             if re.match(r"[a-z0-9]", t) and not _overlaps((s, e), taken)]
    found: list[Mention] = []
    used: set[int] = set()
    longest = vocab.longest
    for size in range(longest, 0, -1):
        for n in range(len(words) - size + 1):
            run = words[n:n + size]
            if any(i in used for i, _ in run) or run[-1][0] - run[0][0] != size - 1:
                continue
            phrase = " ".join(w for _, w in run)
            kind = "name" if phrase in vocab.names else ("subject" if phrase in vocab.subjects else None)
            if kind is None:
                continue
            first, last = run[0][0], run[-1][0]
            if phrase in PRONOUNS and last + 1 < len(tokens) and tokens[last + 1][0] in _NP_STARTS:
                continue  # "show me my grandmother", "draw me a cat": an indirect object, not the subject
            det, np_start, place = _determiner(tokens, first, taken)
            if kind == "name" and det == "indefinite":
                continue  # "a sunny day" is not Sunny the sunflower
            scene = place and det != "possessive" and kind == "subject"  # names are identities, not places
            start, end = tokens[first][1], tokens[last][2]
            found.append(Mention(kind, phrase, original[start:end], start, end, np_start, det, scene))
            used.update(i for i, _ in run)
    found += _typo_mentions(tokens, words, used, original, vocab, taken)
    return sorted(found, key=lambda m: m.start)


def _typo_mentions(tokens, words, used, original, vocab: Vocabulary, taken) -> list[Mention]:
    """Single words one slip away from a subject term or name ("dalmation" → "dalmatian")."""
    singles = [k for k in list(vocab.subjects) + list(vocab.names) if " " not in k and len(k) >= 5]
    found = []
    for i, word in words:
        if i in used or len(word) < 5 or word in STOPWORDS or word in SCENE_WORDS or word in MODEL_WORDS:
            continue
        close = difflib.get_close_matches(word, singles, n=1, cutoff=0.85)
        if not close:
            continue
        term = close[0]
        kind = "name" if term in vocab.names else "subject"
        det, np_start, place = _determiner(tokens, i, taken)
        start, end = tokens[i][1], tokens[i][2]
        found.append(Mention(kind, term, original[start:end], start, end, np_start, det,
                             place and det != "possessive" and kind == "subject"))
    return found


def _resolve_unknown(text: str, original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                     intent: Intent, taken: list[tuple[int, int]]) -> str | None:
    """Nouns after "my"/"of the" that are not repository terms: a synonym, or an unknown subject."""
    known = [(m.start, m.end) for m in intent.mentions]
    for i, (tok, start, _) in enumerate(tokens):
        possessive = tok in POSSESSIVES
        of_phrase = tok in ("a", "an", "the") and i > 0 and tokens[i - 1][0] == "of"
        if not (possessive or of_phrase):
            continue
        chunk: list[tuple[str, int, int]] = []
        for tok2, s2, e2 in tokens[i + 1:i + 5]:
            if not re.match(r"[a-z0-9]", tok2) or tok2 in LOCATIVES or tok2 in ("from", "with", "as", "and", "or"):
                break
            if _overlaps((s2, e2), known):
                chunk = []
                break
            if _overlaps((s2, e2), taken) or tok2 in MODIFIERS or normalize_noun(tok2) in MODEL_WORDS:
                if chunk:
                    break
                continue
            chunk.append((tok2, s2, e2))
        if not chunk:
            continue
        head, hs, he = chunk[-1]
        noun = normalize_noun(head)
        if noun in SCENE_WORDS or noun in SOFT_PHOTO_WORDS or noun in ("portrait", "image", "painting", "drawing"):
            continue
        match = vocab.nearest_subject(noun)
        if match:
            det = "possessive" if possessive else "definite"
            intent.mentions.append(Mention("synonym", match[0], original[hs:he], hs, he, start, det))
            intent.mentions.sort(key=lambda m: m.start)
            known.append((hs, he))
        elif possessive:
            return original[chunk[0][1]:he]
    return None


def _style_names_model(text: str, spans: list[tuple[int, int]]) -> bool:
    """'the sketch model', 'anime build', 'watercolor version': the style picks the checkpoint."""
    for _, end in spans:
        after = re.findall(r"[a-z]+(?:-[a-z]+)*", text[end:end + 24])[:2]
        if any(normalize_noun(w) in MODEL_WORDS or w == "one" for w in after):
            return True
    return False


def strip_cues(request: str, cue_spans: list[tuple[int, int]], protect: list[tuple[int, int]] = ()) -> str:
    """The request without selection cues and the connector words left dangling around them.

    Connectors inside `protect` spans (the subject's noun phrase) are kept.
    """
    if not cue_spans:
        return " ".join(request.split())
    text = _lower_same_length(request)
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    drop = [_overlaps((s, e), cue_spans) for _, s, e in tokens]
    changed = True
    while changed:  # grow each dropped run over adjacent connector words
        changed = False
        for i, (tok, _, _) in enumerate(tokens):
            if drop[i] or tok not in CONNECTORS or _overlaps(tokens[i][1:], list(protect)):
                continue
            after_cue = i > 0 and drop[i - 1] and tok in CUE_CONTINUATIONS
            before_cue = i + 1 < len(tokens) and drop[i + 1]
            if after_cue or before_cue:
                drop[i] = True
                changed = True
    keep = [True] * len(request)
    for (_, start, end), dropped in zip(tokens, drop):
        if dropped:
            keep[start:end] = [False] * (end - start)
    out = "".join(c for c, k in zip(request, keep) if k)
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"([,;:])(\s*[,;:])+", r"\1", out)
    return out.strip(" ,;:-")
