"""Intent parsing: what a request asks of the repository, and what it asks of the picture.

    "paint my dog from last week on a beach"
      subject   → "my dog" (possessive, term "dog")      selection cue + picture
      time      → "last week" (created or used)          selection cue only
      content   → "paint my dog on a beach"               what retrieval and the image see

Selection cues (time, version, ordering, "model/build/checkpoint") are found by
span so `mapping` can drop them from the image prompt and keep every other word.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from agent.conversation import (ASIDE, EXCEPT, RELAYED_VERB, CLAUSE_BREAK, EMOJI, FRAME, PLACE_WORDS, PURPOSE_NOUNS, conversation_clauses,
                                inner_spans,
                                label_clauses, overlaps, pos_of)
from agent.constraints import (ASPECT_ADVERBS, CHECKPOINT_VERBS, CORRECTION, NOT_WANTED, REQUEST_VERBS, TRAILING, chatter_spans,
                               colour_kin, detail_candidates, find_kinds, find_ordinal_one, find_position, find_relative, lacks_detail,
                               names_change, negation_scopes)
from agent.lexicon import (COLOURS, COMPANIONS, HYPERNYMS, INFORMAL, is_english, kin_word, misspelt_common, number_value, ordinal_value,
                           lexname, past_form, stem, wordnet_relation, wordnet_senses)
from agent.mention import DETERMINED_BEFORE, PRONOUNS, Intent, Mention, on_body_of
from agent.timeexpr import MONTHS, SEASONS, USED_OPEN, USED_PLAYING, dated, find_time
from agent.unknown import (TITLE, kin_of_kin, kin_of_name, kinds_of, locative_before, mention_ids, name_head,
                           name_word_before_other_thing, partial_of_another_kind, possessed,
                           resolve_unknown, role_before_name, apposed_relation, titled_person, unknown_beside_subject,
                           unknown_by_apposition, unknown_from_subject)
from agent.vocab import (YOUNG_KINDS, DEFINITES, GENERIC, GROWN_READING, IN_LAW, INDEFINITES, LOCATIVES, MODEL_WORDS, MODIFIERS,
                         POSSESSIVES, SCENE_WORDS, SOFT_PHOTO_WORDS, STYLE_SYNONYMS, STYLE_WORDS, Vocabulary, fold_accents,
                         normalize_noun, normalize_phrase, singular)
from repo_store.schema import MAX_VERSION
from repo_store.text import STOPWORDS

_NP_STARTS = POSSESSIVES | DEFINITES | INDEFINITES | {"some", "another", "two", "three"}
_TOKEN = re.compile(r"<[^<>\s]+>|[a-z0-9]+(?:['’][a-z]+)?|[^\sa-z0-9]")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
# "of the two", "of both", "of my ...": the group an ordering word picks from
_OF_THE_GROUP = r"\s+of\s+(?:(?:the\s+(?:two|three)|both(?:\s+of)?)\s+|(?=(?:my|our|the|all|his|her|their|[a-z]+['’]s)\b))"
_THEIR_OWN = r"(?<!\bhis\s)(?<!\bher\s)(?<!\bits\s)(?<!\btheir\s)"  # "on her first bike": hers, not the checkpoint's
# "as a pup", "as a wee kitten": right before a word saying what the subject was then
_AS_A = re.compile(r"\bas\s+an?\s+(?:(?:little|young|tiny|baby|wee|small)\s+|(?P<look>[a-z]+)\s+)?$")
# after a subject word, a version named by it: "the puppy version of the dalmatian", "sparky, the pup one"
_AGE_ONE = re.compile(r"\s+(?:version|one|days|era|phase)\b")
# "the latest (raleigh) minus one": counted back from the newest
_MINUS_ONE = re.compile(r"\s+(?:[\w'-]+\s+){0,2}?((?:minus|less)\s+(?:one|1))\b")
ORDERING_PATTERNS = (
    # "the older of the two", "the first of my dogs": before the bare words, so the whole phrase is the cue
    ("oldest", r"(?<!before\s)(?<!after\s)" + _THEIR_OWN + r"\b(?:first|earliest|oldest|older|earlier|former)" + _OF_THE_GROUP),
    ("latest", r"(?<!before\s)(?<!after\s)" + _THEIR_OWN + r"\b(?:newest|latest|last|latter|newer|later|most\s+recent)" + _OF_THE_GROUP),
    ("oldest", r"\b(?:(?:came|come|comes|was\s+made|were\s+made|got\s+made|was\s+trained)\s+first|(?:is|was)\s+(?:the\s+)?"
               r"(?:oldest|earliest)(?=\s*(?:[,.;:!?]|$)))\b(?!\s+(?:in|at|place|prize)\b)"),  # "whichever Biscuit came first"
    ("latest", r"\b(?:(?:came|come|comes|was\s+made|were\s+made|got\s+made|was\s+trained)\s+last|(?:is|was)\s+(?:the\s+)?"
               r"(?:newest|latest|most\s+recent)(?=\s*(?:[,.;:!?]|$)))\b(?!\s+(?:in|at|place)\b)"),  # "whichever is newest,"
    ("previous", r"\b(?:previous|prior|the one before|second (?:newest|latest|most recent)|older one|old (?:one|version))\b"
                 r"|\b(?:version|one|build|checkpoint|thing|made|trained|did|created)\s+(?:just\s+|right\s+)?before\s+"
                 r"(?:the\s+|my\s+|our\s+)?(?:newest|latest|last|current|most\s+recent)(?:\s+one)?\b"
                 r"|\b(?:like|as|the\s+way)\s+(?:it|he|she|they)\s+(?:used\s+to\s+(?:be|look)|(?:was|were)\s+before)\b"
                 r"|\b(?:one|a)\s+(?:version|step|build)\s+(?:back|older|earlier)\s+(?:from|than)\s+(?:the\s+)?"
                 r"(?:newest|latest|last|current)(?:\s+one)?\b"),
    ("latest", r"\b(?:i|we|you)\s+(?:have\s+|['’]ve\s+)?(?:trained|made|created|built|uploaded|added|did)\s+(?:most\s+)?(?:last|latest|"
               r"most\s+recently|recently)\b"),
    ("latest", r"\b(?:(?:my|our)\s+(?=(?:very\s+)?(?:latest|newest)\s+(?:model|checkpoint|lora|thing|one)s?\b))?"
               r"(?:very\s+)?(?:latest|newest|most recent|most recently \w+|recent|recently|last one|current|updated|newer|new)\b"),
    ("latest", r"\b(?:the\s+)?(?:last|final)(?=\s+(?:\w+\s+)?(?:model|build|version|checkpoint|lora|one|thing)\b)"),
    ("oldest", r"\b(?:i|we|you)\s+(?:have\s+|['’]ve\s+)?(?:trained|made|created|built|uploaded|added|did)\s+"
               r"(?:the\s+)?(?:first|earliest|before\s+(?:all\s+)?the\s+others)\b(?!\s+(?:time|of)\b)"),
    ("oldest", r"\b(?:like|as|how|the\s+way)\s+(?:he|she|it|they)\s+(?:was|were|looked|used\s+to\s+look)\s+(?:the\s+first\s+time|"
               r"at\s+first|originally|in\s+the\s+beginning|when\s+[^,.;:!?]*?\b(?:first|originally)\s+[^,.;:!?]*)"),  # "Biscuit
    # like she was the first time", "the shopfront the way it looked when the sisters first opened"
    ("oldest", r"\bnumero\s+uno\b"),  # "cottage numero uno in autumn"
    ("oldest", r"\bwhen\s+(?:he|she|it|they)\s+(?:was|were)\s+(?:just\s+|newly\s+)?(?:born|hatched|new|newborn)\b"),  # "pepper
    # but when she was just born"
    ("oldest", r"\bwhen\s+(?:we|i)\s+first\s+(?:got|had|adopted|bought|met|brought\s+(?:\w+\s+)?home|took\s+(?:\w+\s+)?in|"
               r"trained|made|did|created|tried)"
               r"(?:\s+(?:him|her|it|them))?\b"),  # "koda when we first got him": as he was then
    ("oldest", _THEIR_OWN + r"\b(?:oldest|earliest|original|initial|og|very first|first[\s-]ever|first one|"
               r"first\s+(?:try|go|attempt|shot|stab)|older|earlier)\b"
               r"(?!\s+(?:than|this|today|tonight|in\s+the|on)\b)"),  # "earlier this month": a time, not an order
    ("oldest", r"\b(?:first|1st|former)(?=\s+(?:\w+\s+)?(?:model|build|checkpoint|lora|one|version|thing)\b)"),
    ("latest", r"\blatter(?=\s+(?:\w+\s+)?(?:model|build|checkpoint|lora|one|version)\b)"),
    ("latest", r"(?<=\bthe\s)later\b(?!\s+(?:than|on|in|that|this|today|tonight|years?|days?|life)\b)"),  # "the later Marta"
)
# what closes a superlative without naming anything: "the oldest checkpoint of all", "the newest one ever"
_SUPERLATIVE_TAIL = re.compile(r"(?:\s+(?:checkpoints?|models?|ones?|versions?|builds?|loras?|things?))?"
                               r"\s+(of\s+(?:them\s+)?all(?:\s+time)?|of\s+the\s+lot|ever|(?:that\s+|which\s+)?(?:i|we)"
                               r"(?:\s+have|['’]ve(?:\s+got)?|\s+own|\s+got))\b")  # "the newest checkpoint i have"
# what an order said with its maker stands for: "the thing (i made most recently)"
_MADE_BY_WHOM = re.compile(r"\b(?:the|that)\s+(?:thing|one|checkpoint|model|lora)\s+(?:(?:that|which)\s+)?$")
# an order said of one thing's versions: "the newest version of the pet", "the latest model of my dog"
_VERSION_OF_ONE = re.compile(r"\s+(?:version|one|iteration|build|checkpoint|model|lora|take)\s+of\s+(?:the|my|our|his|her|their|that)\s+"
                             r"(?:[a-z-]+\s+)?([a-z]+)\b(?!['’])")
# words that continue a cue to its right ("April-trained version", "yesterday's"); "in" after a cue starts content
CUE_CONTINUATIONS = frozenset("- trained created made built fine-tuned finetuned tuned 's version one thing checkpoint "
                              "either of that which was were i we you used ran tried ever".split())
USAGE = re.compile(r"\b(?:(?:most\s+)?recently\s+used|last\s+used|used\s+(?:it\s+)?(?:most\s+recently|the\s+most|last)"
                   r"|(?:i|we)\s*(?:['’]ve|\s+have)?\s+been\s+using|(?:i|we)\s+(?:was|were|am|are|['’]m|['’]re)\s+using"
                   r"|(?:was|were|am|are|have)\s+(?:i|we)\s+(?:been\s+)?using"  # "what was I using most recently?"
                   r"|(?:i|we)\s+(?:use|used)\s+(?:the\s+)?most|(?:i|we)\s+(?:always|usually)\s+use"
                   r"|(?:what|which)(?:\s+one)?\s+did\s+(?:i|we)\s+(?:use|run|try)\s+(?:last|most\s+recently)"  # "what did I use last?"
                   r"|(?:last|(?:most\s+)?recent|latest)\s+(?:\w+\s+)?(?:(?:that|which)\s+)?(?:i|we)\s+(?:have\s+|['’]ve\s+)?"
                   r"(?:used|ran|tried|loaded|generated\s+with)"
                   r"|(?:i|we)\s+(?:last\s+|most\s+recently\s+)?(?:had|have|['’]ve\s+had)\s+" + USED_OPEN  # "the last
                   # thing i had open", "the checkpoint i last had open"
                   + r"|(?:i|we)\s+(?:was|were|['’]ve\s+been|have\s+been)\s+" + USED_PLAYING + r")\b")
# "when it was still white", "when she was still green", "back when its walls were white": the version's time, its
# detail follows; the clause is a cue and leaves the prompt
BACK_WHEN = re.compile(r"\b(?:(?:back\s+)?when|once)\s+(?:it|she|he|they)\s+(?:still\s+)?"
                       r"(?:was|were|had|wore|used\s+to\s+(?:be|have|wear))(?:\s+still)?\b"
                       r"|" + r"\b(?:(?:back\s+)?when|once)\s+(?:it|she|he|they)(?:['’]d)?\s+(?P<first>first|just|had\s+just)\s+"
                       r"(?:got|had|wore|put\s+on|gained|grew)\b"  # "when he first got his collar": the oldest with it
                       r"|\b(?:the\s+)?(?P<first_time>first|very\s+first)\s+time\s+(?:it|she|he|they)\s+"
                       r"(?:had|wore|got|put\s+on|was)\b"
                       r"|\bback\s+when\s+(?:i|we)\s+(?:still\s+)?"  # "me back when i had braces"
                       r"(?:was|were|had|wore|used\s+to\s+(?:be|have|wear))(?:\s+still)?\b"
                       r"|\b(?:back|from)\s+when\s+(?:(?:the|its|his|her|their|my|our)\s+[a-z]+|there)\s+"
                       r"(?:still\s+)?(?:was|were|had)(?:\s+still)?\b")  # "back when the pegboard was green", "from
# when there were only six"
# the speaker asking which checkpoint it was: "what did i train in december?", "which one did we make"
ASKED_WHICH = re.compile(r"\b(?:what|which)(?:\s+one)?\s+(?:did|have|had)\s+(?:i|we)\s+(?:\w+\s+)?"
                         r"(?:train|make|create|build|use|upload)(?:ed)?\b"
                         r"|\buse\s+(?:that|this|it)(?:\s+one)?\b")  # "... ? use that one on a hill"
# a bracketed aside that only tells versions apart: "(the collar one)", "(newest version)"
# a detail that names the checkpoint when no subject does: "the one with our logo on it"
_ONE_WITH = re.compile(r"\b(?:the|that)\s+(?:one|version|model|checkpoint)\s+(?:with|wearing|that\s+has)\b")
# ", the autumn one,", ", the one in the floral apron,", "— the old one —", ": the yellow one,": an aside that picks a
# version
# ", the blond one with the earring,", "... but the yellow wheels one", ". He's the shepherd one."
CUE_APPOSITION = re.compile(r"(?:(?<=[,:])|(?<=[.!?;])(?!\s*that\b)|\s[-–—](?=\s)|\s+but(?=\s)"
                            r"|(?:^|(?<=[.!?;]))\s*(?:he|she|it|they)(?:['’]s|\s+is|['’]re|\s+are))"
                            r"\s*(?:the|that)\s+(?:[a-z'-]+\s+){0,3}(?:one|version)\b(?:\s+(?:with|in|wearing|from|that|which|"
                            r"without|where|when)\b(?:(?!\s[-–—])[^,.;:!?()])*)?"
                            r"(?:\s+(?:but|and)(?=\s+not\b))?"
                            r"\s*(?=[,.;:!?]|\s[-–—]|\s+not\b|$)")  # "..., the plain red one not the ..."
# a sentence of its own that only tells versions apart: "ok. diesel. red bandana one. sitting in ..."
CUE_SENTENCE = re.compile(r"(?:^|(?<=[.!?;]))\s*(?:the\s+|that\s+)?(?!(?:a|an)\s)(?:[a-z'-]+\s+){1,3}(?:one|version)\s*"
                          r"(?:please\s*|pls\s*)?[.!?;]")
CUE_ASIDE = re.compile(r"\((?=[^()]*\b(?:one|version|build|model|checkpoint|lora|dreambooth|v\d+)\b)[^()]{0,80}\)")
# a relative clause right after the subject that says the speaker made the checkpoint ("the dog i ever trained")
MADE_CLAUSE = re.compile(r"\s+(?:that\s+|which\s+)?(?:i|we|she|he|they)(?:['’](?:ve|d)|\s+(?:have|['’]ve|had|['’]d|ever|first|once|"
                         r"just|originally|actually|already))*\s+(?:trained|made|created|built|uploaded|fine-?tuned|tuned|"
                         r"added|finished|completed)\b(?!\s+(?:a|an|the|some|him|her|it|them|this|that)\b)")
# the request said of the subject: "if rex could be shown swimming", "rex can be drawn"
PASSIVE_REQUEST = re.compile(r"\b(?:could|can|would|might|may)\s+(?:also\s+|maybe\s+|please\s+)?be\s+"
                             r"(?:shown|drawn|painted|made|rendered|pictured|done|generated|created)\b")
CONNECTORS = frozenset("just only but though from the using use used with of my our in on whatever whichever trained created "
                       "made built fine-tuned finetuned finished completed "
                       "tuned that which was were 's - by at version i we you ran tried one ever either back something "
                       "anything so thats who whos".split())


# slips of the commonest short words, letters swapped ("teh budgy"): read as the word, the length kept
SWAPPED = {"teh": "the", "hte": "the", "adn": "and", "nad": "and", "taht": "that", "wiht": "with", "iwth": "with",
            "waht": "what", "jsut": "just", "yuo": "you", "fomr": "from", "mroe": "more"}
_SWAPPED_RE = re.compile(r"\b(?:" + "|".join(w for w, fix in SWAPPED.items() if w != fix) + r")\b")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    low = low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = fold_accents(low)  # "tomás" and "tomas" alike
    low = _UNDERSCORE.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", low)  # "dusk_v2"
    return _SWAPPED_RE.sub(lambda m: SWAPPED[m.group(0)], low)


_UNDERSCORE = re.compile(r"<[^<>\s]+>|(?<=[^\W_])_(?=[^\W_])")  # a trigger keeps its own spelling


def _pet_called(intent: Intent) -> Intent:
    """A companion word right after an animal's word ("our rat lad", "the dog buddy") is what the asker calls it: no
    person of the repository, and no picture word (not "the shop guy", "the clinic pet": whose they are)."""
    for o in [o for o in intent.mentions if o.text.lower() in COMPANIONS - {"pet"} and not o.negated]:
        if any(m is not o and 0 <= o.start - m.end <= 1 and m.kind != "trigger" and not m.negated
               and lexname(m.term) == "animal" for m in intent.mentions):
            intent.mentions = [m for m in intent.mentions if m is not o]
            intent.cue_spans.append((o.start, o.end))
    return intent


# what closes a ruled-out thing without saying more of it: "(the blanket) thing on it", "(the hat) bit on top"
_ITEM_TAIL = re.compile(r"\s*(?:(?:thing|things|stuff|bit|bits)\b\s*)?(?:(?:on|over|around|round)\s+(?:it|him|her|them|top)\b)?"
                        r"[\s,.!]*")


def parse_intent(request: str, now: date, vocab: Vocabulary) -> Intent:
    """Parse `request` against the repository's vocabulary, relative to `now`.

    Clauses around the picture (a backstory, a comment, thanks: `conversation.label_clauses`) are read
    once the phrases that name the repository are known; the request is then parsed again with them
    blanked, so their time words and nouns select nothing, and they leave the prompt. When that loses
    the subject the first reading stands (picture content is never lost)."""
    intent = _pet_called(_named_again(_wished_self(_read_in_context(_respelt(_hyphened(_style_ish(_unshouted(request)), vocab), vocab),
                                                        now, vocab))))
    styled = vocab.subjects.get("style", set())  # "a house in the dusk palette": a style draws the house
    intent.style_terms = [m.term for m in intent.mentions if (ids := mention_ids(m, vocab)) and ids <= styled]
    return intent


# the words a request's cues and chatter are made of, whose slips ("whatevr", "versoin", "newst") would otherwise
# read as a subject the repository lacks
_CUE_WORDS = ("whatever whichever something anything everything version checkpoint latest newest oldest earliest "
              "recent recently previous please thanks yesterday trained created without except").split()


def _unshouted(request: str) -> str:
    """`request` with words written in capitals for emphasis lowered ("NOT in the winter coat", "ISN'T the pixel
    one", "OBSESSED"): a capital reads as a name's, and these are English words, not names."""
    def lower(m: re.Match) -> str:
        word = m.group(0)
        contraction = "'" in word or "’" in word  # "ISN'T"
        return word.lower() if contraction or len(word) >= 3 and is_english(word.lower()) else word  # not "TI"
    return re.sub(r"(?<![<\w-])[A-Z]{2,}(?:['’][A-Z]{1,2})?(?![\w>-])", lower, request)


def _style_ish(request: str) -> str:
    """`request` with a style word's "-y" or "-ish" ending taken off: "when it was still watercolour-y" is the
    watercolour look."""
    return re.sub(r"\b([A-Za-z]{4,})-(?:y|ish|esque)\b",
                  lambda m: m.group(1) if m.group(1).lower() in STYLE_WORDS else m.group(0), request)


def _hyphened(request: str, vocab: Vocabulary) -> str:
    """`request` with a compound the repository writes hyphenated joined as written ("the glow in the dark jugs" of
    "re-poured in glow-in-the-dark green"): its words are one word there, not a subject and a place."""
    for spaced in vocab.compounds_in(set(re.findall(r"[a-z]+", request.lower()))):
        joined = vocab.compounds[spaced]
        request = re.sub(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, spaced.split())) + r"(?![\w-])",
                         joined, request, flags=re.I)
    return request


