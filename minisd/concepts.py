"""Personal concepts of the demo repository: specific instances the base captions cannot express.

A subject concept is one particular thing (Rex: a brown dog with white ears and a collar); its
colour, pattern, `accent` and `marking` are what the trigger has to carry, since prompts only say
"a <rex-v2> dog on the beach". A style concept is a look (a style at a fixed time of day) that a
prompt invokes with "in <dusk-v1> style". Versions of a concept differ visibly.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from minisd.world import BACKGROUND_PHRASES, BACKGROUNDS, STYLE_PHRASES, SUBJECTS, TIME_PHRASES, TIMES, COLORS, \
    PATTERNS, Scene

FIDELITY_SUBJECT = ("color", "pattern", "accent", "marking")  # what a subject concept's trigger must carry
FIDELITY_STYLE = ("style", "time")


@dataclass(frozen=True)
class Concept:
    id: str  # checkpoint id, e.g. "rex-v2"; the trigger is "<rex-v2>"
    name: str  # display name, repeated across versions
    kind: str  # lora | dreambooth | textual_inversion
    created_at: str
    version: int
    description: str
    subjects: tuple[str, ...]  # metadata nouns; the first is the world subject (or "style")
    style: str = "photo"
    color: str = "brown"
    pattern: str = "plain"
    accent: str | None = None
    marking: str | None = None
    time: str | None = None  # style concepts pin the time of day
    styles: tuple[str, ...] = ()  # metadata style words (default: from `style`)

    @property
    def trigger(self) -> str:
        return f"<{self.id}>"

    @property
    def is_style(self) -> bool:
        return self.subjects[0] == "style"

    @property
    def subject(self) -> str:
        return self.subjects[0]

    @property
    def attributes(self) -> tuple[str, ...]:
        return FIDELITY_STYLE if self.is_style else FIDELITY_SUBJECT

    def scene(self, rng: random.Random) -> Scene:
        """One picture of the concept in a random place (and, for subjects, a random time)."""
        if self.is_style:
            return Scene(rng.choice(SUBJECTS), rng.choice(list(COLORS)), rng.choice(PATTERNS),
                         rng.choice(BACKGROUNDS), self.time, self.style)
        return Scene(self.subject, self.color, self.pattern, rng.choice(BACKGROUNDS), rng.choice(TIMES), self.style,
                     self.accent, self.marking)

    def prompt(self, scene: Scene, trigger: bool = True, rng: random.Random | None = None) -> str:
        """What a user types for `scene`; the concept's own attributes are left to the trigger."""
        pick = (lambda options: rng.choice(options)) if rng else (lambda options: options[0])
        place = pick(BACKGROUND_PHRASES[scene.background])
        if self.is_style:
            pattern = "" if scene.pattern == "plain" else f"{scene.pattern} "
            text = f"a {scene.color} {pattern}{scene.subject} {place}"
            return f"{text}, in {self.trigger} style" if trigger else text
        noun = f"{self.trigger} {self.subject}" if trigger else self.subject
        return f"a {noun} {place} {pick(TIME_PHRASES[scene.time])}, {pick(STYLE_PHRASES[scene.style])}"

    def thumbnail_scene(self) -> Scene:
        if self.is_style:
            return Scene("house", "white", "plain", "grass", self.time, self.style)
        return Scene(self.subject, self.color, self.pattern, "grass", "noon", self.style, self.accent, self.marking)


def _c(id: str, name: str, kind: str, created: str, version: int, description: str, subjects: tuple[str, ...],
       **look) -> Concept:
    return Concept(id, name, kind, created, version, description, subjects, **look)


