"""Conversation around a request: clauses that talk to the assistant, not about the picture.

    "Hi there, I'd like the old oak covered in fresh snow, if that's possible"
        clauses  "Hi there" | "I'd like the old oak covered in fresh snow" | "if that's possible"
        kept     the clause that names something of the repository; the others are judged word by word

A request is split into clauses at punctuation, dashes and colons. A clause that names nothing of
the repository is conversation when every word in it is a function word, a word of the closed class
of conversation words below (greetings, thanks, apologies, hedges, forms of address, praise, asking),
a word that addresses the assistant or speaks of the asker ("I", "you", "your"), or a word of another
language people greet and thank in ("danke", "merci", "gracias": wordfreq says the word is common in
that language and rare in English). A clause with a speaker word is also conversation when no word in
it can only be a noun ("thanks for your help", "you rock"; not "like the beach we visited").
Inside any clause, hedges ("basically") and a purpose or audience phrase closing it ("for a client",
"for my mum's birthday", "for a deadline") are conversation too. Picture content is never a
conversation word: a clause with one content word stays whole.
"""
from __future__ import annotations

import re
from functools import lru_cache

from agent.lexicon import is_english
from repo_store.text import STOPWORDS

Span = tuple[int, int]

# words that address the assistant or speak of the asker ("me" and "my" are left out on purpose:
# "a selfie of me with Rex", "my garden")
SPEAKER = re.compile(r"^(?:i|i['’](?:m|d|ve|ll)|im|id|you|you['’](?:re|ll|ve|d)|youre|your|yours|u|ur|ya|we|"
                     r"we['’](?:re|d|ll|ve))$")
# the closed class of words that only carry the conversation
CONVERSATION_WORDS = frozenset(
    # greetings and interjections
    "hi hii hiya hey heya hello hallo yo howdy greetings ok okay oh ah ahh um umm hmm well wow yay lol haha hehe "
    "there again "
    # thanks and praise
    "thanks thank thx ty tysm cheers ta appreciated appreciate appreciation grateful gratitude best greatest "
    "awesome amazing legend star lifesaver genius brilliant wonderful fantastic great perfect rock rocks "
    # apologies, hedges, urgency
    "sorry apologies apologize bother bothering trouble pestering no not rush hurry worries worry pressure stress "
    "heaps loads tons million obliged basically honestly literally essentially "
    "frankly seriously anyway anyways btw tbh imo just maybe perhaps possibly possible quick quickly real asap "
    "urgent urgently soon please pls plz pretty kindly mind alright sure fine "
    # forms of address
    "mate mates buddy pal dude bro guys folks sir madam dear friend assistant bot "
    # asking
    "help helping need needed want wanted wanting like love wondering wonder hoping hope request favour favor "
    "advance wait can could would will may might shall should must do does did done doing have has having had "
    "here here's heres time many ask asking request question "
    "be been being am so much lot bunch very really too also if when whenever once thing "
    "that's it's thats its that'd it'd there's that'll it'll".split())
# purpose and audience of the request: "for a client", "for my mum's birthday"
PURPOSE_NOUNS = frozenset(
    "client clients customer customers boss colleague colleagues coworker coworkers teacher class school work "
    "job project deadline presentation pitch meeting portfolio assignment homework website blog newsletter "
    "birthday anniversary occasion gift present card invitation invite office team business wall desktop "
    "phone lockscreen".split())
PURPOSE = re.compile(
    r"\bfor\s+(?:(?:a|an|the|my|our|your|his|her|their|this|that|tomorrow['’]s|today['’]s|next\s+week['’]s)\s+)?"
    r"(?:[a-z]+['’]s\s+)?(?:[a-z]+\s+)?(?P<head>[a-z]+)\s*$")
PURPOSE_CLAUSE = re.compile(r"(?:it['’]?s|it\s+is|its|this\s+is|this['’]s|that['’]?s|that\s+is|it['’]ll\s+be|"
                            r"(?:it|this)\s+(?:will|would)\s+be)\s+(?:(?:going|meant|needed)\s+)?(?:to\s+be\s+used\s+)?for\b")
# a clause that states something of the speaker ("I run a small bakery", "my name is Sam", "we're new here")
SPEAKER_STATEMENT = re.compile(r"\s*(?:(?:so|and|but|well|also|oh)\s+)?(?:i|i['’](?:m|ve|d|ll)|im|ive|we|we['’](?:re|ve|d|ll)|"
                               r"my\s+name(?:\s+is|['’]s))\b")
# a wish says what the picture should show ("I want him to look happy", "we'd like a cosy feel"): not a statement
WISH = re.compile(r"\b(?:want|wants|wanted|wanna|need|needs|like|love|wish|hope|prefer|imagine|see|picture|make|keep|"
                  r"show|have|get)\b")
# a clause about what the picture will do for someone ("my kids will love it", "it would make my day")
EFFECT = re.compile(r"\s*(?:(?:my|our|his|her|their|the)\s+[a-z]+|it|this|that|they|she|he|everyone|everybody|you|u)"
                    r"\s*(?:will|would|['’]ll|['’]d|can|could|should|might|is\s+going\s+to|are\s+going\s+to|gonna)\b")
_PLACE_START = re.compile(r"\s*(?:in|on|at|by|near|under|inside|behind|beside|over|across|along|through|into|onto|"
                          r"around|atop)\b")
CONDITION = re.compile(r"\b(?:if|when|whenever|once)\b")
HEDGES = re.compile(r"\b(?:basically|honestly|literally|essentially|frankly|anyways?|btw|lol|haha|tbh|imo)\b"
                    r"(?:\s+just\b)?[\s,]*")
