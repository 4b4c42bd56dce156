"""Selection queries with ground truth derived from the repository's metadata.

Each query is built around a target and labelled by brute force over every
record (not by Check-in): clear (one lineage fits; the expected checkpoint is
the fitting one the request pins down), ambiguous (several lineages fit; a
simulated user answers the question from the target's attributes), or
no-match (nothing fits). A lineage is the id with its version stripped.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from repo_store.schema import Checkpoint

SCENES = ["on the beach", "in the snow", "at sunset", "in a park", "on a city street", "by the lake",
          "in a cosy kitchen", "under the stars"]
ABSENT_SUBJECTS = ["hamster", "parrot", "goldfish", "turtle", "giraffe", "penguin", "octopus", "lizard", "owl", "camel"]


@dataclass
class Query:
    kind: str  # clear | ambiguous | no_match
    pattern: str  # how it was built
    query: str
    now: str
    expected: str | None  # the checkpoint a correct system ends with (after the answer, if ambiguous)
    answer: str | None = None  # what the simulated user replies to a question
    candidates: list[str] = field(default_factory=list)  # every checkpoint the request could mean
    cues: dict = field(default_factory=dict)  # what the request asks for: subject, style, month, version, ...


def lineage(r: Checkpoint) -> str:
    return r.id.rsplit("-v", 1)[0]


def base_name(r: Checkpoint) -> str:
    return r.name.split(" (")[0]


def newest(records: list[Checkpoint]) -> Checkpoint:
    return max(records, key=lambda r: (r.created_at, r.version or 0))


class QueryBuilder:
    def __init__(self, checkpoints: dict[str, Checkpoint], seed: int = 0):
        self.records = sorted(checkpoints.values(), key=lambda r: r.id)
        self.rng = random.Random(seed)
        self.now = max(r.created_at for r in self.records).date() + timedelta(days=1)
        self.by_subject: dict[str, list[Checkpoint]] = defaultdict(list)
        for r in self.records:
            for s in r.subjects:
                self.by_subject[s.lower()].append(r)

    def lineages(self, records: list[Checkpoint]) -> dict[str, list[Checkpoint]]:
        out: dict[str, list[Checkpoint]] = defaultdict(list)
        for r in records:
            out[lineage(r)].append(r)
        return out

    def _answer(self, target: Checkpoint, rivals: list[Checkpoint]) -> str:
        """What a person says back: the shortest thing that tells the target apart (name, style, or both)."""
        others = [r for r in rivals if lineage(r) != lineage(target)]
        name, style = base_name(target), target.styles[0]
        if all(base_name(r) != name for r in others):
            return self.rng.choice([name, f"{name} please", f"the one called {name}"])
        if all(style not in r.styles for r in others):
            return self.rng.choice([f"the {style} one", f"{style} please"])
        return self.rng.choice([f"{name} in {style}", f"the {style} {name}"])

    # --- clear ---------------------------------------------------------------------------
    def clear(self) -> Query | None:
        r = self.rng.choice(self.records)
        pattern = self.rng.choice(["trigger", "name_version", "specific_month", "latest_specific", "relative"])
        scene = self.rng.choice(SCENES)
        if pattern == "trigger":
            return Query("clear", pattern, f"{r.trigger} {scene}", self.now.isoformat(), r.id, None, [r.id],
                         {"trigger": r.trigger})
        if pattern == "name_version":
            fits = [x for x in self.records if base_name(x) == base_name(r) and x.version == r.version]
            if len(self.lineages(fits)) != 1:
                return None
            return Query("clear", pattern, f"{base_name(r)} v{r.version} {scene}", self.now.isoformat(), r.id, None,
                         [r.id], {"name": base_name(r), "version": r.version})
        specific = r.subjects[1].lower() if len(r.subjects) > 1 else r.subjects[0].lower()
        pool = self.by_subject[specific]
        if pattern == "specific_month":
            fits = [x for x in pool if (x.created_at.year, x.created_at.month) == (r.created_at.year, r.created_at.month)]
            if len(self.lineages(fits)) != 1:
                return None
            return Query("clear", pattern, f"my {specific} from {r.created_at:%B %Y} {scene}", self.now.isoformat(),
                         newest(fits).id, None, [x.id for x in fits],
                         {"subject": specific, "month": f"{r.created_at:%Y-%m}"})
        if pattern == "latest_specific":
            return Query("clear", pattern, f"the latest {specific} model {scene}", self.now.isoformat(), newest(pool).id,
                         None, [x.id for x in pool], {"subject": specific, "ordering": "latest"})
        # relative: "yesterday" / "last week", with `now` placed after the target's creation
        days = self.rng.choice([1, 1, 8])
        now = r.created_at.date() + timedelta(days=days)
        phrase = "yesterday" if days == 1 else "last week"
        # clear under any reasonable reading of the phrase: nothing else of this subject in the 2 weeks before
        near = [x for x in pool if now - timedelta(days=14) <= x.created_at.date() < now]
        if days == 1:
            near = [x for x in near if x.created_at.date() == now - timedelta(days=1)]
        if [x.id for x in near] != [r.id]:
            return None
        return Query("clear", "relative", f"paint my {specific} from {phrase} {scene}", now.isoformat(), r.id, None,
                     [r.id], {"subject": specific, "created_on": r.created_at.date().isoformat()})

    # --- ambiguous -----------------------------------------------------------------------
    def ambiguous(self) -> Query | None:
        r = self.rng.choice(self.records)
        scene = self.rng.choice(SCENES)
        if self.rng.random() < 0.6:
            generic = r.subjects[0].lower()
            pool = self.by_subject[generic]
            lines = self.lineages(pool)
            if len(lines) < 2:
                return None
            target = newest(lines[lineage(r)])
            rivals = [newest(v) for k, v in lines.items() if k != lineage(r)]
            return Query("ambiguous", "generic_subject", f"my {generic} {scene}", self.now.isoformat(), target.id,
                         self._answer(target, rivals), [target.id] + [x.id for x in rivals], {"subject": generic})
        style = r.styles[0]
        fits = [x for x in self.records if style in x.styles and x.created_at.month == r.created_at.month]
        lines = self.lineages(fits)
        if len(lines) < 2:
            return None
        target = newest(lines[lineage(r)])
        rivals = [newest(v) for k, v in lines.items() if k != lineage(r)]
        return Query("ambiguous", "style_month", f"the {r.created_at:%B} {style} model", self.now.isoformat(),
                     target.id, self._answer(target, rivals), [target.id] + [x.id for x in rivals],
                     {"style": style, "month_any_year": r.created_at.month})

    # --- no match ------------------------------------------------------------------------
    def no_match(self) -> Query | None:
        pattern = self.rng.choice(["absent_subject", "empty_month", "missing_version", "missing_style"])
        r = self.rng.choice(self.records)
        scene = self.rng.choice(SCENES)
        specific = r.subjects[1].lower() if len(r.subjects) > 1 else r.subjects[0].lower()
        if pattern == "absent_subject":
            absent = self.rng.choice(ABSENT_SUBJECTS)
            return Query("no_match", pattern, f"paint my {absent} {scene}", self.now.isoformat(), None,
                         cues={"subject": absent})
        if pattern == "empty_month":
            pool = self.by_subject[specific]
            months = {(x.created_at.year, x.created_at.month) for x in pool}
            months |= {(x.last_used_at.year, x.last_used_at.month) for x in pool if x.last_used_at}
            first = min(x.created_at for x in self.records)
            options = [(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1) for i in range(24)]
            empty = [m for m in options if m not in months]
            if not empty:
                return None
            year, month = self.rng.choice(empty)
            return Query("no_match", pattern, f"my {specific} from {datetime(year, month, 1):%B %Y}",
                         self.now.isoformat(), None, cues={"subject": specific, "month": f"{year:04d}-{month:02d}"})
        if pattern == "missing_version":
            top = max(x.version or 0 for x in self.records if base_name(x) == base_name(r))
            version = top + self.rng.randint(3, 20)
            return Query("no_match", pattern, f"{base_name(r)} v{version} {scene}", self.now.isoformat(), None,
                         cues={"name": base_name(r), "version": version})
        pool = self.by_subject[specific]
        have = {s for x in pool for s in x.styles}
        missing = [s for s in ("anime", "watercolor", "pixel art", "cartoon", "sketch", "oil painting") if s not in have]
        if not missing:
            return None
        style = self.rng.choice(missing)
        return Query("no_match", pattern, f"the {specific} {style} model {scene}", self.now.isoformat(), None,
                     cues={"subject": specific, "style": style})

    def build(self, clear: int = 200, ambiguous: int = 60, no_match: int = 60) -> list[Query]:
        out: list[Query] = []
        for want, make in ((clear, self.clear), (ambiguous, self.ambiguous), (no_match, self.no_match)):
            made, seen = 0, set()
            for _ in range(want * 50):
                if made == want:
                    break
                q = make()
                if q and q.query not in seen:
                    seen.add(q.query)
                    out.append(q)
                    made += 1
        return out

