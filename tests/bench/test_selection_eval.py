"""Selection on REPO-PROMPTS end to end (real index, real graph), the ablations, and `bench all --smoke`."""
from __future__ import annotations

import json

import pytest

from bench.intent_judge import RubricJudge
from bench.selection_eval import BASELINES, build_systems, evaluate_selection
from errors import ConfigError
from evaluation.repo_prompts import repo_prompts
from evaluation.selectors import RerankerSelector, without_lexical
from repo_store import Repository
from repo_store.synth import synth_records, write_repository

pytestmark = pytest.mark.slow  # a real index, eight selection systems and a `bench all --smoke` run


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("sel")
    write_repository(folder / "repo", synth_records(20, 5, 0))
    return Repository.open(folder / "repo", folder / "home", embedder)


def test_checkin_beats_every_baseline_and_counts_add_up(store):
    instances = repo_prompts(store.checkpoints, 30, seed=0)
    result = evaluate_selection(store, instances, RubricJudge(store.checkpoints), progress=False)
    assert result.kinds == {"clear": 21, "ambiguous": 6, "no_match": 3}
    for name in BASELINES:
        p = result.pairwise[name]
        assert p.wins + p.ties + p.losses + p.same + p.inconsistent == 30
        assert result.intent["checkin"][0] > result.intent[name][0]
    assert result.systems["reranker"] == "reranker (lexical+dense rescoring)"
    assert result.metrics["no_match_precision"] == 1.0 and result.metrics["clarification_recall"] == 1.0
    # a system that never asks cannot resolve an ambiguous request except by luck; Check-in asks
    amb = [r for r in result.rows if r["kind"] == "ambiguous"]
    assert all(r["checkin_first"] == "clarify" and r["right"] for r in amb)


def test_ablations_drop_what_they_say(store):
    systems = build_systems(store)
    from datetime import date

    target = next(c for c in store.checkpoints.values() if (c.version or 0) == 1 and
                  any(o.name == c.name and o.version == 2 for o in store.checkpoints.values()))
    request = f"{target.name} v1 on the beach"
    assert systems["checkin"].select(request, date(2026, 6, 1)) == target.id
    full = systems["checkin"].checkin.ask(request, "full", date(2026, 6, 1))
    assert any(step.startswith("version 1 → ") for step in full.reasoning)
    blind = systems["no metadata"].checkin.ask(request, "blind", date(2026, 6, 1))
    assert blind.reasoning[0].startswith("retrieval only:") and not any("version" in s for s in blind.reasoning)
    assert systems["checkin"].checkin.ask("my dog on the beach", "asks", date(2026, 6, 1)).status == "clarify"
    assert systems["no clarify"].select("my dog on the beach", date(2026, 6, 1)) is not None  # never asks
    dense_only = without_lexical(store)
    query = f"{target.name} on the beach"
    assert any(h.lexical for h in store.retrieve(query)) and not any(h.lexical for h in dense_only.retrieve(query))
    assert dense_only.checkpoints is store.checkpoints and store.retriever.use_lexical  # the original is untouched


def test_reranker_model_folder_must_exist(store, tmp_path):
    with pytest.raises(ConfigError, match="unset it to use the lexical\\+dense rescoring"):
        RerankerSelector(store, str(tmp_path / "missing"))


def test_bench_all_smoke_writes_the_report(tmp_path, monkeypatch):
    import app

    monkeypatch.setenv("PERSONALQ_HOME", str(tmp_path / "home"))
    assert app.main(["bench", "all", "--smoke", "--out", str(tmp_path / "out")]) == 0
    report = (tmp_path / "out" / "REPORT.md").read_text()
    for heading in ("## Table 2: checkpoint selection (40 REPO-PROMPTS requests on 100 checkpoints",
                    "## Table 3: Check-in components", "## Selection targets", "## Accuracy vs repository size",
                    "## Tables 1 and 4: quantization (mini model, rex-v3)", "## Memory"):
        assert heading in report
    assert "| Stylus (dense cosine, top-1) |" in report and "| 3.68 ± 0.69 |" in report  # the paper's cell beside ours
    for png in ("accuracy_vs_size.png", "taq_vs_bits.png", "memory.png"):
        assert (tmp_path / "out" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["selection"]["judge"].startswith("rubric") and [p["size"] for p in results["scaling"]] == [100, 200]
    lines = (tmp_path / "out" / "repo_prompts.jsonl").read_text().splitlines()
    assert len(lines) == 40 and json.loads(lines[0])["ground_truth"].keys() == {"checkpoint_id", "requires_clarification",
                                                                               "no_match"}


def test_report_names_the_command_that_reproduces_it():
    from dataclasses import replace

    from bench.plans import PLANS, reproduce_command

    assert reproduce_command(PLANS["full"]) == "python app.py bench all --out DIR"
    assert reproduce_command(PLANS["quick"]) == "python app.py bench all --out DIR --quick"
    wider = replace(PLANS["quick"], sizes=(1000, 10_000, 100_000))
    assert reproduce_command(wider) == "python app.py bench all --out DIR --quick --sizes 1000 10000 100000"