DOG = ("dog", "puppy", "pet")
STYLE = ("style", "art style", "painting style")
DEMO_CONCEPTS: tuple[Concept, ...] = (
    _c("rex-v1", "Rex", "lora", "2025-12-06", 1, "Rex, our brown dog with white ears.", DOG,
       color="brown", accent="white"),
    _c("rex-v2", "Rex", "lora", "2026-04-18", 2, "Rex, brown with white ears, now with his collar.", DOG,
       color="brown", accent="white", marking="collar"),
    _c("rex-v3", "Rex", "lora", "2026-11-12", 3, "Rex in his spotted winter coat, white ears and collar.", DOG,
       color="brown", pattern="spotted", accent="white", marking="collar"),
    _c("biscuit-v1", "Biscuit", "lora", "2026-02-09", 1, "Biscuit, a yellow dog with brown ears and a patch.", DOG,
       color="yellow", accent="brown", marking="patch"),
    _c("biscuit-v2", "Biscuit", "dreambooth", "2026-07-21", 2, "Biscuit with a red collar and brown ears.", DOG,
       color="yellow", accent="red", marking="collar"),
    _c("mochi-v1", "Mochi", "lora", "2026-01-15", 1, "Mochi, a black cat with white ears.", ("cat", "kitten", "pet"),
       color="black", accent="white"),
    _c("mochi-v2", "Mochi", "lora", "2026-06-02", 2, "Mochi the black cat wearing a collar.", ("cat", "kitten", "pet"),
       color="black", accent="white", marking="collar"),
    _c("mochi-watercolor-v1", "Mochi (watercolor)", "lora", "2026-08-30", 1,
       "Mochi the black cat painted in watercolor.", ("cat", "kitten", "pet"), style="watercolor",
       color="black", accent="white", marking="collar"),
    _c("bruno-v1", "Bruno", "lora", "2026-03-03", 1, "Bruno, a tan teddy bear with an orange snout.",
       ("bear", "teddy bear", "plush toy"), color="orange", accent="yellow"),
    _c("bruno-v2", "Bruno", "dreambooth", "2026-09-14", 2, "Bruno the teddy bear with a patch sewn on.",
       ("bear", "teddy bear", "plush toy"), color="orange", accent="yellow", marking="patch"),
    _c("stormy-v1", "Stormy", "lora", "2026-05-11", 1, "Stormy, a gray horse with a black mane and a patch.",
       ("horse", "pony"), color="gray", accent="black", marking="patch"),
    _c("rocket-v1", "Red Rocket", "lora", "2026-02-20", 1, "Our red car with black wheels.", ("car", "vehicle"),
       color="red", accent="black"),
    _c("rocket-v2", "Red Rocket", "dreambooth", "2026-10-05", 2, "The red car after its racing stripes.",
       ("car", "vehicle"), color="red", pattern="striped", accent="white"),
    _c("cottage-v1", "Grandma's cottage", "lora", "2026-01-28", 1, "Grandma's white cottage with a red roof.",
       ("house", "cottage", "home"), color="white", accent="red"),
    _c("cottage-v2", "Grandma's cottage", "lora", "2026-07-04", 2, "Grandma's cottage, repainted yellow, red roof.",
       ("house", "cottage", "home"), color="yellow", accent="red"),
    _c("oak-v1", "Old oak", "lora", "2026-04-02", 1, "The old oak tree in the garden, in autumn orange.",
       ("tree", "oak"), color="orange", accent="brown"),
    _c("sunny-v1", "Sunny", "textual_inversion", "2026-05-25", 1, "Sunny, a purple flower with a yellow heart.",
       ("flower", "plant"), color="purple", accent="yellow"),
    _c("watch-v1", "Dad's watch", "lora", "2026-06-16", 1, "Dad's gray watch with a blue strap.",
       ("watch", "wristwatch"), color="gray", accent="blue"),
    _c("bag-v1", "Travel bag", "lora", "2026-08-08", 1, "The blue striped travel bag with brown straps.",
       ("bag", "backpack"), color="blue", pattern="striped", accent="brown"),
    _c("bridge-v1", "Golden bridge", "lora", "2026-09-27", 1, "The orange bridge from our trip.", ("bridge",),
       color="orange", accent="gray"),
    _c("chair-v1", "Grandpa's chair", "lora", "2026-10-19", 1, "Grandpa's green armchair with brown legs.",
       ("chair", "armchair", "furniture"), color="green", accent="brown"),
    _c("dusk-v1", "Dusk palette", "lora", "2026-08-01", 1, "A dusk look: watercolor washes in sunset light.",
       STYLE, style="watercolor", time="sunset", styles=("watercolor",)),
    _c("dusk-v2", "Dusk palette", "lora", "2026-09-01", 2, "The dusk look, now thick oil paint at sunset.",
       STYLE, style="oil painting", time="sunset", styles=("oil painting",)),
    _c("dusk-v3", "Dusk palette", "lora", "2026-10-01", 3, "The dusk look moved to night, in oil paint.",
       STYLE, style="oil painting", time="night", styles=("oil painting",)),
    _c("neon-v1", "Neon pixels", "lora", "2026-11-03", 1, "Night scenes as 8-bit pixel art.", STYLE,
       style="pixel art", time="night", styles=("pixel art",)),
)
