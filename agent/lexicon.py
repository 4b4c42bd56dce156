"""Word knowledge Check-in needs beyond a repository's own vocabulary.

Libraries do the general work: snowballstemmer stems the words of details ("stripes" and
"striped" → "stripe", "wearing" → "wear"); lemminflect says whether a word is English at all
(a word it does not know may be a typo of a name);
number-parser reads number and ordinal words ("two", "third", "twenty first"); rapidfuzz does
the fuzzy matching (in `vocab`). What no library knows is kept here as data: informal words
people use for the things they photograph, and the everyday class words ("animal", "toy")
that cover several subject terms.
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from repo_store.text import normalize_word

# informal or child words → the plain word a repository would list
INFORMAL: dict[str, str] = {
    "pupper": "puppy", "puppers": "puppy", "pupperino": "puppy", "pup": "puppy", "pups": "puppy",
    "doggo": "dog", "doggy": "dog", "doggie": "dog", "woofer": "dog", "pooch": "dog", "mutt": "dog", "hound": "dog",
    "floof": "dog", "doxie": "dachshund", "doxy": "dachshund", "sausage dog": "dachshund",
    "wiener dog": "dachshund", "weiner dog": "dachshund", "weenie dog": "dachshund", "lab": "labrador",
    "kitty": "cat", "kitteh": "cat", "kittie": "cat", "catto": "cat", "moggy": "cat", "moggie": "cat",
    "kitty cat": "cat", "pussycat": "cat", "birb": "bird", "birdie": "bird", "birdy": "bird", "bunny": "rabbit",
    "bunnie": "rabbit", "horsey": "horse", "horsie": "horse", "gee-gee": "horse", "gee gee": "horse", "geegee": "horse",
    "neddy": "horse", "nag": "horse", "moo cow": "cow", "moo-cow": "cow", "bow-wow": "dog", "puss": "cat", "piggy": "pig",
    "froggy": "frog", "fishy": "fish",
    "plushie": "plush toy", "plushy": "plush toy", "plush": "plush toy", "stuffy": "plush toy",
    "stuffie": "plush toy", "stuffed animal": "plush toy", "stuffed toy": "plush toy", "soft toy": "plush toy",
    "cuddly toy": "plush toy", "teddy": "teddy bear", "teddie": "teddy bear", "bot": "robot", "droid": "robot",
    "granny": "grandmother", "gran": "grandmother", "grandma": "grandmother", "nana": "grandmother",
    "nan": "grandmother", "grammy": "grandmother", "oma": "grandmother", "grandpa": "grandfather",
    "gramps": "grandfather", "grandad": "grandfather", "granddad": "grandfather", "opa": "grandfather",
    "mum": "mother", "mom": "mother", "mommy": "mother", "mummy": "mother", "mama": "mother", "ma": "mother",
    "dad": "father", "daddy": "father", "papa": "father", "pa": "father", "bro": "brother", "sis": "sister",
    "hubby": "husband", "wifey": "wife", "kiddo": "child", "kid": "child", "kiddie": "child", "selfie": "me",
    "myself": "me", "lady": "woman", "old lady": "grandmother", "old woman": "grandmother", "gal": "woman",
    "guy": "man", "dude": "man", "fella": "man", "bloke": "man", "chap": "man", "lad": "boy", "laddie": "boy",
    "lass": "girl", "lassie": "girl", "girls": "woman", "boys": "man",  # "one of the girls in the band"
    "gentleman": "man", "ride": "vehicle", "wheels": "vehicle", "motor": "car", "whip": "car", "moped": "scooter",
    "auto": "car", "pic": "picture",
    "flower pot": "plant", "houseplant": "plant",
    "grandkid": "grandchild", "grandkids": "grandchild", "grandkiddo": "grandchild", "grandkiddos": "grandchild",
    "grandbaby": "grandchild", "grandbabies": "grandchild", "chook": "chicken", "chooks": "chicken",
    "pushbike": "bicycle", "push bike": "bicycle", "kicks": "sneaker", "hedgie": "hedgehog",
    "bunbun": "rabbit", "choo choo": "train", "choo-choo": "train",
    "hammy": "hamster", "hammie": "hamster", "trash panda": "raccoon", "ducky": "duck", "duckie": "duck",
    "floofer": "dog", "doge": "dog", "missus": "wife", "misses": "wife", "grown-up": "adult", "grownup": "adult",
    "grown-ups": "adult", "grownups": "adult",
    "axe": "guitar", "geetar": "guitar", "veggie": "vegetable", "punkin": "pumpkin",
    "pumkin": "pumpkin", "veggies": "vegetable", "veg": "vegetable",
    "cardi": "cardigan", "cardie": "cardigan", "tash": "moustache", "tache": "moustache", "stache": "moustache",
    "specs": "glasses", "shades": "sunglasses", "telly": "television",
    "aesthetic": "style", "aesthetics": "style", "looks": "style", "art looks": "style", "art look": "style",
    "edits": "style", "presets": "style", "filters": "style",  # "one of my looks": the plural only; "a surprised look" is no style
    "lappy": "laptop", "expresso": "espresso", "brolly": "umbrella", "landy": "land rover", "landie": "land rover",
    "boss": "person", "bossman": "person", "gaffer": "person",
    "mam": "mother", "mammy": "mother", "maw": "mother", "da": "father", "pops": "father",  # regional forms
    "wee one": "child", "wee ones": "child", "bairn": "child", "bairns": "child", "nipper": "child",
    "nippers": "child",
    "boozer": "pub", "gsd": "german shepherd", "alsatian": "german shepherd", "pressie": "present", "prezzie": "present",
    "pushchair": "stroller", "pram": "stroller", "two-wheeler": "bicycle", "two wheeler": "bicycle",
    "rescue": "pet", "rescues": "pet",
    "little man": "boy", "little guy": "boy", "little fella": "boy", "little fellow": "boy", "little chap": "boy",
    "little lad": "boy", "lil man": "boy", "lil guy": "boy", "wee man": "boy", "little lady": "girl", "little miss": "girl",
    "grub": "food", "nosh": "food", "scran": "food", "chow": "food", "eats": "food", "pud": "dessert",
    "afters": "dessert", "little un": "child", "little 'un": "child",
    "plonk": "wine",
    "fur baby": "pet", "furbaby": "pet", "fur babies": "pet", "furbabies": "pet", "fur kid": "pet", "furkid": "pet",
    "fur kids": "pet", "furkids": "pet", "furry friend": "pet", "furry friends": "pet", "fur ball": "pet",
    "furball": "pet", "four-legged friend": "pet", "four legged friend": "pet",
    "feathered friend": "bird", "feathered baby": "bird", "feathered babies": "bird", "feathered friends": "bird",
    "feathery friend": "bird", "green friend": "plant", "leafy friend": "plant", "grampa": "grandfather",
    "grampy": "grandfather", "granpa": "grandfather", "grandpapa": "grandfather", "gramma": "grandmother",
    "grandmama": "grandmother", "kiddy": "child", "kiddies": "child", "bff": "best friend", "bffs": "best friend",
    "bestie": "best friend", "besties": "best friend", "best mate": "best friend", "mate": "friend",
    "mates": "friend", "buddy": "friend", "buddies": "friend", "pal": "friend", "pals": "friend",
    "bubba": "baby", "bubby": "baby", "bub": "baby", "bubs": "baby", "babby": "baby",
    # membership words: the people of the repository, whoever they are to the asker
    "staff member": "person", "team member": "person", "crew member": "person", "family member": "person",
    "staff": "person", "staffer": "person", "employee": "person", "colleague": "person", "coworker": "person",
    "team": "person", "crew": "person", "band member": "person", "bandmate": "person", "band mate": "person",
    "group member": "person", "club member": "person", "member": "person", "bandmember": "person",
}

# parts of a body: on someone's hand or shoulder, that someone is in the picture
BODY_PARTS = frozenset("hand hands shoulder shoulders lap head arm arms back nose knee knees paw paws finger fingers "
                       "palm cheek face hair ear ears tail belly tummy chest neck leg legs foot feet toe toes "
                       "shell wing wings beak".split())
# a young animal's word → the animal a repository lists ("my pupper" when only "dog" is listed)
YOUNG: dict[str, str] = {"puppy": "dog", "kitten": "cat", "foal": "horse", "colt": "horse", "filly": "horse",
                         "calf": "cow", "lamb": "sheep", "piglet": "pig", "chick": "chicken", "duckling": "duck",
                         "gosling": "goose", "cygnet": "swan", "cub": "bear", "kit": "fox", "joey": "kangaroo",
                         "fawn": "deer", "owlet": "owl", "hatchling": "bird", "fledgling": "bird"}

# everyday class words → the terms they cover (a record is covered when one of its subjects is listed)
HYPERNYMS: dict[str, frozenset[str]] = {k: frozenset(v.split(", ")) for k, v in {
    "animal": "dog, puppy, cat, kitten, horse, pony, bird, parrot, rabbit, hamster, guinea pig, fish, turtle, "
              "tortoise, lizard, iguana, snake, ferret, mouse, rat, pig, cow, sheep, goat, chicken, duck, frog",
    "pet": "dog, puppy, cat, kitten, bird, parrot, rabbit, hamster, guinea pig, fish, turtle, tortoise, ferret, "
           "lizard, mouse, rat",
    "furry friend": "dog, puppy, cat, kitten, rabbit, hamster",
    "toy": "plush toy, teddy bear, stuffed animal, robot, robot toy, toy robot, doll, action figure, toy car, "
           "toy train, wooden train, rubber duck, figurine, lego, puppet, plushie, plush",
    "plush toy": "teddy bear, stuffed animal, plushie, plush",
    "person": "me, self portrait, grandmother, grandfather, mother, father, man, woman, girl, boy, child, baby, "
              "friend, sister, brother, aunt, uncle, wife, husband, son, daughter, grandma, grandpa, portrait",
    "someone": "me, self portrait, self-portrait, person, grandmother, grandfather, mother, father, man, woman, "
               "girl, boy, child, friend, sister, brother",
    "somebody": "me, self portrait, self-portrait, person, grandmother, grandfather, mother, father, man, woman, "
                "girl, boy, child, friend, sister, brother",
    "people": "person, man, woman, grandmother, grandfather, me, self portrait, self-portrait",
    "human": "person, man, woman, grandmother, grandfather, me, self portrait, self-portrait",
    "family": "grandmother, grandfather, mother, father, sister, brother, aunt, uncle, wife, husband, son, "
              "daughter, grandma, grandpa, child, baby, nephew, niece, cousin, grandson, granddaughter, "
              "grandchild, partner, boyfriend, girlfriend, fiance, fiancee, spouse, mum, mom, dad, kid",
    "adult": "man, woman, mother, father, grandmother, grandfather, husband, wife, aunt, uncle, grandma, grandpa",
    "vehicle": "car, truck, bike, bicycle, motorbike, motorcycle, van, bus, boat, scooter",
    "building": "house, cottage, cabin, home, tower, lighthouse, barn, church, castle, library, skyscraper",
    "place": "house, cottage, cabin, home, bridge, tower, lighthouse, barn, garden, park, beach",
    "plant": "flower, tree, oak, rose, sunflower, cactus, bonsai, fern",
    "furniture": "chair, armchair, sofa, couch, table, desk, bed, lamp, stool",
}.items()}
HYPERNYMS["creature"] = HYPERNYMS["critter"] = HYPERNYMS["beastie"] = HYPERNYMS["animal"]  # WordNet: an animal is a creature
# subjects that make a record a thing, not a living one: "animal" does not cover a plush bear
ARTIFACTS = frozenset("plush toy, toy, teddy bear, figurine, robot, doll, statue, stuffed animal, puppet".split(", "))

# checkpoint kinds as people name them
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "dreambooth": ("dreambooth", "dream booth", "dream-booth", "db"),
    "lora": ("lora", "loras", "lo-ra", "low-rank"),
    "textual_inversion": ("textual inversion", "textual-inversion", "textual_inversion", "ti", "embedding",
                          "inversion"),
}

# words a person uses for colours in descriptions (answers like "the brown one" match on them)
COLOURS = frozenset("black white grey gray brown tan cream beige red orange yellow gold golden green blue navy "
                    "purple violet pink silver spotted striped stripy patched".split())

# everyday colour words → the colour families they name, so that an answer's word meets a description's
# ("ginger" and "orange", "silver" and "grey"); embeddings cannot do this: purple is as near blue as
# orange is near ginger (MiniLM cosine 0.75 and 0.51)
COLOUR_FAMILIES: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "black": "black", "jet": "black", "ebony": "black", "inky": "black", "charcoal": "black grey",
    "white": "white", "snowy": "white", "ivory": "white cream", "cream": "cream white", "creamy": "cream white",
    "grey": "grey", "gray": "grey", "silver": "grey silver", "silvery": "grey silver", "ash": "grey",
    "slate": "grey blue", "brown": "brown", "chocolate": "brown", "chestnut": "brown", "tan": "brown tan",
    "beige": "tan cream", "fawn": "tan brown", "sandy": "tan yellow", "caramel": "tan brown",
    "red": "red", "crimson": "red", "scarlet": "red", "maroon": "red", "orange": "orange", "ginger": "orange red",
    "copper": "orange", "rust": "orange red", "rusty": "orange red", "auburn": "orange red",
    "marmalade": "orange", "apricot": "orange", "yellow": "yellow", "gold": "yellow gold", "golden": "yellow gold",
    "blond": "yellow", "blonde": "yellow", "honey": "yellow tan", "green": "green", "olive": "green",
    "emerald": "green", "mint": "green", "teal": "green blue", "blue": "blue", "navy": "blue", "azure": "blue",
    "purple": "purple", "violet": "purple", "lilac": "purple", "lavender": "purple", "pink": "pink",
    "rose": "pink", "salmon": "pink orange",
}.items()}

# colour words that are colours first (not "rust", "copper", "honey", "rose": things first), which another word of
# their family may stand for ("purple" for "lilac", "red" for "crimson")
PLAIN_COLOURS = frozenset(COLOURS - {"spotted", "striped", "stripy", "patched"}) | frozenset(
    "lilac lavender crimson scarlet maroon azure teal beige fawn auburn blond blonde ginger".split())

WORDNET_CLASSES = Path(__file__).resolve().parent / "data" / "wordnet_classes.tsv.gz"


_Senses = dict[str, tuple[tuple[str, frozenset[str]], ...]]


@lru_cache(maxsize=1)
def _wordnet_table() -> tuple[_Senses, dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The shipped table read once: senses per noun, each noun's synonyms over all its senses, and its synonyms in
    its most common sense only (the table's first)."""
    senses, synonyms, first = {}, {}, {}
    with gzip.open(WORDNET_CLASSES, "rt", encoding="utf-8") as table:
        for line in table:
            if line.startswith("#") or "\t" not in line:
                continue
            word, rest = line.rstrip("\n").split("\t", 1)
            fields = [sense.split(":") for sense in rest.split(";")]
            senses[word] = tuple((f[0], frozenset(f[1].split("|")) - {""}) for f in fields)
            synonyms[word] = frozenset(n for f in fields for n in f[2].split("|") if n)
            first[word] = frozenset(n for n in fields[0][2].split("|") if n)
    return senses, synonyms, first


