"""Selection constraints beyond subject, time and version, found by span in a lowercased request.

    negation   "not the sketchy version", "except the corgi", "without the stripes", "isn't anime"
               → a scope; what a scope names (name, subject, style, kind, detail, version) is excluded
    kind       "the DreamBooth one", "my LoRA of Rex", "the textual inversion"
    position   "next-to-latest" (-2), "the one before last" (-2), "third newest" (-3), "second oldest" (2)
    relative   "before the collar", "prior to the retrain", "after the scarf version", "from before v2"
    chatter    greetings, politeness, "could you make", "I'd like", "let me see": never picture content
    details    words attached to the subject ("with the collar", "when its walls were white", "the white
               cottage") that some checkpoint's description has; places in the scene are not details

Every function returns spans, so `mapping` can drop exactly these words from the image prompt.
"""
from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from agent.conversation import (CLAUSE_BREAK, EXCEPT, LITTLE, GRATEFUL, OBLIGING, PICTURE_OF, PICTURE_OF_ANY, RELAYED, RELAYED_STORY,
                                RELAYED_VERB, WONDERING, overlaps, pos_of)
from agent.lexicon import (COLOURS, COLOUR_FAMILIES, INFORMAL, KIND_WORDS, PLAIN_COLOURS, is_english, lexname, number_value,
                           ordinal_value, past_form, same_thing_words, sibling_words, stem, wordnet_senses, YOUNG)
from agent.timeexpr import MONTHS, SEASONS, WEEKDAYS
from agent.vocab import LOCATIVES, MODEL_WORDS, SCENE_WORDS, STYLE_WORDS, normalize_noun
from repo_store.text import STOPWORDS

Span = tuple[int, int]

NEGATION = re.compile(
    r"\bw/o\b|\b(?:(?:doesn['’]?t|don['’]?t|didn['’]?t|does\s+not|do\s+not|did\s+not)\s+(?:have|wear|got)|"
    r"hasn['’]?t\s+got|not|never|neither|nor|" + EXCEPT + r"(?:\s+for)?|excluding|exclude|without|witout|withuot|"
    r"other\s+than|apart\s+from|besides|rather\s+than|"
    r"instead\s+of|anything\s+but|but\s+not|none\s+of|no|minus(?![\s-]+(?:one|1)\b)|sans|isn['’]?t|aren['’]?t|wasn['’]?t|weren['’]?t|"
    r"doesn['’]?t|don['’]?t|didn['’]?t|hasn['’]?t|haven['’]?t|won['’]?t|nothing\s+like|avoid|skip|ignore|leave\s+out|leaving\s+out|"
    r"not\s+including|omit|omitting|"
    r"(?<!\bi\s)(?:forget|scrap|ditch)(?:\s+about)?(?=\s+(?:the|my|our|his|her|those)\s+(?!name\b)))\b")
# a negation's scope ends at a clause break (a run of blanks is one a reading masked: "(the one without glasses lol)")
_SCOPE_END = re.compile(r"[,.;:!?()]|\s[-–—]\s|\s{4,}|\b(?:but|though|although|however|instead|rather|so|then|because|"
                        r"just|only|wearing|sitting|standing|playing|running|lying|in\s+front)\b")
# words that may follow an excluded item and still belong to it ("not the sketchy version", "isn't anime style")
TRAILING = frozenset("version versions one ones model models checkpoint checkpoints build builds lora style styled "
                     "look kind type variant edition take".split())

_KIND_ALTS = sorted(((w, k) for k, words in KIND_WORDS.items() for w in words), key=lambda x: -len(x[0]))
_SHORT_KIND = frozenset({"ti", "db", "embedding", "inversion"})  # kind only beside a model word
KIND_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w, _ in _KIND_ALTS) + r")(?![\w-])")
KIND_OF = dict(_KIND_ALTS)

_RANK = r"(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)"
_END = r"(?:last|latest|newest|most\s+recent|recent|current)"
_START = r"(?:oldest|earliest|first)"
POSITION_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(rf"\b{_RANK}[\s-]+(?:to|from)[\s-]+(?:the[\s-]+)?{_END}\b|\b{_RANK}[\s-]+{_END}\b"), None),  # -n
    (re.compile(rf"\bnext[\s-]+to[\s-]+(?:the[\s-]+)?{_END}\b|\bpenultimate\b"
                rf"|\b{_END}(?:[\s-]+(?:version|one|model|build|checkpoint))?[\s-]+(?:but[\s-]+one|minus[\s-]+one)\b"  # "latest but one"
                rf"|\b(?:one|version|build|model)\s+before\s+(?:the\s+)?(?:very\s+)?{_END}(?:\s+one)?\b"
                # "Rex before the most recent one"
                rf"|\bbefore\s+(?:the\s+|my\s+|our\s+)?(?:very\s+)?{_END}\s+(?:one|version|build|model|checkpoint)\b"
                r"|\b(?:one|a)\s+(?:version|step|model|build)\s+back\b"), -2),  # "the tomatoes, one version back"
    (re.compile(rf"\b{_RANK}[\s-]+{_START}\b|\b{_RANK}(?=\s+of\s+(?:the|my|our|his|her|their|all|those|these)\s)"),
     0),  # +n: "the second oldest", "second of the three Cinnamons"
    (re.compile(r"\b(two|three|four|five|[2-5])\s+(?:versions?|steps?|builds?|models?|ones?)\s+(?:back|older|earlier|before)"
                rf"(?:\s+(?:from|than)\s+(?:the\s+)?{_END}(?:\s+one)?)?\b"), 1),  # -(n+1): "two versions back from the newest"
)

_TIME_UNITS = frozenset("week weekend month year day night time".split())
RELATIVE = re.compile(
    r"\b(?:(?:just|right|shortly|immediately)\s+)?(?P<dir>before|b4|prior\s+to|earlier\s+than|preceding|pre(?=-)|after|since|following|later\s+than|post(?=-)|once(?=\s+(?:the|his|her|its|their|he|she|it|they|we|i|my|our)\b))[\s-]+"
    r"(?:(?:he|she|it|they|we|i)\s+(?:got|had|was|were|wore|gained|lost|added|started|did)\s+|"
    r"(?:it|he|she|they)\s+(?:was|were|got)\s+|we\s+|i\s+|he\s+|she\s+|it\s+|they\s+)?"
    r"(?P<what>(?:the|his|her|its|their|a|an|my|our|that)?\s*[a-z0-9][\w'-]*"
    r"(?:\s+(?!(?:but|and|or|yet|then)\b)[a-z0-9][\w'-]*){0,2})")  # "after the collar but before the coat"
CHANGE_WORDS = frozenset("retrain retraining retrained update updated upgrade upgraded change changed redo rework "
                         "refresh new newer newest latest last current recent fix tweak edit revision".split())

# changes to a subject's look that no description needs to name ("before the haircut", "after the repaint")
CHANGE_EVENTS = frozenset("haircut buzzcut buzz cut trim makeover glowup glow-up shave facelift renovation refit "
                          "respray repaint paintjob dye perm restyle remodel redesign rebrand groom grooming clip clipping".split())

