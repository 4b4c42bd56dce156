"""Subjects the repository lacks: the phrase a request is about when no checkpoint has it.

    "my iguana on a rock"             → unknown "iguana" (the leading noun phrase names nothing here)
    "my sister's cat"                 → someone else's cat: the cat's description names no sister
    "the frog puppet" (an owl puppet) → another animal before the subject word
    "the doggie from next door"       → the neighbours'

Each rule reads the tokens around the mentions `intent` found and either sets `Intent.unknown_subject` (a
no-match that names the nearest checkpoints) or marks a mention as scene. WordNet's noun senses (via
`lexicon.wordnet_senses`), lemminflect's parts of speech and wordfreq's frequencies tell a kind of thing
from an adjective, a name or a slip.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import replace

from rapidfuzz import fuzz, process

from agent.concepts import id_stem
from agent.constraints import CHANGE_EVENTS
from agent.conversation import CONVERSATION_WORDS, INTERJECTIONS, THANKS, overlaps, pos_of
from agent.lexicon import (BODY_PARTS, COMPANIONS, HYPERNYMS, INFORMAL, NEUTRAL_KIN, composed_kin, g_dropped, in_use_word, is_english,
                           kin_forms, kin_word, lexname, misspelt_common, number_value, ordinal_value, past_participle, sex_of_kind,
                           stem, unmarked_owner, wordnet_relation, wordnet_senses)
from agent.mention import PRONOUNS, Intent, Mention
from agent.vocab import (AGE_WORDS, DEFINITES, GENERIC, GROWN_READING, IN_LAW, INDEFINITES, LOCATIVES, MODEL_WORDS, MODIFIERS,
                         POSSESSIVES, SCENE_WORDS, SOFT_PHOTO_WORDS, STYLE_WORDS, Vocabulary, normalize_noun)
from repo_store.text import STOPWORDS


_PLACE_NOUNS = frozenset("front top side middle back edge corner foot bottom end centre center".split())


_RENDERED = frozenset("done drawn painted rendered styled sketched illustrated printed shot".split())


def locative_before(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """Whether a place word comes right before token `i`: "in", "on", or a place phrase ending in "of" or "to"
    ("in front of", "on top of", "on the rack of", "next to", "out of")."""
    if i < 1:
        return False
    before = tokens[i - 1][0]
    if before == "in" and i > 1 and tokens[i - 2][0] in _RENDERED:
        return False  # "done in the oldest poster version", "painted in the ink style": how, not where
    return before in LOCATIVES or before == "of" and i > 1 and (
        tokens[i - 2][0] in _PLACE_NOUNS or tokens[i - 2][0] not in _NOT_CLASSIFIERS  # not "in one of the styles"
        and any(t in LOCATIVES for t, _, _ in tokens[max(0, i - 5):i - 2])) \
        or before == "to" and i > 1 and tokens[i - 2][0] in ("next", "close") \
        or before == "of" and i > 1 and tokens[i - 2][0] in ("out", "outside") \
        or before == "by" and i > 1 and tokens[i - 2][0].endswith(("ed", "ing")) and "VERB" in pos_of(tokens[i - 2][0])
    # "fresh out of the oven"; "parked by the shop", "standing by the gate" (not "made by")


def mention_ids(m: Mention, vocab: Vocabulary) -> set[str]:
    if m.kind == "trigger":
        return {vocab.triggers[m.term]} if m.term in vocab.triggers else set()
    if m.kind == "class":  # "timepiece": the checkpoints of the subject terms it covers
        return set().union(*(vocab.subjects.get(t, set()) for t in vocab.covered_by(m.term)))
    return set(vocab.names.get(m.term, set()) if m.kind in ("name", "partial") else vocab.subjects.get(m.term, set()))


def _own_words(m: Mention, vocab: Vocabulary) -> frozenset[str]:
    """Stems of what the checkpoints `m` names have as their own: subjects, name and description words."""
    return frozenset().union(*(vocab.own_words(i) for i in mention_ids(m, vocab)))


_FRAMING = frozenset("paint draw make show generate render create give get do see let me us i want need like please back "
                     "could can would you a an picture image photo pic portrait painting drawing of hi hello hey "
                     "some just quick cool nice lovely cute new another gimme lemme wanna gotta".split()) | INTERJECTIONS


_QUANTIFIERS = frozenset("any all some each either every none one both several few many most".split())
_GROUPS = frozenset("pair couple bunch flock herd pack family group lot crowd litter swarm gaggle".split())  # "a pair of"
_CHUNK_STOP = frozenset("of from with as and or who that which is was were doing i we you he she it they me my our "
                        "i've ive i'd i'm im we've we'd i’ve "
                        "his her their your to for but not right just exactly very really only before after "
                        "between among amongst against toward towards beyond past".split())


def _is_noun(word: str, original: str) -> bool:
    """A noun by lemminflect, or a word it does not know (a name: "Tom", "Whiskers")."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return "NOUN" in lemmas or "PROPN" in lemmas or not lemmas or original[:1].isupper()


_ARTICLES = frozenset("a an the my our his her their".split())


_AFTER_MODEL_WORD = frozenset("up down out off over back away around".split())