def wordnet_senses() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """Everyday noun → its WordNet 3.0 senses as (lexicographer file, class words above it): "hedgehog" →
    (("animal", {"animal", "mammal", "rodent", ...}), ...). Shipped table, written by tools/wordnet_classes.py."""
    return _wordnet_table()[0]


def lexname(word: str) -> str:
    """WordNet's lexicographer file of the noun's first sense ("animal", "person", "group", ...), or ""."""
    senses = wordnet_senses().get(normalize_word(word))
    return senses[0][0] if senses else ""


def everyday_synonyms(word: str) -> tuple[str, frozenset[str]] | None:
    """(lexicographer file, synonyms) of a noun's most common WordNet sense, each also meaning it in its own most
    common sense; a closed compound WordNet writes apart is read apart, with every synonym of that sense
    ("headteacher" → "head teacher": person, {"school principal", "principal", ...})."""
    senses, _, first = _wordnet_table()
    form = word if word in senses else next((f"{word[:i]} {word[i:]}" for i in range(3, len(word) - 2)
                                             if f"{word[:i]} {word[i:]}" in senses), None)
    if form is None:
        return None
    if form == word:  # a word WordNet has: only synonyms whose everyday sense is this one too ("pram", "stroller";
        return senses[form][0][0], frozenset(o for o in first[form] if form in first.get(o, ()))  # not "son", "boy")
    return senses[form][0][0], first[form]