CHATTER = re.compile(
    r"\b(?:thingy|thingie|thingamajig|thingamabob|thingummy|doohickey|doodad|whatsit|whatchamacallit)\b"  # "the mixer
    # thingy": a word for not knowing the word, never picture content
    r"|\(\s*(?:sorry|lol|haha|oops|i\s+know|don['’]?t\s+ask|long\s+story|fyi|btw|just\s+saying|no\s+offen[cs]e)\b[^()]{0,60}\)"
    # "(sorry, british spelling)": an aside to the reader, not to the picture
    r"|\((?![^()]*\b(?:one|ones|version|with|without|older|newer|oldest|newest|first|latest)\b[^()]*\b(?:lol|haha+|lmao|jk)\b)"
    r"\s*(?:[^()]{0,60}\b(?:lol|haha+|lmao|jk)\b|(?:is|are)\s+there\b|(?:i\s+)?(?:think|guess|forget|dunno)\b|not\s+sure\b)[^()]{0,60}\)"
    # "(the flower, not the weather lol)", "(is there even another one? whatever)": asides too; not "(the one
    # without glasses lol)", which says which
    r"|,?\s*(?:just\s+)?(?:like|for)\s+old\s+times['’]?(?:\s+sake)?\b"  # "like old times": the asker's nostalgia
    r"|,\s*(?:who|which|that)\s+[^,.;!?]{0,40}?\b(?:every|each)\s+(?:day|week|weekend|month|morning|evening|night|"
    r"year|summer|winter|" + "|".join(WEEKDAYS) + r")s?\b[^,.;!?]{0,20}(?=\s*,)"  # "Harold, who comes in every Tuesday,
    # sitting on a bench": a habit that says who he is, not what he does in the picture
    r"|,?\s*(?:just\s+|same\s+)?(?:like|as)\s+(?:(?:the\s+)?last\s+time|the\s+other\s+(?:day|time))\b"  # "the lake one again
    # like last time": the asker's memory of a picture before, which no new picture can draw
    r"|,?\s*(?:the\s+)?same\s+(?:thing|one|model|again)(?:\s+(?:again|as\s+before))?(?:\s+but\b)?"  # "same thing again but
    # in a garden": asking for it once more
    r"|(?:,?\s*(?:but\s+)?)\bthis\s+time(?:\s+(?:round|around))?(?=\s*[,.!?]|\s*$)"  # "but in the garden this time"
    r"|\b(?:(?:i\s+want|i['’]?d\s+like|just)\s+)?(?:to\s+see\s+)?how\s+(?:far|much)\s+(?:i|we|it|they)(?:['’]?ve|\s+have|['’]?s|\s+has)?"
    r"\s+(?:come|improved|progressed|grown|changed|learned|learnt|got\s+better)\b"  # "I want to see how far I've come"
    r"|(?:(?:^|,)\s*(?:go\s+|going\s+)?|\bfrom\s+)way\s+back(?:\s+when)?(?=\s*[,.!?—–-]|\s*$)"  # "the first Kona, way back, in a
    # snowstorm", "go way back — my first ever checkpoint": how long ago
    r"|(?:,?\s*(?:any\s+of\s+them|any\s+one|anyone|whichever)\s+)?\b(?:as|so)\s+long\s+as\s+(?:it['’]?s|it\s+is|they['’]?re|"
    r"they\s+are)(?=\s+not\b)"  # "any of them as long as it's not Biscuit": the negation's frame
    r"|^\s*(?:good\s+)?(?:morning|afternoon|evening)(?:\s+(?:all|everyone|everybody|folks|there|team|y['’]?all))?"
    r"(?=\s*[!,])[\s,!.]*"  # "Evening! the cabin at sunrise", "Evening all, ..."
    r"|^\s*(?:(?:hi+|hey+|hello+|hiya|heya)[\s,!.]+)?(?:it['’]?s\s+|this\s+is\s+)?[a-z]+\s+here\s*[!.,:;]+\s*"  # "Mavis
    # here! one of Ron asleep": who writes, not what to draw
    r"|(?:^|(?<=[,.!?;:>)])|(?<=\s[-–—]))\s*(?:hi+|hey+|hello+|hiya|heya|yo|howdy|greetings|ugh+|argh+|phew|oof|aww+|yay|so{2,}(?=\s*[,.!]|\s+(?:can|could|would|will|pls|please|plz|u|you)\b)|dear\s+\w+|ok(?:ay)?\s+so|ok(?:ay)?"
    r"|actually|instead|oops|sorry|oh|wait|hmm+|um+|well|scratch\s+that|forget\s+(?:that|it)|on\s+second\s+thoughts?"
    r"|never\s?mind"
    r"|good\s+(?:morning|afternoon|evening|day))(?:\s+(?:there|again|you|all|hi+|hey+|hello+|hiya|heya|yo|so|um+|uh+|erm|well|ok(?:ay)?|assistant|check-?in|i\s+meant?|"
    r"(?:team|folks|guys|everyone|everybody|friends|gang|crew|people|y['’]?all|mates?|pal|buddy)(?=\s*[,.!:])))*\b[\s,!.]*"
    r"|\b(?:(?:he|she|they)\s+says?\s+(?=thanks?\b|ta\b|cheers\b))?"  # "he says thanks": thanks relayed
    r"(?:ple+a+s+e+|pl[sz]+|pretty\s+please|kindly|thanks?(?:\s+(?:you|a\s+lot|so\s+much|a\s+bunch))?|thx|thanx|thnx|ty|"
    r"cheers|"
    r"(?:much\s+)?appreciated|in\s+advance|i['’]?ll\s+wait|ok(?:ay)?\s*\?)(?![\w-])[\s,!.]*"
    r"|\b(?:if\s+(?:you(?:['’]?d|\s+would)\s+be\s+(?:so\s+kind|so\s+good|a\s+dear)|you\s+(?:can|could|would|don['’]?t\s+mind)|possible|"
    r"(?:that|it)(?:(?:['’]?s|\s+is)\s+(?:ok(?:ay)?|alright)|(?:['’]?s\s+not|\s+is\s+not|\s+isn['’]?t|\s+wouldn['’]?t\s+be)"
    r"\s+too\s+much\s+(?:trouble|bother|to\s+ask)))|for\s+me|real\s+quick|quickly|asap)\b"
    r"|\b(?:(?:could|can|would|will|may)\s+(?:you|u|i|we)(?:\s+(?:please|pls|maybe|possibly|just|kindly|"
    r"" + OBLIGING + r"|be\s+able\s+to))*"
    r"(?:\s+(?:get|have|see|make|paint|draw|generate|create|render|do|produce|show|give|use|try|whip\s+up))?"
    r"(?:\s+(?:me|us))?(?:\s*\?)?"
    r"|i(?:['’]d|\s+would|\s+should)(?:\s+(?:really|so|just))?\s+(?:like|love)(?:\s+to\s+(?:see|get|have|make|request|order|commission))?"
    r"|" + GRATEFUL + r"(?=\s+if\b)|" + GRATEFUL + r"\s+for" + PICTURE_OF_ANY +
    r"|i(?:['’]?m|\s+am|\s+was|\s+were)\s+(?:wanting|hoping|looking)\s+(?:to\s+(?:see|get|have)|for)"
    r"|" + WONDERING + r"(?:\s+(?:show|see|draw|paint|render|get|make|do|generate|create)(?:\s+(?:me|us))?)?"
    r"|i\s+(?:want|need|wanna)(?:\s+to\s+see)?"
    r"|(?:let\s+me|lemme)\s+(?:see|get|have)|let['’]?s\s+(?:see|do|make|get|have|try)(?:\s+again)?|show\s+me|give\s+me|gimme|get\s+me"
    r"|make\s+me|how\s+about|what\s+about|looking\s+for|do\s+you\s+have"
    r"|(?:pull|bring|call|dig)\s+(?:up|out|back))\b"  # "pull up whatever I had going": fetching, not drawing
    r"|\b" + RELAYED + r"(?=" + PICTURE_OF + r")"
    r"|\b(?:(?:my|our)\s+[a-z]+|[a-z]+)\s+(?:says|said|told\s+me|thinks|reckons)\s+(?:that\s+)?(?:i|we)\s+(?:should|could|"
    r"ought\s+to|have\s+to|need\s+to|must)\s+(?:ask|try|request)(?:\s+(?:you|u|for\s+this|this))?\b"  # "my wife says I
    # should ask": who prompted the request
    r"|\b(?:my|our)\s+[a-z]+(?:\s*\([^()]{0,30}\))?\s+(?:says|said|asks|asked|goes)\s*:"  # "my grandson (he's 4) says:"
    r"|(?:^|(?<=[.!?,]))\s*(?:(?:with\s+)?(?:warm|warmest|best|kind|kindest|fond|fondest|many)\s+(?:wishes|regards)|"
    r"yours\s+(?:truly|sincerely|faithfully)|all\s+the\s+best)(?:\s*,?\s*[a-z][\w'’.-]*(?:\s+[a-z][\w'’.-]*){0,2}\s*[.!]*\s*$"
    r"|(?=\s*[,.!]|\s*$))"  # "Warm wishes, Grandma Bev": a sign-off, and who signs it at the end
    r"|\b(?:wants?|would\s+(?:like|love)|asked)\s+to\s+see\s+(?:himself|herself|themselves|themself)\b"  # "Otto wants to
    # see himself as he was": the person asks for their own picture
    r"|\b(?:merry\s+(?:christmas|xmas)|happy\s+(?:holidays|new\s+year|easter|hanukkah|diwali)|season['’]?s\s+greetings)"
    r"(?=\s*[!.]*\s*$)"  # a wish that closes the message: "... on the grille. merry christmas!"
    r"|\bi\s+mean(?=\s*[,.!?]|\s*$)"  # "the realistic one I mean,"
    r"|\b(?:just\s+that|nothing\s+(?:else|more)|that['’]?s\s+(?:all|it))(?=\s*[,.!?]|\s*$)"  # "just that, nothing else"
    r"|[:;]-?[()dp]\B")

