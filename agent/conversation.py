"""Conversation around a request: clauses that talk to the assistant, not about the picture.

Two readings live here. `label_clauses` (the pre-pass, at the end of this module) labels whole
sentences around the picture by their structure — a backstory, a comment, thanks, a lead-in — so that
intent parsing ignores them; the word-by-word reading below catches what is left inside a clause.

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
from dataclasses import dataclass
from datetime import date
from dataclasses import field as dc_field
from functools import lru_cache

from agent.lexicon import is_english, past_form
from repo_store.text import STOPWORDS

Span = tuple[int, int]

# words that address the assistant or speak of the asker ("me" and "my" are left out on purpose:
# "a selfie of me with Rex", "my garden")
SPEAKER = re.compile(r"^(?:i|i['’](?:m|d|ve|ll)|im|id|you|you['’](?:re|ll|ve|d)|youre|your|yours|u|ur|ya|we|"
                     r"we['’](?:re|d|ll|ve))$")
# sounds of feeling that stand outside the sentence: "ugh which one was it"
INTERJECTIONS = frozenset("oh ah ahh aw aww um umm hmm hm wow yay ugh ughh argh meh welp phew whew oof yikes ooh oops "
                          "lol haha hehe lmao lmfao rofl omg omfg ngl tbf idk ikr smh bruh fr frfr istg".split())
# the closed class of words that only carry the conversation
CONVERSATION_WORDS = INTERJECTIONS | frozenset(
    # greetings and interjections
    "hi hii hiya hey heya hello hallo yo howdy greetings ok okay well "
    "there again "
    # thanks and praise
    "thanks thank thx ty tysm cheers ta appreciated appreciate appreciation grateful gratitude best greatest "
    "awesome amazing legend star lifesaver genius brilliant wonderful fantastic great perfect rock rocks lovely "
    "marvellous marvelous splendid super cool nice ace "
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
    "that's it's thats its that'd it'd there's that'll it'll "
    # comments on the request itself: "nothing fancy", "long time no see", "don't ask"
    "nothing fancy long see don't dont let think sense making day app "
    # sign-offs
    "regards best wishes sincerely warmly love xx xo xoxo muchly".split())
# purpose and audience of the request: "for a client", "for my mum's birthday"
PURPOSE_NOUNS = frozenset(
    "client clients customer customers boss colleague colleagues coworker coworkers teacher class school work "
    "job project deadline presentation pitch meeting portfolio assignment homework website blog newsletter "
    "birthday anniversary occasion gift present card invitation invite office team business wall desktop "
    "phone lockscreen banner header post flyer catalogue catalog page site instagram facebook feed profile avatar "
    "thumbnail brochure leaflet advert advertisement ad campaign slide slides deck report story stories store "
    "invitations invites cards marketing merch merchandise signage socials shop calendar "
    "scrapbook fete fair raffle fundraiser party wedding reunion mural mantelpiece mantel mantle fridge "
    "cover covers programme programmes program playbill flyers print prints canvas display displays noticeboard".split())
# what the picture is for, closing its clause: "... in the snow to print for her", "to frame for my nan"
TO_USE = re.compile(r"\bto\s+(?:print|frame|hang|post|share|send|give|gift)(?:\s+(?:it|this|out|off|up))?(?:\s+for\s+"
                    r"(?:[a-z]+['’]s\s+|(?:a|an|the|my|our|his|her|their)\s+)?[a-z]+)?(?:\s+(?:please|pls|plz))?\s*$")
# when the purpose is, after it: "for our christmas cards this year"
_WHEN_TAIL = r"(?:\s+(?:this|next)\s+(?:year|week|month|weekend|term)|\s+(?:tomorrow|tonight|today|later))?"
_POLITE_END = r"(?:\s+(?:please|pls|plz|thanks|thx|cheers|ta|x+))*\s*$"  # "x": a kiss
PURPOSE = re.compile(
    r"\bfor\s+(?:(?:a|an|the|my|our|your|his|her|their|this|that|tomorrow['’]s|today['’]s|next\s+week['’]s)\s+)?"
    r"(?:[a-z]+['’]s\s+)?(?:[a-z]+\s+){0,2}(?P<head>(?!(?:please|pls|plz|thanks|thx|cheers|ta|this|next)\b)[a-z]+)" + _WHEN_TAIL
    + _POLITE_END)
_FOR_HEAD = r"\bfor\s+(?:(?:a|an|the|my|our|your|his|her|their|this|that)\s+)?(?:[a-z]+\s+){0,2}(?P<head>[a-z]+)\s+"
_THEIR = r"\s+(?:(?:a|an|the|my|our|your|his|her|their)\s+)?"
PURPOSE_LONG = re.compile(_FOR_HEAD + r"(?:to|for|of|at|on|in(?!" + _THEIR + r"(?:[a-z]+\s+){0,2}(?:style|look|palette)s?\b))"
                          + _THEIR + r"(?:[a-z]+['’]s\s+)?[a-z]+" + _POLITE_END)
# a purpose noun before another "for" phrase, to the clause's end: "for a flyer for my dads garage sale"
PURPOSE_CHAIN = re.compile(_FOR_HEAD + r"for" + _THEIR + r"(?:[a-z]+['’]?s\s+)?(?:[a-z]+\s+){0,2}[a-z]+" + _POLITE_END)
PURPOSE_CLAUSE = re.compile(r"(?:it['’]?s|it\s+is|its|this\s+is|this['’]s|that['’]?s|that\s+is|it['’]ll\s+be|"
                            r"(?:it|this)\s+(?:will|would)\s+be)\s+(?:(?:going|meant|needed)\s+)?(?:to\s+be\s+used\s+)?for\b")
# who or what the request is for, as its own clause: "asking for our marketing person", "asking for a friend"
ASKING_FOR = re.compile(r"\s*(?:(?:i['’]?m|im|i\s+am|we['’]re|just)\s+)?asking\s+for\b")
# what the picture is for, as its own clause: "to use as my wallpaper", "going on my instagram", "so i can print it"
USE_CLAUSE = re.compile(r"\s*(?:(?:it['’]?s|its|it\s+is|this\s+is|that['’]?s)\s+)?(?:(?:to|for\s+me\s+to|so\s+(?:i|we)\s+can|"
                        r"(?:i|we)\s+(?:want|need)\s+to|gonna|going\s+to)\s+(?:use|put|post|print|hang|share|send|frame|"
                        r"set|stick|pin)|(?:going|goes|will\s+go)\s+(?:on|in|up\s+on)\s+(?:my|our|the)|(?:to|for)\s+be\s+used"
                        r"|(?:posting|putting|printing|using|sharing|sending|framing|hanging|gifting|giving)\s+(?:it|this|them)"
                        r"\s+(?:on|in|to|for|as|at|up)\b)\b")
# a clause that states something of the speaker ("I run a small bakery", "my name is Sam", "we're new here")
SPEAKER_STATEMENT = re.compile(r"\s*(?:(?:so|and|but|well|also|oh)\s+)?(?:i|i['’](?:m|ve|d|ll)|im|ive|we|we['’](?:re|ve|d|ll)|"
                               r"my\s+name(?:\s+is|['’]s))\b")
# a wish says what the picture should show ("I want him to look happy", "we'd like a cosy feel"): not a statement
WISH = re.compile(r"\b(?:want|wants|wanted|wanna|need|needs|like|love|wish|hope|prefer|imagine|see|picture|make|keep|"
                  r"show|have|get|image|photo|draw|paint|render|produce|create|generate|grateful|thankful)\b")
# a clause about what the picture will do for someone ("my kids will love it", "it would make my day")
EFFECT = re.compile(r"\s*(?:(?:my|our|his|her|their|the)\s+[a-z]+|it|this|that|they|she|he|everyone|everybody|you|u)"
                    r"\s*(?:will|would|['’]ll|['’]d|can|could|should|might|is\s+going\s+to|are\s+going\s+to|gonna)\b")
# prepositions that put something in a place: a clause opening with one is the scene
PLACE_WORDS = frozenset("in on at by near under inside behind beside over across along through into onto around "
                        "atop".split())
# a word that may come before a place word and leave it the clause's opening: "out on the fire escape", "up in the loft"
_PLACE_PARTICLES = ("out", "up", "down", "over", "back", "right", "just", "somewhere")
_PLACE_START = re.compile(rf"\s*(?:(?:{'|'.join(_PLACE_PARTICLES)})\s+)?(?:{'|'.join(sorted(PLACE_WORDS))})\b")
CONDITION = re.compile(r"\b(?:if|when|whenever|once)\b")
_SPARE_TIME = frozenset("get got chance time moment minute sec second spare free".split())  # "whenever you get a chance"
HEDGES = re.compile(r"\b(?:basically|honestly|literally|essentially|frankly|obviously|of\s+course|anyways?|btw|lol|"
                    r"haha|tbh|tbf|imo|ngl|omg|omfg|lmao|istg|"
                    r"to\s+be\s+(?:frank|honest|fair)|quick\s+q(?:uestion)?|long\s+story(?:\s+short)?|"
                    r"(?:totally\s+|kinda\s+)?random(?:\s+(?:one|request|question))?(?=\s*,?\s*but\b))\b"
                    r"(?:\s+just\b)?[\s,]*")
# an aside in parentheses that speaks of someone or of the request: "(he does this every day, drives him mad)"
ASIDE = re.compile(r"\(\s*(?:(?:ok|okay|well|so|yes|yeah|and|but|also|btw|fyi|lol|haha|technically|honestly|actually)"
                   r"\W+)*(?:he|she|they|it|i|we|you|this|that|(?:don['’]?t|no|not(?!\s+(?:the|that|this|those|these|any|my|his|her|their|our)\b))"
                   r"(?![^()]*\b(?:version|versions|one|ones|model|checkpoint|build|lora)\b)|"  # not "(no paper hat version please)"
                   r"just|long\s+story)\b[^()]*\)")
# the asker's memory of the checkpoint: "can't remember what it was (called) but", "i forget the name"
FORGOT = re.compile(r"\b(?:i\s+)?(?:can['’]?t|cannot|don['’]?t|do\s+not)\s+remember(?:\s+(?:what|which)\s+(?:it|one)\s+"
                    r"(?:was|is)(?:\s+called)?|\s+the\s+name)?(?:\s+but)?\b|\b(?:i\s+)?forg[eo]t\s+(?:the\s+name|what\s+"
                    r"it['’]?s\s+called|which\s+one)(?:\s+but)?\b|\bnot\s+sure\s+what\s+it\s+was(?:\s+called)?(?:\s+but)?\b"
                    r"|\b(?:(?:i\s+)?(?:don['’]?t|do\s+not)\s+(?:care|mind|know)|no\s+idea|whatever|who\s+cares)\s+what\s+"
                    r"(?:it|that|this)\s+(?:is|was|were)(?:\s+called)?\b|\bwhatever\s+(?:it|that)\s+(?:is|was)\b")
# an emoji between words ends a sentence as a full stop would ("... looks weird to me 😂 can you do ...")
EMOJI = "\U0001F300-\U0001FAFF\u2600-\u27BF"
CLAUSE_BREAK = re.compile(rf"\s*(?:[,;:!?.(){EMOJI}]+|\s[-–—]+)\s*")  # "..." is a run of the punctuation; an aside in
# parentheses is a clause of its own ("(no pressure lol)")
_WORD = re.compile(r"<[^<>\s]+>|[^\W_]+(?:['’][^\W_]+)?(?:-[^\W_]+)*")  # letters of any alphabet: "schön",
# "grazie"; a compound whole: "hand-tinted", "sun-bleached", "hi-vis"
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


def _noun_only(word: str) -> bool:
    """A word lemminflect knows as a noun and as nothing else ("beach", "boat"; not "help", "rock")."""
    pos = pos_of(word)
    return "NOUN" in pos and not ({"VERB", "ADJ", "ADV", "AUX"} & pos)


def _content(word: str, typed: str) -> bool:
    """A word that may be picture content: a noun and nothing else, an adjective, a name or a word lemminflect
    does not know ("beach", "sunny", "Kyoto"); not "help", "rock", "saved"."""
    pos = pos_of(word)
    return not pos or "ADJ" in pos or _noun_only(word) or typed[:1].isupper()


def has_content(clause: str) -> bool:
    """Whether a clause (as typed) has a word that may be picture content (see `_content`)."""
    return any(_content(m.group(0), clause[m.start():m.end()]) for m in _WORD.finditer(clause.lower())
               if not _conversation_word(m.group(0)))


def _speaker(word: str) -> bool:
    return bool(SPEAKER.match(word))


def _conversation_word(word: str) -> bool:
    return word in STOPWORDS or word in CONVERSATION_WORDS or _speaker(word) or foreign(word)


def overlaps(span: Span, spans: list[Span]) -> bool:
    """Whether `span` shares a character with any of `spans`."""
    return any(span[0] < e and s < span[1] for s, e in spans)


# what the picture will do for the asker, closing its clause: "... would be lovely", "would make my day"
REACTION = re.compile(r"\s*(?:(?:that|this|it)\s+)?(?:would|will|['’]d|['’]ll)\s+"
                      r"(?:(?:be|look)\s+(?:so\s+|really\s+|very\s+|super\s+|just\s+)?"
                      r"(?:lovely|great|nice|amazing|awesome|brilliant|perfect|fab|fabulous|fantastic|wonderful|cool|fun|"
                      r"cute|sweet|ideal|good|grand|ace|magic|adorable|hilarious|epic|excellent|incredible|gorgeous|"
                      r"beautiful|delightful|splendid|superb|smashing|lush|class)"
                      r"|make\s+(?:my|our|his|her|their|your)\s+(?:day|week|month|year|night)|mean\s+(?:a\s+lot|so\s+much|the\s+world)"
                      r"|cheer\s+(?:me|us|him|her|them)\s+up|put\s+a\s+smile\s+on\s+\w+\s+face)\b")


# where the asker turns to the request inside a clause: "i want", "i'd like", "we need", "can you"
_ASKS = re.compile(r"\b(?:(?:i|we)\s*(?:['’]d\s+(?:like|love)|\s+would\s+(?:like|love)|\s+want|\s+need|\s+wanna)"
                   r"|(?:can|could|would|will)\s+(?:you|u)|please|pls)\b")


# a "for" phrase after these draws what it names: "use the sketch style for a wedding dress" (not "... style for my
# wallpaper"), "all set up for a hen party", "decorated for the wedding"
_DRAWN_FOR = re.compile(r"\b(?:(style|styles|look|looks)|set\s+up|ready|dressed(?:\s+up)?|decorated|decked\s+out|done\s+up|"
                        r"laid|prepared|kitted\s+out|pos(?:ing|ed|es)|waiting|queu(?:e?ing|ed)|lin(?:ing|ed)\s+up|"
                        r"practi[cs]ing|rehearsing|training|shopping|getting\s+ready)\s+$")  # "posing for a calendar"


# someone's greeting passed on: "my husband says hi!", "the kids send their love"
_GREETS = re.compile(r"\b(?:my|our|the)\s+(?:[a-z]+\s+)?[a-z]+\s+(?:says?|said|sends?|sent)\s+(?:hi|hello|hey|hiya|thanks|"
                     r"thank\s+you|(?:(?:his|her|their|its)\s+)?(?:love|regards|best))\b")


def inner_spans(text: str, known: frozenset[str] = frozenset()) -> list[Span]:
    """Conversation inside any clause: hedges, a purpose phrase that closes its clause, a clause that is only a
    purpose ("for my instagram:"), a condition or thanks tail of conversation words ("if u can", "thanks heaps")."""
    found = [m.span() for m in HEDGES.finditer(text)] + [m.span() for m in FORGOT.finditer(text)]
    found += [m.span() for m in ASIDE.finditer(text)]
    found += [m.span() for m in _GREETS.finditer(text)]
    kiss = re.search(r"\b([a-z]+)\s+x{1,4}\s*$", text)  # "... eating strawberries x": a kiss; not "crossed in an x"
    if kiss and kiss[1] not in _DETERMINERS | _PREPOSITIONS:
        found.append((kiss.end(1), kiss.end()))
    spans = clauses(text)
    if len(spans) > 1:  # a closing clause that only names what it is for: "..., new catalogue page"
        start, end = spans[-1]
        words = [w.group(0) for w in _WORD.finditer(text, start, end)]
        if 0 < len(words) <= 4 and words[-1] in PURPOSE_NOUNS and words[0] not in _DETERMINERS \
                and all(pos_of(w) & {"NOUN", "ADJ"} and not w.endswith("ing") for w in words):
            found.append((start, end))
    for n, (start, end) in enumerate(spans):
        wish = _PURPOSE_WISH.match(text, start, end)
        if wish and wish.end() == end and any(_ASKS.search(text, s, e) for s, e in spans[n + 1:]):
            found.append((start, end))  # "my son wants a poster for his room, can u do ...": what it is for
        purpose = PURPOSE.search(text, start, end)
        chain = PURPOSE_CHAIN.search(text, start, end)  # "for a flyer for my dads garage sale": from the first "for"
        m = chain if chain and chain["head"] in PURPOSE_NOUNS else purpose or PURPOSE_LONG.search(text, start, end)
        if m and any(w in PURPOSE_NOUNS for w in re.findall(r"[a-z]+", m.group(0))) \
                and not ((drawn := _DRAWN_FOR.search(text, 0, m.start()))
                         and (drawn[1] is None or re.match(r"for\s+(?:a|an|some)\s", m.group(0)))):
            found.append((m.start(), end))  # "for our instagram story", "for the invitations to his birthday"
        use = TO_USE.search(text, start, end)
        if use and use.start() > start:
            found.append((use.start(), end))
        words = [w.group(0) for w in _WORD.finditer(text, start, end)]
        lead = 0
        while lead < len(words) and words[lead] in _FILLERS:
            lead += 1  # "ok so for my mum's 70th ..."
        opens_for = lead < len(words) and words[lead] == "for"
        owned = opens_for and len(words) > lead + 1 and words[lead + 1] in _POSSESSIVE_WORDS
        asks = _ASKS.search(text, start, end) if opens_for else None
        lead_purpose = asks is not None and any(w in PURPOSE_NOUNS for w in re.findall(r"[a-z]+", text[start:asks.start()]))
        leading = n == 0 and len(spans) > 1  # "for the bake sale poster please, the chocolate cupcakes ...": a poster
        # said first frames the request; said after the picture ("..., for a circus poster") it is drawn
        if owned or lead_purpose or opens_for and purpose is not None and (
                purpose["head"] in PURPOSE_NOUNS or leading and purpose["head"] in ("poster", "posters")):
            # a clause that is only a purpose: "for my instagram:", "for the office"; or up to the request
            # that follows it: "for my mum's birthday i want ...", "for the newsletter cover i'd like ..."
            found.append((start, asks.start() if asks and asks.start() > start else end))
        trailing = _trailing_foreign(text, text, start, end, known)
        if trailing:
            found.append(trailing)
        # a clause that is only whom or what it is for: "asking for our marketing person", "to use as my
        # desktop wallpaper", "going on my instagram later", "it's for my kid's party", "this is for work"
        if any((c := pattern.match(text, start)) and c.end() <= end for pattern in (ASKING_FOR, USE_CLAUSE, PURPOSE_CLAUSE)):
            found.append((start, end))
        for m in REACTION.finditer(text, start, end):  # "oscar on a sledge would be lovely"
            tail = [w.group(0) for w in _WORD.finditer(text, m.end(), end)]
            if m.start() > start and all(_conversation_word(w) or w in ("lol", "haha", "x", "xx") for w in tail):
                found.append((m.start(), end))
                break
        for m in CONDITION.finditer(text, start, end):  # "if u can", "when you get a chance", "if possible"
            tail = [w.group(0) for w in _WORD.finditer(text, m.end(), end)]
            if tail and all(_conversation_word(w) or w in _SPARE_TIME for w in tail):
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
        if overlaps((start, end), anchors):
            continue
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
        rest = [(w, s, e) for w, s, e in words if not overlaps((s, e), known)]
        if not words:
            continue
        statement = SPEAKER_STATEMENT.match(text, start) and not WISH.search(text, start, end)
        if all(_conversation_word(w) for w, _, _ in rest) and not _borrowed_noun([w for w, _, _ in words]) \
                or statement or EFFECT.match(text, start):
            found.append((start, end))
            continue
        preamble = text[end:end + 3].lstrip().startswith(":") and n + 1 < len(spans) \
            and overlaps(spans[n + 1], anchors) and not _PLACE_START.match(text, start) and not _placed(text, (start, end, ":"))
        if preamble:  # "this is my first request: Rex on a surfboard"
            found.append((start, end))
            continue
        if any(_speaker(w) for w, _, _ in rest) and not any(
                _content(w, original[s:e]) for w, s, e in rest if not _conversation_word(w)):
            found.append((start, end))
    return found


# ---------------------------------------------------------------------------------------------------------
# Sentences around the picture: a pre-pass that labels each clause of a request PICTURE or CONTEXT.
#
#     "the hose burst this morning :( could you show Shadow splashing in a puddle, my nephew will be thrilled"
#        CONTEXT "the hose burst this morning"            a noun subject and a finite verb: a sentence of its own
#        PICTURE "could you show Shadow splashing ..."    the request frame opens the picture
#        CONTEXT "my nephew will be thrilled"             a noun subject and an auxiliary
#
# Structure decides, not word lists: the request frame ("can you show", "I'd like", "now:") marks where the
# picture begins; a clause with its own subject and finite verb (a personal pronoun, or a noun phrase
# followed by an auxiliary or a finite verb, by lemminflect's parts of speech) is context; a lead-in ending
# in a colon is context; a clause that starts with a preposition, a participle, an adjective or a bare noun
# phrase continues the scene and stays. A clause that names the subject the picture lacks is never lost.
# ---------------------------------------------------------------------------------------------------------

# clause breaks of the pre-pass: punctuation before a space or the end, "...", spaced dashes, emoticons
SEGMENT_BREAK = re.compile(
    r"\s*(?:(?:[:;=]['-]?[()\[\]dp/\\|]+|<3+|</3)(?=[\s,.!?]|$)"
    r"|(?!(?<=(?<![\w'’])[a-z])\.\s+[a-z]+\s*$)"  # not the initial of a name signed at the end: "Regards, D. Hartley"
    r"(?:\.{2,}|…|[,;:!?." + EMOJI + r"])+(?=\s|$)|\s[-–—]+(?=\s)|\s+[()](?=\s)|(?<=\s)[()]|[()](?=\s|$)"
    r"|\s+(?=(?:just\s+|only\s+)?(?:because|cuz|coz)\s|(?:lol|lmao|haha+|hehe+)\b)"
    r"|\s+(?=(?:and|but|so)\s+(?:he|she|they)\s+(?:really\s+)?(?:wants|needs|would\s+(?:like|love)|asked\s+(?:me\s+)?for)\s)"
    r"|\s+(?=(?:and|but)\s+(?:i['’]d|id|i\s+would|i\s+want|i\s+need|we\s+want|we\s+need|we['’]d|we\s+would|could\s+you|"
    r"can\s+you|would\s+you|please|(?:just\s+)?(?:do|make|draw|paint|generate|create)\s+(?:me\s+)?(?:(?:a|an|the|my|our)\b|<|[a-z]+-v\d)))"
    r"|(?<=[a-z])\s+(?=(?:i|we)\s+(?:need|want|['’]d\s+(?:like|love)|would\s+(?:like|love))\s+(?:a|an|some)\s)"
    r"|(?<!\bbe)(?<!\bis)(?<!\bam)(?<!\bare)(?<!\bwas)(?<!\bwere)\s+(?=so\s+(?!(?:kind|much|many|very|far|long|that|"
    r"glad|happy|excited|grateful|thankful|cute|sweet|good|nice|lovely|pretty|really)\b)[a-z]))[\s,.!?]*")
# openers that only carry the conversation and let a clause's own structure start after them
_FILLERS = INTERJECTIONS | frozenset("ok okay so and but also plus then well lmao btw anyway anyways "
                     "just alright right yeah yes sure hey hi hello please pls plz honestly basically tbh".split())
_SUBJECTS = re.compile(r"^(?:i|i['’](?:m|d|ve|ll)|im|ive|you|you['’](?:re|ll|ve|d)|u|we|we['’](?:re|d|ll|ve)|he|"
                       r"he['’](?:s|d|ll)|she|she['’](?:s|d|ll)|they|they['’](?:re|d|ll|ve)|it|it['’](?:s|d|ll)|"
                       r"that['’](?:s|d|ll)|thats|there['’]s|theres|here['’]s)$")
_DEMONSTRATIVES = frozenset("that this which it".split())
# phrases that only lead into what the asker says next
_LEAD_PHRASE = re.compile(r"(?:as\s+(?:you|u)\s+(?:know|can\s+see|may\s+know|might\s+know|might\s+remember)|as\s+i\s+said|"
                          r"like\s+i\s+said|as\s+always|as\s+usual|you\s+know\s+what|guess\s+what|fun\s+fact|"
                          r"by\s+the\s+way)\b[\s,]*")
_SUBORDINATORS = frozenset("because cause cuz coz bc since".split())
_THANKS_OPENERS = frozenset("thanks thank thx ty tysm cheers".split())
_OBJECT_PRONOUNS = frozenset("him her it them 'em em".split())
_DETERMINERS = frozenset("the a an this that these those my our his her their your some".split())
_POSSESSIVE_WORDS = frozenset("my our his her their your".split())
# what a request is called: "my kid's idea", "her request"
_REQUEST_NOUNS = frozenset("idea request suggestion wish".split())
_PREPOSITIONS = PLACE_WORDS | frozenset("with without for from of to like as about during after before above "
                                        "below round".split())  # "roses round the door"
# "I was wondering if you could": a request frame here and in `constraints.CHATTER`
WONDERING = r"(?:(?:i\s+was|i['’]?m|im|we\s+were|just)\s+)?wondering\s+if(?:\s+(?:you|u)\s+(?:could|can|would))?"
# the request frame at a clause's start (after fillers); a verb that shows what follows may take a pronoun object
# "I'd be grateful if you could": a request frame here and in `constraints.CHATTER`
GRATEFUL = r"(?:i|we)(?:['’]?d|\s+would|\s+should)\s+be\s+(?:so\s+|very\s+|really\s+|most\s+)?(?:grateful|thankful|glad|happy|delighted)"
# someone else's wish passed on: "my son asked for", "our daughter wants" (a picture of ..., or the subject)
RELAYED_VERB = (r"(?:really\s+)?(?:wants?|needs?|would\s+(?:like|love)|asked\s+(?:me\s+)?for|"
                r"asked\s+(?:me|us)\s+to\s+(?:get|make|do|order|request|ask\s+(?:you\s+|u\s+)?for)|"
                r"(?:is|are|has|have|was|were|keeps?|kept)\s+(?:been\s+)?(?:asking|asked|begging|begged)\s+(?:me\s+)?"
                r"(?:all\s+(?:day|week|month|year|summer)\s+)?for|"  # "has been begging me all week for"
                r"begged\s+(?:me\s+)?for|(?:is|are|was|were|keeps?)\s+insisting\s+on|insists?\s+on|(?:is|are)\s+set\s+on)")
# what the one who wishes is doing, before the wish: "my sister is visiting next week and would love"
RELAYED_STORY = r"(?:(?:is|was|are|were|['’]s)\s+(?:(?!(?:with|about|of|for|by|into|on)\b)[a-z]+\s+){1,5}and\s+)?"  # not
# "is obsessed with thunder and wants": what they love is the subject
# "mum wants a picture of": a parent or grandparent said as a name, without "my"
_KIN_NAMES = r"(?:mum|mom|mam|mummy|mommy|dad|daddy|nan|nana|nanna|gran|granny|grandma|grandpa|grandad|granddad|gramps)"
# what may stand before a word for a child: "my little one", "our youngest"
LITTLE = r"(?:little|wee|youngest|eldest|baby)"
RELAYED = r"(?:(?:my|our|his|her|their|the)\s+(?:" + LITTLE + r"\s+)?[a-z]+|" \
    + _KIN_NAMES + r"|she|he|they)(?:\s*\([^()]{0,40}\))?\s+" + RELAYED_STORY + RELAYED_VERB  # "my daughter (she's 7)
# wants"
# a clause that wishes only for a thing the picture is for, before the request itself: "my son wants a poster for his
# room", "we need a banner"
_PURPOSE_WISH = re.compile(r"\s*(?:(?:ok|okay|so|right|well|hi|hey|hello)\s+)*(?:" + RELAYED + r"|(?:i|we)\s+(?:want|need))"
                           r"\s+(?:a|an|some)\s+(?:new\s+|big\s+)?(?:" + "|".join(sorted(PURPOSE_NOUNS | {"poster"})) + r")\b"
                           r"(?:\s+for\s+(?:[a-z]+['’]?s?\s+){0,3}[a-z]+)?\s*")
# asking as a kindness before the verb: "be so kind as to", "be a dear and", "do me a favour and"
OBLIGING = (r"be\s+(?:so\s+)?kind\s+(?:as\s+)?(?:to|and)|be\s+so\s+good\s+as\s+to|be\s+a\s+dear\s+and"
            r"|do\s+(?:me|us)\s+a\s+(?:big\s+|huge\s+|quick\s+)?fav(?:ou?)?r\s+and")
PICTURE_OF = r"\s+(?:a\s+)?(?:new\s+)?(?:picture|pic|image|photo|print|drawing|painting|poster)\s+of\b"
PICTURE_OF_ANY = PICTURE_OF.replace(r"\s+(?:a\s+)", r"\s+(?:an?\s+)", 1)  # "grateful for an image of"
# "I want to cheer him up", "we'd love to surprise her": the asker's own plan, not a request for a picture
_NOT_PLAN = r"(?!\s+to\s+(?!(?:see|get|have|make|show|request|order|commission|create|generate|draw|paint|render)\b))"
_NOT_ONE = r"(?!\s+(?:a\s+)?(?:new\s+|another\s+|fresh\s+)?one\b)"  # "my mum keeps asking for a new one": backstory
FRAME = re.compile(
    r"(?:(?:can|could|would|will|may)\s+(?:you|u|i|we)(?:\s+(?:please|pls|maybe|possibly|just|kindly|also|now))*"
    r"(?:\s+be\s+able\s+to|\s+(?:" + OBLIGING + r"))?"
    r"\s+(?:(?P<see>show|see|draw|paint|render|picture|get|have|put|make|do|generate|create)|give|whip\s+up)"
    r"|" + GRATEFUL + r"\s+for(?=" + PICTURE_OF_ANY + r")"
    r"|" + GRATEFUL + r"\s+if\s+(?:you|u)\s+(?:could|would|can)(?:\s+(?:please|kindly|just))*"
    r"\s+(?:show|draw|paint|render|picture|get|make|do|generate|create|give|produce)"
    r"|(?:i['’]?d|id|i\s+(?:would|should)|we['’]?d|we\s+(?:would|should)|would)\s+(?:really\s+|so\s+|just\s+)?"
    r"(?P<wish>like|love)" + _NOT_PLAN +
    r"(?:\s+to\s+(?:(?P<see2>see|get|have)|make|request|order|commission))?"
    r"|(?:would|will|is)\s+it\s+(?:be\s+)?(?:possible|ok|okay|alright)\s+(?:for\s+(?:you|u)\s+)?to"
    r"\s+(?:see|get|have|make|do|draw|paint|show|create|generate|render)"
    r"|" + WONDERING + r"(?:\s+(?:show|see|draw|paint|render|get|make|do|generate|create))?"
    r"|(?:(?:i['’]?m|im|i\s+am|we['’]re|we\s+are)\s+)?hoping\s+(?:to\s+(?P<see6>see|get|have)|(?:you|u)\s+(?:can|could)"
    r"(?:\s+(?:make|do|draw|paint|show|create|generate))?)"
    r"|any\s+chance\s+(?:of|(?:you|u)\s+could)(?:\s+(?:see|get|have|make|do|draw|paint|show|create|generate))?"
    r"|(?:i|we)\s+(?:would\s+)?(?P<wish2>want|need|wanna)" + _NOT_PLAN + r"(?:\s+to\s+(?:(?P<see3>see|get|have)|make))?"
    r"|(?:i|we)\s+(?:wish|hope)\s+to\s+(?P<see7>see|get|have)"
    r"|(?:(?:do|would)\s+(?:you|u|ya)\s+|d['’]?\s*(?:you|ya)\s+)?fancy\s+(?:doing|making|drawing|painting|whipping\s+up)"
    r"|(?:to\s+)?(?:(?P<see4>show|draw|paint|render|picture|put|make|do|generate|create)|give|imagine)"
    r"|(?P<relayed>" + RELAYED + r")" + _NOT_ONE + r"(?=" + PICTURE_OF + r"|\s*$|\s+(?:the|a|an|my|our|his|her|their|some)\b"
    r"|\s+(?P<named>(?!(?:to|you|u|me|us|it|him|her|them|that|this|what|how)\b)[a-z])"  # "wants Growler": named below
    r"|\s+(?:him|her|it|them)\s+[a-z]+ing\b)"  # "my grandchild wants him sitting in a toy shop window"
    r"|(?:an?\s+)?(?:new\s+)?(?P<see9>picture|pic|photo|image|drawing|painting|portrait)\s+of(?=\s+(?:him|her|it|them)\b)"
    r"|let\s+me\s+(?P<see5>see|get|have)|let['’]?s\s+(?:try|do|make|see)(?:\s+again)?|how\s+about|what\s+about|(?:now|next)(?=\s*[:,])|now(?!\s+(?:that|to)\b)"
    r"|here\s+goes|here['’]s)\b"
    r"(?:\s+(?:for\s+)?(?:me|us)\b)?(?:\s+(?:an?\s+)?(?P<see8>picture|pic|image|photo|drawing|painting)\s+of\b)?")
EXCEPT = r"(?:exc?ept|excpet)"  # common slips too: "any dog exept Biscuit"
# a clause about the checkpoint itself ("I trained him in March", "the build I used"): selection, never context
_SELECTION = re.compile(r"\b(?:model|models|checkpoint|checkpoints|ckpt|build|builds|lora|loras|version|versions|"
                        r"v\d+|trained|retrained|fine-?tuned|tuned|uploaded|used(?!\s+to\b)|using(?!\s+(?:this|it|you|u|the\s+(?:app|site|tool|bot))\b))\b"
                        r"|\b(?:the|that|these|those)\s+(?:[a-z-]+\s+)?ones?\b"  # not "do this one for me"
                        r"|\b(?:anything|something|whatever|whichever)\s+(?:(?:i|we)\s+\w+\s+)?(?:from|since|before|after)\b"
                        r"|\b(?:i|we)\s+(?:\w+\s+)?(?:made|created|built|generated|did)\b"
                        r"|\b(?:one|ones|thing|things|which|that)\s+(?:that\s+)?(?:was|were|got)\s+(?:\w+\s+)?(?:made|created|trained|"
                        r"built|uploaded|generated)\b"  # "whichever one was made back in march"
                        # "i had something open", "what did i have open"
                        r"|\b(?:i|we)\s+(?:had|have|['’]d\s+had|have\s+had)\s+(?:\w+\s+){0,2}(?:open|loaded|running)\b"
                        r"|\b(?:any|anyone|anybody|anything|all|every)\b.*\b(?:" + EXCEPT + r"|excluding|other\s+than|apart\s+from)\b"
                        r"|\b(?:did|have|had)\s+(?:i|we)\s+(?:\w+\s+)?(?:train|make|create|build|use|upload)\b"
                        r"|^\W*(?:(?:but|just|only|and|so)\s+)*(?:not(?!\s+(?:great|good|very|too|so|sure|really|much|bad|that\s+good)\b)|"
                        r"no(?!\s+(?:need|rush|hurry|pressure|worries|problem|stress)\b)|" + EXCEPT + r"|"
                        r"without|never|none|neither|anything\s+but|any\s+but)\b"
                        r"|\b(?:i|we)\s+(?:don['’]?t|do\s+not|didn['’]?t)\s+(?:want|need|like|mean)\b")  # "i don't want the X"


def segments(text: str) -> list[tuple[int, int, str]]:
    """(start, end, break after it) of each clause of the pre-pass."""
    found, start = [], 0
    for m in SEGMENT_BREAK.finditer(text):
        if m.start() > start and text[start:m.start()].strip():
            found.append((start, m.start(), m.group(0)))
        elif found and m.start() >= start:
            s, e, b = found[-1]
            found[-1] = (s, e, b + m.group(0))
        start = max(start, m.end())
    if text[start:].strip():
        found.append((start, len(text), ""))
    return found


def _words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


@lru_cache(maxsize=4096)
def pos_of(word: str) -> frozenset[str]:
    """lemminflect's parts of speech of `word` ("NOUN", "VERB", ...), cached."""
    from lemminflect import getAllLemmas

    return frozenset(getAllLemmas(word))