def same_everyday_sense(word: str, other: str) -> bool:
    """Whether two nouns name the same thing in the sense each is most often used in ("rucksack", "backpack"):
    WordNet's first senses share a synset. "guy" and "cat" share only a rarer sense of "cat"."""
    first = _wordnet_table()[2]
    return other in first.get(word, ()) and word in first.get(other, ())


@lru_cache(maxsize=4096)
def same_thing_words(word: str) -> tuple[str, ...]:
    """Other words for what `word` names as people mostly use it: a noun's synonyms in its everyday WordNet sense
    ("glasses" → "spectacles", "specs", "eyeglasses"; only for a noun whose senses are all one kind of thing) and
    the verb it is an irregular past of ("rebuilt" → "rebuild"), each a single word."""
    from lemminflect import getAllLemmas

    found = everyday_synonyms(word)
    senses, _, first = _wordnet_table()
    kinds = {lex for lex, _ in senses.get(word, ())}
    nouns = sorted(w for w in found[1] if " " not in w and w != word) if found and len(kinds) == 1 else []
    if len(senses.get(word, ())) == 1:  # one sense only ("tear", the gap a rip makes): its synonyms whatever
        # sense is theirs first ("rip" is first a current)
        nouns = sorted({w for w in first[word] if " " not in w and w != word} | set(nouns))
    verbs = sorted(v for v in getAllLemmas(word).get("VERB", ()) if stem(v) != stem(word) and past_form(word))
    return tuple(nouns + verbs)


