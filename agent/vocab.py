"""What a repository can be asked for: subject terms, display names, triggers,
and the fixed word lists (styles, scenes, selection words) intent parsing uses.

Unknown nouns in subject position ("my pup") are resolved to the nearest
subject term by embedding similarity, when it is close enough (≥ 0.70 with
all-MiniLM-L6-v2: pup→puppy 0.90, feline→cat 0.70, while hamster→cat is 0.53).
"""
from __future__ import annotations

import bisect
from collections.abc import Collection
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from agent.lexicon import (ARTIFACTS, COLOURS, HYPERNYMS, INFORMAL, KIN_ROLES, NEUTRAL_KIN, YOUNG, everyday_word, g_dropped,
                           everyday_synonyms, in_use_word, is_english, kin_forms, kin_gender, kin_word, misspelt_common,
                           same_everyday_sense, stem, wordnet_relation, wordnet_senses)
from agent.conversation import pos_of
from repo_store.embedding import Embedder
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS
from repo_store.text import normalize_word as normalize_noun  # one plural folding for index and intent

SYNONYM_THRESHOLD = 0.70  # calibrated by `python app.py bench synonyms` (docs/results.md, Check-in)
# an unknown noun about as close (within this margin of its nearest, itself ≥ SYNONYM_THRESHOLD) to subject
# terms of other checkpoints as to its nearest is a class word over them: "grandparent" → grandpa 0.83,
# grandmother 0.77; "instrument" → guitar 0.70, violin 0.69; while "mommy" → mother 0.80, father 0.61 stays
# a synonym. Class words a repository lists as subjects ("pet") do not count. Calibrated by
# `python app.py bench answers` on bench/class_words.tsv (docs/results.md, Check-in)
CLASS_MARGIN = 0.16
COMPOUND_THRESHOLD = 0.80  # "coffee mug" ~ "mug" at or above it: the modifier does not make another kind

# canonical style → words people use for it (regex alternatives, longest first)
STYLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "photorealistic": ("photorealistic", "photo-realistic", "photoreal", "realistic", "realism", "lifelike", "real-life"),
    "anime": ("anime", "manga"),
    "cartoon": ("cartoon", "cartoony", "cartoonish", "toon", "comic", "animated"),
    "sketch": ("sketch", "sketchy", "pencil", "line art", "lineart"),
    "ink": ("ink", "inked", "pen and ink"),
    "watercolor": ("watercolor", "watercolour", "watercolors", "watercolours", "aquarelle"),
    "oil painting": ("oil painting", "oil-painting", "oil paint", "oils", "impasto"),
    "pixel art": ("pixel art", "pixel-art", "pixelated", "pixel", "8-bit", "16-bit"),
    "3d render": ("3d render", "3d", "cgi", "render"),
    "cinematic": ("cinematic", "film still", "movie still"),
    "vintage film": ("vintage film", "vintage", "retro", "film grain", "analog"),
    "ukiyo-e": ("ukiyo-e", "ukiyoe", "woodblock"),
    "crayon": ("crayon", "crayons"),
    "charcoal": ("charcoal",),
    "flat vector": ("flat vector", "vector", "flat design"),
    "minimalist": ("minimalist", "minimal"),
}
STYLE_WORDS = frozenset(w for words in STYLE_SYNONYMS.values() for w in words)  # every style phrase


@cache
def style_pattern(style: str) -> re.Pattern[str]:
    """One pattern that finds `style` or any of its synonyms as a whole phrase in lowercase text."""
    words = STYLE_SYNONYMS.get(style, ()) + (style,)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                      + r")(?![\w-])")


# "a photo of ..." prefers photorealistic checkpoints but never excludes others
SOFT_PHOTO_WORDS = ("photo", "photograph", "picture", "pic", "snapshot")

# words that are about the checkpoint, not the picture
MODEL_WORDS = frozenset("model models checkpoint checkpoints ckpt build builds lora loras version versions "
                        "variant variants iteration iterations finetune fine-tune fine-tuned weights training run".split())
# modifiers that may sit between a possessive and its noun
MODIFIERS = frozenset("new old favourite favorite fav fave own same little cute sweet lovely beloved best other personal "
                      "trained custom fluffy big small tiny young adorable good dear lil smol ol wee teeny itty "
                      "bitty chonky chonk chunky floofy thicc derpy goofy boss".split())
# informal words a description may use in another sense, read as the description's word first
_LITERAL_FIRST = frozenset("boss bossman gaffer".split())
# words of age before a thing's word ("the adult alpaca", "the grown-up cat"): not a kind of its own, and not
# the young one of its kind
AGE_WORDS = frozenset("adult grown grownup full-grown mature elderly senior".split())
YOUNG_KINDS = frozenset("baby babies puppy pup kitten kitty cria foal lamb calf cub chick duckling piglet joey infant "
                        "toddler child kid fawn gosling cygnet hatchling youngster".split())
# nouns that are places or conditions in the picture, never the subject being asked for
SCENE_WORDS = frozenset("beach sea ocean shore coast lake river park garden forest woods jungle field meadow "
                        "street city town road desert snow rain sky space moon sun sunset sunrise night dawn dusk "
                        "room kitchen studio indoors outdoors background grass hill hills island cafe bar "
                        "library stage fire water waves clouds storm winter summer spring autumn".split())
# "girl", "boy" said of grown-ups ("a girl from the band", "one of the boys"), read so only where the repository holds
# no young people; kept out of `INFORMAL`, which also reads the repository's own terms
GROWN_READING = {"girl": "woman", "boy": "man"}
_YOUNG_PEOPLE = frozenset("girl boy child kid daughter son baby toddler teenager teen grandchild granddaughter "
                          "grandson niece nephew pupil".split())  # a student may be grown
_GROWN_PEOPLE = frozenset("man woman adult lady gentleman".split())  # a son who is a man is grown
_YOUNG_OTHER_SEX = {"man": frozenset("girl daughter granddaughter niece".split()),  # a girl is no boy
                    "woman": frozenset("boy son grandson nephew".split())}
LOCATIVES = frozenset("in on at by near under beside inside behind over across along through into onto down "
                      "around atop among amongst amid outside beneath underneath".split())
POSSESSIVES = frozenset("my our his her their your ur".split())  # "ur dog": chat spelling
# "-in-law" after a kin word: another relation than the word alone ("my mother-in-law")
IN_LAW = re.compile(r"[\s-]*in[\s-]*laws?\b")
# words that name no particular thing: "one", "the picture", "that model", "anyone"
GENERIC = frozenset("one ones thing things stuff lot something anything whatever whichever checkpoint checkpoints model "
                    "models picture pictures image images photo photos pic pics portrait painting drawing version "
                    "lora build render shot scene card poster wallpaper sticker print look style art list collection "
                    "library repository folder gallery account face what which who whatever whichever anything something "
                    "everything nothing it this that these those there here last first latest newest oldest recent previous "
                    "next earliest fine tune tuned finetune two three four both anyone anybody someone somebody "
                    "whoever".split())