# past tenses of asking and choosing: never a participle that shows the picture ("covered in ivy")
_ASKED = frozenset("asked voted requested suggested begged insisted chose picked wanted loved liked said told "
                   "mentioned demanded".split())


_JOINERS = frozenset("but and or nor so yet than then because if though although while as".split())


# participles that end in neither -ed nor -en: "a house made of cheese", "a cake built like a castle"
_PARTICIPLES = frozenset("made built bought sold held kept left cut put set shot stuck spun hung laid lit wound caught "
                         "brought taught sat stood found dressed".split())


def _finite_verb(word: str, after: str | None, plural: bool, owned: bool) -> bool:
    """Whether `word`, right after a noun phrase, is its finite verb: an auxiliary ("will", "is"), a verb that is
    no noun nor adjective and no participle before a place ("asked me"; not "covered in ivy"), or a verb that
    can be a noun when the words around leave it no noun's place ("my nephew adores", "customers keep asking")."""
    pos = pos_of(word)
    if word.endswith("ing") or word in _PREPOSITIONS or THANKS.fullmatch(word):
        return False  # "the vintage menu style please": politeness, not the noun phrase's verb
    if "AUX" in pos or word in _ASKED:
        return True  # "my boss asked for it", "the kids voted for glitter": what someone said they want
    if "VERB" not in pos:
        return False
    participle_place = after is None or after in _PREPOSITIONS
    if not plural and participle_place and not word.endswith("s") and not past_form(word):
        return False  # "a menu with a coffee cup doodle": a verb's bare form ending it does not follow one thing
    if not pos & {"NOUN", "ADJ", "ADV"}:
        return not ((word.endswith(("ed", "en", "wn")) or word in _PARTICIPLES) and participle_place)
    objecty = after is not None and (after in _OBJECT_PRONOUNS or after in _DETERMINERS or after == "me" or after.isdigit()
                                     or after == "to" or after.endswith("ing") or "NOUN" in pos_of(after)
                                     or not pos_of(after) and after not in STOPWORDS | _JOINERS)  # "misses Barnaby"
    objecty = objecty or after == "all"  # "my granddaughter set all this up for us"
    if word.endswith("s") and not plural:
        return owned and objecty
    if owned and objecty and not plural and past_form(word):
        return True  # "my granddaughter set all this up": its past tense
    return plural and objecty and not word.endswith("s")