# verbs of the request itself, not of the picture: dropped when they open a clause before the subject
REQUEST_VERBS = frozenset("paint draw make generate create render show give produce do picture imagine".split())


_REQUEST_LEMMAS = frozenset(stem(w) for w in REQUEST_VERBS)
_DETAIL_INTRO = frozenset("with wearing wears wore having has had when where while without that which who whose back was "
                          "were is are got gets missing lacking".split())


_ATTACHED_TO = frozenset("to onto against".split())  # "chained to a railing", "propped against the wall"
_BEFORE_MODIFIER = frozenset("the a an this that these those my our his her its their your with without no "
                             "and".split())


ANY_BUT = re.compile(r"\b(?:any|anything|anyone|every|all)(?:\s+[a-z]+){0,3}?\s+(but)\b(?!\s+not\b)")


_LIST_TAIL = (r"(?:(?:the|either|any|my|our|his|her|their|that|those)\s+(?:of\s+(?:the|my|our|those)\s+)?)?"
              r"[a-z][\w'-]*\b")
_OR_LIST = re.compile(r"(?:,\s*[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)*,?\s+(?:or|nor)\s+" + _LIST_TAIL)
# after "except", "other than", "apart from", "any ... but" an "and" list is excluded whole too
_ANY_LIST = re.compile(r"(?:,\s*[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)*,?\s+(?:or|nor|and|&)\s+" + _LIST_TAIL)
_EXCEPT = re.compile(EXCEPT + r"|excluding|other\s+than|apart\s+from|besides|but")


# a correction of what was just said: "the tortoiseshell? no i mean the TORTOISE", "rex, sorry, I meant biscuit",
# "scratch that, the cat"
CORRECTION = re.compile(r"\b(?:(?:no+|nope|nah|oops|sorry|wait|actually)[\s,.!?]+)*(?:i\s+mean[t]?|i\s+meant|"
                        r"scratch\s+that|(?<!you\s)(?<!\su\s)(?<!to\s)make\s+that|or\s+rather|(?:no+|nah)[\s,.!]+(?:wait|actually)|"
                        r"(?:wait|actually)[\s,.!]+no+|hang\s+on|"
                        r"(?<=\?\s)(?:no+|nope|nah)(?![\w'’]|\s+(?:worries|problem|rush|hurry|pressure|need|idea|clue|matter)\b))\b[\s,.!:]*(?:(?:the\s+)?other\s+one\b[\s,:]*)?")


# a version ruled out after it is named: "the green hair one is not what i want", "that version isn't it"
NOT_WANTED = re.compile(r"\b(?P<np>(?:the|that|this)\s+(?:[a-z'-]+\s+){0,4}?(?:one|version))\s+(?P<cue>(?:is|was)\s+not|"
                         r"isn['’]?t|wasn['’]?t|['’]s\s+not)\s+(?:what\s+(?:i|we)\s+(?:want|wanted|need|mean|meant|am\s+after|"
                         r"['’]m\s+after)|it|the\s+one|right)\b")


_WORN_AFTER = re.compile(r"\s+(?:wearing|holding|carrying|sporting)\b")


_NEGATION_WORDS = frozenset("no not never nor without minus sans skip forget".split())
_negating_nouns: list[re.Pattern[str]] = []


def _nouns_with_a_negation(text: str) -> list[Span]:
    """Spans of nouns WordNet spells with a negation word, hyphenated or spaced: "forget-me-not", "forget me not
    teacup", "no-show", "touch-me-not"; their "not" rules nothing out."""
    if not _negating_nouns:
        words = sorted((k for k in wordnet_senses() if "-" in k and set(re.split(r"[-\s]", k)) & _NEGATION_WORDS),
                       key=len, reverse=True)
        _negating_nouns.append(re.compile(r"(?<![\w-])(?:" + "|".join(
            r"[\s-]+".join(re.escape(p) for p in re.split(r"[-\s]+", k)) for k in words) + r")(?![\w-])"))
    return [m.span() for m in _negating_nouns[0].finditer(text)]


def negation_scopes(text: str) -> list[tuple[Span, Span]]:
    """(cue span, scope span) for each negation; the scope runs to the next clause break."""
    scopes = []
    corrections = [m.span() for m in CORRECTION.finditer(text)] + _nouns_with_a_negation(text)
    cues = [m.span() for m in NEGATION.finditer(text)] + [m.span(1) for m in ANY_BUT.finditer(text)]
    for start, end_cue in sorted(cues):
        if any(s <= start < e for s, e in corrections):
            continue  # "no i mean the tortoise": a correction, not "no tortoise"
        m = _Cue(start, end_cue)
        worn = _WORN_AFTER.match(text, m.end())  # "he isnt wearing that spiky collar": what is worn, not a new clause
        stop = _SCOPE_END.search(text, worn.end() if worn else m.end())
        end = stop.start() if stop else len(text)
        lists = _ANY_LIST if _EXCEPT.match(text, start) else _OR_LIST
        listed = lists.match(text, end)  # "isn't juno, dev, rosa or kit", "except Spark, Nugget and Blaze"
        end = listed.end() if listed and stop and stop.group(0) == "," else end
        scopes.append((m.span(), (m.end(), end)))
    for m in NOT_WANTED.finditer(text):  # "the green hair one is NOT what i want": the negation after what it rules out
        scopes = [(cue, scope) for cue, scope in scopes if not m.start("cue") <= cue[0] < m.end()]
        scopes.append((m.span("cue"), m.span("np")))
    return sorted(scopes)


class _Cue:
    def __init__(self, start: int, end: int):
        self._span = (start, end)

    def span(self) -> Span:
        return self._span

    def end(self) -> int:
        return self._span[1]