def _chunk(tokens: list[tuple[str, int, int]], j: int, known: list[tuple[int, int]],
           taken: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """The noun phrase words from token j: up to a place word, a verb in -ing, a conjunction or a break."""
    chunk: list[tuple[str, int, int]] = []
    skipped = False
    for k, (tok, s, e) in enumerate(tokens[j:j + 4], start=j):
        if not re.match(r"[a-z0-9]", tok) or tok in LOCATIVES or tok in _CHUNK_STOP:
            break
        if overlaps((s, e), known):
            return []
        follower = tokens[k + 1][0] if k + 1 < len(tokens) else ""
        described = not chunk and tokens[k - 1][0] in MODIFIERS and "NOUN" in pos_of(follower)  # "the new rowing
        # machine": a word in -ing after an adjective, before a noun, says what kind of machine
        if (chunk or skipped and not described) and len(tok) > 4 and tok.endswith("ing") \
                and f"{tok} {follower}" not in wordnet_senses() and (
                tok not in GENERIC or follower in LOCATIVES or follower in _ARTICLES):
            break  # "my newest checkpoint making pancakes": the verb after the cue starts the scene; "my
            # daughter painting at the table" paints
        if not chunk and k > j and normalize_noun(tokens[k - 1][0]) in MODEL_WORDS and tok in _AFTER_MODEL_WORD:
            break  # "my latest checkpoint up on a billboard": where it is put, no thing the repository lacks
        if chunk and tok in _AFTER_MODEL_WORD:
            break  # "the shire up to her knees": where she is, after the noun phrase
        if chunk and tok.endswith("s") and "VERB" in pos_of(tok) and (
                follower.endswith("ing") or follower in ("me", "us", "to", "that", "it", "him", "her", "them")):
            break  # "my mum keeps asking for a new one": what she does, no thing of hers
        if overlaps((s, e), taken) or tok in MODIFIERS or normalize_noun(tok) in MODEL_WORDS:
            if chunk:
                break
            skipped = True
            continue
        chunk.append((tok, s, e))
    return chunk


def resolve_unknown(text: str, original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                     intent: Intent, taken: list[tuple[int, int]]) -> str | None:
    """Nouns after "my"/"of the", or heading the request ("the rubber duck", "uncle Tom"), that are not
    repository terms: a synonym (by embedding, ≥ SYNONYM_THRESHOLD), or an unknown subject."""
    known = [(m.start, m.end) for m in intent.mentions]
    has_subject = intent.subject is not None
    starts = []
    for i, (tok, start, _) in enumerate(tokens):
        after_place = i > 0 and tokens[i - 1][0] in LOCATIVES  # "in my list", "on my shoulder": the scene
        placed = any(t in LOCATIVES for t, _, _ in tokens[max(0, i - 4):i - 1])  # "at the edge of a frozen pond"
        theirs = has_subject and tok in ("his", "her", "its", "their")  # "Morag ... with her hands folded": hers
        drawn = tok in ("a", "an") and intent.style_spans and not has_subject  # "the blueprint look ... of a
        # tandem frame": what the style draws
        styled = intent.style_spans or has_subject and intent.subject.term == "style"
        purpose = styled and i > 0 and tokens[i - 1][0] == "for"  # "labels for our honey jars in my style"
        if (tok in POSSESSIVES and not after_place and not theirs and not purpose) or (
                tok in ("a", "an", "the") and i > 0 and tokens[i - 1][0] == "of" and not placed and not drawn):
            starts.append((i + 1, start, tok in POSSESSIVES, False))
    heading = not has_subject or intent.subject.det == "indefinite"
    related = has_subject and intent.subject.kind != "trigger" and not heading  # "the shield that goes with sunfang"
    if heading or related:  # the request's leading noun phrase, past "paint me
        # a picture of", "hi, could you"; before "a boat" in "the club tractor dragging a boat" too
        lead = next((i for i, (tok, s, e) in enumerate(tokens) if re.match(r"[a-z0-9]", tok)
                     and tok not in _FRAMING and not overlaps((s, e), taken)), None)
        back = lead - 1 if lead is not None else -1
        while back >= 0 and (overlaps(tokens[back][1:], taken) or tokens[back][0] in MODIFIERS):
            back -= 1
        if back >= 0 and tokens[back][0] in INDEFINITES and (intent.style_spans or has_subject and intent.subject.kind
                                                              in ("name", "partial")):
            lead = None  # "a rocket ship in the crayon style": content for a style, not a missing subject
        if lead is not None and back < 0 and not has_subject and any(s > tokens[lead][2] for s, _ in intent.style_spans) \
                and tokens[lead][0] not in DEFINITES | POSSESSIVES:
            lead = None  # "perfume bottle ad in the magazine look": what the style draws
        if lead is not None and tokens[lead][0] in ("style", "styled", "look") and lead > 0 and (
                overlaps(tokens[lead - 1][1:], intent.style_spans)
                or any(m.end == tokens[lead - 1][2] and m.kind in ("name", "partial") for m in intent.mentions)):
            lead = None  # "raku style fish": a fish in that style
        covered = _weather_on_thing(tokens, lead, original, intent) if lead is not None and not has_subject else None
        if covered is not None:  # "frost all over the tractor", "fresh snow on the cottage": the thing is drawn
            intent.mentions = [replace(m, scene=False) if m is covered else m for m in intent.mentions]  # under it
            lead = None
        if lead is not None and (heading or tokens[lead][1] < intent.subject.np_start):
            first = lead + 1 if tokens[lead][0] in DEFINITES | POSSESSIVES else lead
            starts.append((first, tokens[lead][1], tokens[lead][0] in POSSESSIVES or first == lead, related))
    while starts:  # left to right; "a pair of" adds the phrase after it
        first, np_start, owned, clause = starts.pop(min(range(len(starts)), key=lambda k: starts[k][1]))
        if 0 < first and tokens[first - 1][0] in ("his", "her", "its", "their") \
                and any(m.end <= np_start and not m.scene for m in intent.mentions):
            continue  # "the shire up to her knees": hers, the one named before (found as a kind just now)
        chunk = _chunk(tokens, first, known, taken)
        while len(chunk) > 1 and not _is_noun(chunk[-1][0], original[chunk[-1][1]:chunk[-1][2]]):
            chunk.pop()  # "the club cat asleep on the sails": the phrase ends at its last noun
        if len(chunk) > 1 and unmarked_owner(chunk[0][0]):
            np_start, owned = chunk[0][1], True  # "the neighbours pup", "grandads doggy": whose, the apostrophe left out
            chunk = chunk[1:]
        if not chunk:
            continue
        head, hs, he = chunk[-1]
        of = re.match(r"\s+of\s+(?:(?:the|a|an|my|our|his|her|their)\s+)?", text[he:])
        if head in _GROUPS and of and len(chunk) == 1:  # "the pair of swans that nest by the boathouse": the swans
            at = next((k for k, (_, s, _) in enumerate(tokens) if s >= he + of.end()), None)
            if at is not None and not overlaps(tokens[at][1:], known):
                starts.append((at, np_start, owned, clause))
            continue
        if clause and not (_relative_opens(text, he) and he <= intent.subject.np_start) \
                and not _kept_there(tokens, first, text, chunk[-1][0], he, intent.subject):
            continue  # only a thing a clause then tells of: "the old tractor that pulls the boats up", or one of
            # the asker's own kept at the place named: "the greenhouse at my allotment"
        after = [t for t, s, _ in tokens if s > he and t != "-"]
        following = after[1] if original[he:he + 1] == "-" and len(after) > 1 else after[0] if after else ""
        if re.match(r"-[a-z]+(?:ed|en|ing)\b", original[he:].lower()):
            continue  # "the hand-tinted woodcut", "a sun-bleached fence": a word of a compound adjective
        if following in ("thing", "things", "stuff", "one", "ones"):
            continue  # "the red thing", "the straw-hat one": what describes a thing, not a subject
        if len(chunk) == 1 and head in ("any", "some", "every", "each", "either", "another", "whichever", "whatever"):
            continue  # "any checkpoint from last year": a determiner whose noun was a model word
        if any(re.fullmatch(r"\s+", original[he:s]) for s, _ in intent.style_spans):
            continue  # "the white chalk lettering": a word before the style it describes
        title_end = he + _TITLE_TAIL.match(original[he:].lower()).end()
        if any(m.kind in ("name", "partial") and m.start == title_end for m in intent.mentions):
            continue  # "my mother-in-law Ilse", "our neighbour Pat": what the name's owner is to the asker
        noun = normalize_noun(head)
        compound = len(chunk) > 1 and chunk[-2][0].endswith("ing") and f"{chunk[-2][0]} {noun}" in wordnet_senses()
        # "the old watering can": a noun in -ing that WordNet knows with the next
        noun = f"{chunk[-2][0]} {noun}" if compound else noun
        ours = owned and len(chunk) > 1 and noun in SCENE_WORDS  # "our rehearsal space": a place of our own
        if noun in _QUANTIFIERS and following == "of":
            continue  # "any of my december ones", "one of the fish": how many of what follows
        if noun in SCENE_WORDS and not ours or noun in SOFT_PHOTO_WORDS or noun in GENERIC or noun in STOPWORDS \
                or noun in _OBJECT_PRONOUNS or not compound and not _is_noun(head, original[hs:he]):
            continue
        if stem(noun) in vocab.detail_words and re.search(r"\b(?:with|wearing|has|had)\s+(?:\S+\s+)?$",
                                                           text[:np_start]):
            continue  # "the one with our logo on it": a description's detail, not a subject
        described = vocab.described_kind(noun) if all(len(t[0]) == 1 for t in chunk[:-1]) and not re.search(  # not "our keyboard player",
            r"\bof\s+(?:the|a|an)\s+$", text[:hs]) else None  # nor "a map of the reserve": what the picture shows
        match = vocab.nearest_subject(noun) or ((described, 1.0) if described else None)
        if match:
            kind, term = ("class", noun) if vocab.is_class(noun) else ("synonym", match[0])
            named = vocab.described_name(noun) if described else None
            if named:  # "the dachshund": the dog whose description says so
                kind, term = "name", named
            elif described:
                intent.details.append(stem(noun))
            intent.mentions.append(Mention(kind, term, original[hs:he], hs, he, np_start,
                                           "possessive" if owned else "definite"))
            intent.mentions.sort(key=lambda m: m.start)
            known.append((hs, he))
        elif clause and noun in wordnet_senses():
            intent.mentions = [replace(m, scene=True) if m.start >= he and m.kind != "trigger" else m
                               for m in intent.mentions]  # the boats it pulls, the sword it goes with
            return original[chunk[0][1]:he]
        elif (owned or not has_subject) and not (has_subject and intent.subject.det == "indefinite"
                                                 and he <= intent.subject.np_start) \
                and not (has_subject and noun not in wordnet_senses() and is_english(noun)):  # "my dad's birthday
            # is coming up ... his watch": an occasion, not a thing to draw, beside the subject
            later = intent.subject if has_subject and he <= intent.subject.np_start else None
            at = next((i for i, (_, s, _) in enumerate(tokens) if later and s == later.np_start), None)
            acting = at is not None and any(t.endswith("ing") and "VERB" in pos_of(t) for t, s, _ in tokens[:at]
                                            if s >= he)  # "my sister helping me walk the dogs": she is drawn
            if owned and at is not None and locative_before(tokens, at):  # "our horse at the trailhead": the
                intent.mentions = [replace(m, scene=True) if m is later else m for m in intent.mentions]  # place
            elif owned and acting:  # everyone after what she does is in her picture
                intent.mentions = [replace(m, scene=True) if m.start >= he and m.kind != "trigger" else m
                                   for m in intent.mentions]
            return original[chunk[0][1]:he]
        elif intent.subject.det == "indefinite" and he <= intent.subject.np_start:
            later = intent.subject  # "the club tractor dragging a boat": the lead phrase is the subject, the boat scene
            intent.mentions = [replace(m, scene=True) if m is later else m for m in intent.mentions]
            return original[chunk[0][1]:he]
    return None


def _weather_on_thing(tokens: list[tuple[str, int, int]], lead: int, original: str, intent: Intent) -> Mention | None:
    """The mention of the repository's thing when the request opens with a bare lowercase noun phrase (no article,
    no name, no kin word) laid on a thing of the repository: "frost all over the tractor", "fresh snow on the
    cottage" (as "a snowman in front of the cottage": what covers the thing, not a subject the repository lacks)."""
    if lead > 0 and tokens[lead - 1][0] in INDEFINITES | DEFINITES | POSSESSIVES:
        return None  # "a seagull sitting on the clinic roof": a thing of its own, not what covers the roof
    k = lead
    while k < len(tokens) and k - lead < 3 and re.fullmatch(r"[a-z]+", tokens[k][0]) and tokens[k][0] not in LOCATIVES \
            and tokens[k][0] not in STOPWORDS and tokens[k][0] not in _QUANTIFIERS:
        if original[tokens[k][1]:tokens[k][1] + 1].isupper() or kin_word(tokens[k][0]) or tokens[k][0].endswith("ing"):
            return None
        k += 1
    k += 1 if k < len(tokens) and tokens[k][0] == "all" else 0
    if k == lead or k >= len(tokens) or tokens[k][0] not in LOCATIVES:
        return None
    placed = next((m for m in intent.mentions if m.np_start >= tokens[k][2]), None)
    fits = placed is not None and placed.kind != "trigger" and not placed.negated and placed.det != "indefinite" \
        and not original[tokens[k][2]:placed.np_start].strip(" ,")
    return placed if fits else None


def _kept_there(tokens: list[tuple[str, int, int]], first: int, text: str, head: str, at: int, subject: Mention) -> bool:
    """A thing of one's own said right before the place it is kept, the place one the repository has: "the
    greenhouse at my allotment", "our rowing machine in the pavilion" (the place is where it is, not the picture's
    subject)."""
    place = re.fullmatch(r"\s+(?:in|at|inside|outside|by|beside|behind|next\s+to)\s+((?:the|my|our|his|her|their)\s+)?",
                         text[at:subject.np_start])
    thing = normalize_noun(head) == head and lexname(head) in ("artifact", "animal", "person", "food")  # one thing,
    # not "the flowers by the pavilion" nor "the light in the pavilion": the place's scenery
    return thing and 0 < first and tokens[first - 1][0] in DEFINITES | POSSESSIVES and subject.kind not in ("trigger", "class") \
        and place is not None and (place[1] is not None or re.match(r"the\s", text[subject.np_start:]) is not None)


def _relative_opens(text: str, at: int) -> bool:
    """A clause about the noun ending at `at`: "the tractor that pulls the boats", "the hat I knitted for Oscar",
    "the minibus we take" (not "pop my dog into a teacup", nor "the one that is ...")."""
    m = re.match(r"\s+(that|which|who|i|we|my\s+\w+|our\s+\w+)\s+([a-z]+)\b", text[at:])
    if not m or m[2] in ("is", "was", "are", "were", "looks", "looked", "look"):
        return False
    return m[1] in ("that", "which", "who") or "VERB" in pos_of(m[2]) and m[2] not in STOPWORDS


_TITLE_TAIL = re.compile(r"(?:" + IN_LAW.pattern + r")?\s*")  # "my mother-in-law Ilse": up to her name

# what versions of one subject differ by, said after it: "the scarecrow outfit", "the shop colour"
_ASPECTS = frozenset("outfit outfits costume costumes clothes getup look looks hair hairdo haircut hairstyle colour "
                     "color colours colors paintwork phase era days period".split())
_OBJECT_PRONOUNS = frozenset("him her it them he she they".split())  # stand for a subject, never one themselves


_NOT_CLASSIFIERS = frozenset("one ones kind sort type bit lot any some every each no all both either neither another "
                             "other which what whichever whatever such own".split())  # determiners, quantifiers


# how English adjectives end, for words in use that lemminflect does not know ("yummy", "scrummy", "boujee" not)
_ADJECTIVE_ENDING = re.compile(r"(?:[^aeiou]y|ish|ful|less|ous|ive|able|ible)$")


def _classifier(tok: str, typed: str, vocab: Vocabulary, head: bool = False) -> bool:
    """A word that names a kind of thing and that the repository does not have: a noun and nothing else
    ("giraffe"; as the head after the subject word also "snake") or a word lemminflect does not know
    ("siamese"), neither a subject, name nor a
    description word of any checkpoint, nor close in meaning to a subject term. Adjectives ("fluffy",
    "ginger") and places are not."""
    from lemminflect import getAllLemmas
    from wordfreq import zipf_frequency

    word = normalize_noun(tok)
    if g_dropped(tok):
        return False  # "grampa fishin off the pier": what he does, the g dropped
    if head and word in COMPANIONS:
        return False  # "my robo buddy": a companion word adds nothing, though "buddy" alone is a friend
    if word in INFORMAL:  # "the studio pup" where no checkpoint is a puppy: the plain word decides
        plain = INFORMAL[word]
        return head and plain not in vocab.subjects and plain not in HYPERNYMS and plain not in GENERIC \
            and plain not in PRONOUNS and plain not in SOFT_PHOTO_WORDS and vocab.nearest_subject(plain) is None
    if len(tok) < 3 or not tok.isalpha() or word in STOPWORDS or word in SCENE_WORDS or word in MODEL_WORDS \
            or word in GENERIC or word in _NOT_CLASSIFIERS or tok in MODIFIERS or tok in STYLE_WORDS \
            or tok in LOCATIVES or word in vocab.subjects or word in vocab.names or word in vocab.name_words \
            or stem(tok) in vocab.detail_words or word in HYPERNYMS:
        return False
    lemmas = getAllLemmas(tok)
    if head and tok.endswith("ing") and not lemmas:
        return False  # "a staff member abseiling": a participle lemminflect does not know is still no noun
    others = {"ADJ", "ADV", "AUX", "ADP"} if head else {"VERB", "ADJ", "ADV", "AUX", "ADP"}
    if lemmas and not ("NOUN" in lemmas and not others & set(lemmas)):
        return False
    if head and lemmas and (tok not in lemmas["NOUN"] or tok.endswith(("ing", "ed"))):
        return False  # after the subject word only a noun's own form heads it ("pet snake"; not "dog runs")
    if not lemmas and (typed[:1].isupper() or zipf_frequency(tok, "en") >= 4.5 or number_value(tok) is not None
                       or misspelt_common(tok) or _ADJECTIVE_ENDING.search(tok) and zipf_frequency(tok, "en") >= 2):
        return False  # a name the caller did not find; a function word ("during"), a number lemminflect lacks,
        # a slip of a frequent word ("unedr"), an adjective in use it lacks ("yummy", "scrummy")
    near = vocab.nearest_subject(word)
    return near is None or _other_member(word, near[0], vocab)


def _other_member(word: str, near: str, vocab: Vocabulary) -> bool:
    """A kind under a class word the repository lists whose own members are all other kinds: "dog" read as
    "animal" where the one animal is a cat ("the theatre dog")."""
    if near not in HYPERNYMS or wordnet_relation(word, near) != "above":  # the class word is above it
        return False
    members = [t for t, ids in vocab.subjects.items() if ids & vocab.subjects[near] and t not in HYPERNYMS
               and t not in GENERIC and t in wordnet_senses() and wordnet_relation(t, near) == "above"]
    return bool(members) and all(wordnet_relation(word, t) == "apart" for t in members)


def _name_like(tok: str, verb: bool = False) -> bool:
    """A capitalised word that can be a pet's or person's name: unknown to lemminflect, or a noun and no adverb,
    adjective or verb ("Whiskers", "Marmalade"; not "Sunset", a place, nor "Tomorrow", "Please"); with `verb`, a
    noun that is also a verb too ("Smudge", "Patch": a name set apart by a comma), never a word of thanks."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(tok)
    unlike = {"ADV", "ADJ", "AUX"} | (set() if verb else {"VERB"})
    return normalize_noun(tok) not in SCENE_WORDS and tok not in STOPWORDS and tok not in GENERIC \
        and not (verb and (tok in CONVERSATION_WORDS or THANKS.fullmatch(tok))) \
        and (not lemmas or "NOUN" in lemmas and not unlike & set(lemmas))


def _opener_before(tokens: list[tuple[str, int, int]], i: int) -> bool:
    """Whether a noun phrase opens at or just before token `i`, over up to two describing words: "the silver
    regatta (trophy cup)", "theo's blue (tractor toy)"."""
    for j in range(i, max(i - 3, -1), -1):
        tok = tokens[j][0]
        if tok in POSSESSIVES | DEFINITES | INDEFINITES or tok.endswith(("'s", "’s")) or not re.match(r"[a-z0-9]", tok):
            return True
        if tok in STOPWORDS or tok in LOCATIVES or "VERB" in pos_of(tok) and "ADJ" not in pos_of(tok) \
                and "NOUN" not in pos_of(tok):
            return False
    return i < 2


def _narrower_compound(word: str, subject: Mention, vocab: Vocabulary) -> bool:
    """"rocking chair", "pine tree", "christmas tree": WordNet knows the two words as one noun that is a kind of
    the subject word, and no checkpoint the subject word names has the first word among its own."""
    compound = f"{word} {subject.text.lower()}"
    head = normalize_noun(subject.text.lower())
    senses = wordnet_senses().get(compound) or wordnet_senses().get(normalize_noun(compound))
    if not senses or not any(head in above or subject.term in above for _, above in senses):
        return False
    own = _own_words(subject, vocab)
    return not (stem(word) in own or any(word in w for w in own))  # "narrow boat" when the description says "narrowboat"


def _rival_kind(word: str, subject: Mention, vocab: Vocabulary) -> bool:
    """"the frog puppet" when the puppet is an owl: the word before the subject is an animal or person (WordNet)
    that is none of the checkpoint's own words, while another of its own words is one of the same kind."""
    noun = normalize_noun(word)
    senses = wordnet_senses().get(noun)
    if not senses or senses[0][0] not in ("animal", "person") or noun in GENERIC or word.endswith(("'s", "’s")):
        return False  # "granny's grandkid": whose, read by `_other_owner`
    own = _own_words(subject, vocab)
    if stem(noun) in own:
        return False
    return any(wordnet_senses().get(w, (("", ()),))[0][0] == senses[0][0] and wordnet_relation(noun, w) == "apart"
               for w in own)


TITLE = r"(?:mr|mrs|ms|miss|mx|dr)\.?"  # before a surname: a person


def kinds_of(mention: Mention, vocab: Vocabulary) -> set[str]:
    """WordNet's lexicographer files of the subject words of a mention's checkpoints ("animal" for a lizard)."""
    ids = mention_ids(mention, vocab)
    return {lexname(t) for t in vocab.subject_terms(ids)} - {""}


def titled_person(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """"Mr. Park himself" where Park is a park: a title makes the word a person's name, and a name of no
    person checkpoint is a person the repository lacks."""
    subject = intent.subject
    if subject is None or subject.kind == "trigger":
        return
    title = re.search(rf"\b{TITLE}\s+$", original[:subject.start].lower())
    if not title or title.group(0).strip(" .") in subject.term.split():
        return  # "Mr. Pickles" is the name itself
    if "person" in kinds_of(subject, vocab):
        return
    intent.mentions = [m for m in intent.mentions if m is not subject]
    intent.unknown_subject = original[title.start():subject.end]


def role_before_name(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """"my coworker Kevin" where Kevin is a lizard: a kind word before a name whose checkpoint is of another kind
    altogether (WordNet: a person, an animal, a thing) names someone else, a subject the repository lacks."""
    subject = intent.subject
    if subject is None or subject.kind not in ("name", "partial"):
        return
    role = next((m for m in intent.mentions if 0 <= subject.start - m.end <= 1 and not m.negated
                 and m.kind in ("subject", "synonym", "class")), None)
    if role is None or mention_ids(role, vocab) & mention_ids(subject, vocab) or "ADJ" in pos_of(role.text.lower()):
        return  # "the grown-up crumpet": an adjective that describes the cat
    kind = "person" if role.term == "person" else lexname(normalize_noun(role.text.lower())) or lexname(role.term)
    kinds = kinds_of(subject, vocab)
    if kind in ("person", "animal", "artifact") and kinds and kind not in kinds:
        intent.mentions = [m for m in intent.mentions if m is not subject and m is not role]
        intent.unknown_subject = original[role.start:subject.end]


def apposed_relation(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """"my lil bro Leo", "our neighbour Leo": a word for who the person is to the asker, right before the person's
    name, says who is meant and leaves the prompt (the name's trigger draws them)."""
    subject = intent.subject
    if subject is None or subject.kind != "name" or intent.unknown_subject or "person" not in kinds_of(subject, vocab):
        return
    lead = re.search(r"\b(?:my|our|his|her|their)\s+((?:[a-z]+\s+){0,2}([a-z]+))\s+$", original[:subject.start].lower())
    if lead is None or any(w in STOPWORDS or w in LOCATIVES for w in lead.group(1).split()):
        return
    word = INFORMAL.get(lead.group(2), lead.group(2))
    if lexname(word) == "person" or lexname(normalize_noun(word)) == "person":
        intent.cue_spans.append((lead.start(), subject.start))


def _person_named(typed: str, subject: Mention, vocab: Vocabulary) -> bool:
    """Whether `typed`, right after a person word, is a name the repository lacks: typed with a capital, or no
    English word ("Nonno Beppe", "grandma beppe", "the chef Tom"); not a name, subject or nickname it has ("granny
    edie" for Edith), nor a verb or a place word."""
    from wordfreq import zipf_frequency

    word = typed.lower()
    if not re.fullmatch(r"[a-z]{3,}", word):
        return False
    rare = not is_english(word) and len(word) > 3 and zipf_frequency(word, "en") < 3.5  # "beppe"; not "beside"
    return (typed[0].isupper() or rare) and word not in LOCATIVES and word not in STOPWORDS \
        and not word.endswith("ing") and not (pos_of(word) and "NOUN" not in pos_of(word)) \
        and not _repository_word(word, vocab) and "person" in kinds_of(subject, vocab)


def _repository_word(word: str, vocab: Vocabulary) -> bool:
    """A name, name word or subject of the repository, a slip or informal form of one, or a nickname that opens
    like one of its names ("marmy", "edie"): a word that is no name the repository lacks."""
    return word in vocab.name_keys or word in vocab.name_words or normalize_noun(word) in vocab.subjects \
        or vocab.typo_of(word) is not None or vocab.informal(word) is not None \
        or any(key.startswith(word[:3]) for key in vocab.name_keys if len(key) > 3)


_SPOUSES = frozenset("husband wife spouse partner".split())
_ELDERS = frozenset("father mother grandfather grandmother grandparent parent".split())


def _other_owner(word: str, subject: Mention, vocab: Vocabulary) -> bool:
    """"my sister's cat" when the cat's description says nothing of a sister: someone else's, a subject the
    repository lacks (WordNet: the owner is a person; "grandma's dachshund" stays when the description says so)."""
    if not word.endswith(("'s", "’s")):
        return False
    typed = word[:-2]
    noun = normalize_noun(typed)
    own = _own_words(subject, vocab)
    person = lexname(noun) == "person" or noun.isalpha() and len(noun) > 3 and noun not in wordnet_senses() \
        and not pos_of(noun) - {"NOUN"} and not _repository_word(noun, vocab)  # "the fishmonger's stall"
    if kin_word(typed) in _SPOUSES and any(kin_word(w) in _ELDERS for w in own):
        return False  # "my late husband's armchair" when it is "Grandpa's chair": the family's, named by his wife
    if kin_word(typed) and any(kin_word(w) == kin_word(typed) for w in own):
        return False  # "my nan's house" when it is "Grandma's cottage": the same one, in another word
    return person and noun not in GENERIC and stem(noun) not in own \
        and stem(typed) not in own \
        and noun not in vocab.subjects  # "dad's timepiece": the description says "Dad's"; "granny's grandkid"
    # when a granny is in the repository: hers


def _another_kind(noun: str, subject: Mention, vocab: Vocabulary) -> bool:
    """A word read as a subject by meaning that WordNet calls neither the same as nor a class over any of the
    checkpoints' subject words, and sets beside a specific one of them ("sailboat" beside "canoe", which is under
    "boat"): a kind the repository lacks."""
    if noun not in wordnet_senses():
        return False
    ids = mention_ids(subject, vocab)
    own = [t for t in vocab.subject_terms(ids) if t in wordnet_senses()]
    relations = {wordnet_relation(noun, t) for t in own}
    lexfile = wordnet_senses()[noun][0][0]
    specific = [t for t in own if any(wordnet_relation(t, x) == "above" for x in own)]  # "canoe" under "boat"
    return not relations & {"same", "below"} and any(  # "canary" is a bird in its third sense, a singer first
        wordnet_relation(noun, t) == "apart" and any(lex == lexfile for lex, _ in wordnet_senses()[t]) for t in specific)


def _owner_words(typed: str, owner: Mention, vocab: Vocabulary) -> list[str]:
    """Stems descriptions may use for the owner: the word typed ("Alfie's", "Alfies"), the mention's term, or
    another word of the same kin ("granny's" when a description says "Grandma's house")."""
    typed = re.sub(r"(?:['’]s|s['’]?|['’])$", "", typed.lower()) if typed.lower() != owner.term else typed.lower()
    kin = kin_word(typed) or kin_word(owner.term)
    forms = [typed, owner.term, *(kin_forms(kin) if kin else ())]
    return [stem(w) for w in forms if " " not in w and stem(w) in vocab.detail_words]


def _proper_kind(tokens: list[tuple[str, int, int]], i: int, original: str, vocab: Vocabulary) -> bool:
    """Token `i` is a capitalised word inside a sentence that the repository does not know (no name, name word,
    description word or style of it), nor a month, weekday or holiday: the name of a kind ("Link", "Norwegian")."""
    tok, s, e = tokens[i]
    if not original[s:s + 1].isupper() or not tok.isalpha() or len(tok) < 3 or i == 0 \
            or re.search(r"[.!?:]\s*$", original[:s]):
        return False
    if original[s:e].isupper() and len(tok) > 1:
        return False  # "the TORTOISE": shouting, not a name
    return tok not in vocab.names and tok not in vocab.name_words and stem(tok) not in vocab.detail_words \
        and tok not in vocab.subjects and tok not in STYLE_WORDS and tok not in _CALENDAR_WORDS and tok not in STOPWORDS


_CALENDAR_WORDS = frozenset(name.lower() for name in (*calendar.month_name[1:], *calendar.day_name)) | frozenset(
    "christmas easter halloween xmas valentine valentines thanksgiving".split())


def _unlisted_noun(word: str) -> bool:
    """A word in use that neither WordNet nor lemminflect knows ("synth"; not "50th"), right after an owner."""
    from wordfreq import zipf_frequency

    return word.isalpha() and not is_english(word) and (  # "jules's synth"; "zoe's pedalboard", rarer and longer
        in_use_word(word) or len(word) >= 7 and zipf_frequency(word, "en") >= 1.5)


_THINGS = frozenset("artifact animal person food plant".split())  # "nan's old sewing machine": a thing of hers
_AGES = frozenset("middle latest newest oldest earliest last old new original previous current".split())


def possessed(original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary, intent: Intent) -> None:
    """"mila's teddy bear", "Gus's wife", "the kids' tortoise": a checkpoint's name or subject in the possessive
    before a thing, person or animal (a WordNet noun of those kinds) that is not its own (no description word of
    it) makes that thing the subject. The owner becomes scene; a thing the repository lacks is an unknown
    subject. Its own things and picture words keep it ("Rex's collar", "Rex's portrait", "Rex's face")."""
    ends = {e: i for i, (_, _, e) in enumerate(tokens)}
    for m in intent.mentions:
        last = ends.get(m.end)
        if m.negated or m.scene or m.kind == "trigger" or last is None:
            continue
        if re.match(r"(?:some|any|every|no)(?:one|body)['’]", m.text.lower() + tokens[last][0][-2:]):
            intent.mentions = [replace(x, scene=True) if x is m else x for x in intent.mentions]
            continue  # "taking someone's blood pressure": nobody in particular, and what is theirs, in the scene
        tok, after = tokens[last][0], last + 1
        unmarked = False  # "Alfies duck coat": a name's possessive typed without its apostrophe
        if not tok.endswith(("'s", "’s")):
            if tok.endswith("s") and after < len(tokens) and tokens[after][0] in ("'", "’"):
                after += 1  # "the kids' tortoise"
            elif m.kind in ("name", "partial") and tok.endswith("s") and not m.term.endswith("s") \
                    and tok[:-1] == m.term.split()[-1]:
                unmarked = True
            else:
                continue
        chunk = []
        for k, (t, s, e) in enumerate(tokens[after:after + 3], start=after):
            compound = k + 1 < len(tokens) and f"{t} {tokens[k + 1][0]}" in wordnet_senses()  # "sewing machine"
            if not re.match(r"[a-z]", t) or t in LOCATIVES or t in STOPWORDS \
                    or len(t) > 4 and t.endswith("ing") and not compound:
                break
            chunk.append((t, s, e))
        listed = {o.end: o for o in intent.mentions if not o.negated and o.kind != "trigger"
                  and not mention_ids(o, vocab) & mention_ids(m, vocab)}  # another checkpoint's word
        while chunk and not (normalize_noun(chunk[-1][0]) in wordnet_senses() or chunk[-1][2] in listed
                             or len(chunk) == 1 and _unlisted_noun(chunk[0][0])):
            chunk.pop()  # "mila's teddy bear tucked up in bed": the thing ends at its last noun; "jules's synth"
        if not chunk:
            continue
        word = normalize_noun(chunk[-1][0])
        other = next((o for o in intent.mentions if chunk[0][1] <= o.start and o.end <= chunk[-1][2]), None)
        if unmarked and other is None and not any(lexname(t) == "person" for t, _, _ in chunk):
            continue  # "lilys brother max": a person of hers, said without the apostrophe
        if stem(word) in _own_words(m, vocab) or word in MODEL_WORDS or word in GENERIC or word in STYLE_WORDS \
                or chunk[-1][0] in BODY_PARTS and m.kind != "subject" \
                or word in SCENE_WORDS or ordinal_value(chunk[0][0]) or chunk[0][0] in _AGES and other is None \
                and not (len(chunk) > 1 and chunk[0][0] == "old" and wordnet_senses().get(word, (("",),))[0][0] in _THINGS
                         and "".join(t for t, _, _ in chunk[-2:]) not in CHANGE_EVENTS):
            continue  # "clementine's middle paint job", "gravy's old look": one of its own versions (not "granny's
            # old bike", another checkpoint)
        joint = {o.start: o.term for o in intent.mentions if o.end < m.np_start and not o.negated
                 and re.fullmatch(r"\s*(?:and|&)\s*", original[o.end:m.np_start])}  # "Lena and Max's"
        related = vocab.related(m.term, chunk[-1][0]) if m.kind in ("name", "partial") and kin_word(word) else []
        related = [r for r in related if r not in joint.values()]  # Max's sister is not Lena when Lena is an owner
        kin_of_other = other is not None and m.kind in ("name", "partial") and bool(kin_word(word))
        if kin_of_other:
            other = None  # "Lena's mum" is not the asker's mum, unless a description says she is Lena's
        if other is not None:  # whose it is tells two of them apart when a description says so ("Grandma's house")
            intent.owner_words = _owner_words(tok, m, vocab)
            intent.cue_spans.append((m.np_start, m.end))  # the trigger carries whose it is
        # the owner, those named with it ("Lena and Max's"), and a name right after an unknown thing ("ines's
        # husband pete"), are not the subject
        beside = tokens[after + len(chunk)][1] if after + len(chunk) < len(tokens) else -1
        inside = (chunk[0][1], chunk[-1][2])
        intent.mentions = [replace(x, scene=True) if x is m or x.start in joint or other is None and (
            x.start == beside or kin_of_other and inside[0] <= x.start < inside[1]) else x for x in intent.mentions]
        if len(related) == 1:  # "Felix's mum" when Ruth's description says she is Felix's mother
            intent.mentions.append(Mention("name", related[0], original[chunk[0][1]:chunk[-1][2]], chunk[0][1],
                                           chunk[-1][2], m.np_start, m.det))
            intent.mentions.sort(key=lambda x: x.start)
        elif len(related) > 1 and kin_word(word) in NEUTRAL_KIN:  # "one of Rosie's grandparents": those listed so
            intent.mentions.append(Mention("class", kin_word(word), original[chunk[0][1]:chunk[-1][2]], chunk[0][1],
                                           chunk[-1][2], m.np_start, m.det))
            intent.mentions.sort(key=lambda x: x.start)
        elif other is None:
            intent.unknown_subject = original[m.start if kin_of_other else chunk[0][1]:chunk[-1][2]]
            index = {s: i for i, (_, s, _) in enumerate(tokens)}  # "Marta's daughter on her first bike": where
            intent.mentions = [replace(x, scene=True) if x.start >= chunk[-1][2] and x.start in index and any(
                t in LOCATIVES for t, _, _ in tokens[max(0, index[x.start] - 3):index[x.start]]) else x
                for x in intent.mentions]  # she is, not who
        return


def kin_of_name(original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary, intent: Intent) -> None:
    """"the little brother of Lena", "the mum of Max": a kin word, then "of" and a checkpoint's name, names the one
    a description says stands so to that name; when none does, the subject is unknown. The name is scene."""
    starts = {s: i for i, (_, s, _) in enumerate(tokens)}
    for m in intent.mentions:
        i = starts.get(m.start)
        if m.negated or m.kind != "name" or i is None or i < 2 or tokens[i - 1][0] != "of":
            continue
        kin = kin_word(tokens[i - 2][0])
        if kin is None or any(o is not m and o.start <= tokens[i - 2][1] < o.end for o in intent.mentions
                              if o.kind == "name" and not o.negated and o.term not in (kin, tokens[i - 2][0])):
            continue
        first = i - 2
        while first > 0 and tokens[first - 1][0] in MODIFIERS | {"little", "big", "baby", "kid", "older", "younger",
                                                                   "elder", "eldest", "youngest", "oldest"}:
            first -= 1
        np_start = tokens[first - 1][1] if first and tokens[first - 1][0] in DEFINITES | INDEFINITES | POSSESSIVES \
            else tokens[first][1]
        related = vocab.related(m.term, tokens[i - 2][0])
        inside = (tokens[first][1], m.end)
        intent.mentions = [replace(x, scene=True) if x is m or inside[0] <= x.start < inside[1] else x
                           for x in intent.mentions]
        if len(related) == 1:
            intent.mentions.append(Mention("name", related[0], original[tokens[first][1]:m.end], tokens[first][1],
                                           m.end, np_start, "definite"))
            intent.mentions.sort(key=lambda x: x.start)
        else:
            intent.unknown_subject = original[tokens[i - 2][1]:m.end]
        return


_NAME_OF_LOOK = frozenset("one ones version model checkpoint thing look style lora".split())


def partial_of_another_kind(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """A word of a thing's name that alone names a person or an animal ("grandfather" of "Grandfather clock",
    "swan" of "Swan tutu"): "my grandfather in his army uniform", "a real swan on a pond" ask for the being, which
    the repository lacks, unless "one", "look" or the like follows ("the swan one")."""
    subject = intent.subject
    if subject is None or subject.kind != "partial" or " " in subject.text.strip():
        return
    word = normalize_noun(subject.text.lower())
    senses = wordnet_senses().get(word, ())
    after = re.match(r"[\s-]*([a-z]+)", original[subject.end:].lower())
    if not senses or senses[0][0] not in ("person", "animal") or after and after.group(1) in _NAME_OF_LOOK \
            or word in vocab.subjects or original[subject.start:subject.start + 1].isupper():
        return  # "the Firebird": the thing's own name
    ids = mention_ids(subject, vocab)
    if any(id_stem(i).lower() == word for i in ids):
        return  # "firebird" of firebird-v1
    kinds = [lexname(t) for t in vocab.subject_terms(ids)]
    if 2 * sum(k in ("person", "animal") for k in kinds) >= len(kinds):  # not by one odd subject ("tutu": Desmond)
        return
    intent.mentions = [m for m in intent.mentions if m is not subject]
    intent.unknown_subject = subject.text


_KIN_OF_KIN = re.compile(r"(?P<first>[a-z]+)(?:['’]s|s['’]|['’])\s+(?P<second>[a-z]+)")


def kin_of_kin(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """"the missus's mum", "my dad's sister": a kin's kin that the repository lists by one word ("mother-in-law",
    "aunt") is that subject, not an unknown one."""
    said = intent.unknown_subject
    m = _KIN_OF_KIN.fullmatch(said.lower()) if said and intent.subject is None else None
    subject = intent.subject
    if m is None and subject is not None and subject.kind in ("subject", "synonym", "name") and kin_word(subject.text):
        owner = re.search(r"\b([a-z]+)(?:['’]s|s['’])\s+$", original[:subject.start].lower())  # "my husband's mum"
        if owner and owner.group(1) not in vocab.names and composed_kin(owner.group(1), subject.text):
            said = original[owner.start():subject.end]
            m = _KIN_OF_KIN.fullmatch(said.lower())
            intent.mentions = [x for x in intent.mentions if x is not subject]
            intent.unknown_subject = said  # someone else's mum, unless the repository lists the kin's kin
    term = composed_kin(m["first"], m["second"]) if m else None
    if term is None or term not in vocab.subjects:
        return
    start = original.find(said)
    before = re.search(r"\b(?:my|our|his|her|their|the)\s+$", original[:start].lower())
    intent.mentions.append(Mention("subject", term, said, start, start + len(said),
                                   before.start() if before else start, "possessive" if before else "none"))
    intent.mentions.sort(key=lambda x: x.start)
    intent.unknown_subject = None


def name_head(mention: Mention) -> list[str]:
    """The word after a partial mention in its name: "hamster" of "class" in "Peanut the class hamster"."""
    words = mention.term.split()
    said = normalize_noun(mention.text.lower())
    return words[words.index(said) + 1:words.index(said) + 2] if said in words else []


def name_word_before_other_thing(original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary,
                                   intent: Intent) -> None:
    """A word of a checkpoint's name that only describes its noun ("class" of "Peanut the class hamster",
    "delivery" of "Delivery scooter"), said before another person, animal or thing that is not the checkpoint's
    own: "the class guinea pig", "our delivery van", "the cafe cat" name a subject the repository lacks; so does
    a one-word name before a person or animal ("the workshop dog")."""
    subject = intent.subject
    if subject is None or subject.kind not in ("partial", "name") or subject.negated or subject.scene \
            or subject.kind == "name" and len(subject.term.removeprefix("the ").split()) > 1:
        return  # a one-word name before an animal or person: "the workshop dog", "the allotment cat"
    last = next((i for i, (_, _, e) in enumerate(tokens) if e == subject.end), None)
    if last is None or last + 1 >= len(tokens) or re.search(r"['’]s?$", subject.text):
        return  # "a bee landing on Hazel's hand": whose it is (`possessed`), no word that describes a noun
    follow = [tokens[j] for j in range(last + 1, min(last + 3, len(tokens))) if re.match(r"[a-z]", tokens[j][0])]
    if not follow or follow[0][1] != tokens[last + 1][1] or original[subject.end:follow[0][1]].strip() \
            or "AUX" in pos_of(follow[0][0]) \
            or any(m.start < follow[-1][2] and follow[0][1] < m.end for m in intent.mentions):
        return
    pair = " ".join(t for t, _, _ in follow[:2])
    chunk = follow[:2] if len(follow) > 1 and pair in wordnet_senses() else follow[:1]
    word = " ".join(normalize_noun(t) for t, _, _ in chunk)
    own = _own_words(subject, vocab)
    if word not in wordnet_senses() or word in GENERIC or word in MODEL_WORDS or word in SCENE_WORDS \
            or word in STYLE_WORDS or word in STOPWORDS or stem(word) in own or any(stem(w) in own for w in word.split()) \
            or chunk[0][0] in ("number", "no", "num") \
            or wordnet_senses()[word][0][0] not in (("animal", "person", "artifact") if subject.kind == "partial"
                                                    else ("animal", "person")):
        return
    if {"ADV", "ADP"} & pos_of(chunk[0][0]) or chunk[0][0].endswith("ing") and "VERB" in pos_of(chunk[0][0]) \
            or subject.kind == "name" and (
            "ADJ" in pos_of(chunk[0][0]) or {"person", "animal"} & kinds_of(subject, vocab)):
        return  # "Bruno prior to the retrain", "Okafor back when ..."; "the Rossi brothers" are who the name is
    near = vocab.nearest_subject(word)
    if near and near[0] in vocab.subjects and vocab.subjects[near[0]] & mention_ids(subject, vocab) \
            or any(wordnet_relation(word, w) in ("same", "above", "below") for w in name_head(subject)):
        return  # "the delivery wagon" when the delivery van is meant
    before = [m for m in intent.mentions if m is not subject and m.end <= subject.start  # "the mountain rescue boat":
              and not original[m.end:subject.start].strip()]  # a word before the compound only narrows it too
    intent.mentions = [m for m in intent.mentions if m is not subject and m not in before]
    intent.unknown_subject = original[(before[0].start if before else subject.start):chunk[-1][2]]


# relation words for people outside the family: their things are not the asker's ("the neighbours dog")
_NOT_FAMILY = frozenset("neighbour neighbor friend colleague coworker boss teacher".split())
_REFLEXIVES = frozenset("himself herself itself themselves themself myself ourselves yourself".split())


def unknown_beside_subject(original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary, intent: Intent,
                            taken: list[tuple[int, int]]) -> None:
    """A kind the repository lacks, beside a subject word it has, is a subject it lacks: "my siamese cat"
    (only other cats), "my giraffe plush", "the pet snake", "my dog Max". The subject word then does not
    name a checkpoint: the request becomes a no-match that names the nearest."""
    subject = intent.subject
    if subject is None or subject.kind not in ("subject", "synonym", "class") or subject.negated \
            or subject.det == "indefinite" and intent.style_spans:
        return  # "the blueprint look of a tandem frame": a thing the style draws, any kind of it
    index = {s: i for i, (_, s, _) in enumerate(tokens)}
    first = index.get(subject.start)
    last = next((i for i, (_, _, e) in enumerate(tokens) if e == subject.end), None)
    if first is None or last is None:
        return
    if subject.text.lower() in ("style", "styled", "look") and first > 0 and (
            overlaps(tokens[first - 1][1:], intent.style_spans)
            or any(m.end == tokens[first - 1][2] and m.kind in ("name", "partial") for m in intent.mentions)):
        return  # "raku style fish", "sgrafitto style fish": a fish drawn in that style
    unknown = None
    typed = normalize_noun(subject.text.lower())
    if subject.kind == "synonym" and typed not in INFORMAL and subject.text.lower() not in INFORMAL \
            and typed not in GROWN_READING and (typed in vocab.subjects or stem(typed) not in _own_words(subject, vocab)) \
            and _another_kind(typed, subject, vocab):
        unknown = subject.text  # "the sailboat" when the boats are a canoe and a kayak
    before = first - 1
    if unknown is None and before > 0 and tokens[before][0] == "other" and tokens[before - 1][0] in POSSESSIVES and \
            len({key for key, ids in vocab.names.items() if ids & mention_ids(subject, vocab)}) == 1:
        unknown = original[tokens[before][1]:subject.end]  # "our other dog" when the repository has one dog
    opens = before == 0 or before > 0 and _opener_before(tokens, before - 1)
    if before > 0 and re.search(rf"\b{TITLE}\s+$", original[:tokens[before][1]].lower()):
        before = -1  # "Mrs. Hale's pet": whose it is, read as the owner (intent._owner)
    if unknown is None and before >= 0 and (tokens[before][1] >= subject.np_start or opens) \
            and not overlaps(tokens[before][1:], taken) and unmarked_owner(tokens[before][0]) \
            and (kin_word(tokens[before][0]) or "neighbour") in _NOT_FAMILY \
            and _other_owner(tokens[before][0][:-1] + "'s", subject, vocab):
        unknown = original[tokens[before][1]:subject.end]  # "the neighbours dog": the neighbour's, not ours
    if unknown is None and before >= 0 and (tokens[before][1] >= subject.np_start or opens) \
            and not overlaps(tokens[before][1:], taken) and tokens[before][0] not in DEFINITES | INDEFINITES | POSSESSIVES \
            and tokens[before][0] not in MODIFIERS | AGE_WORDS and not unmarked_owner(tokens[before][0]):  # "my favourite dog",
        # "the neighbours pup": which one, no other kind of dog
        tok, s, e = tokens[before]
        own = _own_words(subject, vocab)
        part = any(len(tok) > 3 and tok in w for w in own) or len(tok) > 4 and not is_english(tok) and bool(
            process.extractOne(tok, own, scorer=fuzz.ratio, score_cutoff=75))  # "sour dough starter": a piece of
        # "sourdough"; "grampa chair": a slip of the "Grandpa" of "Grandpa's chair"
        sexed = sex_of_kind(tok, subject.term)
        listed = {w for t in vocab.subject_terms(mention_ids(subject, vocab)) for w in t.split()[:1]
                  if sex_of_kind(w, subject.term)} if sexed else set()
        if sexed and listed and tok not in listed:
            unknown = original[s:subject.end]  # "the billy goat" where the goat is listed as a nanny goat
        elif sexed:
            intent.cue_spans.append((s, e))  # "that nanny goat of ours", "the billy goat": the goat, said female or male
        elif not part and _classifier(tok, original[s:e], vocab) and \
                not vocab.same_kind(f"{tok} {subject.text.lower()}", subject.term) \
                or _narrower_compound(tok, subject, vocab) or not part and _rival_kind(tok, subject, vocab) \
                or _other_owner(tok, subject, vocab):
            unknown = original[s:subject.end]
        elif not part and _proper_kind(tokens, before, original, vocab):
            first_cap = before  # "my Link cosplay", "a Norwegian Forest cat": a named kind the repository lacks
            while first_cap > 0 and _proper_kind(tokens, first_cap - 1, original, vocab):
                first_cap -= 1
            unknown = original[tokens[first_cap][1]:subject.end]
    after = last + 1
    if unknown is None and after < len(tokens) and not overlaps(tokens[after][1:], taken) \
            and not any(m.start == tokens[after][1] for m in intent.mentions) \
            and tokens[after][0] not in _REFLEXIVES:  # "the old watchmaker himself": he, no other kind
        tok, s, e = tokens[after]
        name = original[s:s + 1].isupper() and not is_english(tok) and subject.kind != "class" \
            and not re.fullmatch(r"i(?:['’][a-z]+)?", tok)  # "the dog I've trained": the asker, no name
        placed = after + 1 < len(tokens) and tokens[after + 1][0] in LOCATIVES and past_participle(tok)
        activity = after + 1 < len(tokens) and tokens[after + 1][0].endswith("ing") and not name \
            and "VERB" in pos_of(tokens[after + 1][0]) and lexname(tok) not in ("animal", "person")  # not "dog Max
        # chewing a slipper": a name the repository lacks
        if original[s:s + 1].isupper() and tok not in STOPWORDS and stem(tok) in _own_words(subject, vocab):
            intent.cue_spans.append((s, e))  # "paramedic Nia" when the paramedic's description names her Nia
        elif not original[subject.end:s].strip() and not g_dropped(tok) and _person_named(original[s:e], subject, vocab):
            unknown = original[subject.start:e]  # "Nonno Beppe playing bocce": a person the repository lacks
        elif f"{tokens[last][0]} {tok}" in INFORMAL or placed or activity or stem(tok) in _own_words(subject, vocab) \
                or tok in _ASPECTS:
            pass  # "staff member": a phrase the lexicon reads whole; "the quilt spread on the grass": a participle;
            # "a band member crowd surfing": a noun and a verb in -ing name what it does; "the scarecrow outfit",
            # "the rex collar": what its versions wear or have, or a thing its own descriptions have
        elif name or _classifier(tok, original[s:e], vocab, head=True) and original[s:s + 1].islower() \
                or subject.term.endswith("ing") and f"{tokens[last][0]} {normalize_noun(tok)}" not in vocab.subjects \
                and wordnet_relation(f"{tokens[last][0]} {normalize_noun(tok)}", subject.term) == "apart":
            unknown = original[subject.start:e]  # "my knitting needles": a tool of the craft WordNet knows, not
            # what it makes ("bee houses" stay the hives that list "bees")
    away = _ELSEWHERE.match(original.lower(), subject.end)
    if unknown is None and away and stem("neighbour") not in _own_words(subject, vocab) \
            and not ("door" in away.group(0) and "door" in _own_words(subject, vocab)):
        unknown = original[subject.start:away.end()]  # "the doggie from next door": the neighbours'
    called = None
    owner = next((i for i in range(first - 1, max(first - 4, -1), -1) if tokens[i][0] in POSSESSIVES | {"the"}), None)
    if unknown is None and owner is not None:  # "Whiskers, my cat" / "the shop cat, Smudge": a name beside it
        start = owner
        for name_at, comma_at, edge in ((start - 2, start - 1, start - 3) if start is not None else (-1, -1, -1),
                                        (last + 2, last + 1, last + 3)):
            if not (0 <= name_at < len(tokens) and 0 <= comma_at < len(tokens)) or tokens[comma_at][0] != ",":
                continue
            tok, s, e = tokens[name_at]
            alone = edge < 0 or edge >= len(tokens) or not re.match(r"[a-z0-9<]", tokens[edge][0])
            if alone and original[s:s + 1].isupper() and tok.isalpha() and _name_like(tok, verb=True) \
                    and not overlaps((s, e), taken) and not any(m.start <= s < m.end for m in intent.mentions):
                unknown = called = original[s:e]
                break
    if unknown is None:
        unknown = _unknown_name_ahead(original, tokens, vocab, first, intent, taken)
        if unknown:  # the subject's words in apposition only say who the unknown name is ("our pastry chef")
            intent.mentions = [m for m in intent.mentions if m.start >= subject.end]
    if unknown:  # a name beside it takes the words that narrow the subject too: "shop" of "the shop cat, Smudge"
        narrowing = intent.modifiers if unknown == called else [  # "her garden chair": a garden's word for a chair
            m for m in intent.modifiers if m.det == "possessive" and not mention_ids(m, vocab) & mention_ids(subject, vocab)]
        intent.mentions = [m for m in intent.mentions if m is not subject and m not in narrowing]
        intent.unknown_subject = unknown


# where someone else's thing lives: "the dog from next door", "the cat across the street"
_ELSEWHERE = re.compile(r"\s+(?:(?:from|at|over)\s+)?(?:next\s+door|across\s+the\s+(?:street|road|hall|way)|"
                        r"down\s+the\s+(?:street|road|lane|hall|block)|upstairs|downstairs)\b")


_TITLES = frozenset("mr mrs ms miss mx dr mister sir madam auntie aunty".split())


def _unknown_name_ahead(original: str, tokens: list[tuple[str, int, int]], vocab: Vocabulary, first: int,
                        intent: Intent, taken: list[tuple[int, int]]) -> str | None:
    """A name the repository lacks that opens the request before the subject word: "lena our pastry chef",
    "mr patel the PE teacher", "draw Tom, my brother". A title ("mr", "dr") or a word that is no English word
    marks a lowercase name; one that opens like a name of the repository may be a nickname ("marmy").
    """
    lead = next((i for i, (tok, s, e) in enumerate(tokens[:first]) if re.match(r"[a-z]", tok) and tok not in _FRAMING
                 and not overlaps((s, e), taken)), None)  # "pls the red car": chatter, no name
    if lead is None:
        return None
    end = lead
    if tokens[lead][0] in _TITLES and lead + 1 < first:
        end = lead + 1
    tok, s, e = tokens[end]
    typed = original[s:e]
    marker = tokens[end + 1][0] if end + 1 < first else ""
    # the shape first (cheap), the repository's words last (a scan over every name)
    if not tok.isalpha() or first - end > 4 or marker not in POSSESSIVES | DEFINITES | {","} \
            or any(m.start <= s < m.end for m in intent.mentions) \
            or not (end > lead or typed[:1].isupper() and _name_like(tok) or not is_english(tok) and len(tok) > 2) \
            or _repository_word(tok, vocab):
        return None
    return original[tokens[lead][1]:e]


_FROM_PLACE = re.compile(r"(?:^|\b(?:the|a|an|my|our)\s+)(?P<head>[a-z]+)\s+from\s+(?:(?:the|a|an|my|our)\s+)?"
                         r"(?:[a-z]+\s+)?$")


def unknown_from_subject(original: str, vocab: Vocabulary, intent: Intent) -> None:
    """An animal or person the repository lacks, said first and coming from a thing it has: "the cat from the
    allotment next door", "a woman from the cottage" name that animal or person, not the place."""
    subject = intent.subject
    if subject is None or subject.kind == "trigger" or subject.negated or intent.unknown_subject:
        return
    m = _FROM_PLACE.search(original.lower(), 0, subject.start)
    if not m:
        return
    head, noun = m["head"], normalize_noun(m["head"])
    senses = wordnet_senses().get(noun)
    if not senses or senses[0][0] not in ("animal", "person") or noun in GENERIC \
            or _repository_word(head, vocab) or any(mm.start <= m.start("head") < mm.end for mm in intent.mentions):
        return
    intent.mentions = [replace(x, scene=True) if m.end("head") <= x.start < subject.end else x for x in intent.mentions]
    intent.unknown_subject = original[m.start("head"):m.end("head")]


def unknown_by_apposition(text: str, original: str, vocab: Vocabulary, intent: Intent) -> None:
    """A subject word followed by a name or kind the repository lacks is a subject it lacks: "the baker called
    Simon" (no Simon), "our mascot the bear" (the mascot here is a goat), "my son Jack"."""
    subject = intent.subject
    if subject is None or subject.kind not in ("subject", "synonym", "class") or subject.negated:
        return
    rest = text[subject.end:]
    called = re.match(r"\s*,?\s*(?:who\s+is\s+|that\s+is\s+)?(?:called|named|nicknamed)\s+([a-z][a-z'-]+)", rest)
    kind = re.match(r"\s*,?\s*the\s+([a-z]+)\b(?!['’])(?!(?:\s+[a-z-]+){0,2}\s+(?:one|ones|version|versions|model|build)\b)",
                    rest)  # not "my car, the plain red one": which version
    word = called.group(1) if called else kind.group(1) if kind else None
    if word is None or word in vocab.name_keys or word in vocab.name_words or normalize_noun(word) in vocab.subjects:
        return
    if kind and not called:
        noun = normalize_noun(word)
        if noun in MODEL_WORDS or noun in SCENE_WORDS or word in ("one", "same", "other", "first", "last") \
                or stem(word) in vocab.detail_words or ordinal_value(word) is not None \
                or noun not in wordnet_senses() or wordnet_relation(noun, subject.term) in ("same", "below") \
                or any(wordnet_relation(noun, t) == "same" for t in vocab.subjects):
            return  # "the dog the one with the collar"; "our mascot the goat" when a goat is here; "my corgi the dog"
    end = subject.end + (called or kind).end()
    modifiers = intent.modifiers  # "our football team mascot, the fox": "team" only narrowed the mascot
    intent.mentions = [m for m in intent.mentions if m is not subject and m not in modifiers]
    intent.unknown_subject = original[subject.start:end]