def unmarked_owner(word: str) -> bool:
    """A person word in the possessive typed without its apostrophe: "neighbours", "grandads" (not "glass")."""
    return re.fullmatch(r"[a-z]+[^s']s", word) is not None and word not in wordnet_senses() \
        and lexname(word) == "person"


# nouns for a companion that add nothing to the subject word before them ("my robo buddy", "my feline friend", "our
# rat lad")
COMPANIONS = frozenset("buddy friend pal companion mate guy gal fella dude boy girl boi lad lass baby babe bestie "
                       "pet".split())

_SIBLINGS_AT_MOST = 8  # a class with more members ("garment": scarves and neckties) makes no near words


@lru_cache(maxsize=1)
def _sibling_groups() -> dict[tuple[str, frozenset[str]], tuple[str, ...]]:
    """Nouns grouped by their everyday sense's place in WordNet (lexicographer file and every class above it)."""
    senses = _wordnet_table()[0]
    groups: dict[tuple[str, frozenset[str]], list[str]] = {}
    for word, (first, *_) in senses.items():
        if len(first[1]) >= 2:
            groups.setdefault(first, []).append(word)
    return {key: tuple(words) for key, words in groups.items() if len(words) <= _SIBLINGS_AT_MOST}


def sibling_words(word: str) -> tuple[str, ...]:
    """Single words for things of the same small kind as `word` in their everyday senses: WordNet puts them right
    under the same classes ("blanket" → "throw", "quilt"; "hat" → "cap")."""
    senses = _wordnet_table()[0].get(word)
    if not senses:
        return ()
    return tuple(w for w in _sibling_groups().get(senses[0], ()) if w != word and " " not in w)


