"""Intent score (the paper's rubric: subject, style, temporal, context, 1–5 each, averaged) and pairwise verdicts.

Two judges behind one interface:

  RubricJudge  deterministic, computed from the ground-truth metadata of a REPO-PROMPTS instance;
               needs no network. Anchors follow the paper's Table 10 (5 exact, 3 reasonable, 1 mismatch).
  LLMJudge     the paper's judge prompt (Table 10) sent to a chat model (Gemini Flash when
               GOOGLE_API_KEY is set); asked twice with the options swapped, and a pairwise
               verdict counts only when both orders agree (positional bias, Zheng et al. 2023).

    judge.score(instance, checkpoint_id_or_None) -> Scores
    judge.compare(instance, a_id, b_id) -> "a" | "b" | "tie" | None (None: the LLM was inconsistent)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from statistics import mean
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from evaluation.queries import base_name, lineage
from evaluation.repo_prompts import SEASONS, Instance
from repo_store.schema import Checkpoint

DIMENSIONS = ("subject", "style", "temporal", "context")


@dataclass(frozen=True)
class Scores:
    subject: int
    style: int
    temporal: int
    context: int

    @property
    def intent(self) -> float:
        return (self.subject + self.style + self.temporal + self.context) / 4


class Judge(Protocol):
    name: str

    def score(self, instance: Instance, chosen: str | None) -> Scores | None: ...

    def compare(self, instance: Instance, a: str | None, b: str | None) -> str | None: ...


class RubricJudge:
    """The rubric applied to the instance's cues and ground truth."""

    name = "rubric (ground-truth metadata, deterministic)"

    def __init__(self, checkpoints: dict[str, Checkpoint]):
        self.records = checkpoints

    def score(self, instance: Instance, chosen: str | None) -> Scores:
        if chosen is None:  # declining is right exactly when nothing fits
            return Scores(5, 5, 5, 5) if instance.ground_truth["no_match"] else Scores(1, 1, 1, 1)
        c = self.records[chosen]
        target = self.records.get(instance.expected) if instance.expected else None
        return Scores(self._subject(instance, c, target), self._style(instance, c, target),
                      self._temporal(instance, c, target), self._context(instance, c, target))

    def compare(self, instance: Instance, a: str | None, b: str | None) -> str:
        sa, sb = self.score(instance, a).intent, self.score(instance, b).intent
        return "a" if sa > sb else "b" if sb > sa else "tie"

    # --- dimensions ---------------------------------------------------------------------
    def _subject(self, q: Instance, c: Checkpoint, target: Checkpoint | None) -> int:
        cues = q.cues
        if "trigger" in cues:
            return 5 if cues["trigger"] in c.triggers else 3 if target and lineage(c) == lineage(target) else 1
        if "name" in cues:
            return 5 if base_name(c) == cues["name"] else 1
        if target is not None and base_name(c) == base_name(target):
            return 5
        wanted = cues.get("subject")
        subjects = [s.lower() for s in c.subjects]
        if wanted and wanted in subjects:
            return 5 if target is None or target.subjects[0] == c.subjects[0] else 3
        if target is not None and target.subjects[0] == c.subjects[0]:
            return 3  # the same category, another concept
        return 1

    def _style(self, q: Instance, c: Checkpoint, target: Checkpoint | None) -> int:
        if "style" in q.cues:
            return 5 if q.cues["style"] in c.styles else 1
        if target is None:
            return 3
        return 5 if set(c.styles) & set(target.styles) else 3

    def _temporal(self, q: Instance, c: Checkpoint, target: Checkpoint | None) -> int:
        cues, checks = q.cues, []
        if "month" in cues:
            checks.append(f"{c.created_at:%Y-%m}" == cues["month"])
        if "month_any_year" in cues:
            checks.append(c.created_at.month == cues["month_any_year"])
        if "season" in cues:
            checks.append(c.created_at.month in SEASONS[cues["season"]])
        if "created_on" in cues:
            checks.append(c.created_at.date().isoformat() == cues["created_on"])
        if "used_on" in cues:
            checks.append(c.last_used_at is not None and c.last_used_at.date().isoformat() == cues["used_on"])
        if "version" in cues:
            checks.append(c.version == cues["version"])
        if cues.get("ordering") == "latest":
            pool = [self.records[i] for i in q.candidate_pool if i in self.records]
            checks.append(all(c.created_at >= r.created_at for r in pool))
        if checks:
            return 5 if all(checks) else 3 if any(checks) or (target and c.id == target.id) else 1
        # no temporal cue: the newest version of the intended concept is the expected default
        if target is None or c.id == target.id:
            return 5
        same_line = [r for r in self.records.values() if lineage(r) == lineage(c)]
        return 5 if all(c.created_at >= r.created_at for r in same_line) else 3

    def _context(self, q: Instance, c: Checkpoint, target: Checkpoint | None) -> int:
        if target is None:
            return 1  # something was chosen for a request nothing fits
        if c.id == target.id:
            return 5
        if c.id in q.candidate_pool or lineage(c) == lineage(target):
            return 3
        return 1