def find_kinds(text: str, taken: list[Span]) -> list[tuple[str, Span]]:
    """Checkpoint kinds named ("the DreamBooth one"); short words ("TI", "embedding") only beside a model word."""
    found = []
    for m in KIND_RE.finditer(text):
        word = m.group(1)
        if overlaps(m.span(), taken):
            continue
        if word in _SHORT_KIND:
            after = re.match(r"\s*(\w+)", text[m.end():])
            before = re.findall(r"(\w+)\s*$", text[:m.start()])
            near = {after.group(1) if after else "", before[0] if before else ""}
            if not near & (TRAILING | {"the", "my"}) or not near & TRAILING:
                continue
        found.append((KIND_OF[word], m.span()))
    return found


_MIDDLE = re.compile(r"\b(?:the\s+)?(?:middle|mid)\s+(?:version|one|build|model|checkpoint|iteration|release|lora)\b"
                     rf"|\b(?:in\s+)?between\s+the\s+{_START}(?:\s+one)?\s+and\s+the\s+{_END}(?:\s+one)?\b"
                     r"|\b(?:the\s+)?(?:middle|mid)(?=\s+(?:of|from)\s+(?:the|my|our|his|her|their|[a-z]+['’]s)\s+"
                     r"(?:\w+\s+)?(?:versions|ones|builds|models|checkpoints|loras)\b)")


def find_position(text: str, taken: list[Span]) -> tuple[int, Span] | None:
    """A position among versions: -2 next-to-latest, -3 third newest, +2 second oldest, 0 the middle one."""
    for m in _MIDDLE.finditer(text):  # "the middle version", "waffles, the middle one"; not "the middle of winter"
        if not overlaps(m.span(), taken):
            return 0, m.span()
    for pattern, fixed in POSITION_PATTERNS:
        for m in pattern.finditer(text):
            if overlaps(m.span(), taken):
                continue
            if fixed == -2:
                return -2, m.span()
            if fixed == 1:
                return -1 - number_value(m.group(1)), m.span()
            rank = ordinal_value(next(g for g in m.groups() if g))
            if rank:
                return (rank if fixed == 0 else -rank), m.span()
    return None


def find_ordinal_one(text: str, taken: list[Span]) -> tuple[int, Span] | None:
    """"the second one", "my third checkpoint", "first ever": a position counted from the oldest."""
    for m in re.finditer(r"\b([a-z0-9]+)(?:[\s-]+ever)?(?=\s+(?:\w+\s+)?(?:one|ones|thing|checkpoint|model|lora|"
                         r"training|take|try|attempt|iteration|release|build)\b)", text):
        if overlaps(m.span(), taken):
            continue
        value = ordinal_value(m.group(1))
        if value and number_value(m.group(1)) is not None and re.search(r"\b(?:of|the|my|our|both|all)\s+$", text[:m.start()]):
            continue  # "the older of the two treehouse ones", "my two dogs": a count, not a position
        if m.group(1).isdigit() and re.search(r"\b(?!the\b|my\b|our\b|number\b|no\b)[a-z]+\s+$", text[:m.start()]):
            continue  # "engine 7 model", "rocket 2 one": a number of the name (`_name_numbers`), not a position
        if value and 1 < value <= 20:  # "first" is ordering's "oldest"
            return value, m.span()
    return None


_TIMES_OF_DAY = frozenset("dark sunrise sunset sundown nightfall midnight midday noon dawn dusk school work hours "
                          "dinner lunch breakfast supper bedtime".split())
_PHRASE_ENDS = frozenset("with in on at by for near from while wearing".split())  # after the thing referred to