def _respelt(request: str, vocab: Vocabulary) -> str:
    """`request` with each slip of a cue word respelt: a word English does not know, that names nothing in the
    repository and is one edit (rapidfuzz's optimal string alignment: a swap counts once) from a cue word."""
    def fix(m: re.Match) -> str:
        word = m.group(0).lower()
        if is_english(word) or vocab.typo_of(word) is not None or word in vocab.names or word in vocab.subjects:
            return m.group(0)
        near = process.extractOne(word, _CUE_WORDS, scorer=OSA.distance, score_cutoff=1)
        if near is None or len(word) < 5 and not near[0].startswith(word[:2]):
            return m.group(0)
        return near[0].capitalize() if m.group(0)[:1].isupper() else near[0]
    return re.sub(r"(?<![<\w-])[A-Za-z]{4,}(?![\w>-])", fix, request)


# someone named asking for a picture of themselves: "Gus wants himself on a stage", "dev wants a pic of himself
# skydiving": the reflexive stands for the subject, and the sentence up to it leaves the prompt
_WISHED_SELF = re.compile(r"\b(?:wants?|wanted|would\s+(?:like|love)|asked\s+(?:me\s+)?for|(?:is|was)\s+asking\s+for)\s+"
                          r"(?:(?:a|an)\s+(?:new\s+)?(?:picture|pic|photo|image|drawing|painting|portrait)\s+of\s+)?"
                          r"(?P<self>himself|herself|themselves|themself)\b")


def _wished_self(intent: Intent) -> Intent:
    subject, text = intent.subject, _lower_same_length(intent.request)
    wish = _WISHED_SELF.search(text)
    if wish is None or subject is None or intent.pronoun is not None or subject.end > wish.start():
        return intent
    opens = max([m.end() for m in re.finditer(r"[.!?]+\s+", text[:subject.start])] + [0])
    intent.cue_spans.append((opens, wish.start("self")))
    intent.pronoun = wish.span("self")
    return intent


# a sentence ends: a full stop, "!" or "?", an emoji; a dash or a colon opens a piece of its own
_SENTENCE_END = re.compile(r"[.!?" + EMOJI + r"]+\s+|\s[-–—]+\s+|:\s+")


# what a speaker does to a checkpoint (`constraints.CHECKPOINT_VERBS` and more): a time beside one of these says when
# it was made or used
_CHECKPOINT_DEEDS = CHECKPOINT_VERBS | frozenset("did tuned generated added saved ran tried had got put set".split())


def _story_time(text: str, span: tuple[int, int]) -> bool:
    """Whether a time closes a clause that tells what happened with a verb of its own in the past ("lost her front
    tooth last week", "broke his arm last month"), not what the speaker did with a checkpoint ("trained last week")."""
    opens = max([m.end() for m in CLAUSE_BREAK.finditer(text, 0, span[0])] + [0])
    words = re.findall(r"[a-z][a-z'-]*", text[opens:span[0]])
    after = re.match(r"(?:['’]s)?\s*([a-z]+)", text[span[1]:])
    pointed = any(w in ("i", "we") and any(x in _POINTING for x in words[:n]) for n, w in enumerate(words))
    if pointed or any(w in _CHECKPOINT_DEEDS or w in MODEL_WORDS or w in ("one", "version") for w in words) \
            or after and (after[1] in MODEL_WORDS or after[1] in ("one", "ones")) or _BACK_THEN.search(text):
        return False  # "make her from last year's version", "whatever I opened on April 14", "the model from then"
    return any(past_form(w) and ("ADJ" not in pos_of(w) or words[n] in _DOER_BEFORE) and words[n] not in _NP_STARTS
               for n, w in enumerate(words[1:]) if w not in _MODALS)  # "the shed from last june": a noun after its
    # determiner; "my dad finally retired last week": a verb after "finally", though "retired" may be an adjective


_DOER_BEFORE = frozenset("finally just recently already only he she they we i it who".split())


_BACK_THEN = re.compile(r"\b(?:from|since|back)\s+then\b|\bat\s+that\s+time\b")
# "whatever I opened on April 14", "the thing we played with on sunday": a checkpoint pointed at, then what was done
# with it ("i finally landed a tre flip on Scuffy yesterday" is a story)
_POINTING = frozenset("whatever anything something thing things one ones which that whichever checkpoint model".split())
_MODALS = frozenset("could would should might must was were had did".split())


_IN_COLLECTION = re.compile(r"\s*,?\s*\b(?:in|of|from|out\s+of|among)\s+(?:all\s+(?:of\s+)?)?(?:my|our|the)\s+"
                            r"(?:whole\s+|entire\s+|little\s+)?(?:collection|library|repo|repository|stash|lot|"
                            r"checkpoints|models|bunch)\b")
_BETWEEN_VERSIONS = re.compile(r"\b(?:the|that)\s+(?:one|version)\s+(?:in\s+)?between\s+(?:the\s+)?(?:[a-z0-9'-]+\s+){0,3}?"
                               r"(?:one|version|v\d+)\s+and\s+(?:the\s+)?(?:[a-z0-9'-]+\s+){0,3}?(?:one|version|v\d+)\b")
_BETWEEN_NUMBERS = re.compile(r"(?:\b(?:the|that)\s+(?:one|version)\s+(?:in\s+)?)?\bbetween\s+(?:the\s+)?(?:v|version\s*|#)"
                              r"(?P<a>\d+)\s+and\s+(?:the\s+)?(?:v|version\s*|#)(?P<b>\d+)\b")
# a day of the speaker's own said right before its date: "on my birthday (15th of March)", "our anniversary, 3 May"
_OWN_DAY = re.compile(r"\b(?:(?:the\s+one\s+)?(?:i|we)\s+(?:made|trained|created|built|did)\s+)?(?:on|for|from|at)\s+"
                      r"(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:birthday|bday|anniversary|wedding\s+day|graduation|"
                      r"name\s+day|retirement|first\s+day)\s*[(,:–—-]?\s*$")
_SET_APART = re.compile(r"\s*(?:[,:;]|\s[-–—]+)\s*$")
# a clause about the checkpoint after its name: "the Rex I had loaded on Saturday", "the one we trained in May"
_ABOUT_CHECKPOINT = re.compile(r"\s+(?:(?:that|which)\s+)?(?:i|we)(?:['’]d)?\s+(?:had\s+|have\s+|was\s+|were\s+)?"
                               r"(?:\w+ly\s+)?(?:used|using|loaded|trained|made|ran|picked|had|uploaded|created|built)\b")


def _named_again(intent: Intent) -> Intent:
    """A subject named in a story, then again after a request in a later sentence: "dad shaved off his beard
    last winter 😂 can you do new dad in a hawaiian shirt": the request's naming is the picture's subject, and
    the story before it leaves the prompt (as it does before "can you do him ...")."""
    first, text = intent.subject, _lower_same_length(intent.request)
    if first is None or intent.pronoun is not None:
        return intent
    for again in intent.mentions:
        if again is first or again.term != first.term or again.negated or again.start <= first.end:
            continue
        apart = _SET_APART.search(text, 0, again.np_start)
        if again.det == "definite" and apart and _ABOUT_CHECKPOINT.match(text, again.end):
            # "Rex chasing pigeons - the Rex I had loaded on Saturday": which Rex, said after the picture
            intent.mentions = [m for m in intent.mentions if m is not again]
            intent.cue_spans.append((apart.start(), again.end))
            return intent
        opens = max([m.end() for m in _SENTENCE_END.finditer(text, 0, again.np_start)] + [0])
        if opens <= first.end:
            continue  # the same sentence: "Rex and Rex's ball"
        frame = FRAME.match(text, opens)
        lead = text[frame.end():again.np_start].split() if frame else None
        if frame is None and re.search(r"(?:\s[-–—]+|:)\s*$", text[:opens]):
            lead = text[opens:again.np_start].split()  # "... wants a picture for the fridge — lotte with the gap"
        if lead is None or len(lead) > 2 or any(w not in MODIFIERS and w not in DEFINITES for w in lead):
            continue
        intent.mentions = [replace(m, scene=False) if m is again else m for m in intent.mentions if m.start >= opens]
        intent.cue_spans.append((0, opens))
        return intent
    return intent


_LOOK_NOUN = r"(?:style|look|edit|filter|preset|vibe|aesthetic)s?\b"  # a word for a look, after a style's name
_LOOK_AFTER = re.compile(r"[\s-]+" + _LOOK_NOUN)


def _drawn_in_style(text: str, mentions: list[Mention], vocab: Vocabulary) -> list[Mention]:
    """"an old man feeding pigeons, slate edit": a style checkpoint named with a look word draws the things said
    with "a"/"an", which are the picture's content, not a subject to choose."""
    styled = any(m.kind in ("name", "partial") and not m.negated and vocab.names.get(m.term)
                 and vocab.names[m.term] <= vocab.style_ids and (_LOOK_AFTER.match(text, m.end) or re.search(
                     r"[\s-]" + _LOOK_NOUN + r"$", text[m.start:m.end])) for m in mentions)  # "the sprinkles look"
    return [replace(m, scene=True) if styled and m.det == "indefinite" and m.kind in ("subject", "synonym", "class")
            else m for m in mentions]


def _someone_did(text: str, m: Mention) -> bool:
    """"the kitten somebody left in a box": who did something to the thing before it, not whom to draw."""
    before = re.search(r"\b([a-z]+)\s+$", text[:m.start])
    after = re.match(r"\s+([a-z]+)", text[m.end:])
    return text[m.start:m.end] in ("someone", "somebody") and before is not None and before[1] not in STOPWORDS \
        and after is not None and past_form(after[1])


def _taken_back(request: str, now: date, vocab: Vocabulary) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """What a correction inside the request takes back ("the van, no wait, the garage"; "Sooty with the cone... no
    wait, the one before the cone"): when the words after it name a thing, all that came before; when they only say
    which version ("the blue one", "she's a lora"), all but the thing named before, which they go on describing.
    Returns what to blank and what to leave out of the picture (that, and "the blue one" itself)."""
    text = _lower_same_length(request)
    fix = next((m for m in reversed(list(CORRECTION.finditer(text))) if text[:m.start()].strip(" ,.!?-–—")
                and text[m.end():].strip(" ,.!?")), None)
    if fix is None:
        return [], []
    if _RESTATED.match(text, fix.end()):  # "Walter from before the beard - I mean when he still shaved": said again
        end = _ASIDE_END.search(text, fix.end()).start()
        return [(fix.start(), end)], [(fix.start(), end)]
    whole = (0, fix.end())
    after = _parse(request, now, vocab, [whole])
    earlier = _parse(request, now, vocab, [(fix.start(), len(text))])
    before = earlier.subject
    unknown = after.unknown_subject
    named = after.subject is not None and not re.match(r"\s+(?:one|version)\b", text[after.subject.end:])  # not "no
    # wait, the grown-up one": which version
    if unknown is not None and before is not None and re.match(r"[\s,]*(?:an?)\s", text[fix.end():]):
        scene = list(re.finditer(r"\b(?:an?)\s", text[before.end:fix.start()]))
        if scene:  # "Pip on a snowy branch, no wait, a snowy fence": the scene's thing is taken back, not Pip
            taken = [(before.end + scene[-1].start(), fix.end())]
            return taken, taken
    if named or unknown is not None and not unknown.split()[0].lower().endswith("ing") and re.match(
            r"[\s,]*(?:(?:the|a|an|my|our|his|her|their|just)\s+)*" + re.escape(unknown.lower()), text[fix.end():]):
        if before is not None and after.subject is not None and not _OWN_SCENE.search(text, after.subject.end) \
                and not _selects(earlier):
            # "Tank in a tiny raincoat - no wait, Pixie, she fits it better": the raincoat goes to Pixie
            taken = [(0, before.end), fix.span()]
            return taken, taken
        return [whole], [whole]  # "my cat, no wait, my iguana"; not "pepper with a ball - sorry i mean chewing a ball"
    which = _WHICH_ONE.match(text, fix.end()) or _NOT_WHICH.match(text, fix.end())
    if before is not None and after.subject is None and which and not _selects(earlier):
        # "Rex sitting by a fireplace, no wait, not the winter coat one": the fireplace stays, only Rex is described
        return [fix.span()], [fix.span(), which.span()]
    mask = _subtract(whole, [(before.start, before.end)] if before is not None else [])
    which = _WHICH_ONE.match(text, fix.end())  # "the green van, sorry, I mean the cream one"
    return mask, mask + ([which.span()] if which else [])


_COUNTED = re.compile(r"\bof\s+(?:the|all|my|our|those|these|his|her|their)\s+(?P<n>two|three|four|five|six|[2-6])\b")


def _selects(intent: Intent) -> bool:
    """Whether a reading says which checkpoint beyond its subject: its selection cues, a detail or an exclusion."""
    return intent.has_selection_cues or bool(intent.details or intent.excluded)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span turned to spaces (offsets stay as they were)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


_FAVOURITE = frozenset("favourite favorite fav fave".split())
# a pronoun ruled out: "any of my dogs except him", "anyone but her"
_EXCEPT_PRONOUN = re.compile(r"\b(?:" + EXCEPT + r"(?:\s+for)?|but|other\s+than|apart\s+from|besides|excluding|not)\s+(him|her|them)\b"
                             r"(?!\s+(?:in|on|at|with|wearing|holding|sitting|standing|doing|being|as)\b)")


