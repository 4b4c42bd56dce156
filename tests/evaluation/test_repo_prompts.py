"""REPO-PROMPTS: the paper's schema and mix, ground truth that holds by brute force, deterministic phrasing."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from evaluation.queries import lineage
from evaluation.repo_prompts import Instance, SimulatedUser, repo_prompts
from repo_store import load_repository
from repo_store.synth import synth_records, write_repository


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    write_repository(folder, synth_records(20, 50, 0))
    return load_repository(folder).checkpoints


def test_five_hundred_in_the_papers_mix_and_schema(records):
    prompts = repo_prompts(records, 500, seed=0)
    assert Counter(p.kind for p in prompts) == {"clear": 350, "ambiguous": 100, "no_match": 50}
    first = prompts[0].to_json()
    assert {"instance_id", "query", "candidate_pool", "ground_truth"} <= set(first)
    assert set(first["ground_truth"]) == {"checkpoint_id", "requires_clarification", "no_match"}
    assert len({p.instance_id for p in prompts}) == 500 and len({(p.query, p.now) for p in prompts}) == 500
    assert Instance.from_json(json.loads(json.dumps(first))) == prompts[0]
    # the paper's categories are all there, and every phrasing variation is used
    patterns = Counter(p.pattern for p in prompts)
    assert {"month_style", "version_style", "style_scene", "usage", "relative", "season_style",
            "empty_month_style", "absent_subject"} <= set(patterns)
    assert set(Counter(v for p in prompts for v in p.phrasing)) == {"synonym", "possessive", "typo", "word_order"}


def test_deterministic_per_seed(records):
    assert [p.to_json() for p in repo_prompts(records, 60, 1)] == [p.to_json() for p in repo_prompts(records, 60, 1)]
    assert [p.query for p in repo_prompts(records, 60, 1)] != [p.query for p in repo_prompts(records, 60, 2)]


def test_ground_truth_holds_against_the_records(records):
    for p in repo_prompts(records, 500, seed=0):
        gt = p.ground_truth
        if p.kind == "no_match":
            assert gt["checkpoint_id"] is None and gt["no_match"] and p.candidate_pool == []
            continue
        target = records[gt["checkpoint_id"]]
        assert target.id in p.candidate_pool
        if "version" in p.cues:
            assert target.version == p.cues["version"]
        if "style" in p.cues:
            assert p.cues["style"] in target.styles
        if "month" in p.cues:
            assert f"{target.created_at:%Y-%m}" == p.cues["month"]
        if "used_on" in p.cues:
            assert target.last_used_at.date().isoformat() == p.cues["used_on"]
        if p.kind == "ambiguous":
            assert gt["requires_clarification"] and len({lineage(records[i]) for i in p.candidate_pool}) >= 2
        elif p.cues.get("ordering") == "latest":  # "the latest corgi model": the newest across every line
            assert all(target.created_at >= records[i].created_at for i in p.candidate_pool)
        else:
            assert {lineage(records[i]) for i in p.candidate_pool} == {lineage(target)}


def test_typos_touch_scene_words_only(records):
    for p in repo_prompts(records, 500, seed=0):
        if "typo" in p.phrasing and "trigger" in p.cues:
            assert p.cues["trigger"] in p.query  # the identifying part is spelled right


def test_simulated_user_names_the_targets_option_or_describes_it(records):
    p = next(q for q in repo_prompts(records, 500, seed=0) if q.kind == "ambiguous")
    user = SimulatedUser(records)
    target = records[p.expected]
    rival = next(i for i in p.candidate_pool if lineage(records[i]) != lineage(target))
    options = [{"id": rival, "name": "the other one"}, {"id": target.id, "name": "the right one"}]
    assert user.answer(p, options) == "the right one"
    assert user.answer(p, options[:1]) == p.answer_hint
