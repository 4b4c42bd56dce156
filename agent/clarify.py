"""Resolving a clarification answer to one of the offered options.

The answer may be a candidate id (a thumbnail click) or free text. Free text is read with the
same parser as a request (names, subjects, informal words and typos, styles, kinds, dates,
versions, details) and scored against each option; besides that it may point by position
("number two", "the right-hand one", "the last one"), by age ("the older one", "whichever is
newest"), decline ("none of these"), name something else ("wrong ones, I meant the cat") or be
a new request altogether ("actually, paint my teddy").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from agent.constraints import negation_scopes
from agent.conversation import overlaps
from agent.intent import parse_intent
from agent.concepts import colour_families, id_stem, main_colour_words
from agent.lexicon import COLOUR_FAMILIES, COLOURS, INFORMAL, KIND_WORDS, ordinal_value, stem
from agent.mention import Intent, Mention
from agent.timeexpr import find_time
from agent.vocab import MODEL_WORDS, Vocabulary, normalize_noun, normalize_phrase, strip_name, style_pattern
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS

NONE = "__none__"
RESTART = "__restart__"
_ARTICLES = frozenset({"the", "a", "an", "of", "and"})
DECLINE = re.compile(r"\b(?:none|neither|nothing|no\s+thanks|cancel|never\s?mind|forget\s+(?:it|that|about\s+it)|scrap\s+that|"
                     r"don['’]?t\s+bother|nope|not\s+(?:these|those|any|them|"
                     r"one\s+of\s+(?:these|those|them))|wrong\s+ones?|no\s+match|none\s+of\s+(?:these|those|them))\b")
# the asker leaves the choice to us: "either is fine", "whichever you like", "don't mind", "surprise me"
INDIFFERENT = re.compile(r"^\W*(?:(?:oh|um+|hmm+|erm|well|honestly|ok(?:ay)?|ah)\W+)*(?:either(?:\s+one)?|any(?:\s+of\s+"
                         r"(?:them|those|these|the\s+\w+))?|whichever(?:\s+one)?|whatever)(?:\s+(?:one|is|are|would\s+be|"
                         r"works?|will\s+do|you\s+(?:like|want|prefer|think|choose|pick)))*(?:\s+(?:is\s+)?(?:fine|ok(?:ay)?|good|"
                         r"great))?\W*$|^\W*(?:i\s+)?(?:don['’]?t|do\s+not)\s+(?:really\s+)?(?:mind|care)\W*$|^\W*(?:you\s+"
                         r"(?:choose|pick|decide)|surprise\s+me|up\s+to\s+you|doesn['’]?t\s+matter)\W*$")
_ASKING_VERBS = ("paint", "draw", "make", "generate", "create", "render", "imagine", "do")
NEW_REQUEST = re.compile(r"\b(?:" + "|".join(_ASKING_VERBS) + r")\s+(?:me\s+|us\s+)?"
                         r"(?:my|our|a|an|the|some|his|her|\w+\s+(?:on|in|at|with|by|under|near|as|wearing))\b")
LAST = frozenset("last latter right rightmost right-hand bottom final end".split())
FIRST = frozenset("first former left leftmost left-hand top".split())
MIDDLE = frozenset("middle center centre".split())
# the meaning fallback (`by_meaning`): the best option's nearest word must be at least MEANING_FLOOR
# (MiniLM cosine) and beat every other shown option's by MEANING_MARGIN; calibrated by
# `python app.py bench answers` (docs/results.md, Check-in)
MEANING_FLOOR = 0.50
MEANING_MARGIN = 0.06
# words of an answer that say nothing about an option ("the one I mean, I think")
_FILLER = frozenset("one ones thing guy gal lady fellow version versions kind sort type sure okay ok yes yeah yep "
                    "fine good great nice cool please thanks thank sorry mean meant think guess want like pick "
                    "choose take go probably maybe definitely obviously just really actually".split())

# words around a subject that only say "that one, not these" ("no wait, do the horse instead")
_REDIRECT_WORDS = frozenset("instead rather wait oh hmm sorry oops no nah else".split())


@dataclass(frozen=True)
class Redirect:
    """The answer names something that none of the options is ("I meant the cat")."""

    mention: Mention


def _words(text: str) -> set[str]:
    return {normalize_noun(w) for w in re.findall(r"[a-z0-9]+", text.lower())} - STOPWORDS


# an answer that is only a place among the options, in a few words: "number three", "ok option 2 please"
_POINTED = re.compile(r"\W*(?:(?:ok(?:ay)?|um+|erm|hmm+|yes|yeah|yep|the|it['’]?s|its|i['’]?ll\s+(?:take|have|go\s+with)|"
                      r"(?:let['’]?s\s+)?go\s+with|give\s+me)\W*)*(?P<at>(?:number|no\.?|option|choice|#)\s*[a-z0-9]+)"
                      r"(?:\s+(?:one|please|pls|plz|thanks|thx|then))*\W*")


def _position(low: str, shown: int) -> int | None:
    """0-based index from "number two", "#2", "2", "the second one", "the right-hand one", "the middle one"."""
    m = re.fullmatch(r"\s*(?:(?:number|no\.?|option|choice|#)\s*)?(\d)\s*[.!]?\s*(?:please)?\s*", low) or \
        re.search(r"\b(?:number|option|choice|no\.|#)\s*(\w+)\b", low)
    if m:
        value = ordinal_value(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
        return value - 1 if value and 0 < value <= shown else None
    words = re.findall(r"[a-z0-9]+(?:-[a-z]+)?", low)
    for word in words:
        if word in LAST:
            return shown - 1
        if word in FIRST:
            return 0
        if word in MIDDLE and shown % 2 == 1:
            return shown // 2
        if word in ("a", "an", "one", "ones"):
            continue
        value = ordinal_value(word)
        if value and 0 < value <= shown:
            return value - 1
    return None


def looks_like_request(text: str, intent: Intent | None) -> bool:
    """A new request rather than an answer: "actually, paint my teddy on a boat"."""
    if not NEW_REQUEST.search(text.lower()) or intent is None:
        return False
    if intent.subject is not None and not _scene_words(text, intent):
        return False  # "actually do the horse instead": another subject for the same picture, not a new one
    return intent.subject is not None or intent.unknown_subject is not None


def _scene_words(text: str, intent: Intent) -> list[str]:
    """The words of a request-shaped answer outside its subject's noun phrase that could be picture content."""
    low = text.lower()
    subject = intent.subject
    rest = low[:subject.np_start] + " " + low[subject.end:]
    return [w for w in re.findall(r"[a-z]+", rest) if w not in STOPWORDS and w not in _FILLER and
            w not in _REDIRECT_WORDS and w not in _ASKING_VERBS]