# words for a style itself: part of many style names, they name none ("Catalog look", "Film edit")
_LOOK_WORDS = frozenset("look looks style styles edit edits preset presets filter filters finish aesthetic vibe".split())
DEFINITES = frozenset("the this that these those da tha dat".split())  # "da birdie on da roof": chat spellings
INDEFINITES = frozenset({"a", "an"})
_PERSON_CLASSES = frozenset("people someone somebody human humans anyone anybody folks".split())

_KIN = ("grandpa", "grandma", "grandfather", "grandmother", "mom", "mother", "dad", "father", "boy", "girl",
        "man", "woman", "brother", "sister", "son", "daughter", "uncle", "aunt", "husband", "wife", "grandson",
        "granddaughter", "grandchild", "child", "parent", "nephew", "niece", "cousin")

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# "one of the twins", "one of our regulars"; "Ellie's twin brother"
_ONE_OF_GROUP = re.compile(r"\bone\s+of\s+(?:the|our|my|his|her|their)\s+([a-z]+s)\b(?!['’])")
_KIN_OF_GROUP = re.compile(r"['’]s\s+([a-z]+)\s+(?:brother|sister)\b")
# top classes that are also WordNet's lexicographer files: a term is under one only when read in that file
_LEXNAMES = frozenset("animal person plant food artifact".split())


def fold_accents(text: str) -> str:
    """"Tomás" → "Tomas", letter for letter (the same length): a request typed without the accents still names."""
    if text.isascii():
        return text  # nearly every request and name: nothing to fold
    folded = []
    for c in text:
        parts = unicodedata.normalize("NFKD", c)
        folded.append(parts[0] if len(parts) > 1 and unicodedata.combining(parts[1]) else c)
    return "".join(folded)


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """`normalize_noun`, and an irregular plural's singular by lemminflect ("men" → "man", "geese" → "goose",
    "grandchildren" → "grandchild")."""
    folded = normalize_noun(word)
    if folded == word and word.isalpha() and not word.endswith("s"):
        from lemminflect import getAllLemmas, getLemma

        lemma = getLemma(word, upos="NOUN")
        if lemma and lemma[0] != word and len(lemma[0]) > 2 and "NOUN" in getAllLemmas(word):
            return lemma[0]
    return folded


def normalize_phrase(text: str) -> str:
    return " ".join(normalize_noun(w) for w in _WORD.findall(fold_accents(text.lower())))


# a proper name in brackets after what the checkpoint is called: "Me (Gareth)", "Dad (Idris), white hair"
_ASIDE_NAME = re.compile(r"\(([A-Z][a-z]+)\)")


def strip_name(name: str) -> str:
    """Display name without a trailing "(style)" or version: "Biscuit (anime) v2" → "biscuit"."""
    name = re.sub(r"\([^)]*\)", " ", fold_accents(name.lower()))
    name = re.sub(r"\b(?:v|version\s*)\d+\b", " ", name)
    return " ".join(name.split())


def name_key(ckpt: Checkpoint) -> str:
    """A checkpoint's name as `Vocabulary.names` keys it, or "" when its name is only its id."""
    return normalize_phrase(strip_name(ckpt.name)) if ckpt.name != ckpt.id else ""


def _common_word(word: str) -> bool:
    """Words that say what or how, not which: colours, styles, model words, places."""
    from agent.lexicon import COLOURS

    return word in COLOURS or word in STYLE_WORDS or word in MODEL_WORDS or word in MODIFIERS \
        or word in ("old", "new", "little", "big")


_PET_ENDINGS = ("ie", "y", "o", "er", "s", "sy", "ey", "ster", "kins")


def _typo_match(word: str, singles: list[str], keys: dict[str, str]) -> str | None:
    """The repository word `word` misspells, by ratio, swap-aware edit distance or sound (see `typo_of`)."""
    if len(word) < 4:
        return None
    cutoff = 80 if len(word) >= 7 else 83
    match = process.extractOne(word, singles, scorer=fuzz.ratio, score_cutoff=cutoff)
    if match:
        return match[0]
    close = [k for k in singles if abs(len(k) - len(word)) <= 1 and OSA.distance(word, k) <= 1
             and (len(word) > 5 or k[0] == word[0])]  # a short word with another first letter is another word:
    # "gina" is no slip of Nina
    if len(close) == 1:
        return close[0]
    key = jellyfish.metaphone(word)
    sounds = [k for k in singles if keys[k] == key and len(key) >= 2 and k[0] == word[0] and fuzz.ratio(word, k) >= 55]
    return sounds[0] if len(sounds) == 1 else None


def _pet_form(word: str, singles: Collection[str]) -> str | None:
    """"rexy" → "rex", "doggo" → "dog", "biscy" → None: a repository word with a pet ending."""
    for ending in _PET_ENDINGS:
        base = word[:-len(ending)]
        if not word.endswith(ending) or len(base) < 3:
            continue
        for stem_ in (base, base[:-1] if len(base) > 3 and base[-1] == base[-2] else None):
            if stem_ and stem_ in singles:
                return stem_
    return None


def _rare(word: str, below: float = 3.0) -> bool:
    """A word written less than about once in a million English words (wordfreq's Zipf scale below 3), or under
    another Zipf bound."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") < below


def _nickname_of(word: str, fronts: _Fronts) -> str | None:
    """"labby"/"labbie" → "labrador", "goldie" → "golden retriever", "walt" → "walter": the clipped front (three
    letters or more) of one repository word, bare or with a pet ending; `fronts` maps each single word, and the first
    word of each multi-word term, to its term. None unless exactly one term begins so."""
    bases = {word} if len(word) >= 4 else set()
    for ending in _PET_ENDINGS:
        base = word[:-len(ending)]
        if word.endswith(ending) and len(base) >= 3:
            bases |= {base, base[:-1]} if len(base) > 3 and base[-1] == base[-2] else {base}
    keys = fronts.keys_sorted
    found = set()
    for base in bases:  # the fronts that begin with `base`, found by bisection in the sorted keys
        at = bisect.bisect_left(keys, base)
        while at < len(keys) and keys[at].startswith(base):
            if len(keys[at]) >= len(base) + 2:
                found.add(fronts[keys[at]])
            at += 1
    return found.pop() if len(found) == 1 else None


class _Fronts(dict):
    """`Vocabulary._fronts` with its keys kept sorted once, for `_nickname_of`'s bisection."""
    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.keys_sorted = sorted(self)


def _clipped_from(word: str, singles: list[str]) -> str | None:
    """"risograph" → "riso": a repository word of four letters or more that is the clipped front of `word`."""
    from wordfreq import zipf_frequency

    found = [k for k in singles if len(k) >= 4 and word.startswith(k) and len(word) > len(k)
             and not (is_english(k) and zipf_frequency(word[len(k):], "en") >= 3.4)]  # "showground" is no "Show
    # poster" (two common words); "finelien" is a slip of "Fine line"
    return max(found, key=len) if found else None


# "Felix's mother", "the neighbours' grey greyhound": an owner and, up to two words on, what they are to them
_WHOSE = re.compile(r"\b(?P<owner>[a-z]+)(?:['’]s|s['’])\s+(?P<kin>[a-z-]+(?:\s+[a-z-]+){0,2})")  # "Lena's little brother"