# ---- LLM judge ------------------------------------------------------------------------------
JUDGE_PROMPT = """Intent Matching Evaluation
User Prompt: "{user_prompt}"
Selected Checkpoint: {name}
Metadata: {description}
Alternative Checkpoints: {alternatives}

Scoring Criteria (1-5 scale)
Subject Match: 5: Exact subject(s) match ("cat" -> cat model) 3: Reasonable interpretation ("pet" -> cat specialist) 1: Clear mismatch ("landscape" -> portrait model)
Style Intent: 5: Perfect style alignment with user request 3: Plausible style inference from context 1: Style clearly contradicts intent
Temporal Match: 5: Meets temporal requirements (e.g., "latest" -> newest) 3: Reasonable temporal interpretation 1: Temporal constraints ignored
Context Fit: 5: Perfect fit for scenario/use case 3: Generally appropriate for context 1: Contextually inappropriate
Scoring: Intent Score = 1/4 * (subject + style + temporal + context)
Comparison: Forced choice: "Selected Better" or "Alternative [X] Better"
Today is {now}. "No checkpoint" means the system told the user that nothing in the repository fits.
Output Format: one JSON object, nothing else:
{{"subject": X, "style": X, "temporal": X, "context": X, "intent_score": X.X, "best_choice": "...", "reasoning": "..."}}"""


class Verdict(BaseModel):
    subject: int = Field(ge=1, le=5)
    style: int = Field(ge=1, le=5)
    temporal: int = Field(ge=1, le=5)
    context: int = Field(ge=1, le=5)
    best_choice: str
    reasoning: str = ""

    @property
    def selected_better(self) -> bool:
        return self.best_choice.strip().lower().startswith("selected")


def _describe(records: dict[str, Checkpoint], chosen: str | None) -> tuple[str, str]:
    if chosen is None:
        return "No checkpoint", "The system answered that no checkpoint in the repository matches the request."
    r = records[chosen]
    version = f", version {r.version}" if r.version is not None else ""
    return (f"{r.name} ({r.id})", f"{r.description} Subjects: {', '.join(r.subjects)}. Styles: {', '.join(r.styles)}. "
                                  f"Created {r.created_at:%Y-%m-%d}{version}.")


class LLMJudge:
    """The paper's judge prompt on any LangChain chat model; both option orders, consistent verdicts only."""

    def __init__(self, chat_model: Any, checkpoints: dict[str, Checkpoint], model_name: str = "LLM"):
        self.chat = chat_model
        self.records = checkpoints
        self.name = f"LLM judge ({model_name}, both option orders)"
        self._cache: dict[tuple, Verdict | None] = {}

    def ask(self, instance: Instance, selected: str | None, alternative: str | None,
            alone: bool = False) -> Verdict | None:
        """One judge call; `alone` scores `selected` with no alternative listed."""
        key = (instance.query, instance.now, selected, alternative, alone)
        if key not in self._cache:
            name, description = _describe(self.records, selected)
            if alone:
                alternatives = "(none listed)"
            else:
                alt_name, alt_description = _describe(self.records, alternative)
                alternatives = f"[1] {alt_name}: {alt_description}"
            prompt = JUDGE_PROMPT.format(user_prompt=instance.query, name=name, description=description,
                                         alternatives=alternatives, now=instance.now)
            try:
                self._cache[key] = self._parse(self.chat.invoke(prompt))
            except Exception as err:  # noqa: BLE001 - network, quota, timeout: the verdict is missing, not made up
                print(f"LLM judge call failed ({type(err).__name__}: {err}); the pair is left out", flush=True)
                self._cache[key] = None
        return self._cache[key]

    @staticmethod
    def _parse(message: Any) -> Verdict | None:
        text = message.content if hasattr(message, "content") else str(message)
        if isinstance(text, list):  # some providers return content parts
            text = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in text)
        found = re.search(r"\{.*\}", text, re.DOTALL)
        try:
            return Verdict.model_validate(json.loads(found.group(0))) if found else None
        except (json.JSONDecodeError, ValidationError):
            return None

    def score(self, instance: Instance, chosen: str | None) -> Scores | None:
        verdict = self.ask(instance, chosen, None, alone=True)
        return Scores(verdict.subject, verdict.style, verdict.temporal, verdict.context) if verdict else None

    def compare(self, instance: Instance, a: str | None, b: str | None) -> str | None:
        first, second = self.ask(instance, a, b), self.ask(instance, b, a)
        if first is None or second is None:
            return None
        if first.selected_better and not second.selected_better:
            return "a"
        if second.selected_better and not first.selected_better:
            return "b"
        return None  # the verdict followed the position, not the checkpoints


def intent_stats(scores: list[Scores]) -> tuple[float, float]:
    """Mean and standard deviation of the intent score."""
    values = [s.intent for s in scores]
    if not values:
        return float("nan"), float("nan")
    mu = mean(values)
    return mu, (sum((v - mu) ** 2 for v in values) / len(values)) ** 0.5