# a decline of every option shown, whatever else the answer rules out
_NONE_OF_THEM = re.compile(r"\b(?:none|neither)\s+of\s+(?:these|those|them|the\s+(?:above|options|ones\s+shown))\b")
# a thing the repository does not have yet: "none of them, it's a new foster called Biscuit"
_SOMETHING_NEW = re.compile(r"\b(?:a|an)\s+(?:brand\s+)?(?:new|different|another)\s+(?:[a-z]+\s+)?(?:called|named)\b")


def resolve_answer(answer: str, options: list[dict[str, Any]], records: dict[str, Checkpoint], now: date,
                   shown: int | None = None, vocab: Vocabulary | None = None,
                   concepts: dict[str, list[str]] | None = None,
                   parsed: Intent | None = None) -> str | list[str] | Redirect | None:
    """The chosen option id; NONE when the user declines all; RESTART for a new request; a Redirect when
    the answer names a subject none of the options is; the tied ids when it fits several equally
    ("Biscuit" with two Biscuit styles); None when unclear.

    `options` lists the shown options first (`shown` of them), then any others the answer may name; `parsed` is
    the answer already read by `parse_intent` (the caller reuses it), else it is read here when `vocab` is given.
    """
    text = answer.strip()
    ids = [o["id"] for o in options]
    if text in ids:
        return text
    low = text.lower()
    if not low:
        return None
    shown = len(ids) if shown is None else shown
    intent = parsed if parsed is not None else parse_intent(text, now, vocab) if vocab is not None else None
    if looks_like_request(text, intent):
        return RESTART
    if INDIFFERENT.search(low):  # the first option shown is the one the reasoner ranked first
        return ids[0]
    pointed = _POINTED.fullmatch(low)  # "number three", "option 2 please": a place, even where a description
    if pointed and (position := _position(pointed["at"], shown)) is not None:  # says "three-blade propeller"
        return ids[position]
    heads = [records[i] for i in ids]

    versions = [[records[v].description for v in (concepts or {}).get(h.id, [h.id]) if v in records] or [h.description]
                for h in heads]
    looks = [". ".join(v) for v in versions]
    every = [set.intersection(*({stem(w) for w in re.findall(r"[a-z]+", d.lower())} for d in v)) for v in versions]
    groups = [[records[v] for v in (concepts or {}).get(h.id, [h.id]) if v in records] or [h] for h in heads]
    scores = _scores(low, text, heads, options, looks, every, intent, now, groups)
    best = max(scores) if scores else 0
    mentioned = intent.subject if intent else None
    if mentioned is not None and _ART_NOUN.match(low, mentioned.end):
        mentioned = None  # "the plant drawings": what a style draws, not a subject instead of the options
    if mentioned is not None and mentioned.kind == "partial" and ordinal_value(mentioned.text.lower()) \
            and re.fullmatch(r"\W*(?:the\s+)?[a-z0-9]+(?:\s+(?:one|option))?\W*", low):
        mentioned = None  # "the first": a place among the options, not the "first" of "Our first flat"
    if mentioned is not None and mentioned.kind != "trigger":
        named = [i for i, score in zip(ids, scores) if score == best and best > 0]
        if not named:
            return Redirect(mentioned)
    if DECLINE.search(low) and (best <= 0 or intent is not None and intent.unknown_subject and intent.subject is None
                                or _SOMETHING_NEW.search(low)) \
            and (not (intent and intent.excluded) or _NONE_OF_THEM.search(low)):
        return NONE  # "none of those, i meant the alpaca yarn": a thing the repository lacks
    if best <= 0 and intent is not None and intent.usage:  # "whichever one I used last": by the options' use
        used = [(max(stamps), i) for group, i in zip(groups[:shown], ids[:shown])
                if (stamps := [r.last_used_at for r in group if r.last_used_at])]
        if used:
            return max(used)[1]
    standing = [i for i, score in zip(ids[:shown], scores[:shown]) if score == max(scores[:shown])]
    if best <= 0 and min(scores) < 0 and len(standing) == 1:  # "not rex": the other one
        return standing[0]
    if best <= 0 and concepts is not None:  # "the yellow one" when only Biscuit's collared version was left: what
        # the option's other versions say still tells the options apart
        wider = {h.id: [r.id for r in records.values() if id_stem(r.id) == id_stem(h.id)] for h in heads}
        if any(len(wider[h.id]) > len(concepts.get(h.id, [h.id])) for h in heads):
            return resolve_answer(answer, options, records, now, shown, vocab, wider, intent)
    if best <= 0:
        made = _MADE_ORDER.search(low)  # "the one I made first" is the older, whichever side it is shown on
        position = _position(low, shown) if made is None else None
        if position is not None:
            return ids[position]
        kept = [n for n, score in enumerate(scores[:shown]) if score == max(scores[:shown])]  # "not the cardigan,
        # the one you put on a teapot": among the others
        return _by_age(low, [heads[n] for n in kept]) or by_meaning(low, [heads[n] for n in kept], [looks[n] for n in kept],
                                                                    vocab)
    tied = [i for i, score in zip(ids, scores) if score == best]
    if len(tied) > 1:
        by_age = _by_age(low, [records[i] for i in tied])
        if by_age:
            return by_age
    if len(tied) == len(ids):
        return by_meaning(low, heads[:shown], looks[:shown], vocab)
    return tied[0] if len(tied) == 1 else tied