def find_relative(text: str, taken: list[Span], detail_words: set[str]) -> dict | None:
    """"before the collar" → {direction, version | change | details, span}, when the reference is a
    version, a change word ("retrain") or a word some description has; otherwise the words are scene."""
    for m in RELATIVE.finditer(text):
        if overlaps(m.span(), taken):
            continue
        if m["what"].strip() == "last" and re.search(r"\b(?:week|weekend|month|year|day|" + "|".join(WEEKDAYS) + r")\s+$",
                                                    text[:m.start()]):
            continue  # "the weekend before last", "the saturday before last": a time (`timeexpr`)
        said = m["what"].split()
        done_up = _DONE_UP.match(text, m.end("dir"))
        if done_up:  # "before we did it up", "once he'd been patched up": a makeover, the newest version's
            return {"direction": "before" if m["dir"].split()[0] in ("before", "b4", "prior", "earlier", "preceding",
                                                                     "pre") else "after",
                    "version": None, "details": [], "change": True, "span": (m.start(), done_up.end())}
        if m["dir"] == "once" and not deed_clause(text, m.start("what"), detail_words, bool(
                re.search(r"\b(?:he|she|it|they|we|i)\s+$", text[m.start():m.start("what")]))):
            continue  # "once the beard came off" marks a version; "once a year", "once i get home" do not
        if m["dir"] in ("following", "preceding") and said and said[0] in ("a", "an"):
            continue  # "following a black line": what it does, not which version
        if len(said) > 1 and said[0] in ("last", "this", "next") and (said[1] in _TIME_UNITS or said[1] in MONTHS
                                                                      or said[1] in SEASONS or said[1] in WEEKDAYS):
            continue  # "since last summer", "before this year": a time bound (`timeexpr`)
        direction = "before" if m["dir"].split()[0] in ("before", "b4", "prior", "earlier", "preceding", "pre") else "after"
        words = re.findall(r"[a-z0-9][\w']*", m["what"])  # "the missing-tooth one": its words
        if re.match(r"(?:the\s+|my\s+|our\s+)?(?:most\s+recent|newest|latest|current)\b", m["what"].strip()) \
                and words and words[-1] not in TRAILING:
            continue  # "the one before the most recent Rex": an order ("previous"), not a detail
        words = [w for w in words if w not in ("the", "his", "her", "its", "their", "a", "an", "my", "our", "that")]
        if words and words[0] not in TRAILING:  # "stand before the shop with big smile": the reference ends at
            words = words[:next((n for n, w in enumerate(words) if n and w in _PHRASE_ENDS), len(words))]  # "with"
        elif words and len(words) > 1 and words[1] in _PHRASE_ENDS:  # "before the one with the spotted coat": what
            later = re.findall(r"[a-z0-9][\w']*", text[m.end():m.end() + 40])[:3]  # that one has, whole
            words = words + [w for w in later if w not in ("the", "a", "an", "his", "her", "its", "their")][:2]
        if len(words) > 1 and words[0] in KIND_OF and (words[1] in CHANGE_WORDS or stem(words[1]) in CHANGE_WORDS):
            words = words[1:]  # "before the DreamBooth retrain": the kind names the retrain, not a filter
        if not words or len(words) == 1 and words[0] in _TIMES_OF_DAY or re.fullmatch(r"(?:19|20)\d\d", words[0]):
            continue  # "lit up after dark", "before sunrise": when in the picture's day; "before 2025" (`timeexpr`)
        kind = next((KIND_OF[k] for k in (" ".join(words[:2]), words[0]) if k in KIND_OF), None)
        if kind and (len(words) == 1 or words[-1] in TRAILING or len(words) == 2 and " ".join(words) in KIND_OF):
            return {"direction": direction, "version": None, "details": [], "change": False, "kind": kind,
                    "span": (m.start(), m.end())}  # "from before the DreamBooth one"
        version = re.fullmatch(r"v(\d+)", words[0])
        if version or (words[0] in ("version", "v") and len(words) > 1 and words[1].isdigit()):
            number = int(version[1]) if version else int(words[1])
            return {"direction": direction, "version": number, "details": [], "change": False,
                    "span": (m.start(), m.end())}
        rank = ordinal_value(words[0]) if words[0] != "one" else None
        if rank and (len(words) == 1 or len(words) == 2 and words[1] in TRAILING):
            return {"direction": direction, "version": rank, "details": [], "change": False,  # "after the first one"
                    "span": (m.start(), m.start("what") + m["what"].rfind(words[-1]) + len(words[-1]))}
        new_thing = len(words) > 1 and words[0] in _NEW and words[1] not in TRAILING and stem(words[1]) in detail_words
        mended = [w for w in _MENDING if w in detail_words] if stem(words[0]) in _MENDING else []
        if mended:  # "before I fixed it" when a description says "after repair": the versions that say so
            end = m.start("what") + m["what"].find(words[0]) + len(words[0])
            return {"direction": direction, "version": None, "details": mended[:1], "change": False,
                    "span": (m.start(), end), "event": True}
        if (words[0] in CHANGE_WORDS or stem(words[0]) in CHANGE_WORDS) and not new_thing:
            end = m.start("what") + m["what"].find(words[0]) + len(words[0])
            after = re.match(r"\s+(?:" + "|".join(TRAILING) + r")\b", text[end:])
            return {"direction": direction, "version": None, "details": [], "change": True,
                    "span": (m.start(), end + (after.end() if after else 0))}
        names_version = words[-1] in TRAILING  # "before the night one": a scene word names the version here
        details = [stem(w) for w in words if stem(w) in detail_words and w not in STOPWORDS and w not in _ERAS
                   and normalize_noun(w) not in MODEL_WORDS and (names_version or normalize_noun(w) not in SCENE_WORDS)]
        someone = re.search(r"\b(?:he|she|it|they|we|i)\s+$", text[m.start():m.start("what")])
        deed = words[-1] + words[0] if someone and len(words) > 1 and "VERB" in pos_of(words[0]) else ""
        described = stem(deed) in detail_words
        if deed in CHANGE_EVENTS or described:  # "before she cut her hair": the haircut
            return {"direction": direction, "version": None, "details": [stem(deed)] if described else [],
                    "change": not described, "span": m.span()}
        done = deed_clause(text, m.start("what"), detail_words, bool(someone))
        if done:  # "before she chopped all her hair off", "once the beard came off", "before he ditched the cap"
            return {"direction": direction, "version": None, "change": False, "event": True,
                    "span": (m.start(), done.pop("end")), **done}
        if someone and len(details) > 1 and details[0] == stem(words[0]) and "VERB" in pos_of(words[0]):
            # "before he grew the moustache": what he grew tells the versions apart; "before he shaved his beard": the
            removed = re.match(r"shav|remov", words[0]) is not None  # shaving, the beard is gone
            details, words = (details[:1], words[:1]) if removed else (details[1:], words[1:])
        if not details and someone and "VERB" in pos_of(words[0]):
            stop = CLAUSE_BREAK.search(text, m.end())  # "before she cut it": a change to the subject, the clause whole
            end = stop.start() if stop and stop.start() - m.end() < 25 else m.end()
            given = [stem(w) for w in re.findall(r"[a-z][\w'-]*", text[m.end():end]) if stem(w) in detail_words
                     and w not in STOPWORDS and normalize_noun(w) not in SCENE_WORDS | MODEL_WORDS]
            if given:  # "before we bought him a collar": the version without what the clause gave him
                return {"direction": direction, "version": None, "details": given, "change": False,
                        "span": (m.start(), end)}
            if someone[0].strip() in ("he", "she", "it", "they"):
                return {"direction": direction, "version": None, "details": [], "change": True, "span": (m.start(), end)}
        event = next((w for w in words[:3] if names_change(w)), None)
        if not details and event:  # "before the haircut", "after the makeover with a hammock": the newest
            end = m.start("what") + m["what"].find(event) + len(event)  # version is the changed one
            return {"direction": direction, "version": None, "details": [], "change": True, "span": (m.start(), end)}
        if details and said and said[0] in ("a", "an") and stem(words[-1]) not in details and words[-1] not in TRAILING:
            continue  # "her feet up after a long shift": an event of the scene, not a version's detail
        if details:
            end = m.start("what") + max(m["what"].rfind(w) + len(w) for w in words
                                        if stem(w) in details or w in TRAILING or w in _ERAS)
            found = {"direction": direction, "version": None, "details": details, "change": False,
                     "span": (m.start(), end)}
            if someone and past_form(words[0]) and stem(words[0]) in details or any(
                    names_change(w) and stem(w) in details for w in words):
                found["event"] = True  # "after I pruned it", "right after her repaint": the version the deed made,
                # not the one after it
            return found
    return None


# one deed said in other words: "before I fixed it" for a description's "after repair"
_MENDING = tuple(stem(w) for w in "repair restore fix mend refurbish".split())
# a makeover said with a verb and "up": "before we did it up", "once he'd been patched up", "after they tidied the
# yard up"
_DONE_UP = re.compile(r"\s+(?:(?:he|she|it|they|we|i)(?:['’]d)?\s+)?(?:(?:had|has|have|was|were|got|been|get|gets)\s+)*"
                      r"(?:did|done|do|doing|fixed|fixing|tidied|tidying|spruced|sprucing|patched|patching|cleaned|"
                      r"smartened|kitted|touched|done)\s+(?:(?:it|him|her|them|(?:the|his|her|its|our|my)\s+[a-z]+)\s+)?"
                      r"up\b")
# deeds of one kind, whichever verb says them: a description's "after she cut her hair short" is the version
# "before she chopped her hair off" counts from
DEED_KINDS = (frozenset(stem(w) for w in "cut chop crop snip trim clip shear lop shave buzz".split()),
              frozenset(stem(w) for w in "remove ditch drop lose shed scrap bin dump".split()))
# deeds that take the thing away: the versions before the deed have it ("before he ditched the cap")
_TAKING_AWAY = frozenset(stem(w) for w in "remove ditch drop lose shed scrap bin dump shave".split()) | {"lost"}
# deeds that put one thing in another's place: what comes after "for" is the new one ("swapped the parasol for
# the pole")
_SWAPPING = frozenset(stem(w) for w in "swap trade replace switch exchange".split())
_CLAUSE_FILLER = frozenset("the his her its their a an my our all that those these them it some".split())
_PARTICLE_WORDS = frozenset("off away out back up down on".split())