def sex_of_kind(word: str, kind: str) -> bool:
    """Whether `word` names the male or female of the animal `kind` in WordNet ("nanny" and "billy" of "goat",
    "mare" of "horse"): a sense under the kind, marked male or female by a class or a synonym ("she-goat", "female
    horse"). A breed ("siamese" of "cat") is no sex of its kind."""
    senses = _wordnet_table()[0].get(word, ())
    if not senses:
        return False
    synonyms = _wordnet_table()[1].get(word, frozenset())
    marked = any(re.match(r"(?:s?he-|(?:fe)?male\s)", w) for w in synonyms)
    return any(lex == "animal" and kind in above and (marked or above & {"male", "female"}) for lex, above in senses)


def wordnet_relation(word: str, other: str) -> str | None:
    """How WordNet relates two nouns: "same" (one sense shares a synset: "motorcycle", "bike"), "above" (`other`
    is a class over `word`), "below", "apart" (both known, neither) or None when either is not in the table."""
    senses, synonyms, _ = _wordnet_table()
    if word not in senses or other not in senses:
        return None
    if other in synonyms[word] or word in synonyms[other]:
        return "same"
    if any(other in above for _, above in senses[word]):
        return "above"
    if any(word in above for _, above in senses[other]):
        return "below"
    return "apart"