def option_words(r: Checkpoint, look: str) -> list[str]:
    """Everything an option is known by, as words: name, subjects, styles, kind, its versions' descriptions."""
    text = " ".join([strip_name(r.name) if r.name != r.id else "", " ".join(r.subjects), " ".join(r.styles),
                     (r.kind or "").replace("_", " "), look]).lower()
    return sorted({w for w in re.findall(r"[a-z]+", text) if len(w) > 2 and w not in STOPWORDS})


def answer_words(low: str) -> list[str]:
    """The answer's words that can describe an option: content words, not colours or patterns
    ("striped": colour families and exact words match those), not filler ("the one I mean"), not model words."""
    return [w for w in dict.fromkeys(re.findall(r"[a-z]+", low)) if len(w) > 2 and w not in STOPWORDS
            and w not in _FILLER and w not in MODEL_WORDS and w not in COLOUR_FAMILIES and w not in COLOURS]


def meaning_scores(low: str, heads: list[Checkpoint], looks: list[str], vocab: Vocabulary | None) -> list[float]:
    """Per option: the highest MiniLM cosine between a word of the answer and a word the option is known
    by ("metal" ~ "tin", "inky" ~ "ink"); empty without an embedder or content words."""
    said = answer_words(low)
    if vocab is None or vocab.embedder is None or not said or not heads:
        return []
    words = [option_words(h, look) for h, look in zip(heads, looks)]
    shared = set.intersection(*map(set, words)) if len(words) > 1 else set()
    words = [[w for w in ws if w not in shared] for ws in words]  # "vehicle" of the van and the bike tells nothing
    vectors = _vectors(vocab, said + sorted({w for ws in words for w in ws}))
    asked = np.stack([vectors[w] for w in said])
    return [float((asked @ np.stack([vectors[w] for w in ws]).T).max()) if ws else 0.0 for ws in words]