def _plural(noun: str) -> bool:
    """A plural noun: lemminflect's noun lemma differs from the word ("customers", "children"), or "people"."""
    from lemminflect import getAllLemmas

    known = getAllLemmas(noun)
    if not known:  # a word lemminflect lacks ("grandkids"): by its ending
        return noun.endswith("s") and not noun.endswith(("ss", "us", "is", "'s", "’s")) and len(noun) > 3
    lemmas = known.get("NOUN", ())
    return noun == "people" or bool(lemmas) and noun not in lemmas


_TIME_ADVERBS = frozenset("earlier yesterday today tonight lately recently".split())


def _independent(words: list[str], named: bool = False) -> bool:
    """A clause with its own subject and finite verb that is not the picture (after its fillers); `named`: it opens
    with a name of the repository, which takes a verb in -s like "my nephew" does ("Rex turns 60 tomorrow")."""
    if not words:
        return False
    first = words[0]
    if first in _TIME_ADVERBS and len(words) > 1 and _SUBJECTS.match(words[1]):
        return True  # "earlier it gave me the wrong animal", "yesterday we went to the beach"
    if _SUBJECTS.match(first) or first in _SUBORDINATORS:
        return True
    if first == "its" and len(words) > 1 and words[1] in _DETERMINERS:
        return True  # "its his birthday tomorrow": "it's" typed without its apostrophe, not "its collar"
    if first in _PREPOSITIONS or first.endswith("ing") or pos_of(first) == {"ADJ"} and not named:
        return False  # "at the vet", "having a tea party", "asleep on the seat": a place, a participle or a
        # predicate continues the scene
    if first in _DEMONSTRATIVES and len(words) > 1 and "AUX" in pos_of(words[1]):
        return True  # "that would be amazing", "this is for a card"
    if "AUX" in pos_of(first) and first not in ("can", "could", "will", "would", "may") or \
            first in ("would", "will", "could", "can", "might", "should") and len(words) > 1 \
            and not _SUBJECTS.match(words[1]):
        return True  # "is for her birthday", "would make my day"
    i = 1 if first in _DETERMINERS else 0
    owned = first in _POSSESSIVE_WORDS or named
    head, attached = None, False
    while i < len(words) and i < 8:
        word = words[i]
        pos = pos_of(word)
        if head is not None and _finite_verb(word, words[i + 1] if i + 1 < len(words) else None, _plural(head),
                                             owned):
            return True
        if head is not None and word in _PREPOSITIONS:
            attached = True  # "people at the bakery keep asking": a place inside the subject's noun phrase; "a cover
            # for a novel about a haunted lighthouse": one phrase inside another
            i += 1
            while i < len(words) and (words[i] in _DETERMINERS or i + 1 < len(words) and (
                    pos_of(words[i]) & {"ADJ"} or words[i].endswith("ing")) and "NOUN" in pos_of(words[i + 1])):
                i += 1  # "Pat from the next plot gave us eggs", "the girls at the riding school asked": determiners
                # and modifiers of the place's noun
            if i < len(words) and _SUBJECTS.match(words[i]):
                return False  # "our sofa after we reupholstered it": a clause under the noun phrase, not its verb
            if i < len(words) and (not pos_of(words[i]) or "NOUN" in pos_of(words[i])):
                i += 1
                continue
            return False
        after_determiner = i > 0 and words[i - 1] in _DETERMINERS  # "my vet": a noun whatever else it can be
        if _SUBJECTS.match(word) or word in _DEMONSTRATIVES or word in _SUBORDINATORS:
            return False
        if not pos or pos & {"NOUN", "ADJ", "PROPN"} or word.endswith(("'s", "’s")) or after_determiner:
            if not attached:
                head = word
            i += 1
            continue
        return False
    return owned and words[-1] in _REQUEST_NOUNS and any(w.endswith(("'s", "’s")) for w in words)