def deed_clause(text: str, start: int, detail_words: set[str], after_someone: bool) -> dict | None:
    """A deed that marks a version, read from `start` (after "before she", "once"): its verb's stem, the words of
    the thing it was done to that descriptions have, whether it took the thing away, and where the clause ends.
    "chopped all her hair off" → deed chop, details [hair], gone; "the beard came off" → deed come, [beard], gone;
    "swapped the parasol for the pole" → [pole]. None when no verb leads or no description has the thing."""
    stop = CLAUSE_BREAK.search(text, start, start + 60)
    tokens = [(t.group(0), t.start(), t.end()) for t in re.finditer(r"[a-z][\w'-]*", text[start:stop.start() if stop else start + 60])]
    at = 0
    if not after_someone:  # "the beard came off": the thing first, then its verb
        while at < len(tokens) and tokens[at][0] in _CLAUSE_FILLER:
            at += 1
        if at + 1 >= len(tokens) or stem(tokens[at][0]) not in detail_words or not past_form(tokens[at + 1][0]):
            return None
        before = [tokens[at][0]]
        at += 1
    else:
        before = []
    if at >= len(tokens) or "VERB" not in pos_of(tokens[at][0]) or tokens[at][0] in STOPWORDS:
        return None
    verb, end = tokens[at][0], tokens[at][2]
    kept, swapped, particle = list(before), [], False
    for n, (word, _, stop) in enumerate(tokens[at + 1:at + 8], start=at + 1):
        if word in _CLAUSE_FILLER:
            continue
        if word in _PARTICLE_WORDS:
            following = tokens[n + 1][0] if n + 1 < len(tokens) else ""
            if following and (following in _CLAUSE_FILLER or following.endswith(("'s", "’s"))
                              or not pos_of(following) or "NOUN" in pos_of(following)):
                break  # "glued the tag on Gus's shell": a place the thing went, said after a preposition
            particle = particle or word in ("off", "away")
        elif word in ("for", "with") and stem(verb) in _SWAPPING and not swapped:
            swapped = ["for"]
            continue
        elif stem(word) in detail_words and normalize_noun(word) not in SCENE_WORDS | MODEL_WORDS \
                and word not in STOPWORDS and (pos_of(word) & {"NOUN", "ADJ"} or "VERB" not in pos_of(word)):
            (swapped if swapped else kept).append(word)
        else:
            break
        end = stop
    things = [stem(w) for w in (swapped[1:] or kept)]
    if not things:
        return None
    gone = not swapped[1:] and (particle or stem(verb) in _TAKING_AWAY or verb in _TAKING_AWAY)
    return {"details": things, "deed": stem(verb), "gone": gone, "end": start + end}


# "before the harness days", "his beard era": the time of a detail, not one of its own
_ERAS = frozenset("days era phase period stage times".split())

# "before the new tiles": the detail that came new, not a newer version
_NEW = frozenset("new newer".split())

_PARTICLES = frozenset("up down out off".split())
_COUNT_WORDS = {"single": "one", "double": "two", "triple": "three"}  # "single-colour" said as "in one colour"


def names_change(word: str) -> bool:
    """A word for a change to the subject's look: a change event ("haircut", "repaint") or a thing done again
    ("repainted", "reupholstered")."""
    return normalize_noun(word) in CHANGE_EVENTS or redone(word)


def redone(word: str) -> bool:
    """A thing done again to the subject ("revarnished", "the re-dye", "reupholstered"): a change of its look."""
    rest = word[3:] if word.startswith("re-") else word[2:] if word.startswith("re") else ""
    return len(rest) > (3 if "-" in word else 4) and is_english(rest) and "VERB" in pos_of(rest)  # not "really"


# "my kids want the golden bridge ...": a person's wish relayed, right before what they want
_RELAYED_WISH = re.compile(r"(?:\b(?:my|our|his|her|their|the)\s+(?P<little>" + LITTLE + r"\s+)?"
                           r"(?P<who>[a-z]+)|(?:^|(?<=[:.!;]))\s*(?P<pro>she|he|they)|\b(?:and|but|so)\s+(?P<pro2>she|he|they))\s+"
                           + RELAYED_STORY + RELAYED_VERB  # "Nana asked me to type this: she would like the teapot"
                           + r"(?:\s+to\s+(?:see|have|get))?(?=\s+(?!to\b|you\b|u\b|me\b|us\b|it\b)[a-z])")


def chatter_spans(text: str) -> list[Span]:
    """Greetings, politeness and request framing: words about asking, not about the picture; a wish relayed
    for a person ("my kids want"; not "my dog wants a bone", which the picture shows)."""
    spans = [m.span() for m in CHATTER.finditer(text) if m.group(0).strip()]
    return spans + [m.span() for m in _RELAYED_WISH.finditer(text) if not overlaps(m.span(), spans)
                    and (m["pro"] or m["pro2"] and (lexname(_last_owned(text[:m.start()])) == "person"
                                                    or not text[:m.start()].strip())  # the story before it blanked
                         or m["little"] and m["who"] in ("one", "ones")  # "my little one keeps asking for"
                         or m["who"] and lexname(m["who"]) == "person")]


def _last_owned(text: str) -> str:
    """The last noun said with "my" / "our" in `text` ("my son is doing a project and he wants ...")."""
    owned = re.findall(r"\b(?:my|our)\s+(?:" + LITTLE + r"\s+)?([a-z]+)", text)
    return owned[-1] if owned else ""


def _clothing(word: str) -> bool:
    """Whether WordNet puts `word` under clothing ("outfit", "costume", "raincoat"): "in the pirate outfit" is
    worn, not a place, even when the descriptions say "costume"."""
    senses = wordnet_senses().get(word) or wordnet_senses().get(normalize_noun(word), ())  # "specs", not "spec"
    return any(above & _WORN for _, above in senses)


_WORN = frozenset({"clothing", "optical instrument", "jewelry", "adornment", "handkerchief"})  # "in the red specs"


# verbs of making and using a checkpoint: never a description's detail
CHECKPOINT_VERBS = frozenset("trained training retrained made created built uploaded used fine-tuned finetuned".split())


# states a picture shows the subject in, never a version's look: "Pickles asleep in a sunbeam"
_STATES = frozenset("asleep awake alone afloat adrift ablaze aglow alive aloft".split())


# adverbs of time and aspect that say when, never what a version looks like ("when it was still white")
ASPECT_ADVERBS = frozenset("still already yet ever even again now once anymore currently".split())


def _misspelt_detail(word: str, detail_words: set[str]) -> str | None:
    """The one description word `word` misspells by one edit, a swap of two letters counting as one (rapidfuzz's
    optimal-string-alignment distance): "mosiac" → "mosaic"."""
    close = process.extract(word, detail_words, scorer=OSA.distance, score_cutoff=1, limit=2)
    return close[0][0] if len(close) == 1 and len(close[0][0]) >= 4 else None


# verbs that take a thing away, said before it: "shaved off his beard", "with the lid taken off" (`REMOVED` before)
REMOVED = r"(?:shav|cut|took|tak|chopp)(?:e|ed|en|ing|t)?\s+off|remov(?:ed|ing)"
_REMOVED_BEFORE = re.compile(r"\b(?:" + REMOVED + r")\s+(?:(?:the|a|an|his|her|its|their|our|my)\s+)?$")


def lacks_detail(said: str, detail: str, before: str = "") -> bool:
    """Whether the word said for `detail` says its lack: "collarless" for "collar", "unshaved" for "shaved", "shaved
    off his beard"."""
    return said.endswith("less") and stem(said) != detail or said.startswith("un") and stem(said[2:]) == detail \
        and stem(said) != detail or _REMOVED_BEFORE.search(before) is not None


def _other_kind_of(modifier: str, detail_words: set[str]) -> bool:
    """A noun before a description's noun that no description has: "santa" of "a santa hat", "party" of "a party
    hat" make a hat of another kind, not the version's own ("a straw hat")."""
    if not modifier.isalpha() or len(modifier) < 3 or modifier in STOPWORDS or stem(modifier) in detail_words \
            or modifier in COLOURS:
        return False
    return normalize_noun(modifier) in wordnet_senses() and "ADJ" not in pos_of(modifier)


def _modifies_noun(tokens: list[tuple[str, int, int]], i: int, detail_words: set[str]) -> bool:
    """Token `i` names what the noun after it is, a noun the descriptions know: "bar" in "the white bar tape",
    "beach" in "the beach towel" are not the scene."""
    if i + 1 >= len(tokens):
        return False
    after = tokens[i + 1][0]
    return stem(after) in detail_words and "NOUN" in pos_of(after) and normalize_noun(after) not in SCENE_WORDS


