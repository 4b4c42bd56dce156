"""REPO-PROMPTS: natural-language selection requests with ground truth, in the paper's schema and proportions.

    prompts = repo_prompts(repository.checkpoints, n=500, seed=0)   # 70 % clear, 20 % ambiguous, 10 % no-match
    prompts[0].to_json() == {"instance_id": "rp-0000", "query": "...", "candidate_pool": [...],
                             "ground_truth": {"checkpoint_id": "...", "requires_clarification": False,
                                              "no_match": False}, ...}

Ground truth comes from brute force over every record (`evaluation.queries`), never from Check-in.
On top of the base patterns (trigger, name + version, month, latest, yesterday/last week, generic
subject, style + month, absent subject, empty month, missing version/style) this adds the paper's
remaining categories — month + style ("April anime build"), version + style ("v2 sketch model"),
style + scene ("realistic urban"), usage ("the dog model I used yesterday"), season + style
("spring sketch", ambiguous) and an empty month + style ("December watercolor", no match) — and
varies the phrasing: synonyms, possessives, typos, word order. Typos touch only scene words, so the
ground truth stays right. Deterministic per seed.

`SimulatedUser` answers a clarification question from the ground truth: it names the option that is
the target's concept, or describes the target when it was not shown.
"""
from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from evaluation.queries import SCENES, Query, QueryBuilder, base_name, lineage, newest
from repo_store.schema import Checkpoint

# the paper's REPO-PROMPTS mix: 350 clear, 100 ambiguous, 50 no-match out of 500
PROPORTIONS = {"clear": 0.70, "ambiguous": 0.20, "no_match": 0.10}
STYLE_WORDS = {"photorealistic": ("realistic", "photorealistic", "lifelike"), "sketch": ("sketch", "pencil sketch"),
               "anime": ("anime",), "watercolor": ("watercolor", "watercolour"), "pixel art": ("pixel art",),
               "oil painting": ("oil painting", "oil paint"), "cartoon": ("cartoon",), "3d render": ("3d render",)}
SEASONS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "winter": (12, 1, 2)}
MODEL_SYNONYMS = ("model", "checkpoint", "build", "LoRA", "fine-tune")
VERB_SYNONYMS = ("paint", "draw", "render", "show me", "make")


@dataclass
class Instance:
    """One REPO-PROMPTS request in the paper's schema (plus what the generator knows about it)."""

    instance_id: str
    query: str
    now: str  # the reference date the request is read against ("yesterday")
    kind: str  # clear | ambiguous | no_match
    pattern: str
    candidate_pool: list[str]
    ground_truth: dict[str, Any]  # checkpoint_id | None, requires_clarification, no_match
    cues: dict[str, Any] = field(default_factory=dict)
    answer_hint: str | None = None  # what the user says if asked without seeing options
    phrasing: list[str] = field(default_factory=list)  # the variations applied

    @property
    def expected(self) -> str | None:
        return self.ground_truth["checkpoint_id"]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Instance:
        return cls(**data)


class RepoPromptBuilder(QueryBuilder):
    """The base patterns plus the paper's month/version/style/usage/season categories."""

    def _style(self, r: Checkpoint) -> str:
        return r.styles[0] if r.styles else "photorealistic"

    def _specific(self, r: Checkpoint) -> str:
        specific = r.subjects[1].lower() if len(r.subjects) > 1 else r.subjects[0].lower()
        return r.subjects[0].lower() if specific in ("me", "you") else specific  # "a sketch me" is not English

    def _styled(self, pool: list[Checkpoint], style: str) -> list[Checkpoint]:
        return [x for x in pool if style in x.styles]

    def clear(self) -> Query | None:
        pattern = self.rng.choice(["base", "base", "month_style", "version_style", "style_scene", "usage"])
        if pattern == "base":
            return super().clear()
        r = self.rng.choice(self.records)
        specific, style = self._specific(r), self._style(r)
        word = self.rng.choice(STYLE_WORDS.get(style, (style,)))
        pool = self._styled(self.by_subject[specific], style)
        scene = self.rng.choice(SCENES)
        if pattern == "month_style":  # "April anime build"
            fits = [x for x in pool if (x.created_at.year, x.created_at.month) == (r.created_at.year, r.created_at.month)]
            if len(self.lineages(fits)) != 1:
                return None
            return Query("clear", pattern, f"my {r.created_at:%B %Y} {word} {specific} build", self.now.isoformat(),
                         newest(fits).id, None, [x.id for x in fits],
                         {"subject": specific, "style": style, "month": f"{r.created_at:%Y-%m}"})
        if pattern == "version_style":  # "v2 sketch model"
            fits = [x for x in pool if x.version == r.version]
            if len(fits) != 1:
                return None
            return Query("clear", pattern, f"the v{r.version} {word} {specific} model {scene}", self.now.isoformat(),
                         r.id, None, [r.id], {"subject": specific, "style": style, "version": r.version})
        if pattern == "style_scene":  # "realistic urban": one lineage of this subject in this style
            if len(self.lineages(pool)) != 1:
                return None
            article = "an" if word[0] in "aeiou" else "a"
            return Query("clear", pattern, f"{article} {word} {specific} {scene}", self.now.isoformat(), newest(pool).id,
                         None, [x.id for x in pool], {"subject": specific, "style": style})
        # usage: "the dog model I used yesterday"
        if r.last_used_at is None:
            return None
        now = r.last_used_at.date() + timedelta(days=1)
        same_day = [x for x in self.by_subject[specific] if x.last_used_at and x.last_used_at.date() == r.last_used_at.date()]
        if [x.id for x in same_day] != [r.id] or r.created_at.date() > r.last_used_at.date():
            return None
        return Query("clear", pattern, f"the {specific} model I used yesterday {scene}", now.isoformat(), r.id, None,
                     [r.id], {"subject": specific, "used_on": r.last_used_at.date().isoformat()})

    def ambiguous(self) -> Query | None:
        if self.rng.random() < 0.75:
            return super().ambiguous()
        r = self.rng.choice(self.records)  # "spring sketch": a season (any year) and a style, several concepts
        style = self._style(r)
        season = next(s for s, months in SEASONS.items() if r.created_at.month in months)
        fits = [x for x in self.records if style in x.styles and x.created_at.month in SEASONS[season]]
        lines = self.lineages(fits)
        if len(lines) < 2:
            return None
        target = newest(lines[lineage(r)])
        rivals = [newest(v) for k, v in lines.items() if k != lineage(r)]
        word = self.rng.choice(STYLE_WORDS.get(style, (style,)))
        return Query("ambiguous", "season_style", f"the {season} {word} model", self.now.isoformat(), target.id,
                     self._answer(target, rivals), [target.id] + [x.id for x in rivals],
                     {"style": style, "season": season})

    def no_match(self) -> Query | None:
        if self.rng.random() < 0.8:
            return super().no_match()
        r = self.rng.choice(self.records)  # "December watercolor": the style exists, not in that month
        specific, style = self._specific(r), self._style(r)
        pool = self._styled(self.by_subject[specific], style)
        empty = [m for m in range(1, 13) if all(x.created_at.month != m and
                                                 (x.last_used_at is None or x.last_used_at.month != m) for x in pool)]
        if not pool or not empty:
            return None
        month = self.rng.choice(empty)
        name = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"][month - 1]
        return Query("no_match", "empty_month_style", f"my {name} {style} {specific}", self.now.isoformat(), None,
                     cues={"subject": specific, "style": style, "month_any_year": month})