_IS = r"(?:\s+(?:is|are)|['’](?:s|re))\s+"  # "he is", "she's", "they're"
_PROGRESSIVE = re.compile(r"^(?:he|she|it|they|who|which)" + _IS + r"(?:still\s+|all\s+)?"
                          r"(?P<verb>[a-z]+ing)\b")  # "..., who is holding a teddy bear": still the picture


_LIFE_EVENT = re.compile(r"(?:retiring|graduating|turning\s+(?:\d+|a\s+year|[a-z]*(?:teen|ty|one|two|three|four|five|six|"
                         r"seven|eight|nine|ten|eleven|twelve)\b))")
# a thing of the scene and its state now: "the water is crystal clear", "the lanterns are glowing"
# (not the asker's own life: "my son is sick", nor what will be: "the kids will love it")
# what someone feels or is taken with, not how the scene looks: "Sam is obsessed with dinosaurs", "she's mad about
# horses", "he is into trains", "they are so excited"
FEELINGS = (r"(?:obsessed|crazy|mad|nuts|wild|excited|thrilled|scared|afraid|terrified|frightened|fond|proud|sick|ill|"
            r"tired|bored|jealous|worried|nervous|upset|sad|keen|desperate|dying|into|in\s+love|hooked|fascinated|"
            r"turning|retiring|leaving|moving|starting|graduating)\b")
