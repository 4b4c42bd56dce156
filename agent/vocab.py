"""What a repository can be asked for: subject terms, display names, triggers,
and the fixed word lists (styles, scenes, selection words) intent parsing uses.

Unknown nouns in subject position ("my pup") are resolved to the nearest
subject term by embedding similarity, when it is close enough (≥ 0.70 with
all-MiniLM-L6-v2: pup→puppy 0.90, feline→cat 0.70, while hamster→cat is 0.53).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from repo_store.embedding import Embedder
from repo_store.schema import Checkpoint
from repo_store.text import normalize_word as normalize_noun  # one plural folding for index and intent

SYNONYM_THRESHOLD = 0.70

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
                        "finetune fine-tune fine-tuned weights training run".split())
# modifiers that may sit between a possessive and its noun
MODIFIERS = frozenset("new old favourite favorite own little cute sweet lovely beloved best other personal "
                      "trained custom fluffy big small tiny young adorable good dear".split())
# nouns that are places or conditions in the picture, never the subject being asked for
SCENE_WORDS = frozenset("beach sea ocean shore coast lake river park garden forest woods jungle field meadow "
                        "street city town road desert snow rain sky space moon sun sunset sunrise night dawn dusk "
                        "room kitchen studio indoors outdoors background grass hill hills island cafe bar "
                        "library stage fire water waves clouds storm winter summer spring autumn".split())
LOCATIVES = frozenset("in on at by near under beside inside behind over across along through into onto "
                      "around atop".split())
POSSESSIVES = frozenset("my our his her their your".split())
DEFINITES = frozenset("the this that these those".split())
INDEFINITES = frozenset({"a", "an"})
_KIN = ("grandpa", "grandma", "grandfather", "grandmother", "mom", "mother", "dad", "father", "boy", "girl",
        "man", "woman", "brother", "sister", "son", "daughter", "uncle", "aunt", "husband", "wife")

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def normalize_phrase(text: str) -> str:
    return " ".join(normalize_noun(w) for w in _WORD.findall(text.lower()))


def strip_name(name: str) -> str:
    """Display name without a trailing "(style)" or version: "Biscuit (anime) v2" → "biscuit"."""
    name = re.sub(r"\([^)]*\)", " ", name.lower())
    name = re.sub(r"\b(?:v|version\s*)\d+\b", " ", name)
    return " ".join(name.split())


@dataclass
class Vocabulary:
    """Subject terms, names and triggers of one repository (normalized)."""

    subjects: dict[str, set[str]] = field(default_factory=dict)  # term → checkpoint ids
    names: dict[str, set[str]] = field(default_factory=dict)  # stripped name → ids
    triggers: dict[str, str] = field(default_factory=dict)  # lowercase trigger → id
    embedder: Embedder | None = None
    _terms: list[str] = field(default_factory=list)
    _matrix: np.ndarray | None = None
    _cache: dict[str, tuple[str, float] | None] = field(default_factory=dict)

    @classmethod
    def build(cls, checkpoints: dict[str, Checkpoint], embedder: Embedder | None = None) -> Vocabulary:
        vocab = cls(embedder=embedder)
        for ckpt_id, ckpt in sorted(checkpoints.items()):
            for subject in ckpt.subjects:
                vocab.subjects.setdefault(normalize_phrase(subject), set()).add(ckpt_id)
            name = strip_name(ckpt.name) if ckpt.name != ckpt.id else ""  # an id is not a name people say
            if name:
                vocab.names.setdefault(normalize_phrase(name), set()).add(ckpt_id)
            for trigger in ckpt.triggers:
                vocab.triggers.setdefault(trigger.lower(), ckpt_id)
        vocab.subjects.pop("", None)
        vocab.names.pop("", None)
        vocab._terms = sorted(vocab.subjects)
        return vocab

    @property
    def longest(self) -> int:
        """Words in the longest subject term or name (bounds n-gram lookups)."""
        keys = list(self.subjects) + list(self.names)
        return max((k.count(" ") + 1 for k in keys), default=1)

    def nearest_subject(self, phrase: str) -> tuple[str, float] | None:
        """The subject term closest in meaning to `phrase`, if ≥ SYNONYM_THRESHOLD."""
        phrase = normalize_phrase(phrase)
        if not phrase or self.embedder is None or not self._terms:
            return None
        if phrase in self._cache:
            return self._cache[phrase]
        if self._matrix is None:
            self._matrix = np.asarray(self.embedder.embed_documents(self._terms), dtype=np.float32)
        sims = self._matrix @ np.asarray(self.embedder.embed_query(phrase), dtype=np.float32)
        best = int(np.argmax(sims))
        term, score = self._terms[best], float(sims[best])
        result: tuple[str, float] | None = (term, score)
        if score < SYNONYM_THRESHOLD or (phrase in _KIN and term != phrase and any(k in term for k in _KIN)):
            result = None  # "grandpa" is not "grandma", however close their vectors
        self._cache[phrase] = result
        return result
