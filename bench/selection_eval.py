"""Selection on REPO-PROMPTS: the paper's Table 2 (intent score, win rates), Table 3 (Check-in ablations),
the selection targets (clarification recall, no-match precision, latency) and accuracy vs repository size.

    store = open_synthetic(1000, home)                     # 20 categories × 50 versions, indexed in chroma
    result = evaluate_selection(store, repo_prompts(store.checkpoints, 500), judge=RubricJudge(...))
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from agent.vocab import Vocabulary
from bench.baselines import (
    CheckinSelector,
    DenseSelector,
    RandomSelector,
    RerankerSelector,
    Selector,
    without_lexical,
)
from bench.intent_judge import Judge, intent_stats
from bench.repo_prompts import Instance, SimulatedUser
from bench.stats import p50_p95
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


def _checkin(store: Repository, vocab: Vocabulary, metadata: bool = True) -> CheckIn:
    return CheckIn(build_graph(_threads(), store, vocab, metadata=metadata))


def _threads() -> Any:
    """A fresh SQLite checkpointer, as the app uses, in a scratch folder removed at exit (latency includes its writes)."""
    folder = Path(tempfile.mkdtemp(prefix="personalq-bench-threads-"))
    atexit.register(shutil.rmtree, folder, True)
    return sqlite_checkpointer(folder)


def build_systems(store: Repository, seed: int = 0) -> dict[str, Selector]:
    """Check-in, its ablations and the baselines, each behind `Selector`."""
    vocab = Vocabulary.build(store.checkpoints, store.index.embedder)
    full, blind = _checkin(store, vocab), _checkin(store, vocab, metadata=False)
    dense_only = without_lexical(store)
    reranker = RerankerSelector(store)
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


def evaluate_selection(store: Repository, instances: list[Instance], judge: Judge, systems: dict[str, Selector] | None = None,
                       progress: bool = True) -> SelectionResult:
    from rich.progress import track

    systems = systems or build_systems(store)
    user = SimulatedUser(store.checkpoints)
    checkin = systems["checkin"]
    assert isinstance(checkin, CheckinSelector)
    chosen: dict[str, dict[str, str | None]] = {name: {} for name in systems}
    rows, latencies = [], []
    checkin.checkin.ask("warm-up request for my dog", "warm-up", date.today())
    steps = track(instances, description=f"selection on {len(store.checkpoints)} checkpoints") if progress else instances
    for inst in steps:
        now = date.fromisoformat(inst.now)
        thread = f"eval-{inst.instance_id}"
        start = time.perf_counter()
        first = checkin.checkin.ask(inst.query, thread, now)
        latencies.append((time.perf_counter() - start) * 1000)
        turn = first
        for _ in range(3):
            if turn.status != "clarify":
                break
            turn = checkin.checkin.reply(user.answer(inst, turn.options), thread)
        final = turn.checkpoint if turn.status == "selected" else None
        chosen["checkin"][inst.instance_id] = final
        for name, system in systems.items():
            if name != "checkin":
                chosen[name][inst.instance_id] = system.select(inst.query, now, lambda options, i=inst: user.answer(i, options))
        rows.append({**inst.to_json(), "checkin_first": first.status, "question": first.question,
                     "choices": {name: chosen[name][inst.instance_id] for name in systems},
                     "right": _right(inst, first.status, final)})

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

    def first_of(kind: str) -> list[dict]:
        return [r for r in rows if r["kind"] == kind]
    asked = [r for r in rows if r["checkin_first"] == "clarify"]
    declined = [r for r in rows if r["checkin_first"] == "no_match"]
    amb = first_of("ambiguous")
    metrics = {
        "clear_accuracy": _share([r["right"] for r in first_of("clear")]),
        "clarification_recall": _share([r["checkin_first"] == "clarify" for r in amb]),
        "clarification_precision": _share([r["kind"] == "ambiguous" for r in asked]),
        "resolved_after_question": _share([r["right"] for r in amb if r["checkin_first"] == "clarify"]),
        "no_match_precision": _share([r["kind"] == "no_match" for r in declined]),
        "no_match_recall": _share([r["checkin_first"] == "no_match" for r in first_of("no_match")]),
    }
    accuracy = {"checkin": _share([r["right"] for r in rows])}
    for name in systems:
        if name != "checkin":  # a system that never asks is right when it ends on the ground truth
            accuracy[name] = _share([r["choices"][name] == r["ground_truth"]["checkpoint_id"] for r in rows])
    patterns = Counter(r["pattern"] for r in rows)
    right = Counter(r["pattern"] for r in rows if r["right"])
    return SelectionResult(len(store.checkpoints), len(instances), dict(kinds), judge.name,
                           {n: getattr(s, "name", n) for n, s in systems.items()}, intent, pairwise, metrics,
                           p50_p95(latencies), accuracy, {p: (right[p], patterns[p]) for p in sorted(patterns)}, rows)


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def scaling_point(store: Repository, instances: list[Instance]) -> dict[str, float]:
    """Check-in alone at one repository size: share handled right and first-turn latency."""
    vocab = Vocabulary.build(store.checkpoints, store.index.embedder)
    checkin = _checkin(store, vocab)
    user = SimulatedUser(store.checkpoints)
    checkin.ask("warm-up request for my dog", "warm-up", date.today())
    right, latencies = [], []
    for inst in instances:
        thread = f"scale-{inst.instance_id}"
        start = time.perf_counter()
        first = checkin.ask(inst.query, thread, date.fromisoformat(inst.now))
        latencies.append((time.perf_counter() - start) * 1000)
        turn = first
        for _ in range(3):
            if turn.status != "clarify":
                break
            turn = checkin.reply(user.answer(inst, turn.options), thread)
        right.append(_right(inst, first.status, turn.checkpoint if turn.status == "selected" else None))
    p50, p95 = p50_p95(latencies)
    return {"size": len(store.checkpoints), "accuracy": _share(right), "p50_ms": p50, "p95_ms": p95,
            "queries": len(instances)}