def by_meaning(low: str, heads: list[Checkpoint], looks: list[str], vocab: Vocabulary | None) -> str | None:
    """The option whose words are nearest in meaning to the answer's, when it wins clearly
    (≥ MEANING_FLOOR and MEANING_MARGIN ahead of every other shown option); else None."""
    scores = meaning_scores(low, heads, looks, vocab)
    if len(scores) < 2:
        return None
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    top, second = scores[order[0]], scores[order[1]]
    return heads[order[0]].id if top >= MEANING_FLOOR and top - second >= MEANING_MARGIN else None


def _vectors(vocab: Vocabulary, words: list[str]) -> dict[str, np.ndarray]:
    """Word vectors, embedded once per vocabulary (the options' words repeat from question to question)."""
    cache = vocab.word_vectors
    missing = [w for w in dict.fromkeys(words) if w not in cache]
    if missing:
        for word, vector in zip(missing, vocab.embedder.embed_documents(missing)):
            cache[word] = np.asarray(vector, dtype=np.float32)
    return {w: cache[w] for w in words}


# the order they were made in, said with the making: "the one i trained first", "whichever we did last"
_MADE_ORDER = re.compile(r"\b(?:made|trained|created|did|built|uploaded|added|finetuned|fine-tuned)\s+"
                         r"(?:it\s+|them\s+|that\s+)?(?:first|last|earlier|later)\b")