# a clause that opens with a thing of the scene, not the asker nor a pronoun ("the water", "lanterns")
_SCENE_THING = (r"^(?!(?:my|our|your|i|we|you|he|she|it|they|that|this|there|which|what|who)\b)"
                r"(?:(?:the|a|an|some|his|her|its|their)\s+)?(?:[a-z-]+\s+){0,2}?[a-z-]+\s+")
_SCENE_STATE = re.compile(_SCENE_THING + r"(?:is|are)\s+(?:(?:so|really|totally|very|still|just)\s+)?"
                          r"(?!going\b|being\b|getting\b|for\b|so\b|too\b|my\b|our\b|a\b|an\b|" + FEELINGS + r")")


# what the subject should do in the picture: "he must stand before the shop", "she should be holding a trophy"
# (not what someone will feel: "she must love it", "he should know")
_DIRECTIVE = re.compile(r"^(?:he|she|it|they)\s+(?:must|should|has\s+to|have\s+to|needs?\s+to|ought\s+to)\s+(?:be\s+)?"
                        r"(?!love|like|enjoy|feel|know|think|get|see|want|remember|hear|be\b)[a-z]+")


# a thing of the scene placed by a participle, with no verb of its own: "door rolled open", "wine glasses lined up
# on the counter", "snow falling on the roof", "a tractor parked outside" (not "grandpa passed away", nor the asker's
# own: "my son turned 5")
_PLACED_PARTICIPLE = re.compile(_SCENE_THING + r"(?:[a-z]+(?:ed|ing)|strung|hung|spread|laid|lit|set|tied|stuck|hidden|"
                                r"sewn|woven|wound|spun|piled|draped|tucked|thrown)\s+(?:open|shut|up|down|out|on|off|over|behind|"
                                r"across|along|around|against|into|onto|under|beside|above|below|outside|inside|nearby|"
                                r"next|near|in|at|by|everywhere|throughout|overhead|all\s+over|all\s+around)\b")