class Phrasing:
    """Varies how a request is worded without changing what it asks for."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def vary(self, q: Query) -> tuple[str, list[str]]:
        text, applied = q.query, []
        for name in self.rng.sample(["synonym", "possessive", "typo", "word_order"], k=self.rng.choice((0, 1, 1, 2))):
            changed = getattr(self, name)(text, q)
            if changed != text:
                text, applied = changed, applied + [name]
        return text, applied

    def synonym(self, text: str, q: Query) -> str:
        if re.search(r"\bmodel\b", text):
            return re.sub(r"\bmodel\b", self.rng.choice(MODEL_SYNONYMS[1:]), text, count=1)
        if text.startswith("paint "):
            return self.rng.choice(VERB_SYNONYMS[1:]) + text[len("paint"):]
        return text

    def possessive(self, text: str, q: Query) -> str:
        name = q.cues.get("name")
        if name and text.startswith(f"{name} v"):  # "Biscuit v2" → "Biscuit's v2"
            return f"{name}'s" + text[len(name):]
        if text.startswith("my "):
            return self.rng.choice(("our ", "my own ")) + text[3:]
        return text

    def typo(self, text: str, q: Query) -> str:
        """Swap two inner letters of one scene word ("beach" → "baech")."""
        scene_words = [w for s in SCENES for w in s.split() if len(w) >= 4]
        present = [w for w in scene_words if re.search(rf"\b{w}\b", text)]
        if not present:
            return text
        word = self.rng.choice(present)
        i = self.rng.randrange(1, len(word) - 2)
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        return re.sub(rf"\b{word}\b", typo, text, count=1)

    def word_order(self, text: str, q: Query) -> str:
        """Scene first: "on the beach, my dog from April"."""
        for scene in SCENES:
            if text.endswith(" " + scene):
                return f"{scene}, {text[: -len(scene) - 1]}"
        return text


def repo_prompts(checkpoints: dict[str, Checkpoint], n: int = 500, seed: int = 0,
                 counts: dict[str, int] | None = None) -> list[Instance]:
    """`n` requests in the paper's proportions, or `counts` of each kind when given (fewer of a kind only
    when the repository cannot make them)."""
    if counts is None:
        counts = {kind: round(n * share) for kind, share in PROPORTIONS.items()}
        counts["clear"] = n - counts["ambiguous"] - counts["no_match"]
    queries = RepoPromptBuilder(checkpoints, seed).build(counts["clear"], counts["ambiguous"], counts["no_match"])
    rng = random.Random(f"phrasing:{seed}")
    phrasing = Phrasing(rng)
    out = []
    for i, q in enumerate(queries):
        text, applied = phrasing.vary(q)
        out.append(Instance(
            instance_id=f"rp-{i:04d}", query=text, now=q.now, kind=q.kind, pattern=q.pattern,
            candidate_pool=list(q.candidates),
            ground_truth={"checkpoint_id": q.expected, "requires_clarification": q.kind == "ambiguous",
                          "no_match": q.kind == "no_match"},
            cues=dict(q.cues), answer_hint=q.answer, phrasing=applied))
    return out


class SimulatedUser:
    """Answers "which one?" from the ground truth, the way a person who knows the target would."""

    def __init__(self, checkpoints: dict[str, Checkpoint]):
        self.checkpoints = checkpoints

    def answer(self, instance: Instance, options: list[dict[str, Any]]) -> str:
        target = instance.expected
        if target is None:
            return "none of these"
        for o in options:
            if o.get("id") in self.checkpoints and lineage(self.checkpoints[o["id"]]) == lineage(self.checkpoints[target]):
                return o.get("name") or o["id"]
        if instance.answer_hint:
            return instance.answer_hint
        r = self.checkpoints[target]
        return f"{base_name(r)} in {r.styles[0]}" if r.styles else base_name(r)