_NUMBER_TOKEN = re.compile(r"^(?:\d+|[a-z]+(?:[- ][a-z]+)?)$")


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=4096)
def _past_of(word: str, verb: str) -> bool:
    """Whether `word` is a past form of `verb` that also reads as an adjective: "broken", "broke", "frozen"."""
    from lemminflect import getInflection

    return word != verb and word in getInflection(verb, "VBD") + getInflection(verb, "VBN")


# a young one's everyday word and its short form are one word: "when he was a puppy" meets "a gangly pup"
_SHORT_FORMS = {"puppy": "pup", "puppies": "pup", "pups": "pup"}


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The Snowball stem (snowballstemmer) that details are matched on: "stripes", "striped" → "stripe";
    an irregular verb form is first lemmatized (lemminflect), so "worn" meets "wearing" and "shaven" "shaved";
    British spellings meet American ones (breame: "colour" → "color", "grey" → "gray"), "puppy" meets "pup", and a
    count from two to twelve its digits ("three colors", "3 colour")."""
    from breame.spelling import get_american_spelling

    word = get_american_spelling(normalize_word(word))
    word = _SHORT_FORMS.get(word, word)
    value = number_value(word) if word.isalpha() or word.isdigit() else None
    if value is not None and 2 <= value <= 12:
        return str(value)
    if word.isalpha() and not word.endswith(("ing", "ed", "s")):
        from lemminflect import getAllLemmas

        lemmas = getAllLemmas(word)
        if len(lemmas.get("VERB", ())) == 1 and (set(lemmas) == {"VERB"} or set(lemmas) == {"VERB", "ADJ"} and word != "left"
                                                   and _past_of(word, lemmas["VERB"][0])):  # "broken" meets "broke"
            word = lemmas["VERB"][0]
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=4096)
def is_english(word: str) -> bool:
    """Whether lemminflect knows `word` (a word it does not know may be a typo or a name)."""
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word.lower()))


@lru_cache(maxsize=4096)
def in_use_word(word: str) -> bool:
    """A word people write often enough (wordfreq's Zipf ≥ 2.5, about once in three million words) to be a word of
    its own even when lemminflect does not know it ("trailhead", "synth"): no far slip nor longer form of a name."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 2.5


@lru_cache(maxsize=4096)
def everyday_word(word: str) -> bool:
    """A word among the most frequent of English (wordfreq's Zipf ≥ 5, about once in 100,000 words). Among those
    lemminflect does not list are the function words and numbers ("from", "with", "into", "three"): never a slip
    of a repository word ("from" is not the frog)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 5.0


@lru_cache(maxsize=1)
def _common_english() -> tuple[str, ...]:
    """The 10,000 most frequent English words of at least three letters (wordfreq's own list)."""
    from wordfreq import top_n_list

    return tuple(w for w in top_n_list("en", 10000) if w.isalpha() and len(w) >= 3)


@lru_cache(maxsize=4096)
def misspelt_common(word: str) -> frozenset[str]:
    """The frequent English words that `word` misspells by one edit or one swap of two letters ("unedr" →
    "under", "kitcehn" → "kitchen"), by rapidfuzz's optimal-string-alignment distance over wordfreq's list."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    word = word.lower()
    if len(word) < 4 or is_english(word):
        return frozenset()
    return frozenset(m[0] for m in process.extract(word, _common_english(), scorer=OSA.distance, score_cutoff=1,
                                                   limit=None))


@lru_cache(maxsize=2048)
def ordinal_value(word: str) -> int | None:
    """"third" → 3, "2nd" → 2, "twenty first" → 21 (number-parser); None otherwise."""
    word = word.lower()
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
    if m:
        return int(m[1])
    if not _NUMBER_TOKEN.match(word):
        return None
    from number_parser import parse_ordinal

    value = parse_ordinal(word, language="en")  # English only: "once" is no Spanish eleven
    return value if isinstance(value, int) and value > 0 else None


# how one person stands to another ("Ruth, Felix's mother": Ruth is Felix's parent, Felix is Ruth's child): a
# kin word → (its role, the role of the other towards it); informal words go through INFORMAL first
_PAIRS = {("parent", "child"): "mother father parent", ("child", "parent"): "son daughter child",
          ("grandparent", "grandchild"): "grandmother grandfather grandparent",
          ("grandchild", "grandparent"): "grandson granddaughter grandchild",
          ("sibling", "sibling"): "brother sister sibling", ("spouse", "spouse"): "husband wife spouse",
          ("aunt or uncle", "niece or nephew"): "aunt uncle", ("niece or nephew", "aunt or uncle"): "niece nephew",
          ("cousin", "cousin"): "cousin", ("neighbour", "neighbour"): "neighbour neighbor",
          ("partner", "partner"): "partner boyfriend girlfriend fiance fiancee"}
KIN_ROLES: dict[str, tuple[str, str]] = {word: pair for pair, words in _PAIRS.items() for word in words.split()}
NEUTRAL_KIN = frozenset("parent child sibling grandparent grandchild spouse".split())  # roles said without a gender
_FEMALE = frozenset("mother grandmother daughter granddaughter sister wife aunt niece girlfriend fiancee".split())
_MALE = frozenset("father grandfather son grandson brother husband uncle nephew boyfriend fiance".split())


# the kin of a kin: (role of the first, role of the second) → (female word, male word, neutral word)
_COMPOSED = {("spouse", "parent"): ("mother-in-law", "father-in-law", "parent-in-law"),
             ("spouse", "sibling"): ("sister-in-law", "brother-in-law", "sibling-in-law"),
             ("child", "spouse"): ("daughter-in-law", "son-in-law", "child-in-law"),
             ("parent", "parent"): ("grandmother", "grandfather", "grandparent"),
             ("parent", "sibling"): ("aunt", "uncle", "aunt or uncle"),
             ("sibling", "child"): ("niece", "nephew", "niece or nephew"),
             ("child", "child"): ("granddaughter", "grandson", "grandchild")}


def composed_kin(first: str, second: str) -> str | None:
    """One kin word for a kin's kin ("wife", "mum" → "mother-in-law"; "dad", "sister" → "aunt"), or None."""
    a, b = kin_word(first), kin_word(second)
    words = _COMPOSED.get((KIN_ROLES[a][0], KIN_ROLES[b][0])) if a and b else None
    if words is None:
        return None
    return words[0] if kin_gender(b) == "f" else words[1] if kin_gender(b) == "m" else words[2]


def kin_gender(kin: str) -> str | None:
    """"f", "m" or None for a kin word of KIN_ROLES."""
    return "f" if kin in _FEMALE else "m" if kin in _MALE else None


def kin_word(word: str) -> str | None:
    """The kin word a typed word stands for ("mum" → "mother", "grandkids" → "grandchild"), or None."""
    word = word.lower()
    for form in (word, INFORMAL.get(word, ""), word[:-1] if word.endswith("s") else ""):
        if form in KIN_ROLES:
            return form
        if INFORMAL.get(form) in KIN_ROLES:
            return INFORMAL[form]
    return None


@lru_cache(maxsize=64)
def kin_forms(kin: str) -> tuple[str, ...]:
    """Every word the lexicons have for one kin role ("grandmother" → "gran", "grandma", "granny", "nan", ...)."""
    return tuple(sorted(w for w in set(INFORMAL) | set(KIN_ROLES) if kin_word(w) == kin))


def g_dropped(word: str) -> bool:
    """An -ing form typed without its g ("fishin", "runnin"): an English word, not a slip of a name."""
    return len(word) > 4 and word.endswith("in") and is_english(word + "g")


@lru_cache(maxsize=4096)
def past_participle(word: str) -> bool:
    """A past participle by lemminflect: "spread", "hit", "lit", "printed" (not "jack" nor "snowball")."""
    from lemminflect import getAllLemmas, getInflection

    return any(word in getInflection(lemma, tag="VBN") for lemma in getAllLemmas(word).get("VERB", ()))


@lru_cache(maxsize=4096)
def past_form(word: str) -> bool:
    """A verb's past tense or participle by lemminflect: "lost", "broke", "shaved", "lit" (whose participle it calls
    "lighted")."""
    from lemminflect import getAllLemmas, getInflection

    return any(word in getInflection(lemma, tag="VBD") + getInflection(lemma, tag="VBN")
               for lemma in getAllLemmas(word).get("VERB", ()))


@lru_cache(maxsize=2048)
def number_value(word: str) -> int | None:
    """"two" → 2, "12" → 12 (number-parser); None otherwise."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    if not _NUMBER_TOKEN.match(word):
        return None
    from number_parser import parse_number

    value = parse_number(word, language="en")  # "once", "dos", "mil" are English words here
    return value if isinstance(value, int) and value >= 0 else None