def _beings_apart(word: str, term: str) -> bool:
    """A person or an animal by WordNet's first sense on one side only: no synonym of the other."""
    senses = wordnet_senses()
    if word not in senses or term not in senses:
        return False
    beings = ("person", "animal")
    first, other = senses[word][0][0], senses[term][0][0]
    return (first in beings) != (other in beings) and not any(lex == first for lex, _ in senses[term])


@dataclass
class Vocabulary:
    """Subject terms, names and triggers of one repository (normalized)."""

    subjects: dict[str, set[str]] = field(default_factory=dict)  # term → checkpoint ids
    names: dict[str, set[str]] = field(default_factory=dict)  # stripped name → ids
    triggers: dict[str, str] = field(default_factory=dict)  # lowercase trigger → id
    extra_styles: set[str] = field(default_factory=set)  # "ink wash": a repository's own style names
    name_words: dict[str, set[str]] = field(default_factory=dict)  # a word only one multi-word name has → it
    owners: dict[str, set[str]] = field(default_factory=dict)  # "grandpa" of "Grandpa's chair" → its ids
    # (a person's name, a role) → the names that stand in it, with the kin word a description said or None for a
    # role read the other way round: "Ruth, Felix's mother" gives ("felix", "parent") → {"ruth": "mother"} and
    # ("ruth", "child") → {"felix": None}
    relations: dict[tuple[str, str], dict[str, str | None]] = field(default_factory=dict)
    detail_words: set[str] = field(default_factory=set)  # lemmas of every description word (detail cues)
    # two content words a description says one or two words apart, as lemmas: ("yellow", "paper") of "yellowed,
    # aged paper" (a place phrase that says them is a version's detail: "on the old yellowed paper")
    detail_pairs: frozenset[tuple[str, str]] = frozenset()
    embedder: Embedder | None = None
    _terms: list[str] = field(default_factory=list)
    _matrix: np.ndarray | None = None
    _cache: dict[str, tuple[str, float] | None] = field(default_factory=dict)
    word_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # answer and option words' embeddings
    _classes: dict[str, frozenset[str]] = field(default_factory=dict)  # learned class word → the terms it covers
    _singles: list[str] | None = None
    _keys: dict[str, str] = field(default_factory=dict)
    _fronts: _Fronts = field(default_factory=lambda: _Fronts())  # a single word, or a term's first word → the term
    _single_names: frozenset[str] | None = None  # one-word names (pet forms of rare English words)
    _by_length: dict[int, list[str]] = field(default_factory=dict)  # one-word names and subjects by length
    _phrase_keys: dict[str, str] = field(default_factory=dict)
    _phrase_fix: dict[str, str] = field(default_factory=dict)
    _wordnet: dict[str, set[str]] | None = None  # WordNet class word → the subject terms under it
    _words: frozenset[str] | None = None
    _own: dict[str, frozenset[str]] = field(default_factory=dict)  # checkpoint id → stems of its own words
    _by_concept: dict[str, frozenset[str]] | None = None  # id stem → stems of all its versions' own words
    _said_before: dict[str, frozenset[str]] | None = None  # stem → the stems descriptions say one or two words before it
    plural_listed: dict[str, set[str]] = field(default_factory=dict)  # a term listed in the plural → those ids
    typed_names: set[str] = field(default_factory=set)  # names as written, lowercase ("crumbs", not "crumb")
    _name_keys: frozenset[str] | None = None
    _heads: frozenset[str] | None = None
    _joined: dict[str, str] | None = None
    _described: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (what, noun) → kind or name
    _young_of: dict[str, bool] = field(default_factory=dict)  # "man" / "woman" → a young person of that sex is listed
    # a description's or name's hyphenated compound of three words or more, as people type it spaced → as written:
    # "glow in the dark" → "glow-in-the-dark"
    compounds: dict[str, str] = field(default_factory=dict)
    _compound_firsts: dict[str, list[str]] | None = None
    kind_before: dict[str, set[str]] = field(default_factory=dict)  # a noun right before a checkpoint's own subject
    # term in its description ("the red J-hook hive tool": "hook" → {"hive tool"})

    @classmethod
    def build(cls, checkpoints: dict[str, Checkpoint], embedder: Embedder | None = None) -> Vocabulary:
        vocab = cls(embedder=embedder)
        descriptions: set[str] = set()
        for ckpt_id, ckpt in sorted(checkpoints.items()):
            for subject in ckpt.subjects:
                # "self-portrait" is also "self portrait" and "selfportrait"
                *words, last = subject.lower().split() or [""]
                one = " ".join(words + [singular(last)])  # "grandchildren" is also "grandchild"
                for form in {subject, subject.replace("-", " "), re.sub(r"[\s-]+", "", subject), one}:
                    vocab.subjects.setdefault(normalize_phrase(form), set()).add(ckpt_id)
                if normalize_phrase(one) != " ".join(_WORD.findall(fold_accents(subject.lower()))):
                    vocab.plural_listed.setdefault(normalize_phrase(one), set()).add(ckpt_id)  # "sisters", "children"
            name = strip_name(ckpt.name) if ckpt.name != ckpt.id else ""  # an id is not a name people say
            if name:
                key = normalize_phrase(name)
                vocab.names.setdefault(key, set()).add(ckpt_id)
                if "-" in key:  # "Forget-me-not teacup" typed "forget me not teacup", and as the words the parser reads
                    vocab.names.setdefault(normalize_phrase(name.replace("-", " ")), set()).add(ckpt_id)
                vocab.typed_names.add(name)
                owner = re.match(r"([a-z]+)['’]s\s", name.lower())
                if owner:
                    vocab.owners.setdefault(owner[1], set()).add(ckpt_id)
                for word in _WORD.findall(name):  # "palette" of "Dusk palette", "hal" of "Commodore Hal"; not
                    # "grandpa" of "Grandpa's chair"
                    if " " in key and len(word) >= 3 and word not in STOPWORDS and not word.endswith(("'s", "’s")):
                        vocab.name_words.setdefault(normalize_noun(word), set()).add(key)
            for trigger in ckpt.triggers:
                vocab.triggers.setdefault(trigger.lower(), ckpt_id)
            descriptions.add(ckpt.description.lower())
            for compound in re.findall(r"\b[a-z]+(?:-[a-z]+){2,}\b", f"{ckpt.description} {ckpt.name}".lower()):
                vocab.compounds.setdefault(compound.replace("-", " "), compound)
            vocab._add_kind_before(ckpt)
            text = " ".join([ckpt.description, ckpt.name, *ckpt.subjects]).lower()
            vocab._own[ckpt_id] = frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", text))
            for style in ckpt.styles:  # styles this repository names that the fixed list does not know
                style = " ".join(style.lower().split())
                if style and style not in STYLE_SYNONYMS and style not in STYLE_WORDS:
                    vocab.extra_styles.add(style)
        vocab._add_relations(checkpoints)
        vocab._add_groups(checkpoints)
        pairs = set()
        for text in descriptions:
            words = re.findall(r"[a-z0-9]+", text)
            vocab.detail_words.update(stem(w) for w in words if len(w) > 2)
            said = [stem(w) for w in words if w not in STOPWORDS]
            pairs.update((a, b) for i, a in enumerate(said) for b in said[i + 1:i + 3])
            pairs.update((stem(a), b) for a, b in zip(words, words[1:]) if b in ("up", "down", "off", "out"))  # "veil up"
        vocab.detail_pairs = frozenset(pairs)
        vocab._add_shared_names(checkpoints)
        vocab._add_id_phrases(checkpoints)
        vocab._add_kin_owners()
        vocab.name_words = {w: keys for w, keys in vocab.name_words.items() if len(keys) == 1
                            and w not in vocab.subjects and w not in vocab.names and not _common_word(w)
                            and w not in _LOOK_WORDS}  # "look" of "Catalog look" names no one look
        vocab.subjects.pop("", None)
        vocab.names.pop("", None)
        vocab._terms = sorted(vocab.subjects)
        return vocab

    def _add_kind_before(self, ckpt: Checkpoint) -> None:
        """The nouns a description puts right before one of the checkpoint's own subject terms ("J-hook hive tool")."""
        said = re.findall(r"[a-z0-9]+", ckpt.description.lower())
        for term in {normalize_phrase(s) for s in ckpt.subjects}:
            size = len(term.split())
            for n in range(1, len(said) - size + 1):
                if normalize_phrase(" ".join(said[n:n + size])) == term:
                    word = said[n - 1]
                    if len(word) > 2 and word not in STOPWORDS and word not in COLOURS and "ADJ" not in pos_of(word) \
                            and ("NOUN" in pos_of(word) or not pos_of(word) and word.isalpha()):  # "Silkie hen"
                        self.kind_before.setdefault(stem(word), set()).add(term)

    def _add_groups(self, checkpoints: dict[str, Checkpoint]) -> None:
        """A group the descriptions put people or animals in, that no checkpoint lists as a subject: "Ellie, one of
        the twins" and "Oscar, Ellie's twin brother" make "the twins" those two ("one of our regulars" too)."""
        from agent.concepts import id_stem

        found: dict[str, set[str]] = {}  # the group word → the concepts said to be in it
        for ckpt_id, ckpt in checkpoints.items():
            text = ckpt.description.lower()
            words = [m[1] for m in _ONE_OF_GROUP.finditer(text)] + [m[1] for m in _KIN_OF_GROUP.finditer(text)]
            for word in words:
                one = singular(word)
                if one in wordnet_senses() and one not in self.subjects and one not in self.names:
                    found.setdefault(one, set()).add(id_stem(ckpt_id))
        for one, stems in found.items():  # every version of a concept is in the group one of them is said to be in
            self.subjects[one] = {i for i in checkpoints if id_stem(i) in stems}

    def _add_relations(self, checkpoints: dict[str, Checkpoint]) -> None:
        """Who is whose, from the descriptions: "Lotte, Margot's granddaughter" makes Lotte Margot's grandchild and
        Margot Lotte's grandparent, so that "Lotte's grandma" and "Margot's granddaughter" name checkpoints."""
        named: dict[str, list[str]] = {}  # a word of a name → the names that have it ("felix" → ["felix"])
        for name in self.names:
            for word in name.split():
                named.setdefault(word, []).append(name)
        for ckpt in checkpoints.values():
            key = name_key(ckpt)
            if key not in self.names:
                continue
            for m in _WHOSE.finditer(ckpt.description.lower()):
                kin = next((k for w in m.group("kin").split() if (k := kin_word(w))), None)
                owner = normalize_phrase(m.group("owner"))
                if kin is None or owner == key:
                    continue
                role, back = KIN_ROLES[kin]
                self.relations.setdefault((owner, role), {})[key] = kin
                for other in named.get(owner, ()):
                    self.relations.setdefault((key, back), {}).setdefault(other, None)

    def related(self, owner: str, word: str) -> list[str]:
        """The names of those who stand to `owner` as `word` says ("felix", "mum" → "ruth"), those whose
        description says that very kin word first; empty when no description says so."""
        kin = kin_word(word)
        if kin is None:
            return []
        found = {key: told for key, told in self.relations.get((owner, KIN_ROLES[kin][0]), {}).items()
                 if told is None or kin_gender(told) in (kin_gender(kin), None)}  # not the mother for "Felix's dad"
        return [key for key, told in found.items() if told == kin] or sorted(found) or self._related_by_subjects(owner, kin)

    def _related_by_subjects(self, owner: str, kin: str) -> list[str]:
        """The names listed with a kin word of `kin`'s role when `owner` is listed with the kin word back, and no
        description says who is whose: Rosie listed as a granddaughter, Alain as a grandad, so "Rosie's grandad"
        is Alain and "Rosie's grandparents" are every grandparent listed. Grandparents only, whom a family calls by
        the children's word: "Ada's mum" is not the one listed as "mum" beside Ada listed as a daughter, both said
        from the asker."""
        role, back = KIN_ROLES[kin]
        if role not in ("grandparent", "grandchild"):
            return []

        def listed(wanted: str, gender: str | None) -> set[str]:  # the ids listed with a kin word of that role
            return {i for term, ids in self.subjects.items() if (k := kin_word(term)) and KIN_ROLES[k][0] == wanted
                    and gender in (None, kin_gender(k)) for i in ids}

        if not self.names.get(owner, set()) & listed(back, None):
            return []
        found = listed(role, kin_gender(kin))
        return sorted(key for key, ids in self.names.items() if key != owner and " " not in key and ids & found)

    def _add_shared_names(self, checkpoints: dict[str, Checkpoint]) -> None:
        """A word several multi-word names share that is no English word is a family name: "Rossi" of
        "Chef Marco Rossi" and "Enzo Rossi" names both ("the Rossi brothers", "Mr Rossi"). When it is also
        some of those checkpoints' own id ("rosa" of rosa-v1, not of pizza-rosa-v1), it names those."""
        from agent.concepts import id_stem

        for word, keys in self.name_words.items():
            if len(keys) < 2 or word in self.subjects or word in self.names or _common_word(word) \
                    or is_english(word):
                continue
            ids = {i for key in keys for i in self.names[key]}
            own = {i for i in ids if id_stem(checkpoints[i].id).lower() == word}
            self.names[word] = own or ids

    def _add_kin_owners(self) -> None:
        """A name that says whose it is by a kin word names it by every word for that kin: "Dad's watch" is also
        "father's watch", "daddy's watch" (the lexicons' forms, `kin_forms`)."""
        kin_owners = {owner: kin for owner in self.owners if (kin := kin_word(owner))}
        by_owner: dict[str, list[str]] = {}
        for key in self.names if kin_owners else ():
            if key.split()[0] in kin_owners:
                by_owner.setdefault(key.split()[0], []).append(key)
        for owner, kin in kin_owners.items():
            for key in [k for k in by_owner.get(owner, []) if self.names[k] & self.owners[owner]]:
                for form in kin_forms(kin):
                    variant = " ".join([form, *key.split()[1:]])
                    if " " not in form and variant not in self.names and variant not in self.subjects:
                        self.names[variant] = set(self.names[key])

    def _add_id_phrases(self, checkpoints: dict[str, Checkpoint]) -> None:
        """An id of two words or more, typed with spaces, names its concept: "pizza rosa" of pizza-rosa-v1; so does
        an id of one word that clips a word of the name ("chalk" of chalk-v1, the "Chalkboard menu")."""
        from agent.concepts import id_stem

        clipped: dict[str, set[str]] = {}
        for ckpt_id in checkpoints:
            words = [w for w in re.split(r"[-_.\s]+", id_stem(ckpt_id).lower()) if w]
            key = normalize_phrase(" ".join(words))
            if len(words) >= 2 and key not in self.names and key not in self.subjects:
                self.names.setdefault(key, set()).add(ckpt_id)
            name = checkpoints[ckpt_id].name.lower()
            if len(words) == 1 and len(key) >= 4 and key not in self.names and key not in self.subjects and any(
                    w.startswith(words[0]) and normalize_noun(w) != key for w in re.findall(r"[a-z]+", name)):
                clipped.setdefault(key, set()).add(ckpt_id)  # "chalk" of chalk-v1, the "Chalkboard menu"
            ckpt = checkpoints[ckpt_id]
            for aside in _ASIDE_NAME.findall(f"{ckpt.name} {ckpt.description}"):
                own = aside.lower()  # "Me (Gareth)", "Dad (Idris), white hair": the person's own name, set aside
                if len(own) >= 3 and own not in self.names and own not in self.subjects and not is_english(own):
                    clipped.setdefault(own, set()).update(i for i in checkpoints if id_stem(i) == id_stem(ckpt_id))
        for key, ids in clipped.items():
            self.names[key] = ids

    @classmethod
    def from_subjects(cls, subjects: dict[str, set[str]], embedder: Embedder | None = None) -> Vocabulary:
        """A vocabulary of subject terms only (term → checkpoint ids), as `bench answers` calibrates on."""
        vocab = cls(subjects={t: set(ids) for t, ids in subjects.items()}, embedder=embedder)
        vocab._terms = sorted(vocab.subjects)
        return vocab

    @property
    def terms(self) -> list[str]:
        """The subject terms, in the order `similarities` scores them."""
        return self._terms

    @property
    def longest(self) -> int:
        """Words in the longest subject term or name (bounds n-gram lookups)."""
        keys = list(self.subjects) + list(self.names)
        return max((k.count(" ") + 1 for k in keys), default=1)

    def typo_of(self, word: str) -> str | None:
        """The subject term, name or name word `word` misspells ("Moochi" → "mochi", "cotage" → "cottage",
        "Biskit" → "biscuit", "Butons" → "buttons" of "Mr. Buttons"), or the pet form of one ("Rexy").

        Only words that are not English (lemminflect does not know them), at least 4 letters long and
        closer to a repository word than to a frequent English word (`lexicon.misspelt_common`:
        "kitcehn" is a kitchen, not a kitten) are read as typos, so "mouse" never becomes "house".
        Three tests, any one suffices: rapidfuzz's
        ratio (one slip in a short word, two in a long one); the optimal-string-alignment distance
        (one edit, and a swap of two letters is one: "becah" → "beach"; in a word of five letters or fewer, not of
    the first letter: "gina" is not Nina); the same Metaphone key (jellyfish) of two consonants
        or more, the same first letter and a ratio ≥ 55 ("Reks" → "rex", "Waffels" → "waffles"). A pet form is a
        repository word plus -y/-ie/-o/-er/-s/-sy, the consonant doubled or not ("Rexy", "doggo"), and
        the clipped front of a longer word ("risograph" for "Riso print"), a nickname cut from one repository word
        ("labby", "walt": `_nickname_of`); a rare English word only as a name's pet form or one slip from one word
        ("inky", "moos": `_rare_word_of`).
        """
        word = re.sub(r"['’]s?$", "", word.lower())  # "granny's" is granny, a known word, not a slip of "grandpa"
        glued = re.fullmatch(r"([a-z]{3,}?)v?\d{1,2}", word)  # "rexv2", "bruno1": a version typed onto the name
        if glued and (glued[1] in self.names or glued[1] in self.subjects):
            return glued[1]
        if word not in self.subjects and word not in self.names and self.everyday_synonym(word):
            return None  # "vino": the wine WordNet says it is (also for rare English words, below)
        if len(word) == 3 and not is_english(word) and word not in self.subjects and word not in self.names:
            shortened = [k for k in self.names if len(k) == 4 and k[0] == word[0]
                         and any(k[:n] + k[n + 1:] == word for n in range(1, 4))]
            return shortened[0] if len(shortened) == 1 else None  # "nel" for Nell, "ana" for Anna, "teo" for Theo
        if len(word) >= 4 and word not in self.subjects and word not in self.names and is_english(word) \
                and _rare(word, 3.5):  # "tort" for the tortoise: a rarer English word clipped from one
            if stem(word) in self.detail_words:
                return None  # "the collie" where a description says "Rex the collie": its word, no slip of "Ollie"
            found = self._rare_word_of(word) if _rare(word) else None
            if found is None:
                self._index()
                clipped = _nickname_of(word, self._fronts)
                found = clipped if clipped is not None and len(clipped) >= len(word) + 3 else None
            return found
        if not self._may_be_slip(word):
            return None
        self._index()
        in_use = in_use_word(word)  # "trailhead" is not "trail map"
        found = _typo_match(word, self._singles, self._keys) or _typo_match(normalize_noun(word), self._singles,
                                                                            self._keys)
        if in_use and found is not None and OSA.distance(word, found) > 1:
            found = None  # a word in use is a slip of one edit at most ("Marlow" for Marlowe)
        common = misspelt_common(word)
        clipped = None if in_use or found is not None else _clipped_from(word, self._singles)
        candidate = found or clipped
        if candidate is not None and common and candidate not in common and OSA.distance(word, candidate) > 1 \
                and (found is None or OSA.distance(normalize_noun(word), found) > 1):
            found = clipped = None  # "kitcehn" is the kitchen (one swap), not the kitten two edits away; "Misso" is
            # Miso; "grandparants" are grandparents, not a longer "grandpa"
        if found is None:
            found = _pet_form(word, self._singles) or clipped \
                or (_nickname_of(word, self._fronts) if _rare(word, 4.0) else None)  # not "into" for "interior"
        if found is not None and g_dropped(word) and found == word + "g":
            return None  # "fishin": the -ing form with its g dropped ("fishing" of "Fishing nets"); "robbin" is Robin
        if found in self.name_words and found not in self.subjects and found not in self.names:
            return next(iter(self.name_words[found]))
        return found

    def _index(self) -> None:
        """The one-word subjects and names, their Metaphone keys and sorted fronts, built at the first typo looked up."""
        if self._singles is None:
            singles = {k for k in set(self.subjects) | set(self.names) if " " not in k and len(k) >= 3}
            self._singles = sorted(singles | set(self.name_words))
            self._keys = {k: jellyfish.metaphone(k) for k in self._singles}
            phrases = [t for t in self.subjects if " " in t]
            glued = {t.replace(" ", "") for t in phrases}  # "goldenretriever" is "golden retriever" written together
            self._fronts = _Fronts({k: k for k in self._singles if k not in glued} | {
                t.split()[0]: t for t in phrases if len(t.split()[0]) >= 4 and t.split()[0] not in self._singles})

    def _rare_word_of(self, word: str) -> str | None:
        """A rare English word (`_rare`) that is a one-word name's pet form ("inky" for Ink) or one slip from exactly
        one one-word name or subject ("moos" for Moose, "dingy" for the dinghy); the words are indexed by length
        at first use, so a repository of 100,000 names is not scanned per word."""
        if self._single_names is None:
            self._single_names = frozenset(k for k in self.names if " " not in k)
            self._by_length = {}
            for k in set(self.subjects) | set(self.names):
                if " " not in k and len(k) >= 4:
                    self._by_length.setdefault(len(k), []).append(k)
        near = [k for n in (len(word) - 1, len(word), len(word) + 1) for k in self._by_length.get(n, ())
                if OSA.distance(word, k) == 1]
        return _pet_form(word, self._single_names) or (near[0] if len(near) == 1 else None)

    def _may_be_slip(self, word: str) -> bool:
        """Whether `word` may misspell a repository word: four letters or more, no English word lemminflect or
        wordfreq's most frequent words know ("from" is no slip of "frog"), no subject, name or informal word, no
        word WordNet gives as a subject's synonym ("vino" is the wine, no slip of "vines")."""
        return len(word) >= 4 and not is_english(word) and word not in self.subjects and word not in self.names \
            and word not in INFORMAL and not everyday_word(word) and not self.everyday_synonym(word)

    def phrase_word(self, word: str) -> str:
        """`word`, or the word of a multi-word subject or name it misspells ("becah" of "beach house"), so
        the phrase is found whole; the same tests as `typo_of`, for words that are not English."""
        if word in self._phrase_fix:
            return self._phrase_fix[word]
        fixed = word
        if self.joined_name(word):  # "mochiwatercolor": a name typed as one word, found in `_find_mentions`
            return word
        if self._may_be_slip(word):  # "grandad" is a grandfather, not a slip of "Grandma Odile"
            if not self._phrase_keys:
                words = {w for k in list(self.subjects) + list(self.names) if " " in k for w in k.split() if len(w) >= 4}
                self._phrase_keys = {w: jellyfish.metaphone(w) for w in words}
            fixed = _typo_match(word, sorted(self._phrase_keys), self._phrase_keys) or word
            if g_dropped(word) and fixed == word + "g":
                fixed = word  # "grampa fishin": what he does, not the "fishing" of "Fishing nets"
            common = misspelt_common(word)
            if common and fixed not in common and OSA.distance(word, fixed) > 1:
                fixed = word  # a slip of another frequent word
        self._phrase_fix[word] = fixed
        return fixed

    def informal(self, phrase: str) -> str | None:
        """The repository's subject term for an informal word ("pupper" → "puppy" or "dog", "plushie" → "plush toy")."""
        plain = INFORMAL.get(phrase)
        if plain is not None and stem(phrase) in self.detail_words and phrase in _LITERAL_FIRST:
            return None  # "the boss" where a description says "the final boss": its own word, not anyone in charge
        if plain in GROWN_READING and plain not in self.subjects:
            phrase = plain  # "the lass": a girl, read as below
        if plain in (None, phrase) and phrase in GROWN_READING and not self._holds_young(GROWN_READING[phrase]):
            plain = GROWN_READING[phrase]  # "a girl from the band" where the repository holds no girl; "the lads"
            # where its only child is a girl
        if plain is None:
            return None
        if plain in self.subjects:
            return plain
        same = sorted(t for t in self.subjects if INFORMAL.get(t) == plain or kin_word(t) == plain)
        if same:  # "nana" where the repository says "grandma"
            return same[0]
        if YOUNG.get(plain) in self.subjects:  # "my pupper" where only "dog" is listed
            return YOUNG[plain]
        described = self.described_kind(plain)
        if described:
            return described  # "the sausage dog" for a dog described as a dachshund
        if stem(plain) in self.detail_words and not set(plain.split()) & self.words:
            return None  # "specs": the glasses a description names, not a subject near "glasses"
        covered = self.covered_by(plain, learned=False)
        if covered:
            return plain
        match = self.nearest_subject(plain)
        return match[0] if match else None

    def _holds_young(self, grown: str) -> bool:
        """Whether a checkpoint is of a young person who may be of `grown`'s sex: listed with a young word ("boy",
        "kid", "son"), with no grown word ("man": Jonah is a son and a man) nor one of the other sex ("girl")."""
        if grown not in self._young_of:
            def ids(words: frozenset[str]) -> set[str]:
                return {i for t in words & self.subjects.keys() for i in self.subjects[t]}

            self._young_of[grown] = bool(ids(_YOUNG_PEOPLE) - ids(_GROWN_PEOPLE | _YOUNG_OTHER_SEX[grown]))
        return self._young_of[grown]

    def described_kind(self, noun: str) -> str | None:
        """The subject term a narrower kind falls under when a description of a checkpoint listing that term names
        the kind ("dachshund" → "dog" where a dog is described as a wire-haired dachshund; WordNet says which is
        narrower)."""
        word = stem(noun)
        if word not in self.detail_words or noun in self.subjects or noun in YOUNG:
            return None  # "puppy" says how old, not which kind
        if ("kind", noun) not in self._described:  # once per word: it scans every subject term
            self._bound_described()
            before = self.kind_before.get(word, set())
            self._described["kind", noun] = next((
                term for term, ids in sorted(self.subjects.items()) if wordnet_relation(noun, term) == "above"
                and any(word in self.own_words(i) for i in ids)), None) or (
                next(iter(before)) if len(before) == 1 else None)  # "the hook" for "the red J-hook hive tool"
        return self._described["kind", noun]

    def _bound_described(self) -> None:
        if len(self._described) >= 4096:  # words people type are unbounded; the cache is not
            self._described.clear()

    def described_name(self, noun: str) -> str | None:
        """The name of the one concept whose descriptions name the kind `noun` ("the captain" for Maya, whose
        description calls her the club captain); None when several or none do."""
        if ("name", noun) not in self._described:  # once per word: it scans every name
            self._bound_described()
            word = stem(noun)
            keys = {key for key, ids in self.names.items() if any(word in self.own_words(i) for i in ids)}
            self._described["name", noun] = next(iter(keys)) if len(keys) == 1 else None
        return self._described["name", noun]

    def everyday_synonym(self, word: str) -> str | None:
        """The one subject term WordNet gives as a synonym of `word` in its everyday sense, of the kind the term's own
        checkpoints are ("headteacher" → "principal" among people; never "frank" → "dog", a hot dog)."""
        found = everyday_synonyms(word) if stem(word) not in self.detail_words else None  # "as a kitten": a detail
        if found is None:
            return None
        kind, synonyms = found
        senses = wordnet_senses()
        terms = [t for t in sorted(synonyms & self.subjects.keys())
                 if any(senses[o][0][0] == kind for o in self.subject_terms(self.subjects[t]) if o in senses)]
        return terms[0] if len(terms) == 1 else None

    def compounds_in(self, words: set[str]) -> list[str]:
        """The spaced compounds whose first word is among `words` (a bound on the compounds tried per request)."""
        if self._compound_firsts is None:
            firsts: dict[str, list[str]] = {}
            for spaced in self.compounds:
                firsts.setdefault(spaced.split()[0], []).append(spaced)
            self._compound_firsts = firsts
        return [c for w in sorted(words & self._compound_firsts.keys()) for c in self._compound_firsts[w]]

    def subject_terms(self, ids: set[str]) -> list[str]:
        """The subject terms any of the checkpoints `ids` lists ("cheese", "wheel", "cheese wheel")."""
        return [t for t, held in self.subjects.items() if held & ids]

    @property
    def style_ids(self) -> set[str]:
        """The checkpoints that teach a look: a subject term of theirs has the word "style" (`is_style_checkpoint`)."""
        return {i for term, ids in self.subjects.items() if "style" in term.split() for i in ids}

    def own_words(self, ckpt_id: str) -> frozenset[str]:
        """Stems of a checkpoint's subjects, name and description: what is its own ("Rex's collar")."""
        return self._own.get(ckpt_id, frozenset())

    def concept_words(self, ids: Collection[str]) -> frozenset[str]:
        """Stems of every version of the concepts of `ids` (the same id stem), whatever each version is named."""
        from agent.concepts import id_stem

        if self._by_concept is None:  # built once: a repository of 100,000 checkpoints is not walked per request
            by_concept: dict[str, set[str]] = {}
            for ckpt_id, words in self._own.items():
                by_concept.setdefault(id_stem(ckpt_id), set()).update(words)
            self._by_concept = {key: frozenset(words) for key, words in by_concept.items()}
        return frozenset().union(*(self._by_concept.get(id_stem(i), frozenset()) for i in ids))

    def said_before(self, word: str) -> frozenset[str]:
        """The stems descriptions put one or two words before `word` ("head" and "bike" before "mechanic")."""
        if self._said_before is None:  # built once from the description pairs
            before: dict[str, set[str]] = {}
            for first, second in self.detail_pairs:
                before.setdefault(second, set()).add(first)
            self._said_before = {key: frozenset(words) for key, words in before.items()}
        return self._said_before.get(word, frozenset())

    @property
    def words(self) -> frozenset[str]:
        """Every word of the repository's subjects, names and own style names (never another language's)."""
        if self._words is None:
            phrases = list(self.subjects) + list(self.names) + list(self.extra_styles)
            self._words = frozenset(w for p in phrases for w in p.split())
        return self._words

    @property
    def subject_heads(self) -> frozenset[str]:
        """The last word of a subject of several words ("set" of "stage set"): not a colour, style, everyday class
        ("animal" of "stuffed animal"), picture or function word, nor a person's role ("player" of "bass player")."""
        if self._heads is None:
            heads = {t.split()[-1] for t in self.subjects if " " in t}
            self._heads = frozenset(h for h in heads if h not in self.subjects and not _common_word(h)
                                    and h not in STOPWORDS and h not in GENERIC and h not in HYPERNYMS
                                    and h not in _PERSON_CLASSES and len(h) > 2
                                    and (wordnet_senses().get(h) or (("",),))[0][0] not in ("person", ""))
        return self._heads

    @property
    def name_keys(self) -> frozenset[str]:
        """Every word of a checkpoint's name ("june" of "June", "dorothy" of "Dorothy May"); read on every request,
        so built once."""
        if self._name_keys is None:
            self._name_keys = frozenset(w for key in self.names for w in key.split())
        return self._name_keys

    def joined_name(self, word: str) -> str | None:
        """The name of several words typed as one ("mochiwatercolor" for "mochi watercolor"); built once."""
        if self._joined is None:
            self._joined = {key.replace(" ", ""): key for key in self.names if " " in key}
        return self._joined.get(word)

    def covered_by(self, word: str, learned: bool = True) -> set[str]:
        """Subject terms an everyday class word covers: "animal" → {"dog", "cat", ...} (those this repository has);
        "people", "someone", "anyone" are every person WordNet knows of here, as "person" is."""
        if learned and word in self._classes:
            return set(self._classes[word])
        if word in _PERSON_CLASSES:
            return {t for t in HYPERNYMS.get(word, ()) if t in self.subjects} | self.covered_by("person", learned)
        hyponyms = HYPERNYMS.get(word, frozenset())
        listed = {term for term in self.subjects if term in hyponyms or term.split()[-1] in hyponyms
                  or INFORMAL.get(term) in hyponyms}  # "grandad" is a grandfather
        if word in self.subjects:
            listed.add(word)
        return listed | (self.wordnet_classes().get(word, set()) if self._noun_class(word) else set())

    def owned_by(self, word: str) -> set[str]:
        """Ids of the things a kind of person owns by name: "grandparent" → Grandma's cottage and Grandpa's
        chair (WordNet: a grandma is a grandparent), "dad" → Dad's watch."""
        senses = wordnet_senses()
        found: set[str] = set()
        for owner, ids in self.owners.items():
            said = {owner, INFORMAL.get(owner, owner)}
            if word in said or any(word in kinds for w in said for _, kinds in senses.get(w, ())[:2]):
                found |= ids
        return found

    def _noun_class(self, word: str) -> bool:
        """Whether a WordNet class word is read as one: not a colour nor a word of a description ("black",
        "patch"), which a request uses for a version's detail, not for a kind of thing; the top classes
        ("animal", "person") always are."""
        if word in COLOURS:
            return False
        top = any(lexname == "Tops" for lexname, _ in wordnet_senses().get(word, ())[:1])  # "animal", "person"
        return top or stem(word) not in self.detail_words

    def wordnet_classes(self) -> dict[str, set[str]]:
        """Class word → the subject terms WordNet puts under it ("feline" → {"cat"}, "grandparent" →
        {"grandma", "grandpa", ...}). A checkpoint's terms are read in the sense its terms agree on: the
        lexicographer file (animal, person, artifact, ...) most of them have, ties to the most frequent sense,
        so a cat is not the person sense of "cat" and a mug is not the face; a word with senses in one file
        only keeps it (a hedgehog mascot is an animal, whatever "mascot" votes). Of a term's several senses in
        that file, the first and those over another of the checkpoint's terms, where there are such ("cob" listed
        with "horse" is the horse, not the male swan; "mother" listed with "woman" stays a parent). The class
        word must have that sense among its own first two ("jack" the man is not the jack a plug is)."""
        if self._wordnet is None:
            senses = wordnet_senses()
            terms_of: dict[str, set[str]] = {}
            for term, ids in self.subjects.items():
                for ckpt_id in ids:
                    terms_of.setdefault(ckpt_id, set()).add(term)
            index: dict[str, set[str]] = {}
            for terms in terms_of.values():
                found = {t: senses.get(t) or senses.get(t.split()[-1]) or () for t in terms}
                votes: dict[str, list[int]] = {}
                for read in found.values():
                    for rank, lexname in enumerate(dict.fromkeys(lex for lex, _ in read)):
                        votes.setdefault(lexname, []).append(rank)
                if not votes:
                    continue
                chosen = max(votes, key=lambda lex: (len(votes[lex]), -min(votes[lex]), -sum(votes[lex])))
                for term, read in found.items():
                    own = {lexname for lexname, _ in read}
                    # "hedgehog" needs no vote; "cat" does, and so does "jack russell" read by its last word
                    sense = next(iter(own)) if len(own) == 1 and term in senses else chosen
                    kept = [above for lexname, above in read if lexname == sense]
                    others = terms - {term} - HYPERNYMS.keys()
                    if any(above & others for above in kept):  # the first sense, and the others that agree
                        kept = kept[:1] + [above for above in kept[1:] if above & others]
                    for above in kept:
                        for word in above:
                            if word in _LEXNAMES and word != sense:
                                continue  # a baby is a person; the foetus sense under "animal" is not its class
                            if any(lex in (sense, "Tops") for lex, _ in senses.get(word, ())[:2]):
                                index.setdefault(word, set()).add(term)
            self._wordnet = index
        return self._wordnet

    def class_members(self, word: str, records: dict) -> set[str]:
        """Ids an everyday class word covers; a thing (a plush bear, a toy dinosaur) is never an animal."""
        terms = self.covered_by(word)
        ids = {i for term in terms for i in self.subjects[term]}
        living = any(lexname == "animal" for lexname, _ in wordnet_senses().get(word, ())[:1])  # "reptile", "bird"
        if living or word in ("animal", "pet", "creature", "critter", "beastie", "furry friend"):
            ids = {i for i in ids if i in records and not any(s.lower() in ARTIFACTS for s in records[i].subjects)}
        return ids

    def same_kind(self, phrase: str, head: str) -> bool:
        """Whether a modifier leaves the thing what it is: "coffee mug" is a mug (MiniLM cosine 0.89), "toy
        robot" a robot (0.83), while "siamese cat" (0.67), "giraffe plush" (0.72 to "plush toy") and "pine
        tree" (0.79) are kinds of their own (COMPOUND_THRESHOLD)."""
        if self.embedder is None:
            return False
        a, b = (np.asarray(self.embedder.embed_query(t), dtype=np.float32) for t in (phrase, head))
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) >= COMPOUND_THRESHOLD

    def nearest_subject(self, phrase: str) -> tuple[str, float] | None:
        """The subject term closest in meaning to `phrase`, if ≥ SYNONYM_THRESHOLD."""
        phrase = normalize_phrase(phrase)
        if not phrase or self.embedder is None or not self._terms:
            return None
        if phrase in self._cache:
            return self._cache[phrase]
        kin = kin_word(phrase)
        if kin in NEUTRAL_KIN:  # "my sibling": the brothers and sisters, by the kin roles, not by nearness of vectors
            members = frozenset(t for t in self._terms if kin_word(t) and KIN_ROLES[kin_word(t)][0] == KIN_ROLES[kin][0])
            if members:
                self._classes[phrase] = members
                self._cache[phrase] = (min(members), 1.0)
                return self._cache[phrase]
        sims = self.similarities(phrase)
        best = int(np.argmax(sims))
        term, score = self._terms[best], float(sims[best])
        result: tuple[str, float] | None = (term, score)
        if score < SYNONYM_THRESHOLD:
            term = next((t for t in self._terms if same_everyday_sense(phrase, t)), None)
            result = (term, SYNONYM_THRESHOLD) if term else None  # "rucksack": MiniLM 0.36 to "backpack"
        elif wordnet_relation(phrase, term) == "apart" and (same := self.everyday_synonym(phrase)) not in (None, term):
            result = (same, score)  # "vino" is the "wine", though MiniLM puts it nearer the "vineyard"
        elif phrase in _KIN and term != phrase and any(k in term for k in _KIN):
            result = None  # "grandpa" is not "grandma", however close their vectors
        elif term in HYPERNYMS and wordnet_relation(phrase, term) == "apart":
            result = None  # "our cat" is no "pet" of a repository whose pets are a dog and a rabbit
        elif _beings_apart(phrase, term):
            result = None  # "our landlord" is no "apartment", however close their vectors
        elif self._sense_apart(phrase, term):
            result = None  # "the motorbike" is no "bike" that is also listed as a bicycle
        elif self._narrower_apart(phrase, term):
            result = None  # "the canoe" is no "boat" that is also listed as a fishing boat
        elif phrase not in _KIN:
            near = self.class_terms(sims, term, score)
            if near and wordnet_relation(phrase, term) == "above" and all(
                    wordnet_relation(phrase, t) in ("above", "apart") for t in near):
                result = None  # "the baby" beside a teenager and twins: a narrower kind than any, none of them
            elif near:
                self._classes[phrase] = near
        self._cache[phrase] = result
        return result

    def _sense_apart(self, phrase: str, term: str) -> bool:
        """Whether every checkpoint listing `term` pins its sense with a synonym beside it ("bike" and "bicycle") that
        WordNet keeps apart from `phrase` ("motorbike"), though `term` alone has a sense near it."""
        if wordnet_relation(phrase, term) in (None, "same"):
            return False
        ids = self.subjects.get(term, set())
        return bool(ids) and all(any(other != term and wordnet_relation(other, term) == "same"
                                     and wordnet_relation(phrase, other) == "apart" for other in self.subject_terms({i}))
                                 for i in ids)

    def _narrower_apart(self, phrase: str, term: str) -> bool:
        """Whether `phrase` names a thing of a narrower kind than `term` ("canoe" under "boat") while every checkpoint
        listing `term` names its own narrower kind beside it ("fishing boat": WordNet's, or a compound on `term`)
        and WordNet keeps them apart. Things only: a pet's everyday names ("pooch", "mutt") sit in WordNet beside
        its breeds."""
        if wordnet_relation(phrase, term) != "above" or wordnet_senses()[phrase][0][0] != "artifact":
            return False
        ids = self.subjects.get(term, set())
        for i in ids:
            narrower = [o for o in self.subject_terms({i}) if o.endswith(f" {term}") or wordnet_relation(o, term) == "above"]
            if not narrower or any(wordnet_relation(phrase, o) != "apart" for o in narrower):
                return False
        return bool(ids)

    def class_terms(self, sims: np.ndarray, term: str, score: float, margin: float = CLASS_MARGIN) -> frozenset[str]:
        """The terms within `margin` of the nearest (itself ≥ SYNONYM_THRESHOLD) when some belong to other
        checkpoints than the nearest term's: the phrase is then a class word over them; else empty."""
        near = {self._terms[i] for i in np.flatnonzero(sims >= score - margin)
                if self._terms[i] == term or self._terms[i] not in HYPERNYMS}  # "pet" is a class word itself
        return frozenset(near) if any(self.subjects[t] - self.subjects[term] for t in near) else frozenset()

    def similarities(self, phrase: str) -> np.ndarray:
        """MiniLM cosine of `phrase` with every subject term (in `_terms` order)."""
        if self._matrix is None:
            self._matrix = np.asarray(self.embedder.embed_documents(self._terms), dtype=np.float32)
        return self._matrix @ np.asarray(self.embedder.embed_query(normalize_phrase(phrase)), dtype=np.float32)

    def is_class(self, phrase: str) -> bool:
        """Whether `phrase` was read as a class word over several checkpoints' terms ("grandparent")."""
        return normalize_phrase(phrase) in self._classes
