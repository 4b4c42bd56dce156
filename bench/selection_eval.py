"""Selection on REPO-PROMPTS: the paper's Table 2 (intent score, win rates), Table 3 (Check-in ablations),
the selection targets (clarification recall, no-match precision, latency) and accuracy vs repository size.

    store = open_synthetic(1000, home)                     # 20 categories × 50 versions, indexed in chroma
    result = evaluate_selection(store, repo_prompts(store.checkpoints, 500), judge=RubricJudge(...))
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from agent.vocab import Vocabulary
from bench.intent_judge import Judge, intent_stats
from bench.stats import p50_p95
from evaluation.repo_prompts import Instance, SimulatedUser
from evaluation.selectors import (
    CheckinSelector,
    DenseSelector,
    RandomSelector,
    RerankerSelector,
    Selector,
    converse,
    without_lexical,
)
from judging.votes import wilson_interval
from repo_store import Repository, load_embedder
from repo_store.synth import synth_records, write_repository

BASELINES = ("random", "reranker", "stylus")  # Table 2's rows, in the paper's order
ABLATIONS = ("no clarify, no metadata", "no clarify", "no metadata", "checkin", "no lexical half")  # Table 3 (+1)


def open_synthetic(size: int, folder: Path, embed_model: str, seed: int = 0, progress: bool = False) -> Repository:
    """The paper's synthetic repository (20 categories × size/20 versions), written and indexed under `folder`."""
    repo = folder / f"repo-{size}"
    if not repo.is_dir():
        write_repository(repo, synth_records(20, max(1, size // 20), seed))
    return Repository.open(repo, folder / f"home-{size}", load_embedder(embed_model), progress=progress)


def checkin_over(store: Repository, vocab: Vocabulary, metadata: bool = True) -> CheckIn:
    return CheckIn(build_graph(_threads(), store, vocab, metadata=metadata))


def _threads() -> Any:
    """A fresh SQLite checkpointer, as the app uses, in a scratch folder removed at exit (latency includes its writes)."""
    folder = Path(tempfile.mkdtemp(prefix="personalq-bench-threads-"))
    atexit.register(shutil.rmtree, folder, True)
    return sqlite_checkpointer(folder)


def build_systems(store: Repository, seed: int = 0, reranker_model: str | None = None) -> dict[str, Selector]:
    """Check-in, its ablations and the baselines, each behind `Selector` (`reranker_model`: a local
    cross-encoder folder for the reranker baseline, else its lexical+dense rescoring)."""
    vocab = Vocabulary.build(store.checkpoints, store.index.embedder)
    full, blind = checkin_over(store, vocab), checkin_over(store, vocab, metadata=False)
    dense_only = without_lexical(store)
    reranker = RerankerSelector(store, reranker_model)
    return {
        "checkin": CheckinSelector(full, name="checkin"),
        "no clarify": CheckinSelector(full, clarify=False, name="no clarify"),
        "no metadata": CheckinSelector(blind, name="no metadata"),
        "no clarify, no metadata": CheckinSelector(blind, clarify=False, name="no clarify, no metadata"),
        "no lexical half": CheckinSelector(CheckIn(build_graph(_threads(), dense_only, vocab)), name="no lexical half"),
        "random": RandomSelector(store, vocab, seed),
        "stylus": DenseSelector(store),
        "reranker": reranker,
    }


@dataclass
class PairStats:
    wins: int = 0
    ties: int = 0
    losses: int = 0
    same: int = 0  # both chose the same checkpoint: no preference to judge
    inconsistent: int = 0  # the LLM's verdict flipped with the option order

    @property
    def judged(self) -> int:
        return self.wins + self.ties + self.losses

    @property
    def rate(self) -> float:
        return (self.wins + 0.5 * self.ties) / self.judged if self.judged else float("nan")

    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.wins + 0.5 * self.ties, self.judged)


@dataclass
class SelectionResult:
    size: int
    instances: int
    kinds: dict[str, int]
    judge: str
    systems: dict[str, str]  # key → display name
    intent: dict[str, tuple[float, float]]  # system → (mean, sd)
    pairwise: dict[str, PairStats]  # baseline → Check-in vs it
    metrics: dict[str, float]  # clarification recall, no-match precision, ...
    latency_ms: tuple[float, float]  # p50, p95 of Check-in's first turn
    accuracy: dict[str, float]  # system → share of instances handled right (selection, question, or refusal)
    by_pattern: dict[str, tuple[int, int]] = field(default_factory=dict)  # pattern → (right, total), Check-in
    rows: list[dict[str, Any]] = field(default_factory=list)


def _right(instance: Instance, first_status: str, final: str | None) -> bool:
    gt = instance.ground_truth
    if gt["no_match"]:
        return first_status == "no_match"
    if gt["requires_clarification"]:
        return first_status == "clarify" and final == gt["checkpoint_id"]
    return first_status == "selected" and final == gt["checkpoint_id"]


def checkin_outcomes(checkin: CheckIn, instances: list[Instance], user: SimulatedUser,
                     label: str | None = None) -> list[dict[str, Any]]:
    """Each request through Check-in, questions answered by the simulated user: one row per request.

    A row is the instance's JSON plus `checkin_first` (the first turn's status), `question`,
    `checkin_final` (the checkpoint it ends on, or None), `right` and `latency_ms` (first turn)."""
    from rich.progress import track

    converse(checkin, "warm-up request for my dog", "warm-up", date.today())
    rows = []
    for inst in track(instances, description=label) if label else instances:
        talk = converse(checkin, inst.query, f"eval-{uuid.uuid4().hex}", date.fromisoformat(inst.now),
                        lambda options, i=inst: user.answer(i, options))
        rows.append({**inst.to_json(), "checkin_first": talk.first.status, "question": talk.first.question,
                     "checkin_final": talk.selected, "right": _right(inst, talk.first.status, talk.selected),
                     "latency_ms": talk.latency_ms})
    return rows


def selection_metrics(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The selection targets from `checkin_outcomes` rows: clear accuracy, clarification and no-match
    precision and recall, and how often a question led to the right checkpoint."""
    def of_kind(kind: str) -> list[dict]:
        return [r for r in rows if r["kind"] == kind]
    asked = [r for r in rows if r["checkin_first"] == "clarify"]
    declined = [r for r in rows if r["checkin_first"] == "no_match"]
    amb = of_kind("ambiguous")
    return {
        "clear_accuracy": _share([r["right"] for r in of_kind("clear")]),
        "clarification_recall": _share([r["checkin_first"] == "clarify" for r in amb]),
        "clarification_precision": _share([r["kind"] == "ambiguous" for r in asked]),
        "resolved_after_question": _share([r["right"] for r in amb if r["checkin_first"] == "clarify"]),
        "no_match_precision": _share([r["kind"] == "no_match" for r in declined]),
        "no_match_recall": _share([r["checkin_first"] == "no_match" for r in of_kind("no_match")]),
    }


def by_pattern(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Request pattern → (handled right, total), for Check-in."""
    patterns = Counter(r["pattern"] for r in rows)
    right = Counter(r["pattern"] for r in rows if r["right"])
    return {p: (right[p], patterns[p]) for p in sorted(patterns)}


def evaluate_selection(store: Repository, instances: list[Instance], judge: Judge, systems: dict[str, Selector] | None = None,
                       progress: bool = True) -> SelectionResult:
    from rich.progress import track

    systems = systems or build_systems(store)
    user = SimulatedUser(store.checkpoints)
    checkin = systems["checkin"]
    assert isinstance(checkin, CheckinSelector)
    rows = checkin_outcomes(checkin.checkin, instances, user,
                            f"selection on {len(store.checkpoints)} checkpoints" if progress else None)
    chosen: dict[str, dict[str, str | None]] = {"checkin": {r["instance_id"]: r["checkin_final"] for r in rows}}
    others = {name: system for name, system in systems.items() if name != "checkin"}
    for name in others:
        chosen[name] = {}
    for inst in track(instances, description="baselines and ablations") if progress else instances:
        for name, system in others.items():
            chosen[name][inst.instance_id] = system.select(inst.query, date.fromisoformat(inst.now),
                                                           lambda options, i=inst: user.answer(i, options))
    for row in rows:
        row["choices"] = {name: chosen[name][row["instance_id"]] for name in systems}

    kinds = Counter(i.kind for i in instances)
    intent = {}
    for name in systems:
        scores = [s for inst in instances if (s := judge.score(inst, chosen[name][inst.instance_id])) is not None]
        intent[name] = intent_stats(scores)
    pairwise = {}
    for name in BASELINES:
        stats = PairStats()
        for inst in instances:
            a, b = chosen["checkin"][inst.instance_id], chosen[name][inst.instance_id]
            if a == b:
                stats.same += 1
                continue
            verdict = judge.compare(inst, a, b)
            if verdict is None:
                stats.inconsistent += 1
            elif verdict == "a":
                stats.wins += 1
            elif verdict == "b":
                stats.losses += 1
            else:
                stats.ties += 1
        pairwise[name] = stats

    accuracy = {"checkin": _share([r["right"] for r in rows])}
    for name in systems:
        if name != "checkin":  # a system that never asks is right when it ends on the ground truth
            accuracy[name] = _share([r["choices"][name] == r["ground_truth"]["checkpoint_id"] for r in rows])
    return SelectionResult(len(store.checkpoints), len(instances), dict(kinds), judge.name,
                           {n: getattr(s, "name", n) for n, s in systems.items()}, intent, pairwise,
                           selection_metrics(rows), p50_p95([r["latency_ms"] for r in rows]), accuracy,
                           by_pattern(rows), rows)


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def scaling_point(store: Repository, instances: list[Instance]) -> dict[str, float]:
    """Check-in alone at one repository size: share handled right and first-turn latency."""
    vocab = Vocabulary.build(store.checkpoints, store.index.embedder)
    rows = checkin_outcomes(checkin_over(store, vocab), instances, SimulatedUser(store.checkpoints))
    p50, p95 = p50_p95([r["latency_ms"] for r in rows])
    return {"size": len(store.checkpoints), "accuracy": _share([r["right"] for r in rows]), "p50_ms": p50,
            "p95_ms": p95, "queries": len(instances)}