def _by_age(low: str, heads: list[Checkpoint]) -> str | None:
    made = _MADE_ORDER.search(low)
    if made:
        newest = made.group(0).split()[-1] in ("last", "later")
        return (max if newest else min)(heads, key=lambda r: r.created_at).id
    if re.search(r"\b(?:latest|newest|most\s+recent(?:ly)?|recent|newer|new|current|younger|last\s+trained|later|"
                 r"more\s+recently)\b", low):
        return max(heads, key=lambda r: r.created_at).id
    if re.search(r"\b(?:oldest|earliest|older|old|original|first\s+trained|earlier)\b|\b(?:been|had\s+(?:it|them))\s+"
                 r"(?:[\w']+\s+){0,4}?(?:the\s+)?long(?:er|est)\b", low):  # "whichever's been in the collection longer"
        return min(heads, key=lambda r: r.created_at).id
    return None


_PHOTO_SAID = re.compile(r"\b(?:photo|photograph|photographic|real\s+life|normal\s+photo|plain\s+photo|real|realistic|lifelike|"
                         r"true\s+to\s+life)s?\b")  # "the black cat, the real one"
_ART_NOUN = re.compile(r"\s*(?:drawings?|prints?|paintings?|sketch(?:es)?|illustrations?|style|look|art|plates?)\b")
_ART_SAID = re.compile(r"\b(?:painting|painted|drawing|drawn|illustration|illustrated|cartoon|artsy|arty)\b")