# where the subject is and how, as a state: "it is parked under a cherry tree", "she's sat by the window",
# "..., who is dead asleep on the porch swing"
_PLACED_STATE = re.compile(r"^(?:he|she|it|they|who|which)" + _IS + r"(?:still\s+|just\s+|dead\s+|fast\s+|sound\s+)?"
                           r"(?:[a-z]+ed|sat|stood|hung|laid|lain|dressed|asleep|awake)\s+(?:in|on|under|at|by|beside|next|near|"
                           r"against|inside|outside|behind|among|amongst|between)\b")


def _depicts(text: str, start: int, end: int, words: list[str]) -> bool:
    """A sentence that describes what is in the picture: the subject doing something now, no time around it
    ("he is wearing sunglasses", "it's snowing"; not "she's visiting next week", "he's being cute today")."""
    from agent.timeexpr import find_time

    joined = " ".join(words)
    m = _PROGRESSIVE.match(joined)
    if m and m["verb"] in ("being", "going", "getting"):  # an auxiliary's -ing: "going to", "getting old"
        return False
    if m and _LIFE_EVENT.match(joined, m.start("verb")):  # "she's turning seven", "he's retiring": news, no picture
        return False
    if not m and not _SCENE_STATE.match(joined) and not _DIRECTIVE.match(joined) \
            and not _PLACED_PARTICIPLE.match(joined) and not _PLACED_STATE.match(joined):
        return False
    clause = text[start:end]
    return find_time(clause, clause, date.today()) is None and not re.search(
        r"\b(?:today|tonight|tomorrow|yesterday|now|soon|later|again|anymore|lately|next|weekend|moment|"
        r"currently|these\s+days)\b", clause)


def _borrowed_noun(words: list[str]) -> bool:
    """A word of another language after an English determiner: "at the barre", "a croissant" name a thing."""
    return any(foreign(w) and n and words[n - 1] in _DETERMINERS for n, w in enumerate(words))


def _short_foreign(text: str, original: str, start: int, end: int) -> bool:
    """A short clause of another language's greeting or thanks ("Servus!", "Hola amigo", "grazie mille"):
    at most three words, one of them foreign by wordfreq, none capitalised past the first (no "Rue de Rivoli")."""
    words = _words(text, start, end)
    return 0 < len(words) <= 3 and any(_elsewhere(w) for w, _, _ in words) \
        and not any(original[s:s + 1].isupper() for _, s, _ in words[1:])


def _trailing_foreign(text: str, original: str, start: int, end: int, known: frozenset[str] = frozenset()) -> Span | None:
    """Two or more lowercase words closing a clause, each common in a language people greet and thank in,
    one of them rare in English: "per favore", "merci beaucoup"; a word of the repository (`known`: "riso" of
    the Riso print style) ends the run."""
    from wordfreq import zipf_frequency

    words = _words(text, start, end)
    run = []
    for w, s, e in reversed(words):
        if original[s:s + 1].isupper() or w in known or "-" in (original[s - 1:s], original[e:e + 1]) \
                or not any(zipf_frequency(w, lang) >= 4.5 for lang in _OTHER_LANGUAGES):
            break  # "in his hi-vis": one English word
        run.append((w, s, e))
    if len(run) >= 2 and len(run) < len(words) and any(_elsewhere(w) for w, _, _ in run):
        return run[-1][1], end
    return None


@lru_cache(maxsize=4096)
def _elsewhere(word: str) -> bool:
    """Foreign, or far more common in another language than in English ("por": 7.0 in Spanish, 3.5 in English)."""
    from wordfreq import zipf_frequency

    return foreign(word) or len(word) >= 3 and word.isalpha() and \
        max(zipf_frequency(word, lang) for lang in _OTHER_LANGUAGES) - zipf_frequency(word, "en") >= 3.0


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    label: str  # picture | context | read (a cue the prompt drops)
    why: str  # chat | frame | sentence | lead-in | before-frame | scene