def _read_in_context(request: str, now: date, vocab: Vocabulary) -> Intent:
    """The request read twice: whole, then with the clauses around the picture blanked (see `parse_intent`); both
    readings leave out what a correction took back (`_taken_back`)."""
    taken_back, left_out = _taken_back(request, now, vocab)
    intent = _parse(request, now, vocab, taken_back, left_out)
    text = _lower_same_length(request)
    named = [(m.np_start, m.end) for m in intent.mentions if not m.negated and not m.scene]
    first = intent.subject
    asides = [m.span() for m in ASIDE.finditer(text)  # "my daughter (she's 6) wants": an aside inside a clause
              if re.match(r"\s*" + RELAYED_VERB, text[m.end():])]  # splits none (not "Maya here (I'm 14), ...")
    context = label_clauses(_blanked(text, asides), _blanked(request, asides), named,
                            (first.np_start, first.end) if first is not None else None, intent.style_spans)
    if not context.spans and not context.frames and not context.read and first is None \
            and intent.unknown_subject is not None:  # "My son is doing a school project. He wants Rex on a beach": the
        # story's someone took the subject; the one named in another clause may be the picture's
        scene = [m for m in intent.mentions if m.scene and not m.negated and m.kind in ("name", "partial", "trigger")]
        if scene:
            context = label_clauses(_blanked(text, asides), _blanked(request, asides), [(m.np_start, m.end) for m in scene],
                                    (scene[0].np_start, scene[0].end), intent.style_spans)
    if not context.spans and not context.frames and not context.read:
        return intent
    versions_out = replace(intent, excluded=[x for x in intent.excluded if x["field"] not in ("name", "subject")])
    ruled_out = [span for _, scope in negation_scopes(text) for span in _excluded_spans(text, versions_out, scope)]
    ruled_out += [m.span() for m in CUE_APPOSITION.finditer(text)]  # "regatta look, the flat colour one: ...": which
    choosing = [span for span in context.spans if overlaps(span, ruled_out)]  # "red car, whichever one doesn't
    if choosing:  # have stripes, going through a car wash": a clause that rules a version out is read, not drawn
        context.spans = [span for span in context.spans if span not in choosing]
        context.read = context.read + choosing
    subject = intent.subject
    if subject is None and context.antecedent is not None:  # "my son loves our teddy, can you make him …": the
        subject = next((m for m in intent.mentions if not m.negated and not m.scene  # backstory's nameable one
                        and context.antecedent[0] <= m.start < context.antecedent[1]), None)
    elif context.antecedent is not None and text[context.pronoun[0]:context.pronoun[1]] == "it" \
            and "person" in kinds_of(subject, vocab):  # "Our residents spent months sewing the memory quilt. I'd like
        things = [m for m in intent.mentions if m is not subject and not m.negated and m.kind != "trigger"  # to see it
                  and context.antecedent[0] <= m.start < context.antecedent[1]  # folded": "it" is the thing they made
                  and kinds_of(m, vocab) and "person" not in kinds_of(m, vocab)]
        subject = things[0] if len(things) == 1 else subject
    keep = [(subject.np_start, subject.end)] if subject is not None and context.antecedent is not None \
        and context.antecedent[0] <= subject.start < context.antecedent[1] else []
    if keep and context.selects:
        keep = [context.antecedent]
    asides = [m.span() for m in ASIDE.finditer(text) if not overlaps(m.span(), keep)]  # whole, before blanking
    mask = [piece for span in context.spans for piece in _subtract(span, keep)] + context.frames + asides
    dropped = (context.spans + context.frames if context.selects else mask + context.frames) + context.read
    mask, dropped = mask + taken_back, dropped + left_out
    again = _parse(request, now, vocab, mask, dropped)
    if again.subject is None and again.unknown_subject is None \
            and (intent.subject is not None or intent.unknown_subject is not None):
        return intent
    again.context = list(context.spans)
    if again.subject is not None and any(m.term == again.subject.term and overlaps((m.start, m.end), context.spans)
                                         for m in intent.mentions):
        for cue in ("ordering", "position", "version", "kind"):  # "My grandson says to ask for Bruno's first one.
            # Bruno in a toy box": the backstory that names the same one says which of its versions
            if getattr(again, cue) is None and getattr(intent, cue) is not None:
                setattr(again, cue, getattr(intent, cue))
    for ruled in _EXCEPT_PRONOUN.finditer(text):  # "Rex has had enough attention, so any of my dogs except him": the
        named = [m for m in intent.mentions if m.end <= ruled.start() and m.kind in ("name", "partial")  # one the
                 and not m.negated and overlaps((m.start, m.end), context.spans)]  # story named
        if len({m.term for m in named}) == 1 and not any(x.get("value") == named[0].term for x in again.excluded):
            again.excluded.append({"field": "name", "value": named[0].term, "text": ruled[1]})
            again.cue_spans.append(ruled.span())
    if context.pronoun is not None and again.subject is not None and again.subject.end <= context.pronoun[0]:
        again.pronoun = context.pronoun
    return again


_MEASURE_OF = re.compile(r"\b([a-z]+)\s+of\s+([a-z]+)\b")


def _measure_of(text: str, request: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                mentions: list[Mention], taken: list[tuple[int, int]], intent: Intent) -> list[Mention]:
    """"a wheel of cheese" is the "cheese wheel" a repository lists; "a wheel of parmesan", when its wheels are
    of another cheese, is a thing it lacks (WordNet puts parmesan under cheese, no description says parmesan)."""
    starts = {s: i for i, (_, s, _) in enumerate(tokens)}
    for m in _MEASURE_OF.finditer(text):
        head, what = normalize_noun(m.group(1)), normalize_noun(m.group(2))
        if m.start() not in starts or overlaps(m.span(), taken):
            continue
        det, np_start, _ = _determiner(tokens, starts[m.start()], taken)
        compound = f"{what} {head}"
        if compound in vocab.subjects:
            mentions = [x for x in mentions if not overlaps((x.start, x.end), [m.span()])]
            mentions.append(Mention("subject", compound, request[m.start():m.end()], m.start(), m.end(), np_start, det))
            mentions.sort(key=lambda x: x.start)
        elif head in vocab.subjects and what in wordnet_senses() and what not in vocab.subjects:
            ids = vocab.subjects[head]
            own = vocab.subject_terms(ids)
            words = set().union(*(vocab.own_words(i) for i in ids))
            if stem(what) not in words and any(wordnet_relation(what, t) == "above" for t in own):
                mentions = [x for x in mentions if not overlaps((x.start, x.end), [m.span()])]
                intent.unknown_subject = request[m.start():m.end()]
                taken.append(m.span())  # read whole: no word of it names a checkpoint
    return mentions


def _ordinal_part(text: str, m: Mention) -> bool:
    """"the first risograph" beside "Our first flat": an ordinal word of a name, before a word that is not the name's
    next one, counts versions; it does not name the flat."""
    if m.kind != "partial" or not ordinal_value(m.text.lower()):
        return False
    following = re.match(r"[\s-]+([a-z0-9]+)", text[m.end:])
    return following is not None and [following.group(1)] != name_head(m)


_WRITTEN = re.compile(r"\b(?:saying|says|reads|reading|written|writing|words|text|caption(?:ed)?|titled|lettering|slogan)"
                      r"\s*:?\s*((?<![a-z0-9])'[^'\n]{1,80}'(?![a-z0-9])|\"[^\"\n]{1,80}\"|“[^”\n]{1,80}”|‘[^’\n]{1,80}’)")


_PICTURE_OF_OWNER = re.compile(r"(?<=[a-z])['’]s\s+(?:portrait|picture|pic|photo|photograph|painting|drawing|sketch|"
                               r"image|likeness)s?\b")
_MATERIAL_OF = re.compile(r"\b(?:stick|sticks|piece|pieces|box|boxes|tube|tubes|pot|pots|jar|jars|lump|lumps|bag|"
                          r"bottle|tin|set|pack|block|bar|stub)\s+of\s+(?:[a-z]+\s+)?$")


# the kinds of picture a style word may describe: "a vintage photo", "a watercolor painting" stay styles
_PICTURE_KINDS = frozenset("photo photograph picture pic image painting drawing print illustration portrait sketch shot "
                           "style look vibe aesthetic film poster render artwork art version one".split())


def _placed_thing(text: str, m: re.Match) -> bool:
    """A style word that describes a thing where the picture is set: "on a vintage postcard", "in a retro diner"
    (after a place word and an article, before a noun that is no kind of picture nor a style word)."""
    if not re.search(r"\b(?:on|in|at|inside|into|onto|by|beside|next\s+to)\s+(?:a|an|the|some)\s+$", text[:m.start()]):
        return False
    after = re.match(r"\s+([a-z]+)\b", text[m.end():])
    return after is not None and after[1] not in _PICTURE_KINDS and after[1] not in STYLE_WORDS and after[1] not in TRAILING \
        and "NOUN" in pos_of(after[1]) and not after[1].endswith("ing")


_MADE_FOR = re.compile(r"\b(?:a|an|some|new)\s+(?:[a-z-]+\s+){0,2}?(?:sign|card|poster|banner|flyer|label|menu|invitation|"
                       r"logo|sticker|tag|leaflet|placard|notice|ad|advert|post|header)s?\s+for\s+$")


_AS_IT_WAS = re.compile(r"\bas\s+(?:it|he|she|they)\s+(?:was|were|looked|used\s+to\s+look)\s+$")


# "a cat-shaped cushion", "a dog-print mug", "bird-themed wallpaper": the word only says what another thing looks like
_SHAPED = re.compile(r"-(?:shaped|themed|print|printed|patterned|pattern|inspired|motif|eared|faced|like|looking|"
                     r"drawn|pulled|powered|driven|sized|friendly|proof|free)\b")  # "a horse-drawn carriage"


_GENERIC_LEAD = re.compile(r"\s*(?:(?:can|could)\s+(?:you|u)\s+(?:do|make|use)\s+)?(?:anything|something|whatever|whichever|"
                           r"the\s+(?:one|thing|checkpoint|model))\b")


def _generic_lead_end(text: str, chatter: list[tuple[int, int]] = ()) -> int | None:
    """Where the clause of a subjectless lead ("the thing I used yesterday, ...", "Dear, ... could I please have
    whichever one was made in March, ...": past the chatter before it) ends, or None without one."""
    text = _blanked(text, chatter)
    if not _GENERIC_LEAD.match(text):
        return None
    end = re.search(r"[,;:]|\s[-–—]\s", text)
    return end.end() if end else None


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, start = [], span[0]
    for s, e in sorted(holes):
        if e <= start or s >= span[1]:
            continue
        if s > start:
            pieces.append((start, s))
        start = max(start, e)
    if start < span[1]:
        pieces.append((start, span[1]))
    return pieces


def _looks_of(style: str, vocab: Vocabulary) -> list[str]:
    """"magazine look" for a repository's "magazine photo": a word of one style of several words,
    no other style's and no style word itself, before a look word."""
    words = [w for w in style.split() if len(w) > 3 and w not in STYLE_WORDS and w not in GENERIC
             and w not in vocab.name_words and w not in vocab.names  # "pulp look": a word of the name "Pulp covers"
             and not any(w in other.split() for other in vocab.extra_styles if other != style)]
    return [f"{w} {look}" for w in words for look in ("look", "aesthetic")] if " " in style else []


_SAYING = re.compile(r"\b(?:saying|(?:that|which)\s+(?:says|reads)|with\s+the\s+words)\s+(?!['\"“‘])"
                     r"([^,.;:!?()\n]{1,40}?)(?=\s+(?:and|but|so|then|now|while|because|when)\b|[,.;:!?()\n]|$)")