def _joined_compounds(tokens: list[tuple[str, int, int]], detail_words: set[str]) -> list[tuple[str, int, int]]:
    """Two words typed apart that a description writes as one ("rain coat" for "raincoat", "pony tail"), joined."""
    joined: list[tuple[str, int, int]] = []
    for tok, start, end in tokens:
        if joined and tok.isalpha() and joined[-1][0].isalpha() and len(tok) > 2 and len(joined[-1][0]) > 2 \
                and tok not in STOPWORDS and joined[-1][0] not in STOPWORDS and joined[-1][2] + 1 == start \
                and stem(joined[-1][0] + tok) in detail_words and is_english(joined[-1][0] + tok):
            joined[-1] = (joined[-1][0] + tok, joined[-1][1], end)
        else:
            joined.append((tok, start, end))
    return joined


# words that close a phrase without describing anything: "not in the winter coat tho", "in the red hat pls"
# verbs of having and wearing: they introduce what a version has, and are none of its details
_HAVING = frozenset("wore wear wears wearing worn had has have having got sported sporting".split())
_TAIL_WORDS = frozenset("tho though pls plz please lol haha either too thanks thx ok okay".split())


def colour_kin(tok: str, detail_words: set[str]) -> str | None:
    """The one word of a colour's family that the descriptions use for it ("lilac" for "purple"), if `tok` is a
    plain colour word they do not use themselves (not "copper", a metal first)."""
    if tok not in COLOURS or tok not in COLOUR_FAMILIES or stem(tok) in detail_words:
        return None
    kin = {stem(w) for w, hues in COLOUR_FAMILIES.items() if w in PLAIN_COLOURS and hues & COLOUR_FAMILIES[tok]
           and stem(w) in detail_words}
    return kin.pop() if len(kin) == 1 else None


def _compound_parts(parts: list[str], detail_words: set[str]) -> list[str]:
    """The parts of a hyphenated compound a description has ("vis" of "hi-vis"; "black", "white"), or its last."""
    return [p for p in parts if p not in STOPWORDS and stem(p) in detail_words] or parts[-1:]