@dataclass
class Context:
    """The pre-pass's result: context spans (with their breaks), and a pronoun that stands for the subject."""

    clauses: list[Clause]
    spans: list[Span]  # what selection ignores and the prompt drops
    pronoun: Span | None = None  # "show him jogging": the subject, named in `antecedent`
    antecedent: Span | None = None
    frames: list[Span] = dc_field(default_factory=list)  # "now", "next", "here goes": frame words to drop
    selects: bool = False  # the antecedent is about the checkpoint ("I trained Shadow in March"): read it whole
    read: list[Span] = dc_field(default_factory=list)  # cues before a pronoun's request: selection reads, the prompt drops


# the speaker wishing for something after the subject is named: picture content ("we want a cozy feel")
_WISH_AFTER = re.compile(r"(?:i|we)(?:['’]d|\s+would|\s+really|\s+also|\s+just)*\s+"
                         r"(?:want|wanna|need|like|love|prefer|wish|hope)\b(?!\s+(?:it|that|this|them)\s*$)"
                         r"(?!\s+to\s+(?!(?:see|get|have|make|show)\b))")  # "I want to surprise her": the asker's plan
_PLACES = PLACE_WORDS | frozenset("with without among amid underneath beneath".split())  # place or company
# a place or company word a few words before: "... riding a T-rex through the allotment"
_PLACED_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_PLACES)) + r")\s+(?:[a-z'’-]+\s+){0,3}$")


def _placed(text: str, seg: tuple[int, int, str]) -> bool:
    """A clause that opens with a place or company ("at sunset, paint my owl", "out on the fire escape:") or names a
    scene ("winter scene:"): the scene, wherever it stands."""
    words = [w for w, _, _ in _words(text, seg[0], seg[1]) if w not in _FILLERS]
    if len(words) > 1 and words[0] in _PLACE_PARTICLES:
        words = words[1:]  # "out on the fire escape: nico", "up in the hayloft", "somewhere on a beach"
    if len(words) > 2 and words[0].endswith(("ed", "ing")) and "VERB" in pos_of(words[0]) and words[1] in PLACE_WORDS:
        words = words[1:]  # "parked on a steep hill: the truck", "sitting by the fire:"
    if 1 < len(words) <= 4 and words[-1] in _SCENE_NOUNS and words[0] not in _PLACES:
        return True  # "winter scene: dad's watch half buried in snow", "a cosy autumn setting:"
    return bool(words) and words[0] in _PLACES


_SCENE_NOUNS = frozenset("scene setting backdrop landscape scenery".split())


# the speaker leaving the rest to the assistant: "no need to ask me anything", "just go", "whatever you think"
LEAVE_IT = re.compile(r"(?:no\s+(?:need|rush|hurry|pressure|worries|stress)|go(?:\s+ahead|\s+for\s+it)?|surprise\s+(?:me|us)|"
                      r"(?:it['’]?s\s+)?up\s+to\s+(?:you|u)|your\s+call|whatever\s+(?:you|u)\s+think|take\s+your\s+time|"
                      r"dealer['’]?s\s+choice|(?:be\s+)?creative|have\s+fun(?:\s+with\s+it)?)\b")
# the asker new to the tool: "first time using this", "new here", "my first go at this"
NEWCOMER = re.compile(r"(?:(?:it['’]?s|its)\s+)?(?:my|our|the)?\s*first\s+(?:time|go|try)\s+(?:using|trying|on|here|with|at|doing)\b"
                      r"|(?:i['’]?m|im|i\s+am|we['’]re)?\s*new\s+(?:here|to\s+(?:this|the\s+app|the\s+site))\b")
# a loving close: "love you x", "luv ya lots", "hugs", "xoxo"
AFFECTION = re.compile(r"(?:(?:all\s+(?:my|our)\s+)?(?:love|luv|lots\s+of\s+love|much\s+love)(?:\s+(?:you|ya|u))?"
                       r"(?:\s+(?:lots|loads|always|so\s+much|to\s+bits))?|(?:big\s+)?hugs|x+o*x*|(?:xo)+)(?:\s+x+)*\W*$")
# words about the message itself, not the picture: "ignore the rest of this msg", "just testing", "this is a test"
ABOUT_MESSAGE = re.compile(r"(?:ignore|disregard|never\s+mind|nvm)\s+(?:the\s+rest|this|that|everything|all\s+(?:this|that)|"
                           r"the\s+above|the\s+below|what\s+(?:i|we)\s+(?:said|wrote)|me|my\s+[a-z]+)\b"
                           r"|(?:(?:i['’]?m|im|i\s+am|we['’]re|just)\s+)?(?:just\s+|only\s+)?testing(?:\s+(?:this|it|things|"
                           r"stuff|the\s+app|you|something))?\s*$|(?:this\s+is|it['’]?s|its)\s+(?:just\s+|only\s+)?a\s+test\b")
# what the last picture came out like: "the last one came out weird", "that image was too dark" (not a selection)
PREVIOUS_RESULT = re.compile(r"(?:the|that|this|your)\s+(?:last|previous|first|other)?\s*(?:one|picture|pic|image|photo|"
                             r"attempt|try|result|render|go)\s+(?:came\s+out|turned\s+out|was|looked|looks|is|got)\b")
_CONFIRMING = frozenset("that this one exactly please pls thanks".split())  # after the fillers: "yes that one"
_SIGN_OFFS = frozenset("regards thanks thank cheers best love xx sincerely warmly ta thx ty wishes faithfully truly "
                       "respectfully".split())
# the words of a request frame that only points back at what came before ("can you do that for me?")
_BACK_REFERENCE = frozenset("that this it so one for me us happen please pls plz thanks thx possible real".split())


_THIS_TIME = re.compile(r"(?:for\s+)?this\s+(?:one|time|picture|pic|image)\s*,?\s*(?=i\b|we\b|can\b|could\b|would\b)")
# a frame's object that points back at a version named before: "that old white version", "the first one of him"
_POINTED = re.compile(r"\s+(?P<np>(?:that|this|the)\s+(?:[a-z-]+\s+){0,3}?(?:one|version|model|checkpoint|build)"
                      r"(?:\s+of\s+(?:him|her|it|them))?)\b")


def _signature(words: list[str]) -> bool:
    """Who signs after the thanks: a name, "the committee", "Max's mum", "team blue" (a few words, no verb)."""
    return 0 < len(words) <= 3 and not any(w.endswith("ing") or "VERB" in pos_of(w) and "NOUN" not in pos_of(w)
                                           or w in _PREPOSITIONS for w in words)