CLAUSE_BREAK = re.compile(r"\s*(?:[,;:!?.]+|\s[-–—]+|\.\.\.)\s*")
_WORD = re.compile(r"<[^<>\s]+>|[^\W_]+(?:['’][^\W_]+)?")  # letters of any alphabet: "schön", "grazie"
# thanks and please, and the conversation words after them to the clause's end ("thanks heaps", "pls and ty")
THANKS = re.compile(r"(?:\b(?:and|&)\s+)?\b(?:thanks?|thx|ty|tysm|cheers|ta|please|pls|plz|danke|merci|gracias|grazie)\b")
_OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")


def clauses(text: str) -> list[Span]:
    """Spans of the clauses of `text`, between punctuation, dashes and colons."""
    spans, start = [], 0
    for m in CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@lru_cache(maxsize=4096)
def foreign(word: str) -> bool:
    """A word lemminflect does not know, common in another language and rare in English ("danke", "merci",
    "hallo"), by wordfreq."""
    from wordfreq import zipf_frequency

    word = word.lower()
    if len(word) < 3 or not word.isalpha() or is_english(word):
        return False  # a word lemminflect knows is English; the frequency lists load only for the others
    english = zipf_frequency(word, "en")
    if english >= 3.5:
        return False
    return english < 3.5 and any(zipf_frequency(word, lang) >= max(4.5, english + 1.5) for lang in _OTHER_LANGUAGES)


@lru_cache(maxsize=4096)
def _noun_only(word: str) -> bool:
    """A word lemminflect knows as a noun and as nothing else ("beach", "boat"; not "help", "rock")."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return "NOUN" in lemmas and not ({"VERB", "ADJ", "ADV", "AUX"} & set(lemmas))


def _content(word: str, typed: str) -> bool:
    """A word that may be picture content: a noun and nothing else, an adjective, a name or a word lemminflect
    does not know ("beach", "sunny", "Kyoto"); not "help", "rock", "saved"."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return not lemmas or "ADJ" in lemmas or _noun_only(word) or typed[:1].isupper()


def has_content(clause: str) -> bool:
    """Whether a clause (as typed) has a word that may be picture content (see `_content`)."""
    return any(_content(m.group(0), clause[m.start():m.end()]) for m in _WORD.finditer(clause.lower())
               if not _conversation_word(m.group(0)))


def _speaker(word: str) -> bool:
    return bool(SPEAKER.match(word))


def _conversation_word(word: str) -> bool:
    return word in STOPWORDS or word in CONVERSATION_WORDS or _speaker(word) or foreign(word)


def _overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def inner_spans(text: str) -> list[Span]:
    """Conversation inside any clause: hedges, a purpose phrase that closes its clause, a clause that is only a
    purpose ("for my instagram:"), a condition or thanks tail of conversation words ("if u can", "thanks heaps")."""
    found = [m.span() for m in HEDGES.finditer(text)]
    for start, end in clauses(text):
        m = PURPOSE.search(text, start, end)
        if m and m["head"] in PURPOSE_NOUNS:
            found.append((m.start(), end))
        words = [w for w in _WORD.finditer(text, start, end)]
        if words and words[0].group(0) == "for" and PURPOSE.search(text, start, end) is not None:
            found.append((start, end))  # a clause that is only a purpose: "for my instagram:", "for the office"
        if PURPOSE_CLAUSE.match(text, start) and PURPOSE_CLAUSE.match(text, start).end() <= end:
            found.append((start, end))  # "it's for my kid's party", "this is for work"
        for m in CONDITION.finditer(text, start, end):  # "if u can", "when you get a chance", "if possible"
            tail = [w.group(0) for w in _WORD.finditer(text, m.end(), end)]
            if tail and all(_conversation_word(w) or w in ("chance", "time", "moment") for w in tail):
                found.append((m.start(), end))
                break
        for m in THANKS.finditer(text, start, end):
            tail = [w.group(0) for w in _WORD.finditer(text, m.end(), end)]
            if all(_conversation_word(w) for w in tail):
                found.append((m.start(), end))
                break
    return found


def conversation_clauses(text: str, original: str, anchors: list[Span], known: list[Span]) -> list[Span]:
    """Clauses of `text` (lowercase) that are conversation: they overlap none of `anchors` (what names
    the repository) and their words are conversation words or lie in `known` conversation spans; or they
    state something of the speaker ("I run a small bakery"), say what the picture will do ("my kids will
    love it"), or introduce the request before a colon ("this is my first request: Rex ...")."""
    found = []
    spans = clauses(text)
    for n, (start, end) in enumerate(spans):
        if _overlaps((start, end), anchors):
            continue
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
        rest = [(w, s, e) for w, s, e in words if not _overlaps((s, e), known)]
        if not words:
            continue
        statement = SPEAKER_STATEMENT.match(text, start) and not WISH.search(text, start, end)
        if all(_conversation_word(w) for w, _, _ in rest) or statement or EFFECT.match(text, start):
            found.append((start, end))
            continue
        preamble = text[end:end + 3].lstrip().startswith(":") and n + 1 < len(spans) \
            and _overlaps(spans[n + 1], anchors) and not _PLACE_START.match(text, start)
        if preamble:  # "this is my first request: Rex on a surfboard"
            found.append((start, end))
            continue
        if any(_speaker(w) for w, _, _ in rest) and not any(
                _content(w, original[s:e]) for w, s, e in rest if not _conversation_word(w)):
            found.append((start, end))
    return found