def detail_candidates(text: str, tokens: list[tuple[str, int, int]], skip: list[Span],
                      detail_words: set[str], detail_pairs: frozenset[tuple[str, str]] = frozenset()
                      ) -> list[tuple[str, Span]]:
    """Words that describe the subject (lemma, span): not inside a place phrase ("on a white pillow"),
    not selection or style words, and known to some description of this repository."""
    tokens = _joined_compounds(tokens, detail_words)
    found = []
    in_place = False
    worn_until = borne_until = -1
    for i, (tok, start, end) in enumerate(tokens):
        if not re.match(r"[a-z]", tok) and not tok.isdigit():
            spaced = tok in "-–—" and text[start - 1:start].isspace() and text[end:end + 1].isspace()
            in_place = False if tok in ",;:.!?" or spaced else in_place  # "tying a ribbon - not the short hair one"
            continue
        following = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if tok in _PARTICLES and i and not in_place and (stem(tokens[i - 1][0]), tok) in detail_pairs \
                and "NOUN" in pos_of(tokens[i - 1][0]) and not past_form(tokens[i - 1][0]) \
                and not overlaps((start, end), skip):
            found.append((tok, (start, end)))  # "with her veil up" beside "the veil down": how a thing is worn
            continue
        if tok in ("at", "aged", "age") and number_value(following) is not None and stem(following) in detail_words \
                and not overlaps(tokens[i + 1][1:], skip):  # "Nora at nine": her age, as a description says it
            found.append((stem(following), tokens[i + 1][1:]))
            continue
        if tok in LOCATIVES or tok in ("next", "beside", "near", "among", "between", "against", "toward", "towards"):
            phrase = []  # "in the winter coat" describes the subject; "in a pumpkin patch" is a place
            phrase_end = end
            compound: list[str] = []  # "in the hi-vis jacket", "in black-and-white": one word, read by its parts
            for t, t_start, t_end in tokens[i + 1:i + 9]:  # "in the big straw sun hat"
                if t == "-" and phrase and text[t_start - 1:t_start].isalnum() and text[t_end:t_end + 1].isalnum():
                    compound = compound or [phrase.pop()]
                    continue
                if compound and re.match(r"[a-z]", t) and text[t_start - 1:t_start] == "-":
                    compound.append(t)
                    phrase_end = t_end
                    continue
                phrase += _compound_parts(compound, detail_words)
                compound = []
                if not re.match(r"[a-z]", t) or t in LOCATIVES or t in ("and", "with", "while") or t in _TAIL_WORDS \
                        or len(t) > 4 and t.endswith("ing"):
                    break  # "in the orange helmet sitting on a boulder": the phrase ends at what it does
                if t not in ("a", "an", "the"):
                    phrase.append(t)
                phrase_end = t_end
            phrase += _compound_parts(compound, detail_words)
            held = i > 0 and tokens[i - 1][0] not in STOPWORDS and not tokens[i - 1][0].endswith("ing") \
                and pos_of(tokens[i - 1][0]) & {"NOUN", "ADV"} == {"NOUN"} and stem(tokens[i - 1][0]) not in detail_words \
                and not overlaps(tokens[i - 1][1:], skip) and bool(phrase) and phrase[-1] not in TRAILING  # "a for sale
            # sign in the window": the sign's place; not "still in the mug", "a tiger in the two colour screenprint style"
            worn = tok == "in" and bool(phrase) and not held and (all(stem(t) in detail_words for t in phrase) or _clothing(
                phrase[-1]) and any(stem(t) in detail_words or colour_kin(t, detail_words) for t in phrase)) \
                and normalize_noun(phrase[-1]) not in SCENE_WORDS and phrase[-1] not in COLOURS
            beyond = [t for t, s_, _ in tokens[i + 1:] if s_ >= phrase_end][:1]
            worn = worn or tok == "in" and bool(phrase) and all(t in COLOURS and stem(t) in detail_words for t in phrase) \
                and beyond != ["and"] and not overlaps((start, phrase_end), skip)  # "the choir in blue": what a version
            # wears; "in black and white" is how it is drawn
            said = [colour_kin(t, detail_words) or stem(t) for t in phrase if t not in STOPWORDS]
            worn = worn or (tok != "in" or bool(phrase) and phrase[-1] in COLOURS) and len(said) > 1 \
                and (said[-2], said[-1]) in detail_pairs \
                and normalize_noun(phrase[-1]) not in SCENE_WORDS  # "on the yellowed paper", "in primer grey": a
            # description's words
            worn = worn or i > 0 and tokens[i - 1][0] == "still" and bool(phrase) and all(
                stem(t) in detail_words for t in phrase)  # "the oil look that's still at sunset": as a version was
            in_place = (following not in ("his", "her", "its", "their", "my", "our") or tok not in ("in", "on")) \
                and not worn  # "in her winter coat" is what she wears, "at her desk" where she is
            worn_until = phrase_end if worn else worn_until  # "in the winter costume": "winter" is the costume's
            owner = i - 2 if i > 1 and tokens[i - 1][0] in ("up", "down", "back") else i - 1  # "hair up in a bun"
            borne_until = phrase_end if worn and owner > 0 and not in_place and stem(tokens[owner][0]) in detail_words \
                and tokens[owner - 1][0] in ("his", "her", "its", "their") and "NOUN" in pos_of(tokens[owner][0]) \
                and not overlaps(tokens[owner][1:], skip) else borne_until  # "her hair in a bun": the hair's; not
            # "Pepper in a little raincoat", "from the band in a leather jacket"
            continue
        if tok in _DETAIL_INTRO or tok == "but":  # "by the lake but the yellow wheels one": the place ends
            in_place = False
            continue
        if tok in ("front", "back") and i and tokens[i - 1][0] in ("out", "round", "around"):
            continue  # "the corals out front", "round the back": where, as people say it; no description's "in front of"
        if tok in ("mine", "ours", "yours", "hers", "theirs", "own"):
            continue  # "the pet of ours", "my own one": whose, never a detail of a description
        if tok in ("after", "before", "until", "till", "past"):  # "lit up after dark": when, not what it has
            in_place = i + 1 < len(tokens) and tokens[i + 1][0] in _TIMES_OF_DAY or tok == "past"  # "chasing a ball
            # past the red car": where it runs
            continue
        previous = tokens[i - 1][0] if i else ""
        if tok in ("missing", "lacking"):  # "where he's missing a toe": what a version lacks, not what it does
            in_place = False
            if stem(tok) in detail_words and not overlaps((start, end), skip):
                found.append((stem(tok), (start, end)))
            continue
        modified = i > 1 and tokens[i - 2][0] in _BEFORE_MODIFIER and "ADJ" in pos_of(previous) and "NOUN" in pos_of(tok)
        if len(tok) > 4 and tok.endswith("ing") and tok not in COLOURS and previous not in _BEFORE_MODIFIER and not modified:
            in_place = True  # "juggling paintbrushes": what it does; "the racing stripes", "the new casing" are details
            continue
        if tok.endswith("ed") and previous in ",;:" and "VERB" in pos_of(tok):
            in_place = True  # "..., printed on a t-shirt": a participle clause says what the picture shows
            continue
        if tok in CHECKPOINT_VERBS or tok in _STATES or tok in _HAVING:
            continue  # "whatever i trained in october": about the checkpoint, not a detail ("train"); "asleep";
            # "when he wore glasses": the glasses tell, not the wearing
        if past_form(tok) and i + 1 < len(tokens) and tokens[i + 1][0] in LOCATIVES | _PARTICLES | _ATTACHED_TO:
            continue  # "the logo printed on a tote bag", "lit up at night", "chained to a railing": what the picture
            # does with it, not the "paw print" version, the "light-bulb" one nor "rust on the chain"
        if i + 1 < len(tokens) and tokens[i + 1][0] in ("'", "’") and tok.endswith("s"):
            continue  # "one of the kids' toys": whose they are, the group's; not a word one description has
        if number_value(tok) is not None and not tok.isdigit() and following and re.match(r"[a-z]", following) \
                and (stem(tok), stem(following)) not in detail_pairs and "NOUN" in pos_of(following):
            continue  # "a cake with three candles": how many of another thing, not the "three-tier" of a description
        if tok in ("a", "an") and start < borne_until:
            continue  # "her hair in a bun": how a thing the descriptions name is worn
        if tok in ("a", "an"):  # "chasing a yellow ball": another thing in the picture; "with a collar": a detail;
            in_place = i == 0 or tokens[i - 1][0] not in _DETAIL_INTRO and not (  # "as a kitten"; not "as a
                tokens[i - 1][0] == "as" and not any(overlaps((s, e), skip) for _, s, e in tokens[i + 1:i + 5]))  # classical
            # oil painting", a style
            continue
        if in_place or overlaps((start, end), skip):
            continue
        if (tok in COLOURS or "ADJ" in pos_of(tok)) and previous in ("a", "an") and following \
                and re.match(r"[a-z]", following) and "NOUN" in pos_of(following) and stem(following) not in detail_words \
                and following not in COLOURS:
            continue  # "wearing a yellow raincoat", "a tiny crown": the look of a thing no description has
        word = stem(tok)
        if word not in detail_words and tok in INFORMAL and " " not in INFORMAL[tok]:
            word = stem(INFORMAL[tok])  # "the tortoiseshell specs" for "tortoiseshell glasses"
        if word not in detail_words and normalize_noun(INFORMAL.get(tok, tok)) in YOUNG and "young" in detail_words:
            word = "young"  # "Bramble as a puppy", "the pup one" for "young and glossy"
        if word not in detail_words and tok.endswith("y") and len(tok) > 4 and stem(tok[:-1]) in detail_words:
            word = stem(tok[:-1])  # "the snowy one" for "under snow", "rusty" for "a rust spot"
        if word not in detail_words and len(word) > 3 and stem(word + "y") in detail_words and "NOUN" in pos_of(tok):
            word = stem(word + "y")  # "with his curls" for "curly hair", "the frills" for "frilly"
        if word not in detail_words and len(tok) > 4 and stem(f"re{tok}") in detail_words:
            word = stem(f"re{tok}")  # "the painted one" for "repainted pastel blue"
        if word not in detail_words and len(tok) > 6 and tok.endswith("less") and stem(tok[:-4]) in detail_words:
            word = stem(tok[:-4])  # "collarless": about the collar, read as its lack by the caller (`lacks_detail`)
        if word not in detail_words and len(tok) > 6 and tok.startswith("un") and tok.endswith(("ed", "en")) \
                and stem(tok[2:]) in detail_words:
            word = stem(tok[2:])  # "unshaved", "unpainted": before the deed, read as its lack as "collarless" is
        if word not in detail_words:  # "without the glasses" for "round spectacles", "not the rebuilt one" for
            # "the rebuild"; a noun only where a detail is said ("from the band" is no stripe)
            said = i > 0 and any(t in _DETAIL_INTRO or t in _NEGATION_WORDS for t, _, _ in tokens[max(0, i - 3):i])
            word = next((stem(w) for w in same_thing_words(tok) if stem(w) in detail_words
                         and (said or "VERB" in pos_of(w))), word)
        if word not in detail_words:
            word = colour_kin(tok, detail_words) or word  # "the purple shirt" for "the lilac polo"
        if word not in detail_words and tok not in COLOURS and i > 0 \
                and any(t in _DETAIL_INTRO or t in _NEGATION_WORDS for t, _, _ in tokens[max(0, i - 3):i]):
            word = next((stem(w) for w in sibling_words(normalize_noun(tok)) if stem(w) in detail_words), word)
            # "without the blanket" for "under a granny-square throw": a thing of the same small kind
        if word not in detail_words and tok in _COUNT_WORDS and _COUNT_WORDS[tok] in detail_words:
            word = _COUNT_WORDS[tok]  # "the single-colour linocut" for "in one colour"
        if word not in detail_words and len(tok) >= 5 and not is_english(tok):
            word = _misspelt_detail(tok, detail_words) or word  # "not the mosiac one"
        following = normalize_noun(tokens[i + 1][0]) if i + 1 < len(tokens) else ""
        if following in SCENE_WORDS and following != normalize_noun(tok) and not overlaps(tokens[i + 1][1:], skip) \
                and not _modifies_noun(tokens, i + 1, detail_words):
            continue  # "with a red background", "under a grey sky": what the scene looks like; not "the autumn park"
        scene = normalize_noun(tok) in SCENE_WORDS and start >= worn_until and not _modifies_noun(tokens, i, detail_words) \
            and following not in ("one", "version")  # "the sunset one": the version whose description has the sunset
        if len(tok) < 3 and not word.isdigit() or tok in STOPWORDS or scene or normalize_noun(tok) in MODEL_WORDS \
                or tok in STYLE_WORDS or tok in TRAILING or tok in REQUEST_VERBS or word in _REQUEST_LEMMAS \
                or word not in detail_words or tok in ASPECT_ADVERBS or tok in _PARTICLES:  # "when it was still
            # white": no look; "out in the rain": where
            continue
        if not tok.endswith("ed") and _other_kind_of(previous, detail_words):
            continue  # "wearing a santa hat" when a version has a straw hat: another hat, in the picture
        found.append((word, (start, end)))
    return found