def label_clauses(text: str, original: str, mentions: list[Span], subject: Span | None = None,
                  styles: list[Span] = ()) -> Context:
    """Label each clause of `text` (lowercase) PICTURE or CONTEXT; `mentions` are the spans of phrases that
    name the repository (found on the whole request), `subject` the one the request is about, `styles` the
    styles it names (a clause naming one chooses: "the most recent woodcut: a thistle")."""
    segs = segments(text)
    kinds, frames, pronouns = [], [], []
    for n, (start, end, brk) in enumerate(segs):
        words = _words(text, start, end)
        lead = 0
        while lead < len(words) and words[lead][0] in _FILLERS:
            lead += 1
        opener = _LEAD_PHRASE.match(text, words[lead][1]) if lead < len(words) else None
        while opener and lead < len(words) and words[lead][2] <= opener.end():
            lead += 1  # "as you know I'm redoing the website": the sentence after it is the asker's own
        rest = [w for w, _, _ in words[lead:]]
        at = words[lead][1] if lead < len(words) else end
        this_time = _THIS_TIME.match(text, at, end)  # "but for this one I want her ...": the frame follows
        frame = FRAME.match(text, this_time.end() if this_time else at, end)
        if frame and frame.group("relayed") and any(frame.start() < e <= frame.end() for _, e in mentions):
            frame = None  # "my dog wants a bone": the repository's dog does it, in the picture
        if frame and frame.group("named") and not any(s <= frame.start("named") < e for s, e in mentions):
            frame = None  # "my husband wants Growler, the diesel one": a relayed wish for a checkpoint by its name
        pronoun = None
        if frame:
            after = _words(text, frame.end(), end)
            owner = after and after[0][0] == "her" and len(after) > 1 and (
                after[1][0] in _DETERMINERS or "NOUN" in pos_of(after[1][0]) and not after[1][0].endswith("ing")
                and after[1][0] not in _PREPOSITIONS)  # "show her cat": a possessive, not the pronoun
            shows = any(frame.group(g) for g in ("see", "see2", "see3", "see4", "see5", "see6", "see7", "see8", "see9"))
            wish = next((g for g in ("wish", "wish2") if frame.group(g)), None)  # "I'd like" with nothing after
            wished = wish is not None and frame.end() == frame.end(wish) and len(after) > 1 \
                and (after[1][0] in _PREPOSITIONS or after[1][0].endswith("ing"))
            wished = wished or frame.group("relayed") is not None and len(after) > 1 \
                and after[1][0].endswith("ing") and "VERB" in pos_of(after[1][0])  # "my grandchild wants him sitting"
            if after and after[0][0] in _OBJECT_PRONOUNS and not owner and (shows or wished):
                pronoun = (after[0][1], after[0][2])  # "show him jogging", "I'd like it with a rack of croissants"
            pointed = _POINTED.match(text, frame.end(), end)
            if pointed:  # "I would like that old white version", "could you make that one of her eating corn"
                pronoun = pointed.span("np")
        after_subject = subject[1] <= start if subject is not None else any(e <= start for _, e in mentions)
        # ("... a cat with a fishbone. i'd love moss asleep": a wish naming the subject is the request's frame)
        back = frame is not None and n > 0 and all(w in _BACK_REFERENCE for w, _, _ in _words(text, frame.end(), end))
        if back:  # "..., can you do that?": the frame points back at the picture already described
            kind, pronoun = "chat", None
        elif PREVIOUS_RESULT.match(" ".join(rest)) and not overlaps((start, end), mentions):
            kind = "chat"  # "the last one came out weird": about the picture before, not which checkpoint
        elif _SELECTION.search(text[start:end]) and not (rest and all(w in CONVERSATION_WORDS or HEDGES.match(w)
                                                                      for w in rest)) \
                and not (n and set(rest) <= _CONFIRMING):
            kind = "selection"  # "not the anime one"; "(no pressure lol)" is chat, "... yes that one" a confirmation
        elif after_subject and _WISH_AFTER.match(" ".join(rest)) and pronoun is None:
            kind = "scene"  # "we want a cozy feel": what the picture should show
        elif frame and (frame.end() < end or ":" in brk or n + 1 < len(segs)):
            kind = "frame"
        elif not rest or (all(_conversation_word(w) for w in rest) or _short_foreign(text, original, start, end)) \
                and not _borrowed_noun(rest) \
                or LEAVE_IT.match(" ".join(rest)) or NEWCOMER.match(" ".join(rest)) or ABOUT_MESSAGE.match(" ".join(rest)) \
                or n and n + 1 == len(segs) and AFFECTION.match(" ".join(rest)):
            kind = "chat"
        elif rest[0] in _THANKS_OPENERS:
            kind = "chat"
        elif n and n + 1 == len(segs) and (len(rest) == 1 and (
                kinds[-1] == "chat" and original[at:at + 1].isupper()
                and (not overlaps((start, end), mentions) or any(e <= segs[n - 1][0] for _, e in mentions)))
                or _signature(rest) and (_words(text, segs[n - 1][0], segs[n - 1][1]) or [("",)])[-1][0] in _SIGN_OFFS):
            kind = "chat"  # "Many thanks, Jen", "regards, priya", "cheers, the committee", "thanks, Max's mum"
        elif _independent(rest, lead < len(words) and overlaps(words[lead][1:], mentions)):
            kind = "depicted" if _depicts(text, start, end, rest) else "sentence"
        elif n + 1 < len(segs) and 0 < lead < len(words) and words[0][0] in INTERJECTIONS \
                and not overlaps((start, end), [*mentions, *styles]):
            kind = "lead-in"  # "ugh long day at the market...": a sigh before the picture
        elif n + 1 < len(segs) and (":" in brk and not overlaps((start, end), [*mentions, *styles])
                                    or "!" in brk and not overlaps((0, end), mentions)) \
                and not _placed(text, (start, end, brk)):  # "the comic style with the halftone dots:" chooses
            kind = "lead-in"  # "for the newsletter:", "long time no see!": what leads to the picture
        else:
            kind = "scene"
        kinds.append(kind)
        frames.append(frame)
        pronouns.append(pronoun)

    framed = [f.span() for f in frames if f is not None]  # "make an image of her": "image" is the frame's
    unframed = [m for m in mentions if not any(a <= m[0] and m[1] <= b for a, b in framed)]
    named = [overlaps((s, e), unframed) for s, e, _ in segs]
    first_frame = next((n for n, k in enumerate(kinds) if k == "frame"), None)
    labels = ["picture"] * len(segs)
    why = list(kinds)
    first_named = next((n for n in range(len(segs)) if named[n]), len(segs))
    # where the picture begins: the request frame, or the last sentence or lead-in before the subject ("been ages!")
    opening = first_frame if first_frame is not None and pronouns[first_frame] is None else None
    opening = max([n for n in range(first_named) if kinds[n] in ("lead-in", "sentence")] + [opening or 0])
    for n, kind in enumerate(kinds):
        if kind in ("chat", "sentence", "lead-in"):
            labels[n] = "context"
        elif kind == "selection" and re.search(r"[.!?]", segs[n][2]) and not named[n] \
                and any(k in ("scene", "depicted", "frame", "selection") for k in kinds[n + 1:]):
            labels[n] = "read"  # "I trained exactly one model in March and forget what. Use that at the beach": it
            # says which checkpoint, a sentence of its own before the picture; selection reads it, the prompt drops it
        if n < opening and kind != "selection" and not (kind in ("scene", "depicted") and _placed(text, segs[n])):
            labels[n], why[n] = "context", (kind if kind not in ("scene", "depicted") else "before-frame")
    result_pronoun = antecedent = None
    selects = False
    # the request whose object is a pronoun ("can you make him ...", "could you make her from last year's version")
    asked = next((n for n, p in enumerate(pronouns) if p is not None and kinds[n] in ("frame", "selection")), None)
    # a name in a place after the pronoun is where it is ("make him riding a T-rex through the allotment")
    unplaced = [m for m in unframed if asked is None or m[0] < pronouns[asked][1]
                or not _PLACED_BEFORE.search(text, 0, m[0])]
    if asked is not None and not any(overlaps(segs[n][:2], unplaced) for n in range(asked, len(segs))
                                     if kinds[n] != "chat"):  # nor a signature ("Thanks so much, Walter")
        # the clause that names whom the pronoun stands for, also a scene of its own ("Pretzel is retiring :(")
        before = [n for n in range(asked) if named[n] and (labels[n] == "context" or kinds[n] in ("selection", "depicted"))]
        if before:
            result_pronoun, antecedent = pronouns[asked], segs[before[-1]][:2]
            selects = kinds[before[-1]] == "selection"  # "I trained Shadow in March": it still selects
            for n in range(asked):  # a cue between ("I trained it in January") still selects, and leaves the prompt
                labels[n] = "read" if kinds[n] == "selection" and n != before[-1] else "context"
    # the subject must stay: a context clause that names the repository while no picture clause does is picture
    if not any(named[n] for n in range(len(segs)) if labels[n] == "picture") and antecedent is None:
        # the subject's clause; only without one known, every clause that names the repository
        keep = [n for n, (s, e, _) in enumerate(segs) if subject is not None and overlaps((s, e), [subject])]
        for n in keep or range(len(segs)):
            if named[n]:
                labels[n] = "picture"
    if all(label == "context" for label in labels):
        labels = ["picture"] * len(segs)  # nothing left to draw: keep everything
    why = ["scene" if w == "depicted" else w for w in why]
    clauses_ = [Clause(s, e, lab, w) for (s, e, _), lab, w in zip(segs, labels, why)]
    spans, read = [], []
    for n, (s, e, _brk) in enumerate(segs):
        if labels[n] not in ("context", "read"):
            continue
        if "picture" in labels[n + 1:]:
            e = segs[n + 1][0]  # the break after a clause before the picture goes with it
        elif n > 0:
            s = segs[n - 1][1]  # the break before a clause after the picture goes with it
            e = len(text) if n + 1 == len(segs) else e  # and the last one takes its closing full stop
        (spans if labels[n] == "context" else read).append((s, e))
    frame_words = []
    for n, frame in enumerate(frames):
        if frame and labels[n] == "picture" and re.match(r"now|next|here", frame.group(0)):
            end = frame.end()
            colon = re.match(r"\s*:", text[end:])
            frame_words.append((frame.start(), end + (colon.end() if colon else 0)))
    return Context(clauses_, spans, result_pronoun, antecedent, frame_words,
                   selects=antecedent is not None and selects, read=read)