def _parse(request: str, now: date, vocab: Vocabulary, mask: list[tuple[int, int]] = (),
           context: list[tuple[int, int]] = ()) -> Intent:
    """One reading of `request`, with the `mask` spans blanked and the `context` spans dropped from the picture."""
    text = _blanked(_lower_same_length(request), mask)
    text = re.sub(r"\bno[nt]-(?=[a-z])", "not ", text)  # "the not-watercolor Mochi", "non-dreambooth": a negation
    for quoted in _WRITTEN.finditer(text):  # "saying 'open Saturday'": words the picture writes, never cues
        text = _blanked(text, [quoted.span(1)])
    for said in _SAYING.finditer(text):  # "a sign saying fresh bread today": unquoted, to the clause's end
        text = _blanked(text, [said.span(1)])
    for picture in _PICTURE_OF_OWNER.finditer(text):  # "my late cat's portrait": a portrait of the cat (a name's
        if re.search(r"[a-z]+$", text[:picture.start()])[0] not in vocab.name_keys:  # is the name's own business)
            text = _blanked(text, [picture.span()])
    counted = list(_COUNTED.finditer(text))  # "the middle one of the three tortes": how many there are, neither a
    text = _blanked(text, [m.span("n") for m in counted])  # detail nor a name ("of the" stays for the ordinals)
    intent = Intent(request=request, now=now.isoformat())
    intent.cue_spans += [m.span() for m in counted]
    taken: list[tuple[int, int]] = []

    triggers = _find_triggers(text, vocab)
    taken += [(m.start, m.end) for m in triggers]
    chatter = [span for span in chatter_spans(text) + inner_spans(text, vocab.words) if not overlaps(span, taken)]
    chatter += [span for span in chatter_spans(_lower_same_length(request)) if overlaps(span, mask)  # "(sorry, british
                and not overlaps(span, chatter + taken)]  # spelling)": an aside whose first words a reading masked
    scopes = [(cue, scope) for cue, scope in negation_scopes(text)  # "skip rolling in the clover": Skip the dog
              if normalize_noun(text[cue[0]:cue[1]]) not in vocab.names]
    negated_area = [scope for _, scope in scopes]

    relative_spans: list[tuple[int, int]] = []

    def take_relative(found: dict[str, Any]) -> dict[str, Any]:
        span = found["span"]
        if found["details"]:  # "after the new door went in": the clause about the detail, whole
            span = (span[0], _clause_rest(text, span[1], vocab))
        as_was = _AS_IT_WAS.search(text, 0, span[0])  # "the clock as it was before I fixed it"
        span = (as_was.start(), span[1]) if as_was else span
        intent.cue_spans.append(span)
        taken.append(span)
        relative_spans.append(span)
        return {k: v for k, v in found.items() if k != "span"}

    window = find_time(text, request, now, STYLE_WORDS, vocab.name_keys)
    dated_around = [window.span] if window and re.search(r"\b(?:before|after)\b", window.label) else []
    relative = find_relative(text, taken + dated_around, vocab.detail_words)  # "right after easter last year": a time
    inside = relative is not None and any(relative["span"][0] < start < relative["span"][1] for start, _ in negated_area)
    if inside and relative["direction"] == "after" and relative["details"] and not relative.get("bound"):
        relative["event"] = True  # "the version right after the no-collar one": the first that has the collar
    elif relative and overlaps(relative["span"], negated_area) and not relative.get("bound"):
        # "not the one after he lost his tail", "not the old pre-restoration one": the versions on the other side
        relative["direction"] = "before" if relative["direction"] == "after" else "after"
        intent.cue_spans += [(cue[0], relative["span"][0]) for cue, scope in scopes
                             if scope[0] <= relative["span"][0] < scope[1] + 1]  # "but not (the one) after ..."
    relative_end = relative["span"][1] if relative else -1
    if relative:
        intent.relative = take_relative(relative)
        other = find_relative(text, taken, vocab.detail_words)
        if other and other["direction"] != relative["direction"]:
            # "after he got his collar but before the winter coat": the versions between the two
            intent.relative["bound"] = take_relative(other)

    if window and any(w in ("holiday", "holidays", "break", "vacation") and stem(w) in vocab.detail_words
                      for w in window.label.split()):
        window = None  # "the boat from the summer holiday" where a description says so: its detail, not a date
    for span in _seasons_of_descriptions(text, vocab):
        window = None if window and overlaps(window.span, [span]) else window
        if not overlaps(span, negated_area + taken):  # a negated one is read with the other excluded details; "just
            # before the winter one" is the relative's
            intent.details.append(stem(text[span[0]:span[1]]))
    asked = window is not None and window.field != "any" and any(  # "what did I train in february?": a question
        s <= window.span[0] < e and re.search(r"\b(?:i|we)\b", text[s:e]) for s, e in chatter)  # about the checkpoint
    if window and window.field == "any" and _story_time(text, window.span):
        window = None  # "Lotte lost her front tooth last week": when something happened to her, not a checkpoint
    if window and overlaps(window.span, negated_area) and not overlaps(window.span, taken + chatter) \
            and window.start and window.end:  # "one of my cakes, not the Christmas one": ruled out
        intent.excluded.append({"field": "time", "value": window.to_json(), "text": window.label})
        intent.cue_spans.append(window.span)
        taken.append(window.span)
        window = None
    if window and intent.relative and intent.relative.get("change") and (window.start or window.months) \
            and re.fullmatch(r"\s*(?:back\s+)?(?:(?:in|on|during|at)\s+)?", text[relative_end:window.span[0]]):  # "before the retrain in
        start, end = dated(window, now)  # November": the retrain's date bounds the versions
        start, end = (date.min, start - timedelta(days=1)) if intent.relative["direction"] == "before" else (
            end + timedelta(days=1), max(now, end))
        window = replace(window, start=start.isoformat(), end=end.isoformat(), months=(), field="created")
        intent.relative = None  # the window says it all: the newest before the retrain's month
    if window and not overlaps(window.span, taken) and (asked or not overlaps(window.span, chatter)):  # "for my
        # nephew who turns 3 on saturday"
        intent.time = window
        intent.cue_spans.append(window.span)
        taken.append(window.span)
        own_day = _OWN_DAY.search(text, 0, window.span[0])
        if own_day:  # "the one I made on my birthday (15th of March)": the day, then its date
            intent.cue_spans.append((own_day.start(), window.span[0]))

    position = find_position(text, taken)
    if position:
        intent.position = position[0]
        intent.cue_spans.append(position[1])
        taken.append(position[1])

    for m in re.finditer(r"\b(?:v|ver\.?|version|build|release|iteration|gen|generation|mk)\s?#?(\d+)\b"
                         r"|\b(?:version|ver\.?|v)\s+(" + "|".join(_NUMBER_WORDS) + r")\b"  # "mum v one"
                         r"|\b(" + "|".join(_ORDINALS) + r")[\s-]+(?:version|build|iteration|release|gen|generation)\b", text):
        if overlaps(m.span(), taken):
            continue
        number = int(m[1]) if m[1] else _NUMBER_WORDS.get(m[2] or "", 0) or _ORDINALS[m[3]]
        number = min(number, MAX_VERSION + 1)  # beyond any stored version: nothing meets it
        if overlaps(m.span(), negated_area):
            intent.excluded.append({"field": "version", "value": number, "text": m.group(0)})
        else:
            intent.version = number
            intent.version_ordinal = bool(m[3])
        span = (m.start() - (request[m.start() - 1:m.start()] == "_"), m.end())  # "juno_v1": the underscore too
        intent.cue_spans.append(span)
        taken.append(span)
        if not overlaps(m.span(), negated_area):
            break

    if intent.position is None and intent.version is None:
        ordinal = find_ordinal_one(text, taken)
        if ordinal:
            intent.position = ordinal[0]
            intent.cue_spans.append(ordinal[1])
            taken.append(ordinal[1])

    for kind, span in find_kinds(text, taken):
        if overlaps(span, negated_area):
            intent.excluded.append({"field": "kind", "value": kind, "text": text[span[0]:span[1]]})
        elif intent.kind is None:
            intent.kind = kind
        intent.cue_spans.append(span)
        taken.append(span)

    for ordering, pattern in ORDERING_PATTERNS:
        denied = next((m for m in re.finditer(pattern, text) if not overlaps(m.span(), taken)
                       and overlaps(m.span(), negated_area) and _orders_checkpoint(text, m, vocab)), None)  # not
        # "not with the new saddle": a new thing a description has
        scope = next((sc for sc in negated_area if denied and sc[0] <= denied.start() < sc[1]), None)
        described = scope is not None and any(stem(w) in vocab.detail_words and w not in ("one", "version") for w in
                                              re.findall(r"[a-z]+", text[denied.end():scope[1]]))
        if denied and ordering == "latest" and intent.position is None and not described:  # "not the newest one":
            # the one before; "not the new aluminium one" is the one a description says is new and aluminium
            intent.position = -2
            intent.cue_spans.append(denied.span())
            taken.append(denied.span())
        m = next((m for m in re.finditer(pattern, text) if not overlaps(m.span(), taken)
                  and not overlaps(m.span(), negated_area) and _orders_checkpoint(text, m, vocab)), None)
        if m and intent.ordering in (None, ordering):  # "the original mr. pickles, the first one": said twice
            intent.ordering = ordering
            intent.cue_spans.append(m.span())
            taken.append(m.span())
            head = _MADE_BY_WHOM.search(text, 0, m.start()) if re.match(r"(?:i|we|you)\b", m.group(0)) else None
            if head:  # "the thing i made most recently, on a beach": the thing is the checkpoint, not drawn
                intent.cue_spans.append((head.start(), m.start()))
                taken.append((head.start(), m.start()))
            tail = _SUPERLATIVE_TAIL.match(text, m.end())
            if tail:
                intent.cue_spans.append(tail.span(1))
                taken.append(tail.span(1))
            elif made := MADE_CLAUSE.match(text, m.end()):  # "the first one she ever made"
                intent.cue_spans.append(made.span())
                taken.append(made.span())
            whose = _VERSION_OF_ONE.match(text, m.end())
            if whose and (not whose[1].endswith("s") or whose[1] in vocab.subjects and whose[1] not in vocab.plural_listed):
                intent.per_concept = True  # "the newest version of the pet": of one pet, whichever is meant
            minus = _MINUS_ONE.match(text, m.end()) if ordering == "latest" else None
            if minus:  # "the latest raleigh minus one": the one before the newest
                intent.ordering = "previous"
                intent.cue_spans.append(minus.span(1))
                taken.append(minus.span(1))
    usage = USAGE.search(text)
    if usage:
        intent.usage = True
        lead = re.search(r"(?:\b(?:whatever|whichever|anything|something|(?:the\s+)?(?:same\s+)?(?:one|thing|checkpoint|model)"
                         r"|(?:the\s+)?same)"
                         r"(?:\s+(?:that|which))?\s+)?$", text[:usage.start()])
        intent.cue_spans.append((lead.start() if lead else usage.start(), usage.end()))
        if intent.ordering == "latest":
            intent.ordering = None

    styles = [(style, (style, *_looks_of(style, vocab))) for style in sorted(vocab.extra_styles, key=len, reverse=True)]
    negated_styles: list[tuple[int, int]] = []
    names = _name_spans(text, vocab)  # "the vintage menu style": "vintage" is a word of the name, not a style
    for canonical, words in styles + list(STYLE_SYNONYMS.items()):
        for word in sorted(words, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                if overlaps(m.span(), taken + intent.style_spans) or any(  # a style word inside a longer name
                        a <= m.start() and m.end() <= b and b - a > m.end() - m.start() for a, b in names) \
                        or _MATERIAL_OF.search(text, 0, m.start()) or _placed_thing(text, m) \
                        or request[m.start():m.start() + 1].isupper() and m.group(0) in vocab.names \
                        and not vocab.names[m.group(0)] <= vocab.style_ids:  # "a stick of charcoal": a
                    continue  # thing drawn; "Ink asleep on a motorcycle": Ink the cat, a name written as names are
                if overlaps(m.span(), negated_area):
                    negated_styles.append(m.span())
                    if not any(x["field"] == "style" and x["value"] == canonical for x in intent.excluded):
                        intent.excluded.append({"field": "style", "value": canonical, "text": m.group(0)})
                    intent.cue_spans.append(m.span())
                    taken.append(m.span())
                    continue
                if canonical not in intent.styles:
                    intent.styles.append(canonical)
                intent.style_spans.append(m.span())
    intent.prefers_photo = any(re.search(rf"(?<!\bon\sa\s)(?<!\bin\sa\s)(?<!\bonto\sa\s)\b{w}s?\b", text)
                               for w in SOFT_PHOTO_WORDS)  # not "on a picture of a canal": a thing in the scene

    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for n, (tok, start, end) in enumerate(tokens):
        if normalize_noun(tok) in MODEL_WORDS and not overlaps((start, end), taken) \
                and not re.search(r"\bas\s+an?\s+(?:[\w-]+\s+){0,3}$", text[:start]) \
                and not (tok in ("model", "models") and re.search(r"\b(?:a|an|two|three|some)\s+(?:[\w-]+\s+)?$", text[:start])
                         and (re.match(r"\s+(?:in|wearing|posing|walking|with|on)\b", text[end:]) or n + 1 < len(tokens)
                              and tokens[n + 1][0] in wordnet_senses() and normalize_noun(tokens[n + 1][0]) not in MODEL_WORDS
                              and tokens[n + 1][0] not in STOPWORDS)) and (  # "a model in a red dress": a
                # person who models; "a model locomotive": a small one  # "as a die-cast model"
                tok not in _PLAIN_MODEL_WORDS or any(normalize_noun(t) in MODEL_WORDS or t in MODEL_WORDS
                                                     for t, _, _ in tokens[max(n - 1, 0):n + 2] if t != tok)):
            lead = re.search(r"\b(?:any|some|every|each|whichever|whatever)\s+$", text[:start])  # "any checkpoint from
            intent.cue_spans.append((lead.start() if lead else start, end))  # last year"; "a training run"; not "a
            # charity fun run"

    blocked = taken + intent.style_spans + chatter
    mentions = triggers + _find_mentions(text, request, tokens, vocab, blocked)
    for i, mention in enumerate(mentions):
        if mention.kind != "trigger" and overlaps((mention.start, mention.end), negated_area) \
                and not _category_of_excluded(mention, negated_styles, mentions, negated_area):
            mentions[i] = replace(mention, negated=True)
        pair = re.match(r"\s+([a-z]+)\b", text[mentions[i].end:])
        if pair and mention.kind != "trigger" and f"{text[mention.start:mention.end].split()[-1]} {pair[1]}" in INFORMAL:
            end = mentions[i].end + pair.end()  # "a staff member": the lexicon's phrase is the mention, whole
            mentions[i] = replace(mentions[i], end=end, text=request[mentions[i].start:end])
    intent.modifying = _modifying(text, mentions, vocab)
    retracted = [m for m in mentions if not m.negated and any(  # "the van... no wait, not the van, the motorbike"
        n.negated and n.term == m.term and n.start > m.end for n in mentions) and any(
        o.term != m.term and not o.negated and o.start > m.end for o in mentions)]
    for fix in CORRECTION.finditer(text):  # "the tortoiseshell? no i mean the TORTOISE": what came before is taken back
        if any(m.start >= fix.end() and not m.negated for m in mentions):
            taken_back = [m for m in mentions if m.end <= fix.start() and m not in retracted and m.kind != "trigger"]
            retracted += taken_back
            said = re.search(r"(?:^|[.!?;]\s*)((?:[^.!?;\s]+\s*){1,4}[.!?;,\s]*)$", text[:fix.start()])
            start = said.start(1) if said and not taken_back else fix.start()  # "the tortoiseshell? no i mean ..."
            intent.cue_spans.append((start, fix.end()))
    mentions = [m for m in mentions if m not in retracted]
    intent.cue_spans += [(m.np_start, m.end) for m in retracted]
    mentions = [m for m in mentions if m.kind == "trigger" or not _SHAPED.match(text, m.end)]
    mentions = [m for m in mentions if not _someone_did(text, m)]
    mentions = [m for m in mentions if not _ordinal_part(text, m)]
    mentions = _measure_of(text, request, tokens, vocab, mentions, taken, intent)
    intent.mentions = _origins(text, _objects_of_actions(tokens, _names_in_scene(text, tokens, mentions, vocab,
                                                                                 intent.style_spans)))
    intent.mentions = [replace(m, scene=False) if m.scene and m.kind in ("name", "partial") and on_body_of(text, m)
                       else m for m in intent.mentions]  # "a bee landing on Hazel's hand": she is in the picture
    intent.mentions = _drawn_in_style(text, intent.mentions, vocab)
    if position:  # "vineyard on a hill, next-to-latest dusk": the name the position counts in is no place
        intent.mentions = [replace(m, scene=False) if m.scene and m.kind in ("name", "partial")
                           and not text[position[1][1]:m.np_start].strip(" -") else m for m in intent.mentions]
    owned = _belongings(text, request, vocab, intent.mentions, blocked)
    intent.mentions = [m for m in intent.mentions if not overlaps((m.start, m.end), [(o.start, o.end) for o in owned])]
    intent.mentions += owned
    if intent.time or intent.usage or intent.ordering or intent.position is not None:
        # "the one I used right before halloween, for a haunted house": the cue chooses, "for a X" is the picture's
        intent.mentions = [replace(m, scene=True) if m.det == "indefinite" and m.kind != "trigger"
                           and re.search(r"\bfor\s+$", text[:m.np_start]) else m for m in intent.mentions]
        if _GENERIC_LEAD.match(_blanked(text, chatter)):  # "anything I made around valentine's day, with heart-shaped
            # stars": what the picture has, when the request names no thing but a time
            lead_end = _generic_lead_end(text, chatter)  # "the thing I used yesterday, cheese of the week board": the picture
            intent.mentions = [replace(m, scene=True) if m.kind != "trigger" and (re.search(
                r"\bwith\s+(?:[a-z-]+\s+){0,2}$", text[:m.start]) or lead_end is not None and m.start > lead_end
                and m.det != "possessive") else m for m in intent.mentions]
    anchors = [(m.start, m.end) for m in mentions] + taken + intent.style_spans
    chatter += conversation_clauses(text, request, anchors, chatter)
    blocked = taken + intent.style_spans + chatter
    for n, m in enumerate(intent.mentions):  # "the sausage dog": the dog a description calls a dachshund
        plain = INFORMAL.get(m.text.lower()) if m.kind == "synonym" else None
        if plain is None or vocab.described_kind(plain) != m.term:
            continue
        named = vocab.described_name(plain)
        if named:
            intent.mentions[n] = replace(m, kind="name", term=named)
        else:
            intent.details.append(stem(plain))
    measured = intent.unknown_subject  # "a wheel of parmesan" (`_measure_of`)
    intent.unknown_subject = resolve_unknown(text, request, tokens, vocab, intent, blocked + negated_area) or measured
    lead_end = _generic_lead_end(text, chatter) if intent.unknown_subject and (intent.time or intent.usage) else None
    if lead_end is not None and text.find(intent.unknown_subject.lower(), lead_end) >= 0:
        intent.unknown_subject = None  # "the thing I used yesterday, cheese of the week board": what it draws
    unknown_beside_subject(request, tokens, vocab, intent, blocked + negated_area)
    unknown_by_apposition(text, request, vocab, intent)
    unknown_from_subject(request, vocab, intent)
    owner = intent.subject
    possessed(request, tokens, vocab, intent)
    if intent.subject is not owner and intent.unknown_subject is None:  # "Zoe's acoustic guitar": the thing she
        unknown_beside_subject(request, tokens, vocab, intent, blocked + negated_area)  # owns, read as any subject
    kin_of_name(request, tokens, vocab, intent)
    titled_person(request, vocab, intent)
    role_before_name(request, vocab, intent)
    apposed_relation(request, vocab, intent)
    name_word_before_other_thing(request, tokens, vocab, intent)
    partial_of_another_kind(request, vocab, intent)
    kin_of_kin(request, vocab, intent)
    if intent.unknown_subject and (at := text.find(intent.unknown_subject.lower())) >= 0:  # "our granddaughter Emma on
        # her first bike": what she rides is hers, in her picture
        intent.mentions = [replace(m, scene=True) if m.start > at and m.kind in ("subject", "synonym", "class")
                           and re.search(r"\b(?:on|in|at|with|by|beside|riding)\s+(?:his|her|their)\s+(?:[a-z-]+\s+)?$",
                                         text[:m.start]) else m for m in intent.mentions]
    _name_numbers(text, tokens, intent)
    _ordinal_before_subject(text, intent, vocab.detail_words)
    if intent.scene_time:
        intent.cue_spans.remove(intent.time.span)
    _owner(text, vocab, intent)
    _thing_of_owner(text, vocab, intent)
    _owned_style(text, vocab, intent)
    _indefinite_beside_own(text, intent)
    _grown(text, vocab, intent)
    _made_kind(text, request, vocab, intent)
    if intent.styles or any(m.term == "style" and not m.negated for m in intent.mentions):  # "a sign for the stall in
        # my chalkboard style": the style draws a sign; the stall is whose
        intent.mentions = [replace(m, scene=True) if m.kind != "trigger" and _MADE_FOR.search(text, 0, m.np_start)
                           else m for m in intent.mentions]

    mention_spans = [(m.np_start, m.end) for m in intent.mentions]
    details = detail_candidates(text, tokens, taken + intent.style_spans + mention_spans + chatter + intent.cue_spans,
                                vocab.detail_words, vocab.detail_pairs)  # a cue word is never a detail ("the middle logo")
    details += _version_scope_details(text, tokens, scopes, details, taken + intent.style_spans + mention_spans,
                                      vocab.detail_words)
    for back in BACK_WHEN.finditer(text):  # "Pepper when he was a kitten": what he was then, a subject word too
        end = _clause_rest(text, back.end(), vocab)
        details += [(stem(t), (s, e)) for t, s, e in tokens if back.end() <= s and e <= end and overlaps((s, e), mention_spans)
                    and t not in STOPWORDS and len(t) > 2 and stem(t) in vocab.detail_words
                    and not overlaps((s, e), taken) and not any(sp == (s, e) for _, sp in details)]
    for m in intent.mentions:  # "Blitz as a pup": what he was then, said with a subject word
        said = m.text.lower()
        plain = stem(INFORMAL.get(said, said))
        if m is not intent.subject and m.det in ("indefinite", "none") and plain in vocab.detail_words \
                and _as_a_young(text, m.start, said in YOUNG_KINDS or INFORMAL.get(said) in YOUNG_KINDS) \
                and not overlaps((m.start, m.end), taken) \
                and not any(sp == (m.start, m.end) for _, sp in details):
            details.append((plain, (m.start, m.end)))
    for m in [m for m in intent.mentions if m.kind in ("subject", "synonym") and not m.negated
              and _AGE_ONE.match(text, m.end)]:  # "the puppy version of the dalmatian": what he was in that version
        said = INFORMAL.get(m.text.lower(), m.text.lower())
        plain = stem(said)
        others = [o for o in intent.mentions if o is not m and not o.negated and not o.scene and o.kind != "trigger"]
        if (said in YOUNG_KINDS or m.text.lower() in YOUNG_KINDS) and plain in vocab.detail_words and others \
                and not overlaps((m.start, m.end), taken):
            details.append((plain, (m.start, m.end)))
            intent.mentions = [o for o in intent.mentions if o is not m]
    for word, span in details:
        inner = [sc for _, sc in scopes if sc[0] <= span[0] and span[1] <= sc[1]]
        scope = max(inner) if inner else None  # "not in the jumper and not the harness one": the nearer negation
        if lacks_detail(text[span[0]:span[1]], word, text[:span[0]]):  # "Rex when he was still collarless": not the collar; "not
            intent.cue_spans.append(span)  # the collarless one": the collar, the negation with it
            intent.cue_spans += [(cue[0], sc[1]) for cue, sc in scopes if sc == scope]
            if scope is None:
                intent.excluded.append({"field": "detail", "value": word, "text": text[span[0]:span[1]],
                                        "group": f"{span[0]}.0"})
            elif word not in intent.details:
                intent.details.append(word)
        elif scope is not None:  # the details of one scope describe one version together: "not the green walled one",
            # unless "or" parts them: "without the raincoat or the santa hat" rules out each
            part = len(re.findall(r"\b(?:or|nor)\b", text[scope[0]:span[0]]))
            intent.excluded.append({"field": "detail", "value": word, "text": text[span[0]:span[1]],
                                    "group": f"{scope[0]}.{part}", "phrase": text[scope[0]:scope[1]]})
        elif not intent.owner_words and _names_what_it_is(text, word, span, intent.subject, vocab):
            intent.owner_words = [word]  # "the head mechanic", "the jersey cow": which of them, any version of it
            intent.cue_spans.append(span)
        else:
            intent.details += [word] if word not in intent.details else []
            intent.detail_spans.append((word, *span))
    _younger_self(text, intent)
    boss = _BOSS.search(text)
    if boss and not overlaps(boss.span(), taken + intent.cue_spans) and stem("boss") not in vocab.detail_words:
        # "the boss lady", "the boss falconer": the one a description says is in charge ("the owner", "our head
        # falconer"); not where a description says "boss" itself ("the final boss")
        leading = [w for w in _LEADING if w in vocab.detail_words]
        if leading and not intent.owner_words:  # it tells concepts apart, any version of the one in charge
            intent.owner_words = leading
            intent.cue_spans.append(boss.span())
    told = _ONE_WITH.search(text)
    if told and intent.subject is None:  # "the one with our logo on it, under a bridge": the detail picks, not drawn
        ends = [span[1] for word, span in details if span[0] >= told.end() and word in intent.details]
        if ends:
            end = max(ends)
            end += (on_it.end() if (on_it := re.match(r"\s+(?:on|in)\s+(?:it|him|her|them)\b", text[end:])) else 0)
            intent.cue_spans.append((told.start(), end))
    named = [m for m in intent.mentions if m.kind != "trigger" and not m.scene]
    if named and all(m.negated for m in named) and any(x["field"] in ("version", "kind", "style") for x in intent.excluded):
        intent.mentions = [replace(m, negated=False) for m in intent.mentions]  # "I don't want the v2 rex, give me
        # v1": the version is ruled out, not Rex
    plainly = {m.term for m in named if not m.negated}
    if plainly and any(x["field"] in ("version", "kind", "style", "detail") for x in intent.excluded):
        intent.mentions = [replace(m, negated=False) if m.negated and m.term in plainly else m for m in intent.mentions]
        # "Biscuit in a bathtub. Not the dreambooth Biscuit": named plainly too, so only the kind is ruled out
    for mention in intent.mentions:
        if mention.negated:
            field_name = "name" if mention.kind in ("name", "partial") else "subject"
            item = {"field": field_name, "value": mention.term, "text": mention.text}
            after = re.match(r"\s+([a-z]+)(?:\s+([a-z]+))?", text[mention.end:])
            if after and (after.group(1) in TRAILING or after.group(2) in TRAILING):
                item["version"] = True  # "not the puppy version": maybe a version's detail, if all are puppies
            intent.excluded.append(item)

    # a negation that excluded something is a selection cue: drop it from the picture, cue word to last item
    for cue, scope in scopes:
        inside = [(s, e) for s, e in taken + mention_spans + [sp for _, sp in details] + intent.cue_spans
                  if scope[0] <= s and e <= scope[1]]
        if not any(scope[0] <= s < scope[1] for s, _ in _excluded_spans(text, intent, scope)):
            if _ORDER_ONLY.fullmatch(text, scope[0], scope[1]) or _WHICH_ONE.fullmatch(text, scope[0], scope[1]):
                sure = _SURELY.search(text, 0, cue[0])
                intent.cue_spans.append((sure.start() if sure else cue[0], scope[1]))  # "second version not the first":
                # which, not what; "koda, not the skinny one": a version ruled out, even by words no description has
            continue
        end = max(e for _, e in inside)
        after = re.match(r"(?:\s+(?:" + "|".join(TRAILING) + r"))+\b", text[end:])
        end += after.end() if after else 0
        rest = re.findall(r"[a-z][\w'-]*", text[end:scope[1]])
        if rest and len(rest) <= 3 and not any(w in PLACE_WORDS or w.endswith("ing") for w in rest) \
                or _ITEM_TAIL.fullmatch(text, end, scope[1]):
            end = len(text[:scope[1]].rstrip())  # "i don't want the yellow paint job", "without the blanket thing on
            # it": the words of the item, all
        who = re.search(r"\b(?:who|that|which)(?:['’]s|\s+(?:is|are|was))?\s+$"  # "back when he didnt have":
                        r"|\b(?:back\s+)?when\s+(?:he|she|it|they)\s+$", text[:cue[0]]) \
            or _SURELY.search(text, 0, cue[0])
        intent.cue_spans.append((who.start() if who else cue[0], end))  # "a boy who isn't Tomás": the clause whole
    subject = intent.subject
    if subject is not None:  # "my favourite dog": which of mine, said of the asker, not of the picture
        intent.cue_spans += [(s, e) for tok, s, e in tokens if tok in _FAVOURITE and subject.np_start <= s < subject.start]
    member = re.search(r"\b(?:(?:just\s+)?(?:one|any|either|each|some|someone|somebody|anyone|anybody|whichever|"
                       r"whoever)\s+(?:of|from|in)"
                       r"|(?:one|someone|somebody)\s+(?:else\s+)?(?:in|among))\s+$", text[:subject.np_start]) \
        if subject is not None else None
    if member:  # "one of the team doing yoga", "someone from our family": the group names whom to ask about
        intent.cue_spans.append(member.span())
    both = re.search(r"\bboth(?:\s+of)?(?:\s+(?:the|my|our|his|her|their))?\s+$", text[:subject.np_start]) \
        if subject is not None else None
    if both:  # "both sisters": the pair, named by the plural
        intent.cue_spans.append(both.span())
    backs = [m for m in BACK_WHEN.finditer(text) if not overlaps(m.span(), taken)]
    intent.cue_spans += [(m.start(), _to_break(text, _clause_rest(text, m.end(), vocab))) for m in backs]
    if intent.ordering is None and intent.version is None and intent.details \
            and any(m["first"] or m["first_time"] for m in backs):
        intent.ordering = "oldest"  # "when he first got his collar": the oldest version that has it
    intent.cue_spans += [m.span() for m in PASSIVE_REQUEST.finditer(text)]
    intent.cue_spans += [m.span() for m in re.finditer(r"\bthe\s+other\s+ones?\b", text)]  # "not clover, the other one"
    intent.cue_spans += [m.span() for m in CUE_ASIDE.finditer(text)]  # "biscuit (the collar one) rolling in mud"
    intent.cue_spans += [m.span() for m in CUE_APPOSITION.finditer(text)]
    intent.cue_spans += [m.span() for m in NOT_WANTED.finditer(text)]  # "the green hair one is not what i want"
    intent.cue_spans += [m.span() for m in CUE_SENTENCE.finditer(text) if not overlaps(m.span(), mention_spans)]
    intent.cue_spans += [m.span() for m in ASKED_WHICH.finditer(text)]  # "what did i train in december?"
    if intent.ordering is not None or intent.position is not None:  # "the oldest checkpoint in my whole collection":
        intent.cue_spans += [m.span() for m in _IN_COLLECTION.finditer(text)]  # among what, not where
    intent.cue_spans += [m.span() for m in _BETWEEN_VERSIONS.finditer(text)]  # "the one between the white version
    # and the hard-top version": which version, by its neighbours
    numbered = _BETWEEN_NUMBERS.search(text)
    if numbered and intent.version is not None:  # "the one between v1 and v3": after the one, before the other
        low, high = sorted((int(numbered["a"]), int(numbered["b"])))
        intent.version, intent.version_ordinal = None, False
        intent.relative = {"direction": "after", "version": low, "details": [], "change": False,
                           "bound": {"direction": "before", "version": high, "details": [], "change": False}}
        intent.cue_spans.append(numbered.span())
    intent.cue_spans += chatter + list(context)
    intent.cue_spans += _request_verb_spans(tokens, intent)
    subject = intent.subject
    made = MADE_CLAUSE.match(text, subject.end) if subject is not None else None
    if made:  # "the first dog i ever trained, catching a ball": about the checkpoint, not the picture
        intent.cue_spans.append(made.span())
    if subject is not None and (intent.ordering or intent.position is not None or intent.version is not None):
        one = re.match(r"\s+(ones?|looks?|versions?)\b", text[subject.end:])  # "the older of the two puffer ones"
        if one:
            intent.cue_spans.append((subject.end, subject.end + one.end()))
            intent.details = [d for d in intent.details if d != stem(one[1])]  # "the two film camp looks": no detail

    if _relative_elsewhere(intent, vocab) and all(names_change(word) for word in intent.relative["details"]):
        intent.relative = {**intent.relative, "details": [], "change": True}  # "Pudding before her groom" when
        # a description of the salon says "grooming": a change to her, the newest version's
    elif _relative_elsewhere(intent, vocab):  # "Walter taking a bow after the concert": the concert is the picture's
        intent.relative = None
        intent.cue_spans = [span for span in intent.cue_spans if span not in relative_spans]
    rendered = intent.subject is None and bool(intent.ordering or intent.position is not None or intent.time
                                               or intent.usage) and all(
        re.search(r"\bas\s+(?:a|an)\s+(?:[\w-]+\s+)?$", text[:start]) for start, _ in intent.style_spans)  # "my
    # earliest checkpoint as a vintage photograph": the checkpoint is chosen by its age, drawn in that style
    intent.style_hard = bool(intent.styles) and (intent.subject is None and not rendered
                                                 or _style_names_model(text, intent.style_spans)
                                                 or intent.subject is not None and intent.subject.term == "style"
                                                 and _own_style(text, intent.style_spans))
    intent.content = strip_cues(request, intent.cue_spans, protect=intent.subject_np)
    purposes = [span for span in chatter if re.match(r"\W*for\b", text[span[0]:span[1]])  # "— tap workshop flyer"
                or (re.findall(r"[a-z]+", text[span[0]:span[1]]) or [""])[-1] in PURPOSE_NOUNS]
    if purposes and not _draws_something(intent):  # "a style for my christmas card": the card is the picture
        intent.cue_spans = [span for span in intent.cue_spans if span not in purposes]
        intent.content = strip_cues(request, intent.cue_spans, protect=intent.subject_np)
    return intent


def _relative_elsewhere(intent: Intent, vocab: Vocabulary) -> bool:
    """Whether "before / after the X" names a detail none of the named subject's checkpoints has: then it is when in
    the picture ("taking a bow after the concert", "a deep breath before the big note"), not which version."""
    relative, subject = intent.relative, intent.subject
    if not relative or not relative.get("details") or relative.get("bound") or relative.get("change") \
            or relative.get("version") is not None or subject is None or subject.negated:
        return False
    ids = vocab.names.get(subject.term) if subject.kind == "name" else \
        vocab.subjects.get(subject.term) if subject.kind == "subject" else None
    if not ids:
        return False
    own = vocab.concept_words(ids)
    return not any(word in own or any(word[:k] in own and word[k:] in own for k in range(3, len(word) - 2))
                   for word in relative["details"])  # "before the haircut" of "hair cut short"


_PLAIN_MODEL_WORDS = frozenset("run runs training weights".split())  # model words only beside another one


def _name_spans(text: str, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Where `text` says a name of two words or more, whole ("vintage menu", "comic strip")."""
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+(?:['’][a-z]+)?", text)]
    spans = []
    for size in range(min(vocab.longest, len(words)), 1, -1):
        for n in range(len(words) - size + 1):
            run = words[n:n + size]
            if not overlaps((run[0][1], run[-1][2]), spans) and normalize_phrase(" ".join(w for w, _, _ in run)) in vocab.names:
                spans.append((run[0][1], run[-1][2]))
    return spans


_DEGREE = frozenset("all so really very totally completely quite super".split())


def _to_break(text: str, end: int) -> int:
    """A version-telling clause runs on to its clause's break when only a few words of a look are left ("back when
    she had the long plait, brushing ..."): none of them what the subject does or where."""
    rest = re.match(r"[^,;:!?.()]*", text[end:])[0]
    words = re.findall(r"[a-z][\w'-]*", rest)
    doing = any(w.endswith("ing") and "VERB" in pos_of(w) or w in PLACE_WORDS for w in words)
    if not words or len([w for w in words if w not in STOPWORDS]) > 5 or end + len(rest) >= len(text) or doing:
        return end
    return end + len(rest.rstrip())


def _clause_rest(text: str, end: int, vocab: Vocabulary) -> int:
    """Where a version-telling clause ends ("after the new door went in", "back when she wore the bandana and
    boots"): over the words that go on describing the version (description words, verbs, particles, "and") up to
    the clause's break or a place phrase ("on a beach"); any other word leaves the clause as it was found."""
    stop = end
    for m in re.finditer(r"[a-z][\w'-]*|[,;:!?.()]|\S", text[end:]):
        word = m.group(0)
        if not word[0].isalpha():
            return end + m.start() if word in ",;:!?.()" else stop
        follows = re.match(r"\s*([\w<]|$)", text[end + m.end():])
        if word in PLACE_WORDS and follows and follows.group(1):
            return stop  # "on a beach", but "went in," ends the clause
        described = stem(word) in vocab.detail_words and normalize_noun(word) not in SCENE_WORDS
        if word.endswith("ing") and re.search(r"\b(?:version|one|model|build|checkpoint)\s*$", text[:end + m.start()]):
            return stop  # "before the bandana version jumping into the pond": what the subject does
        if not (word in STOPWORDS or word in PLACE_WORDS or described or pos_of(word) == frozenset({"VERB"})
                or word in _DEGREE):  # "before his head went all bumpy"
            return end  # another word: the clause goes on about something else ("before last of the cabin versions")
        stop = end + m.end()
    return stop


def _draws_something(intent: Intent) -> bool:
    """Whether the picture content holds a word besides the subject's noun phrase, style and model words."""
    text = intent.content.lower()
    subject = intent.subject
    if subject is not None:
        text = text.replace(_lower_same_length(intent.request)[subject.np_start:subject.end], " ")
    words = [w for w in re.findall(r"[a-z]+", text) if w not in STOPWORDS and w not in ("style", "look")
             and normalize_noun(w) not in MODEL_WORDS and w not in STYLE_WORDS
             and not any(w in words_ for words_ in STYLE_SYNONYMS.values()) and w not in intent.styles
             and w not in _PLAIN and stem(w) not in intent.details]  # "the plain poster look": which version
    return bool(words)


_PLAIN = frozenset("plain simple basic original usual normal regular".split())


_WEAK_LATEST = frozenset("new newer recent current updated".split())


def _orders_checkpoint(text: str, m: re.Match, vocab: Vocabulary) -> bool:
    """Whether an ordering word speaks of the checkpoint: "newest" always; "new", "current" only before a model
    word, "one", a subject or a name ("my new dog", "the new version"; not "our new sign")."""
    if m.group(0) not in _WEAK_LATEST:
        return True
    after = re.match(r"\s*([a-z]+)(?:\s+([a-z]+))?", text[m.end():])
    if not after:
        return True
    words = [normalize_noun(w) for w in after.groups() if w]
    if re.search(r"\b(?:at|in|on|by|near|outside|inside|behind|beside|to|into|from)\s+(?:the|a|an|our|my|their)\s+$",
                 text[:m.start()]):  # "cutting the ribbon at the new playground": a place in the picture
        return any(w in MODEL_WORDS or w in ("one", "version", "versions", "build", "style") for w in words[:2])
    return any(w in MODEL_WORDS or w in ("one", "version", "versions", "build", "style") or w in vocab.subjects
               or w in vocab.names or w in vocab.name_words or w in INFORMAL for w in words[:2]) \
        or "NOUN" not in pos_of(after.group(1))


def _version_scope_details(text: str, tokens: list[tuple[str, int, int]], scopes: list, found: list,
                           skip: list[tuple[int, int]], detail_words: set[str]) -> list[tuple[str, tuple[int, int]]]:
    """In a negation that ends on a version word ("not the night version", "not the snowy one"), or whose words
    all are description words ("not the forest", "without the pampas grass"), every word some description has is
    a detail of the version, scene words included."""
    extra = []
    for _, (start, end) in scopes:
        words = [(t, s, e) for t, s, e in tokens if start <= s and e <= end and re.match(r"[a-z]", t)]
        described = bool(words) and all(t in STOPWORDS or t in ("not", "nor", "no") or t in ASPECT_ADVERBS  # "a collar yet"
                                        or stem(t) in detail_words or colour_kin(t, detail_words)
                                        for t, _, _ in words) \
            and not overlaps((start, end), skip)
        if not words or words[-1][0] not in TRAILING and not described:
            continue
        for tok, s, e in words[:-1] if words[-1][0] in TRAILING else words:
            word = stem(tok) if stem(tok) in detail_words else colour_kin(tok, detail_words)  # "not the red one"
            if tok in STOPWORDS or len(tok) < 3 or overlaps((s, e), skip) or any(sp == (s, e) for _, sp in found) \
                    or word is None or normalize_noun(tok) in MODEL_WORDS:  # beside "crimson"
                continue
            extra.append((word, (s, e)))
    return extra


# a negated scope that only names an order or version: "not the first", "not the newest one"
_SURELY = re.compile(r"\b(?:definitely|certainly|absolutely|really|surely|obviously)\s+$")  # "definitely not the first"
# what a correction's words begin with when they say the same thing again rather than take it back
_RESTATED = re.compile(r"[\s,]*(?:back\s+)?(?:when|while|whilst|like)\b")
_ASIDE_END = re.compile(r"\s[-–—]|[,;()]|$")
_NOT_WHICH = re.compile(r"[\s,]*(?:not|without)\s+(?:the|that|this)\b")  # "no wait, not the winter coat one"
# a scene of the words after a correction's new name: "..., no wait, Coach Marco, in a breakdance battle"
_OWN_SCENE = re.compile(r"\s*[,.!?;:—–-]*\s*(?:in|on|at|by|under|with|wearing|holding|near|next|beside|inside|outside|over|"
                        r"through|across|along|into|onto|as|\w+ing)\b")
_WHICH_ONE = re.compile(r"\s*(?:the|that|this)\s+(?:[\w'-]+\s+){1,3}(?:one|version|model|checkpoint)s?[\s,.!]*")
_ORDER_WORD = (r"(?:the\s+)?(?:first|second|third|last|latest|newest|oldest|original|older|newer|old|new|current|previous)"
               r"(?:\s+(?:one|version|model|checkpoint))?")
_ORDER_ONLY = re.compile(rf"\s*{_ORDER_WORD}(?:\s+(?:and|or|nor)\s+(?:not\s+)?{_ORDER_WORD})*"
                         r"(?:\s+(?:either|too|tho|though|pls|please))?\s*")  # "not the first one and not the newest one either"


def _excluded_spans(text: str, intent: Intent, scope: tuple[int, int]) -> list[tuple[int, int]]:
    """Where the excluded items of `intent` sit inside `scope` (for the words mapping drops)."""
    spans = []
    for item in intent.excluded:
        needle = fold_accents(str(item.get("text", "")).lower())  # "isn't Tomás": the text is read without accents
        at = text.find(needle, scope[0], scope[1]) if needle else -1
        if at >= 0:
            spans.append((at, at + len(needle)))
    return spans


def _name_numbers(text: str, tokens: list[tuple[str, int, int]], intent: Intent) -> None:
    """"cottage two", "bruno 1": a number right after a name is its version."""
    if intent.version is not None:
        return
    for m in intent.mentions:
        if m.kind not in ("name", "partial", "subject") or m.negated:
            continue
        glued = re.fullmatch(r"[a-z]{3,}?v?(\d{1,2})", text[m.start:m.end])  # "bruno1", "rexv2": the number typed onto the name
        if glued and not re.search(r"\d", m.term):
            intent.version = int(glued.group(1))
            return
        after = re.match(r"\s*(?:#|number\s+|no\.?\s*|nr\.?\s*|num\.?\s*)?([a-z]+|\d+)\b"
                         r"(?!\s*(?:am|pm|days?|weeks?|months?|years?|of|dogs?|cats?|versions?|steps?|builds?)\b)", text[m.end:])
        # not "the lifeboat two versions back": how far back
        if not after:
            continue
        counted = after.group(0).strip() != after.group(1)  # "number one", "#1", "no. 1": "one" counts too
        bare_one = after.group(1) == "one" and m.det == "none" and not re.match(  # "van one at the beach"; not
            r"\s*one\s+(?:more|last|day|time|sec|second|moment|thing|with\s+(?:the|its|his|her)|that|which|who|in|"
            r"wearing|where)\b",
            text[m.end:]) and not re.search(r"\b(?:the|that|this)\s+(?:[a-z-]+\s+){1,3}$", text[:m.start])
        # "the van one", "rex one more time", "balcony one with the lights", "the suction cup one"
        value = number_value(after.group(1)) if after.group(1) not in ("a", "an", "one") or counted or bare_one \
            else None
        if value and 0 < value <= 50:
            intent.version = value
            lead = m.end + after.start() + len(after.group(0)) - len(after.group(0).lstrip())
            intent.cue_spans.append((lead if counted else m.end, m.end + after.end(1)))  # "juno_v1": the gap too
            number = (m.end + after.start(1), m.end + after.end(1))  # "rex three": no "tree" read into the number
            intent.mentions = [o for o in intent.mentions if o is m or not overlaps((o.start, o.end), [number])]
            return


_OWNER = re.compile(rf"(?:\b(?P<title>{TITLE})\s+)?(?:\bthe\s+)?\b(?P<owner>[a-z][a-z-]*?)(?P<mark>['’]s|s['’])\s+"
                    r"(?:[a-z-]+\s+)?$")


# "something of my grandparents'", "the grandparents' thing", "anything from my dad": a kind of person's things
# ("one of my grandparents" is one of them)
_BELONGINGS = re.compile(
    r"\b(?:(?:some|any)thing|stuff|things?)\s+(?:of|from|belonging\s+to|that\s+belongs\s+to)\s+"
    r"(?P<det>my|our|the)\s+(?P<owner>[a-z]+)(?:['’]s|['’])?(?![\w'’])|"
    r"\b(?P<det2>my|our|the)\s+(?P<owner2>[a-z]+)(?:['’]s|['’])\s+(?:thing|things|stuff|ones?|checkpoints?|something)\b")


def _belongings(text: str, original: str, vocab: Vocabulary, mentions: list[Mention],
                taken: list[tuple[int, int]]) -> list[Mention]:
    """A kind of person's things, by the names that say whose they are: "something of my grandparents'" is
    Grandma's cottage or Grandpa's chair (`Vocabulary.owned_by`); not where a name or trigger is said there."""
    found = []
    for m in _BELONGINGS.finditer(text):
        owner, det = ("owner", "det") if m["owner"] else ("owner2", "det2")
        start, end = m.span(owner)
        word = singular(m[owner])
        if overlaps((start, end), taken + [(o.np_start, o.end) for o in mentions if o.kind not in
                                           ("class", "subject", "synonym")]) or not vocab.owned_by(word):
            continue  # "something of my grandparents'" are their things, though a grandmother is a checkpoint
        found.append(Mention("owner", word, original[start:end], start, end, m.start(det),
                             "definite" if m[det] == "the" else "possessive"))
    return found


# a thing named only by how the asker made it: "something I knitted", "one of my knitted things", "a thing we carved"
_MADE_THING = re.compile(r"\b(?:something|anything|things?|stuff|ones?|items?|pieces?)(?:\s+[a-z]+)?\s+(?:(?:that|which)\s+)?"
                         r"(?:i|we)\s+(?:(?:have|['’]ve|had|once|ever)\s+)?(?P<verb>[a-z]+ed)\b"
                         r"|\b(?P<made>[a-z]+ed)\s+(?:things?|items?|pieces?|stuff|ones?)\b")


def _made_kind(text: str, original: str, vocab: Vocabulary, intent: Intent) -> None:
    """With no subject named, a thing made by a craft a subject term names ("knitted item", "knitting") is that
    subject: "something I knitted that isn't the scarf" asks among the knitted things."""
    if intent.subject is not None:
        return
    for m in _MADE_THING.finditer(text):
        group = "verb" if m["verb"] else "made"
        craft = stem(m[group])
        terms = [t for t in vocab.subjects if any(stem(w) == craft for w in t.split())]
        if not terms or m[group] in CHECKPOINT_VERBS:
            continue
        term = max(terms, key=lambda t: (len(vocab.subjects[t]), -len(t)))
        start, end = m.span(group)
        intent.mentions.append(Mention("subject", term, original[start:end], start, end, m.start(), "indefinite"))
        intent.mentions.sort(key=lambda x: x.start)
        intent.cue_spans.append((m.start(), end))
        if intent.unknown_subject and text.find(intent.unknown_subject.lower(), m.start()) == m.start():
            intent.unknown_subject = None  # "something warm I knitted": no thing the repository lacks
        return


def _indefinite_beside_own(text: str, intent: Intent) -> None:
    """"a sketchbook and a stick of charcoal on top of the piano": a thing the repository lacks, said with "a", is
    what the picture adds to the repository's own thing ("the piano", "my bike") placed beside it."""
    said = intent.unknown_subject
    at = text.find(said.lower()) if said and intent.subject is None else -1
    if at < 0 or not re.search(r"\b(?:a|an|some)\s+(?:[a-z-]+\s+)?$", text[:at]):
        return
    if any(m.scene and not m.negated and m.kind != "trigger" and m.start > at
           and (m.det in ("definite", "possessive") or DETERMINED_BEFORE.search(text[:m.start])) for m in intent.mentions):
        intent.unknown_subject = None


def _grown(text: str, vocab: Vocabulary, intent: Intent) -> None:
    """"the adult alpaca", "our grown-up cat": not the young one of its kind (the cria, the kitten), where
    another is left."""
    subject = intent.subject
    if subject is None or subject.kind not in ("subject", "synonym", "class"):
        return
    age = re.search(r"\b(?:adult|grown(?:[\s-]*up)?|full[\s-]*grown|mature)\s+$", text[:subject.start])
    if age:
        intent.excluded += [{"field": "subject", "value": young, "text": age.group(0).strip(), "soft": True}
                            for young in sorted(YOUNG_KINDS & vocab.subjects.keys()) if young != subject.term]


def _owner(text: str, vocab: Vocabulary, intent: Intent) -> None:
    """"Mrs. Glass's pet", "the Lindqvists' collie": an owner who is no checkpoint but whom descriptions name (or
    who has a title) must own the thing; the words choose, they are not drawn. "gran's place" before a class word:
    the ones a name says are hers ("Grandma's cottage")."""
    subject = intent.subject
    if subject is None or subject.kind not in ("subject", "synonym", "class"):
        return
    m = _OWNER.search(text[:subject.start])
    if m and subject.kind == "class" and not m.group("title") and not intent.owner_words:
        owner, kin = m.group("owner"), kin_word(m.group("owner"))
        owned = {i for key, ids in vocab.owners.items() if key == owner or kin and kin_word(key) == kin  # "nan's" too
                 for i in ids} & mention_ids(subject, vocab)
        if owned:  # among those the class word covers
            intent.owner_words = [stem(next(k for k in sorted(vocab.owners) if vocab.owners[k] & owned))]
            intent.cue_spans.append((m.start(), m.end("mark")))
            return
    if not m or m.group("owner") in POSSESSIVES or not m.group("title") and (
            m.group("owner") in vocab.names or m.group("owner") in vocab.name_words
            or normalize_noun(m.group("owner")) in vocab.subjects):
        return  # "Rex's collar" is Rex's own; a title makes a person of a name word ("Mrs. Glass"); "Nana's
    # grandkid" when a nana is a checkpoint: whose she is, not a word her description must have
    if not m.group("title") and (stem(m.group("owner")) not in vocab.detail_words
                                 or normalize_noun(m.group("owner")) in wordnet_senses()):
        return  # "my sister's cat", "the kids' toys": a kind of person, read by the rules for other owners
    intent.owner = m.group("owner")
    intent.cue_spans.append((m.start(), m.end("mark")))


def _thing_of_owner(text: str, vocab: Vocabulary, intent: Intent) -> None:
    """"the beetle of Linda" as "Linda's beetle": a thing word, then "of" and a name whose owned checkpoint the thing
    word names; the name only says whose, it is neither the subject nor drawn."""
    for thing in intent.mentions:
        if thing.kind not in ("subject", "synonym", "class", "partial") or thing.negated:
            continue
        of = re.match(r"\s+of\s+", text[thing.end:])
        owner = next((m for m in intent.mentions if of and m.start == thing.end + of.end()
                      and m.kind in ("name", "partial")), None)
        owned = vocab.owners.get(owner.term, set()) & mention_ids(thing, vocab) if owner is not None else set()
        if owned:
            intent.mentions = [m for m in intent.mentions if m is not owner]
            intent.owner = owner.term
            intent.cue_spans.append((thing.end, owner.end))
            return


_OWNED_LOOK = re.compile(r"(?:['’]s?)?\s+(?:[a-z-]+\s+){0,2}?" + _LOOK_NOUN)


def _owned_style(text: str, vocab: Vocabulary, intent: Intent) -> None:
    """"Bea's sketch look with the watercolor washes": a person's name in the possessive before a look word names
    the style checkpoint that person owns ("Bea's sketchbook"), not the person."""
    for n, m in enumerate(intent.mentions):
        whose = m.text.lower().endswith(("'s", "’s")) or text[m.end:m.end + 1] in ("'", "’")
        look = _OWNED_LOOK.match(text, m.end) if m.kind in ("name", "partial") and not m.negated and whose else None
        owned = vocab.owners.get(m.term, set()) & vocab.style_ids if look else set()
        names = [key for key, ids in vocab.names.items() if ids and ids <= owned]
        if len(names) == 1:
            intent.mentions[n] = replace(m, term=names[0], kind="name")
            intent.cue_spans.append((m.end, m.end + look.end()))
            return


_SEASON_WORD = re.compile(r"\b(?:the|my|our|that)\s+(" + "|".join(sorted(set(SEASONS) | set(MONTHS))) + r")\s+([a-z]+)")


# "the garden in spring", where a description says "the garden in spring": which version, not only the scene
_SEASON_OF_THING = re.compile(r"\b([a-z]+)\s+in\s+(?:the\s+)?(" + "|".join(sorted(set(SEASONS) | set(MONTHS))) + r")\b")


def _seasons_of_descriptions(text: str, vocab: Vocabulary) -> list[tuple[int, int]]:
    """"the autumn park", "not the autumn one": a season or month word between "the" and a noun or "one", which a
    description has ("the park in autumn, orange leaves"), tells versions apart by what they show, and so does
    "the park in autumn" said as a description says it; "from autumn", "trained in autumn", "last autumn" stay
    dates."""
    return [m.span(1) for m in _SEASON_WORD.finditer(text) if stem(m.group(1)) in vocab.detail_words
            and (m.group(2) in TRAILING or m.group(2) in vocab.subjects or m.group(2) in vocab.names)] + [
        m.span(2) for m in _SEASON_OF_THING.finditer(text) if (stem(m.group(1)), stem(m.group(2))) in vocab.detail_pairs]


def _category_of_excluded(mention: Mention, negated_styles: list[tuple[int, int]], mentions: list[Mention],
                          negated_area: list[tuple[int, int]]) -> bool:
    """The head noun of an excluded thing is what is asked for: "not the crayon style" wants a style, "a mug
    that isn't the fox one" a mug; the words before it are the exclusion."""
    if mention.kind not in ("subject", "synonym", "class"):
        return False
    inside = negated_styles + [(o.start, o.end) for o in mentions if o.kind in ("name", "partial")
                               and overlaps((o.start, o.end), negated_area)
                               and not o.text.lower().endswith(("'s", "’s"))]  # "not Jack's labrador": whose
    return any((mention.np_start <= s or 0 <= mention.start - e <= 1) and e <= mention.start for s, e in inside)


# nouns that name one version of a thing ("gravy's second look", "her middle paint job")
_VERSION_NOUNS = frozenset("paint job paintjob costume outfit haircut hairstyle iteration generation incarnation "
                           "phase era livery".split())


def _ordinal_before_subject(text: str, intent: Intent, detail_words: set[str]) -> None:
    """"the second biscuit", "the third Pepper", "the middle Rex", "Rex the first": a position among its versions."""
    subject = intent.subject
    if intent.style_spans and (subject is None or subject.det == "indefinite" and subject.start > min(intent.style_spans)[0]) \
            and intent.position is None and intent.version is None and not intent.ordering:  # "the first risograph,
        # a bicycle": the oldest of the style's versions
        m = re.search(r"\b(?:the|my|our)\s+([a-z0-9]+)\s+$", text[:min(intent.style_spans)[0]])
        value = ordinal_value(m.group(1)) if m and m.group(1) not in ("one", "a", "an") else None
        if value:
            intent.ordering, intent.position = ("oldest", None) if value == 1 else (None, value)
            intent.cue_spans.append(m.span(1))
        return
    if subject is None or intent.position is not None or intent.version is not None or intent.ordering:
        return
    lead = subject.start  # before the words that narrow it: "the first linocut style", "the middle dusk style"
    spans = [(m.start, m.end) for m in intent.modifiers] + list(intent.style_spans)
    while (before := next((s for s, e in spans if 0 <= lead - e <= 1 and s < lead), None)) is not None:
        lead = before
    m = re.search(r"\b([a-z0-9]+)\s+$", text[:lead])
    words = re.search(r"\b([a-z0-9]+)\s+((?:[a-z-]+\s+){1,2})$", text[:lead])
    if words and ordinal_value(words.group(1)) and all(stem(w) in detail_words for w in words.group(2).split()):
        m = words  # "first chalk style": the words between describe the style
    after = re.match(r"\s+the\s+([a-z0-9]+)(?=\s*(?:[,.;:!?]|$)|\s+(?:" + "|".join(sorted(LOCATIVES)) + r")\b)",
                     text[subject.end:])  # "Rex the first, on a sofa": a regnal ordinal after the name
    owned = re.match(r"\s+([a-z]+)\s+(?:[a-z-]+\s+)?(?:" + "|".join(sorted(TRAILING | _VERSION_NOUNS)) + r")\b",
                     text[subject.end:]) if subject.text.lower().endswith(("'s", "’s")) else None
    if after and ordinal_value(after.group(1)) and subject.kind in ("name", "partial"):
        span = (subject.end + after.start(), subject.end + after.end(1))
        word = after.group(1)
    elif owned and (ordinal_value(owned.group(1)) or owned.group(1) in ("middle", "center", "centre")) \
            and owned.group(1) not in ("one", "a", "an"):
        span = (subject.end + owned.start(1), subject.end + owned.end(1))  # "gravy's second look"
        word = owned.group(1)
    elif m:
        span = m.span(1)
        word = m.group(1)
        ever = re.search(r"\b([a-z0-9]+)[\s-]+ever\s+$", text[:lead])  # "my first ever Juno checkpoint"
        if word == "ever" and ever:
            span, word = (ever.start(1), m.end(1)), ever.group(1)
    else:
        return
    value = 0 if word in ("middle", "midle", "center", "centre") else ordinal_value(word)
    if value is None or word in ("one", "a", "an") or (value and not re.fullmatch(r"\d+(?:st|nd|rd|th)|[a-z]+", word)):
        return
    if re.search(r"\b(?:his|her|its|their)\s+$", text[:span[0]]) and subject.kind not in ("name", "partial", "trigger"):
        return  # "on her first bike": her first one, not the oldest checkpoint
    if value == 1:
        intent.ordering = "oldest"
    elif word.isdigit():
        return
    else:
        intent.position = value
    intent.cue_spans.append(span)


def _request_verb_spans(tokens: list[tuple[str, int, int]], intent: Intent) -> list[tuple[int, int]]:
    """A request verb left dangling after chatter ("hi could you make biscuit" → "make")."""
    spans = []
    chatter_ends = {e for s, e in intent.cue_spans}
    for n, (tok, start, end) in enumerate(tokens):
        if tok in REQUEST_VERBS and any(abs(start - e) <= 1 for e in chatter_ends) \
                and not (n + 1 < len(tokens) and tokens[n + 1][0] in ("it", "them", "everything")):
            spans.append((start, end))  # not "please, make it look really nice": how the picture should be
    return spans


def _find_triggers(text: str, vocab: Vocabulary) -> list[Mention]:
    found = []
    for m in re.finditer(r"<[^<>\s]+>|[a-z0-9][\w.-]*[a-z0-9]", text):
        word = m.group(0)
        key = word if word in vocab.triggers else (f"<{word}>" if f"<{word}>" in vocab.triggers
                                                   and word not in vocab.subjects else None)
        if key:
            found.append(Mention("trigger", key, word, m.start(), m.end(), m.start(), "none"))
    for m in re.finditer(r"(?<![\w<-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*)[\s_]+v\s?(\d+)\b"  # "cargo v2": an id, spaced
                         r"|(?<![\w<-])([a-z][a-z-]*[a-z])v?(\d{1,2})\b", text):  # "stitch2": the id's stem, glued
        if m[3]:
            key = f"<{m[3]}-v{m[4]}>"
            if key in vocab.triggers and not any(f.start < m.end() and m.start() < f.end for f in found):
                found.append(Mention("trigger", key, m[0], m.start(), m.end(), m.start(), "none"))
            continue
        key = f"<{m[1]}-v{m[2]}>"
        if key in vocab.triggers and m[1] not in vocab.names and m[1] not in vocab.subjects \
                and not any(f.start < m.end() and m.start() < f.end for f in found):  # "rex v1": the name's version
            found.append(Mention("trigger", key, m[0], m.start(), m.end(), m.start(), "none"))
    return sorted(found, key=lambda f: f.start)


_PLACE_NOUNS = frozenset("front top middle edge side foot back corner roof steps".split())  # "in front of", "on top of"


def _determiner(tokens: list[tuple[str, int, int]], head: int, taken: list[tuple[int, int]]) -> tuple[str, int, bool]:
    """Look left of token `head` past modifiers and cue words: (kind, np_start, in a place phrase)."""
    i = head - 1
    np_start = tokens[head][1]
    while i >= 0 and head - i <= 4:
        tok, start, end = tokens[i]
        if tok == "of" and i >= 2 and tokens[i - 1][0] in _PLACE_NOUNS and tokens[i - 2][0] in LOCATIVES | DEFINITES:
            return "none", np_start, True  # "sitting in front of grandma's cottage", "on top of the hive": where
        if tok == "of":
            break  # "(I'd be grateful for) an image of Kenji": the article is the picture's, even inside a frame
        if tok in POSSESSIVES or tok.endswith("'s") and tok not in ("yesterday's", "today's"):
            return "possessive", start, False
        if tok in ("'", "’") and i > 0 and tokens[i - 1][0].endswith("s") and tokens[i - 1][2] == start:
            owner = _determiner(tokens, i - 1, taken)  # "the kids' toys", "my grandparents' things"
            return "possessive", owner[1], False
        if tok in DEFINITES or tok in INDEFINITES or tok == "whichever":  # "whichever Biscuit came first"
            return ("indefinite" if tok in INDEFINITES else "definite"), start, locative_before(tokens, i)
        if tok in LOCATIVES:
            return "none", np_start, True
        spaced = tok == "-" and (i == 0 or tokens[i - 1][2] < start) and tokens[i + 1][1] > end
        if spaced:
            break  # "for a school project - Rex": a dash between words opens a new clause
        if tok == "-" and i > 0 and tokens[i - 1][2] == start and re.match(r"[a-z0-9]", tokens[i - 1][0]):
            i -= 2  # "a pixar-style character": the word before the hyphen is part of the compound
            continue
        if tok in REQUEST_VERBS and overlaps((start, end), taken):
            break  # "do me a favour and make Rufus": an article before the request's verb is not the name's
        if tok in MODIFIERS or overlaps((start, end), taken) or tok == "-":
            i -= 1
            continue
        break
    # "under the christmas tree": a place phrase over a word or two that describe its noun
    for j in range(i - 1, max(i - 3, -1), -1):
        tok = tokens[j][0]
        if tok in DEFINITES | INDEFINITES and locative_before(tokens, j):
            return "none", np_start, True
        if not re.match(r"[a-z]", tok) or tok in STOPWORDS:
            break
    # "a sleeping cat", "a tiny knitted sweater": an article over a word or two that only describe its noun
    for j in range(i, max(i - 3, -1), -1):
        tok = tokens[j][0]
        if tok in INDEFINITES and j < i:
            return "indefinite", tokens[j][1], locative_before(tokens, j)
        pos = pos_of(tok)
        if not tok.isalpha() or tok in STOPWORDS or not (tok.endswith(("ing", "ed")) and "VERB" in pos
                                                       or "ADJ" in pos and "NOUN" not in pos):
            break
    return "none", np_start, False


def _in_other_phrase(tokens: list[tuple[str, int, int]], i: int, original: str, found: list[Mention]) -> bool:
    """Whether the lowercase word at `i` belongs to another phrase: the object of "of" ("a glass of wine") or the
    word right after a name ("Rosa back when ...")."""
    tok, start, end = tokens[i]
    if i == 0 or not original[start:end].islower():
        return False  # "Lady Macbeth", "Sam": written as a name
    before = tokens[i - 1]
    return before[0] == "of" or any(m.kind == "name" and m.end == before[2] for m in found)


# everyday words for whoever is in charge, and the words descriptions say it with
_BOSS = re.compile(r"\b(?:boss|bossman|head\s+honcho|honcho|gaffer|ceo)\b")
_LEADING = tuple(stem(w) for w in "owner boss chief head manager leader director captain foreman".split())
_YOUTH = frozenset("young baby junior adult senior".split())  # "the young wheel": an age, which tells versions apart


# the subject at a young age: "when she was little", "as a little kid", "back when he was a baby"
_YOUNG_THEN = re.compile(r"\b(?:(?:back\s+)?when\s+(?:she|he|they|it)\s+(?:was|were)\s+(?:still\s+)?(?:just\s+)?(?:"
                         r"(?:(?:a\s+)?(?:little|small|tiny|young|wee)(?:\s+(?:one|girl|boy|kid|thing|lad|lass))?)"
                         r"|an?\s+(?:baby|toddler|tot|kid|child|youngster|nipper))"
                         r"|as\s+an?\s+(?:(?:little|young|wee|tiny|small)\s+)?(?:kid|child|baby|toddler|tot|youngster|"
                         r"nipper|little\s+one))\b")


def _as_a_young(text: str, start: int, young: bool) -> bool:
    """Whether "as a" comes right before `start`; before a young one, a word of how it looked may come between ("as
    a pup", "as a gangly pup"; not "as an anime mascot")."""
    said = _AS_A.search(text, 0, start)
    return said is not None and (not said["look"] or young and "NOUN" not in pos_of(said["look"]))


def _younger_self(text: str, intent: Intent) -> None:
    """"Lila when she was little", "Lila as a little kid", "young Lila": the first version of a person or pet named,
    when nothing else says which (a description saying "baby" or "kitten" is read as a detail instead)."""
    subject = intent.subject
    if subject is None or subject.kind not in ("name", "partial") or intent.details or intent.ordering \
            or intent.position is not None or intent.version is not None or intent.relative:
        return
    young = _YOUNG_THEN.search(text) or re.search(r"\b(?:young|baby)\s+$", text[:subject.start])
    if young and not overlaps(young.span(), intent.cue_spans):
        intent.ordering = "oldest"
        intent.cue_spans.append(young.span())


def _modifying(text: str, mentions: list[Mention], vocab: Vocabulary) -> list[tuple[int, int]]:
    """Subject words that only say what kind of thing the noun right after them is ("on my garden fork", "the dog
    bowl"): a lowercase noun WordNet knows that no description, subject or name of the repository has, no mention,
    no verb ("my dog barks"), number ("oven two"), participle ("the quilt spread on the grass") nor time."""
    from lemminflect import getAllLemmas

    spans = []
    for m in mentions:
        after = re.match(r" ([a-z]+)\b(?![-'’])", text[m.end:])
        if m.kind not in ("subject", "synonym") or m.det not in ("possessive", "definite") or after is None \
                or any(o.start in (m.end + 1, m.end + after.end() + 1) for o in mentions):  # "our set builder guy":
            # the phrase's head is named after it
            continue
        word, lemmas = after[1], getAllLemmas(after[1])
        senses = wordnet_senses().get(normalize_noun(word))
        if not senses or senses[0][0] in ("time", "act", "quantity") or "NOUN" not in lemmas or "ADV" in lemmas \
                or word in STOPWORDS or word in LOCATIVES or word.endswith(("ing", "ed")) or past_form(word) \
                or "VERB" in lemmas and word.endswith("s") or number_value(word) is not None \
                or stem(word) in vocab.detail_words or normalize_noun(word) in vocab.subjects \
                or normalize_noun(word) in vocab.name_words or f"{text[m.start:m.end]}{word}" in vocab.subjects:
            continue
        spans.append((m.start, m.end))
    return spans


def _names_what_it_is(text: str, word: str, span: tuple[int, int], subject: Mention | None, vocab: Vocabulary) -> bool:
    """Whether a noun right before the subject word says what the subject is, as a description puts it ("the head
    mechanic" for "Marta, our head mechanic", "the harris hawk" for "a Harris's hawk"): it tells concepts apart, not
    versions. Adjectives and colours stay details ("the white cottage")."""
    if subject is None or subject.kind not in ("subject", "synonym") or subject.start < span[1] \
            or not re.fullmatch(r"(?:['’]s)?\s+", text[span[1]:subject.start]):
        return False
    typed = text[span[0]:span[1]].lower()
    head = stem(re.findall(r"[a-z]+", subject.text.lower())[-1])
    if (word, head) not in vocab.detail_pairs or typed in COLOURS or typed in _YOUTH \
            or typed not in wordnet_senses() and pos_of(typed):
        return False  # only a noun WordNet knows, or a name
    # and no description says another word before the subject's ("the navy robes" beside "the burgundy robes":
    # versions told apart)
    return not any(w != word and w not in vocab.name_words and w not in vocab.names and w not in STOPWORDS
                   and len(w) > 2 and not w.isdigit() for w in vocab.said_before(head))


def _slip_of(typed: str, term: str) -> bool:
    """Whether two typed words are a slip of a subject or name (`term`): a letter or two off as one word ("blu
    print", "gran-daughter") or word by word, each the front of its word or one edit off ("tat gun" for "tattoo
    gun"); not "landy covered" for "land rover"."""
    if OSA.distance(typed.replace(" ", ""), term.replace(" ", "")) <= 2:
        return True
    words = typed.split()
    splits = [term.split()] if " " in term else [[term[:i], term[i:]] for i in range(3, len(term) - 2)]  # "tattoogun"
    return any(len(parts) == len(words) and all(b.startswith(a) and len(a) >= 3 or OSA.distance(a, b) <= 1
                                                 for a, b in zip(words, parts)) for parts in splits)


def _everyday_modifier(word: str, name: str) -> bool:
    """Whether `word` only qualifies the name (not its last word) and is an everyday English word by wordfreq
    ("back" of "Dragon back piece", "wine" of "Wine press"; not "dusk" of "Dusk palette")."""
    from wordfreq import zipf_frequency

    return name.split()[-1] != word and zipf_frequency(word, "en") >= 4.5


def _find_mentions(text: str, original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                   taken: list[tuple[int, int]]) -> list[Mention]:
    words = [(i, vocab.phrase_word(singular(t))) for i, (t, s, e) in enumerate(tokens)
             if re.match(r"[a-z0-9]", t) and not overlaps((s, e), taken)]
    found: list[Mention] = []
    used: set[int] = set()
    placed: set[int] = set()  # names said in a place phrase
    longest = vocab.longest
    # a hyphen inside a word ("self-portrait") joins its parts: they count as neighbours
    joined = {i for i, (t, s, e) in enumerate(tokens) if t == "-" and 0 < i < len(tokens) - 1
              and tokens[i - 1][2] == s and tokens[i + 1][1] == e}
    order = {i: i - sum(1 for j in joined if j < i) for i, _ in words}
    for size in range(longest, 0, -1):
        for n in range(len(words) - size + 1):
            run = words[n:n + size]
            if any(i in used for i, _ in run) or order[run[-1][0]] - order[run[0][0]] != size - 1:
                continue
            phrase = " ".join(w for _, w in run)
            kind = "name" if phrase in vocab.names else ("subject" if phrase in vocab.subjects else None)
            if kind is None and size == 2 and phrase.replace(" ", "") in vocab.subjects:
                kind, phrase = "subject", phrase.replace(" ", "")  # "grand daughter", "tea pot": one word, spaced
            elif kind is None and size == 2 and (run[0][0] + 1 in joined or all(
                    len(w) > 2 and w not in STOPWORDS and w not in vocab.names and w not in vocab.name_words
                    and w not in vocab.subjects for _, w in run)) \
                    and (typo := vocab.typo_of(phrase.replace(" ", ""))) in vocab.subjects.keys() | vocab.names.keys() \
                    and (run[0][0] + 1 in joined or not all(is_english(w) for _, w in run) or " " not in typo and len(
                        typo) >= 8 and OSA.distance(phrase.replace(" ", ""), typo) <= 2) \
                    and _slip_of(phrase, typo):  # "gran-daughter", "blu print": a slip of one word (not "the landy
                # covered in snow": a nickname and what it is doing)
                kind, phrase = ("name" if typo in vocab.names else "subject"), typo
            if kind is None and size == 1 and vocab.joined_name(phrase):
                kind, phrase = "name", vocab.joined_name(phrase)  # "mochiwatercolor": the name, typed as one word
            if kind is None and size == 1 and phrase in vocab.subject_heads:
                kind = "subject"  # "the set" of "stage set": the head of a subject of several words
            partial = kind is None and size == 1 and phrase in vocab.name_words \
                and not vocab.covered_by(phrase, learned=False)  # "dusk" of "Dusk palette"; "animal" is a class
            if partial and _everyday_modifier(phrase, next(iter(vocab.name_words[phrase]))) \
                    and _in_other_phrase(tokens, run[0][0], original, found):
                partial = False  # "back" of "Dragon back piece" in "Rosa back when...", "wine" of "Wine press"
                # in "a glass of wine": an everyday word that only qualifies the name, in a phrase of its own
            if partial:
                kind, phrase = "partial", next(iter(vocab.name_words[phrase]))
            if kind is None:
                continue
            first, last = run[0][0], run[-1][0]
            if IN_LAW.match(text, tokens[last][2]) or re.search(r"\bstep[\s-]*$", text[:tokens[first][1]]):
                continue  # "my mother-in-law", "his step-dad": another relation than "mother", "dad"
            if phrase in PRONOUNS and last + 1 < len(tokens) and tokens[last + 1][0] in _NP_STARTS:
                continue  # "show me my grandmother", "draw me a cat": an indirect object, not the subject
            det, np_start, place = _determiner(tokens, first, taken)
            if size == 1 and det == "none" and kind == "subject" and _verb_ing(tokens, first):
                continue  # "my nephew tom building a snowman": what he does, not the building
            if size == 1 and det == "none" and kind == "subject" and "ADV" in pos_of(phrase) and first \
                    and tokens[first - 1][0] in _GOING:
                continue  # "fishing boats coming home", "heading back": where they go, not the house
            if kind in ("name", "partial") and det == "indefinite":
                if phrase not in vocab.subjects:
                    continue  # "a sunny day" is not Sunny the sunflower
                kind = "subject"  # "a beetle": the subject word, also some checkpoint's name
            looks = " " in phrase and phrase.split()[-1] in _LOOK_WORDS \
                or last + 1 < len(tokens) and tokens[last + 1][0] in _LOOK_WORDS  # not "marta in anime style"
            medium = partial and re.search(r"\bin\s+$", text[:tokens[first][1]]) is not None \
                and vocab.names.get(phrase, set()) <= vocab.style_ids  # "a fox in chalk": the chalk style draws it
            scene = place and det != "possessive" and (kind == "subject" or partial) \
                and not looks and not medium  # names are identities; "in the film look" names a style
            start, end = tokens[first][1], tokens[last][2]
            found.append(Mention(kind, phrase, original[start:end], start, end, np_start, det, scene))
            if place and kind == "name" and not scene and det != "possessive":
                placed.add(start)
            used.update(i for i, _ in run)
    found += _word_mentions(tokens, words, used, original, vocab, taken)
    # "our blue truck parked by the honey shop": a name in a place phrase after the thing placed there is where
    found = [replace(m, scene=True) if m.start in placed and any(
        o.end <= m.np_start and not o.scene and o.det != "indefinite" and o.kind in ("subject", "synonym")
        and not CLAUSE_BREAK.search(text, o.end, m.np_start) for o in found) else m for m in found]
    # "a pair of ballet shoes", "a set of knives": how many, not the pair or the set
    found = [m for m in found if not (m.kind in ("subject", "synonym", "class") and " " not in m.term
                                      and re.fullmatch(r"an?\s+", text[m.np_start:m.start])
                                      and re.match(r"\s+of\s+(?!(?:ours|mine|yours|his|hers|theirs)\b)[a-z]",
                                                   text[m.end:]))]  # not "a pet of ours"
    return sorted(found, key=lambda m: m.start)


_LOOK_WORDS = frozenset("style styles look looks aesthetic vibe vibes filter edit edits preset".split())
_NP_OPENERS = frozenset("a an the this that these those my our your his her their its any some one of every each all "
                        "another other which whichever".split())


def _names_in_scene(text: str, tokens: list[tuple[str, int, int]], mentions: list[Mention],
                    vocab: Vocabulary, styles: list[tuple[int, int]] = ()) -> list[Mention]:
    """A name that is also an everyday word, said again in the picture after the checkpoint was named: "clover
    the rabbit eating clover", "bubbles surrounded by bubbles", "the camper van with a jar of marigolds" (the
    van is Marigold). Such a word is scene, not a second mention, unless it is introduced as the subject
    again (after a request verb, "the", "my" or a break: "<biscuit-v3>, could you make biscuit on a boat")."""
    starts = {s: i for i, (_, s, _) in enumerate(tokens)}
    ends = {e: i for i, (_, _, e) in enumerate(tokens)}
    out = list(mentions)
    for n, m in enumerate(mentions):
        i = starts.get(m.np_start)
        placed = i is not None and any(t in LOCATIVES for t, _, _ in tokens[max(0, i - 2):i])
        last = ends.get(m.end)
        follower = tokens[last + 1][0] if last is not None and last + 1 < len(tokens) else ""
        if m.kind in ("name", "partial") and placed and "NOUN" in pos_of(follower) and follower not in STOPWORDS \
                and follower not in _LOOK_WORDS \
                and not any(o.start == tokens[last + 1][1] for o in mentions) \
                and any(e.start < m.start and not e.negated and not e.scene for e in mentions):
            out[n] = replace(m, scene=True)  # "the bird sitting on the clubhouse roof": a place in the picture
            # (not "a cat in the sprinkles look", a style)
            continue
        if m.kind in ("name", "partial") and placed and any(
                e.start < m.start and e.det in ("definite", "possessive") and not e.negated and not e.scene
                and not (mention_ids(e, vocab) & mention_ids(m, vocab)) for e in mentions):
            out[n] = replace(m, scene=True)  # "the studio dog asleep by the kiln": the kiln is where it sleeps
            continue
        if m.kind == "partial" and not m.negated and re.search(r"\bfrom\s+(?:the\s+|our\s+|my\s+)?(?:[a-z]+\s+)?$",
                                                               text[:m.np_start]) \
                and m.term.split()[-1] != normalize_noun(m.text.lower()):
            out[n] = replace(m, scene=True)  # "a robot from the club": where it comes from, not the "Club logo"
            continue
        theirs = re.match(r"(?:his|her|their)\s+$", text[m.np_start:m.start]) is not None  # "my mum in her garden chair"
        styled = theirs or any(s < m.start for s, _ in styles) or any(  # "a style", "Label style" said before it
            e.end <= m.start and not e.negated and (e.term.split()[-1] in ("style", "look")
                                                    or re.match(r"\s+(?:style|look)\b", text[e.end:]))
            for e in mentions)
        if (m.kind in ("name", "partial") or theirs and m.kind == "subject") and not m.negated \
                and " " not in m.text.strip() and styled and follower and not pos_of(follower) & {"ADJ", "ADV"} \
                and "NOUN" in pos_of(follower) and follower not in STOPWORDS and follower not in PLACE_WORDS \
                and not follower.endswith("ing") and not any(o.start == tokens[last + 1][1] for o in mentions) \
                and (theirs or re.search(r"\b(?:of|a|an)\s+$", text[:m.np_start])):
            out[n] = replace(m, scene=True)  # "label style for a jar of clover honey": what the style draws, a kind
            continue  # of honey
        if m.kind not in ("name", "partial") or m.negated or " " in m.text.strip() or not is_english(m.text.lower()):
            continue
        if re.search(r"\b(?:a|an|some)\s+[a-z]+\s+of\s+$", text[:m.np_start]) and any(
                o is not m and o.kind in ("name", "partial", "trigger") and not o.negated
                and not (mention_ids(o, vocab) & mention_ids(m, vocab)) for o in mentions):
            out[n] = replace(m, scene=True)  # "a bowl of marmalade on toast next to Boris": marmalade is food
            continue
        ids = mention_ids(m, vocab)
        plural = normalize_noun(m.text.lower()) != m.text.lower() and m.text.lower() not in vocab.typed_names
        other = any(e is not m and not e.negated and not e.scene and not (mention_ids(e, vocab) & ids) for e in mentions)
        if plural and other and follower not in _LOOK_WORDS:  # "the farmhouse with the roses out front": Rose is a
            # person, the roses flowers (not "in the sprinkles look")
            out[n] = replace(m, scene=True)
            continue
        if not any(e.start < m.start and not e.negated and not e.scene and mention_ids(e, vocab) & ids
                   for e in mentions):
            continue
        before = tokens[i - 1][0] if i else ""
        after = tokens[i + 1][0] if i is not None and i + 1 < len(tokens) else ""
        compound = bool(re.match(r"[a-z]", after)) and "NOUN" in pos_of(after) and after not in STOPWORDS \
            and not after.endswith(("ing", "ed"))  # "kiwi slices", not "Halcyon sailing"
        introduced = not before or not re.match(r"[a-z0-9<]", before) or before in DEFINITES | POSSESSIVES | \
            {"and", "of"} or before in REQUEST_VERBS or any(0 <= m.np_start - e.end <= 1 for e in mentions) \
            or before in ("named", "called") and not re.search(  # "the woofer named rex", not "a new foster called
                r"\b(?:a|an)\s+(?:[a-z]+\s+){0,2}(?:named|called)\s+$", text[:m.np_start])  # Biscuit"
        if plural or compound or not introduced:
            out[n] = replace(m, scene=True)
    return out


_MOTION_PREPOSITIONS = frozenset("past by toward towards through into onto over under around along across after "
                                  "from to up down round".split())


def _objects_of_actions(tokens: list[tuple[str, int, int]], mentions: list[Mention]) -> list[Mention]:
    """What an earlier subject does something to is scene: "a farmer feeding the chickens", "Rex chasing a cat"
    (a verb in -ing right before the object's phrase, after a mention that is not scene)."""
    starts = {s: i for i, (_, s, _) in enumerate(tokens)}
    out = []
    for m in mentions:
        i = starts.get(m.np_start)
        acted = i is not None and i > 0 and _verb_ing(tokens, i - 1)
        if i is not None and not acted:  # "rocket driving past a little white cottage", "Rex running to the bridge"
            k = i - 1
            while k > 1 and i - k <= 3 and (tokens[k][0] in INDEFINITES | DEFINITES | POSSESSIVES
                                            or "ADJ" in pos_of(tokens[k][0])):
                k -= 1
            acted = k > 0 and tokens[k][0] in _MOTION_PREPOSITIONS and tokens[k - 1][0].endswith("ing") \
                and "VERB" in pos_of(tokens[k - 1][0])
            i = k if acted else i
        acted = acted and m.kind != "trigger" \
            and any(o.end <= tokens[i - 1][1] and not o.negated and not o.scene
                    and not (o.det == "indefinite" and m.det == "possessive" and o.kind != "name") for o in mentions)
        # not "a horse and cart crossing our bridge": what is ours is asked for, a horse is any horse
        out.append(replace(m, scene=True) if acted and not m.negated else m)
    return out


# what someone does in a relative clause is theirs, not the subject: "kenji, the guy who runs the food truck"
_RELATIVE_OBJECT = re.compile(r"\b(?:guy|man|woman|lady|girl|boy|person|one|bloke|chap|kid|fellow|friend)\s+(?:who|that)\s+"
                              r"(?!is\b|was\b|isn|wasn|has\b|had\b)[a-z]+\s+(?:[a-z]+\s+)?$")


def _origins(text: str, mentions: list[Mention]) -> list[Mention]:
    """Where the thing before it comes from is scene: "a woman from the clinic", "a dish from our menu" (a
    mention right after "from" that follows another)."""
    out = []
    for m in mentions:
        member = re.search(r"\b(?:one|any|either|each|some|someone|somebody|anyone|anybody|whoever)\s+from\s+$",
                           text[:m.np_start])  # "someone from the team": the group names whom to ask about
        if m.kind != "trigger" and not m.negated and _RELATIVE_OBJECT.search(text[:m.np_start]):
            out.append(replace(m, scene=True))
            continue
        origin = m.kind != "trigger" and not m.negated and not member and any(
            not o.negated and not o.scene and o.kind != "trigger" and o.end <= m.np_start
            and re.fullmatch(r"\s+from\s+", text[o.end:m.np_start]) for o in mentions)
        out.append(replace(m, scene=True) if origin else m)
    return out


# verbs of going after which a place word is an adverb ("coming home")
_GOING = frozenset("come comes coming came go goes going went gone head heads heading headed get gets getting got walk "
                   "walks walking walked drive drives driving drove sail sails sailing sailed fly flies flying flew run "
                   "runs running ran ride rides riding rode row rows rowing rowed return returns returning returned way "
                   "welcome".split())


def _verb_ing(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """Whether the word at `i` is a verb in -ing with its object after it ("building a snowman"), not a noun."""
    word = tokens[i][0]
    if not (word.endswith("ing") and "VERB" in pos_of(word) and i + 1 < len(tokens)):
        return False
    after = tokens[i + 1][0]
    return after in POSSESSIVES | INDEFINITES | DEFINITES | {"some", "up", "out"} \
        or "NOUN" in pos_of(after) and ("NOUN" not in pos_of(word)  # "chasing pigeons"; ", doing surgery"
                                        or i > 0 and tokens[i - 1][0] in (",", ";"))


def _opens_noun_phrase(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """Whether the word at `i` heads a noun phrase of its own: after a determiner, an adjective or nothing ("my
    feline", "a small reptile"); not after another noun ("our grandson jack": a name, not WordNet's sailor)."""
    j = i - 1
    if j >= 0 and not re.match(r"[a-z0-9]", tokens[j][0]):
        return True  # punctuation before it: the phrase starts here
    if j < 0 or tokens[j][0] in _NP_OPENERS or tokens[j][0].endswith(("'s", "’s")):
        return True  # "dad's timepiece"
    pos = pos_of(tokens[j][0])
    return "ADJ" in pos and "NOUN" not in pos or tokens[j][0] in MODIFIERS  # "that old timepiece"


_YOUNG_BEFORE = frozenset("little young small tiny baby teenage toddler".split())
# a modal or "to" a few words before a noun and a verb: "can my toy ride", "could the dog swim" (not "Jack's pooch")
_ASKING_VERB = frozenset("can could will would should may might does did do to".split())


def _word_mentions(tokens, words, used, original, vocab: Vocabulary, taken) -> list[Mention]:
    """Single words the exact lookup missed: informal words ("pupper", "plushie"), everyday class
    words ("my animal", "my toy") and typos of subject terms or names ("Moochi", "cotage")."""
    found = []
    for n, (i, word) in enumerate(words):
        if i in used or word in STOPWORDS or word in SCENE_WORDS or word in MODEL_WORDS or _verb_ing(tokens, i):
            continue
        after = words[n + 1] if n + 1 < len(words) else None
        pair = f"{word} {after[1]}" if after and after[0] == i + 1 else ""
        if after and after[0] == i + 2 and tokens[i + 1][0] == "-" and tokens[i][2] == tokens[i + 1][1] \
                and tokens[i + 1][2] == tokens[i + 2][1]:
            pair = f"{word}-{after[1]}"  # "the grown-ups", "my two-wheeler": the lexicon's hyphenated word
        last = after[0] if pair and pair in INFORMAL else i
        phrase = pair if last > i else word
        term, kind = vocab.informal(phrase) or (vocab.informal(tokens[i][0]) if last == i else None), "synonym"
        if term is not None and word in GROWN_READING and i > 0 and tokens[i - 1][0] in _YOUNG_BEFORE:
            continue  # "a little girl holding the bouquet": a child, not one of the grown women
        if term is not None and last == i and i - 1 in used and "VERB" in pos_of(word) \
                and any(t in _ASKING_VERB for t, _, _ in tokens[max(0, i - 4):i - 1]):
            continue  # "can my toy ride in a shopping cart": what it does, not "my ride" (not "Jack's pooch")
        if term is not None and term in GENERIC and term not in vocab.subjects:
            continue  # "studio pic": a picture asked for, never a class of the repository's things
        if term is not None and term not in vocab.subjects and vocab.covered_by(term):
            kind = "class"  # "the grandkids": "grandchild" is no subject here, but the grandson and granddaughter are
        if term is None and vocab.covered_by(phrase) and phrase not in vocab.subjects \
                and (phrase in HYPERNYMS or vocab.is_class(phrase) or _opens_noun_phrase(tokens, i)):
            term, kind = phrase, "class"
        if term is None and word in ("look", "edit", "preset", "filter") and i > 0 and (
                tokens[i - 1][0] in POSSESSIVES or tokens[i - 1][0] == "other" and i > 1 and tokens[i - 2][0] in POSSESSIVES):
            term = vocab.informal(f"{word}s")  # "edited with my other look": one of my styles
        same = vocab.everyday_synonym(phrase) if term is None and i > 0 \
            and tokens[i - 1][0] in DEFINITES | POSSESSIVES | INDEFINITES else None
        if same is not None:  # "the headteacher" where the repository says "principal"
            term, kind = same, "synonym"
        if term is None:
            term = vocab.typo_of(tokens[i][0])
            kind = "name" if term in vocab.names else "subject"
        slip = misspelt_common(tokens[i][0]) or misspelt_common(word) if term is None else frozenset()
        meant = normalize_noun(next(iter(slip))) if len(slip) == 1 else None
        if meant is not None and meant not in vocab.subjects and vocab.covered_by(meant):
            term, kind = meant, "class"  # "one of the grandparants": the grandparents
        if term is None:
            continue
        first = i  # "Mr Butons": the name's other words before the misspelt one belong to the mention
        while kind == "name" and first > 0 and first - 1 not in used \
                and normalize_noun(tokens[first - 1][0]) in term.split()[:-1]:
            first -= 1
        det, np_start, place = _determiner(tokens, first, taken)
        if kind == "name" and det == "indefinite":
            continue
        start, end = tokens[first][1], tokens[last][2]
        found.append(Mention(kind, term, original[start:end], start, end, np_start, det,
                             place and det != "possessive" and kind != "name"))
        used.update(range(first, last + 1))
    return found


def _style_names_model(text: str, spans: list[tuple[int, int]]) -> bool:
    """'the sketch model', 'anime build', 'watercolor version': the style picks the checkpoint."""
    for _, end in spans:
        after = re.findall(r"[a-z]+(?:-[a-z]+)*", text[end:end + 24])[:2]
        if any(normalize_noun(w) in MODEL_WORDS or w == "one" for w in after):
            return True
    return False


def _own_style(text: str, spans: list[tuple[int, int]]) -> bool:
    """'something in my watercolour style': a style of one's own is a checkpoint of that style."""
    return any(re.search(r"\b(?:my|our)\s+$", text[:start]) and re.match(r"\s+(?:style|look)\b", text[end:])
               for start, end in spans)


def strip_cues(request: str, cue_spans: list[tuple[int, int]], protect: list[tuple[int, int]] = ()) -> str:
    """The request without selection cues and the connector words left dangling around them.

    Connectors inside `protect` spans (the subject's noun phrase) are kept.
    """
    if not cue_spans:
        return " ".join(request.split())
    text = _lower_same_length(request)
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    drop = [overlaps((s, e), cue_spans) for _, s, e in tokens]
    for i, (tok, _, _) in enumerate(tokens):  # "<x>, hi could you make x on a boat": the comma goes with the chatter
        if tok == "," and i + 1 < len(tokens) and drop[i + 1]:
            j = i + 1
            while j < len(tokens) and drop[j]:
                j += 1
            if j < len(tokens) and re.match(r"[a-z0-9<]", tokens[j][0]):
                drop[i] = True
    changed = True
    while changed:  # grow each dropped run over adjacent connector words
        changed = False
        for i, (tok, _, _) in enumerate(tokens):
            if drop[i] or tok not in CONNECTORS or overlaps(tokens[i][1:], list(protect)):
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
    out = re.sub(r"([,;:])\s*\b(?:and|or|but)\b\s*(?=[,;:]|$)", r"\1", out, flags=re.I)  # "<x>, and, on a shelf" once
    # "not the new casing" has gone
    out = re.sub(r"([,;:])(\s*[,;:])+", r"\1", out)
    return out.strip(" ,;:-")