def _scores(low: str, text: str, heads: list[Checkpoint], options: list[dict[str, Any]], looks: list[str],
            every: list[set[str]], intent: Intent | None, now: date, groups: list[list[Checkpoint]]) -> list[int]:
    # "the normal photo one, not the painting": a photo said, or a drawn or painted look ruled out, favours the
    # photographic options over those with another style (the words only count outside / inside a negation)
    denied = [scope for _, scope in negation_scopes(low)]
    photo = any(not overlaps(m.span(), denied) for m in _PHOTO_SAID.finditer(low)) \
        or any(overlaps(m.span(), denied) for m in _ART_SAID.finditer(low))
    for m in (intent.mentions if intent else []):  # "not the collie": its words count against, never for
        if m.negated and m.end <= len(low):
            low = low[:m.np_start] + " " * (m.end - m.np_start) + low[m.end:]
    for start, end in denied:  # "not the painting": no word of it counts for an option
        low = low[:start] + " " * (end - start) + low[end:]
    said = _words(low)
    said_raw = set(re.findall(r"[a-z0-9]+", low))  # names may be stopwords: "Me", "Us"
    stems = {stem(w) for w in re.findall(r"[a-z]+", low) if w not in STOPWORDS and len(w) > 2}
    terms = {m.term for m in intent.mentions if not m.negated} if intent else set()
    negated = {m.term for m in intent.mentions if m.negated} if intent else set()
    window = find_time(low, text, now)
    version = re.search(r"\bv(?:ersion)?\s?(\d+)\b", low)
    kinds = [k for k, words in KIND_WORDS.items() if any(  # "the TI one": a short kind word beside "one"
        re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])" + ("" if len(w) > 2 else r"(?=\s+(?:one|version|model)\b)"), low)
        for w in words)]
    # description words count only where they tell the options apart
    look_words = [[stem(w) for w in re.findall(r"[a-z]+", look.lower())] for look in looks]
    described = [set(words) for words in look_words]
    common = set.intersection(*described) if described else set()
    look_of = {h.id: look for h, look in zip(heads, looks)}
    names = {w for h in heads for w in re.findall(r"[a-z]+", strip_name(h.name))}
    hues = colour_families({w for w in re.findall(r"[a-z]+", low) if w not in names})  # "ginger" → orange
    # "the sausage one", "the wiener": the options' noun is understood ("one" stands for it), and
    # "sausage dog" is a word for a dachshund
    heads_nouns = {s.lower().split()[-1] for h in heads for s in h.subjects}
    compounds = {INFORMAL[f"{word} {noun}"] for word in set(re.findall(r"[a-z]+", low))
                 for noun in heads_nouns if f"{word} {noun}" in INFORMAL}
    # words every shown option's label or subjects have ("toy" in "Bolt the toy robot" when all three are
    # toys) do not tell them apart: a label names them only by its other words
    shown_words = [_words(o.get("name", "")) | _words(" ".join(h.subjects)) for h, o in zip(heads, options)]
    shared = set.intersection(*shown_words) if shown_words else set()
    # "the one with the brown ears": a colour said of another word describes that, not the option's own colour
    said_stems = [stem(w) for w in re.findall(r"[a-z]+", low)]
    pairs = set(zip(said_stems, said_stems[1:]))
    every_word = set().union(*described) if described else set()
    of_other = {a for a, b in pairs if b in every_word and b not in ("one", "version") and a != b}
    # "brown ears" as a description has the two words side by side
    said_pairs = {(a, b) for a, b in pairs if a != b and a not in STOPWORDS and b not in STOPWORDS}
    look_pairs = [set(zip(words, words[1:])) for words in look_words]
    scores = []
    for head, offered, own, always, side_by_side, versions in zip(heads, options, described, every, look_pairs,
                                                                   groups):
        name = strip_name(head.name) if head.name != head.id else ""
        name_words = set(re.findall(r"[a-z0-9]+", name)) - _ARTICLES
        if len(name_words) > 1:  # "Me" names; the "on" of "Lena on the trapeze" does not ("the one on the wire")
            name_words -= STOPWORDS
        subjects = {s.lower() for s in head.subjects}
        score = 3 * len((said & (_words(offered.get("name", "")) - shared)) | (said_raw & name_words))
        score += 3 * sum(1 for t in terms if t == name or t in subjects or t in name_words)
        score += sum(1 for t in terms if name and t == name.lower())  # "Mila": Mila herself, over "Oscar and Mila"
        score += 2 * len(said & _words(" ".join(head.subjects)))
        score -= 6 * sum(1 for t in negated if t in (name, normalize_phrase(name)) or t in subjects)  # "not the
        # cuckoo": a mention's term is the name as the vocabulary keys it ("margaret cuckoo clock")
        for item in (intent.excluded if intent else []):  # "not the anime one", "the one without the raincoat"
            value = str(item["value"])
            if item["field"] == "style" and all(style_pattern(value).search(" ".join(r.styles).lower()) for r in versions) \
                    or item["field"] == "kind" and all((r.kind or "").lower() == value for r in versions) or \
                    item["field"] == "detail" and value in always:
                score -= 6  # every version has it ("pencil, the one without ink" still names pencil's plain one)
        score += 3 * sum(style_pattern(style.lower()).search(low) is not None for style in head.styles)
        # "the one I used this week", "the TI one": any version of the option's concept may be the one meant
        if window and any(window.contains(stamp.date()) for r in versions for attr in window.attributes
                          if (stamp := getattr(r, attr)) is not None):
            score += 3
        if version and head.version == int(version.group(1)):
            score += 3
        if kinds and any((r.kind or "").lower() in kinds for r in versions):
            score += 3
        details = (stems & own) - common
        score += sum(2 if d in COLOURS or d in COLOUR_FAMILIES else 1 for d in details)  # "teal" said, "teal" there
        own_colours = main_colour_words(head, look_of[head.id])
        exact = (stems - of_other) & {stem(w) for w in own_colours}
        score += 3 * len(exact)  # "the brown one": Rex is a brown dog
        score += 2 * len(said_pairs & side_by_side)
        if hues and not exact and hues & colour_families(own_colours):
            score += 1  # "the ginger one": Tofu is an orange tabby (a word's own colour still counts more)
        elif hues and not exact and not own_colours and not terms \
                and hues & colour_families(set(re.findall(r"[a-z]+", look_of[head.id].lower()))):
            score += 1  # "the ginger one": Alfie "with curly red hair", when nothing else says its colour
        if kinds and (head.kind or "").lower() in kinds:
            score += 1  # "the lora": the option shown is one, not only an older version of it
        score += 3 * len(compounds & subjects)
        if photo and any(style_pattern("photorealistic").search(st.lower()) for st in head.styles):
            score += 3
        scores.append(score)
    return scores
