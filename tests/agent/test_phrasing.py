"""The phrasing corpus (tests/agent/phrasing): requests written by people, each with its accepted outcomes.

Every line runs through Check-in as `select --batch` runs it (its own date and repository, the
answer when asked). Lines Check-in still gets wrong are listed with the reason in
`phrasing/known_failures.txt` and expected to fail (strictly: a fixed line must leave the list).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.graph import build_graph
from bench.phrasing import DEFAULT_CORPUS, judge, load_corpus, repo_folder, run_line
from repo_store import Repository

LINES = load_corpus(DEFAULT_CORPUS)
KNOWN = {line.split()[0]: line.split(maxsplit=1)[1] if " " in line.strip() else ""
         for line in (DEFAULT_CORPUS / "known_failures.txt").read_text(encoding="utf-8").splitlines()
         if line.strip() and not line.startswith("#")}


@pytest.fixture(scope="module")
def checkins(tmp_path_factory, embedder):
    made = {}

    def get(repo: str) -> CheckIn:
        if repo not in made:
            store = Repository.open(repo_folder(DEFAULT_CORPUS, repo), tmp_path_factory.mktemp(f"phr-{repo}"), embedder)
            assert not store.loaded.refused, store.loaded.refused
            made[repo] = CheckIn(build_graph(InMemorySaver(), store))
        return made[repo]
    return get


def _params():
    for line in LINES:
        marks = [pytest.mark.xfail(reason=KNOWN[line["id"]], strict=True)] if line["id"] in KNOWN else []
        yield pytest.param(line, id=line["id"], marks=marks)


def test_corpus_size_and_known_failures_name_real_lines():
    ids = {line["id"] for line in LINES}
    assert len(LINES) >= 300 and len(ids) == len(LINES)
    assert {line["repo"] for line in LINES} == {"demo", "b"}
    assert set(KNOWN) <= ids


@pytest.mark.parametrize("line", _params())
def test_phrasing_line(checkins, line):
    outcome = run_line(checkins(line["repo"]), line, f"phr-{line['id']}")
    assert outcome.passed, f"{outcome.why}; reasoning: {outcome.reasoning}"


def _turn(status, checkpoint=None, options=(), candidates=(), prompt=None):
    return SimpleNamespace(status=status, checkpoint=checkpoint, options=[{"id": i} for i in options],
                           candidates=list(candidates), prompt=prompt)


def test_positional_answers_resolve_against_the_options_offered():
    line = {"kind": "answer", "answer": "number two",
            "accept": [{"status": "selected", "checkpoint": None, "answer_position": 2}]}
    first = _turn("clarify", options=["rex-v3", "biscuit-v2"])
    assert judge(line, first, _turn("selected", "biscuit-v2")) == (True, "")
    assert judge(line, first, _turn("selected", "rex-v3"))[0] is False
    assert "did not ask" in judge(line, _turn("selected", "biscuit-v2"), _turn("selected", "biscuit-v2"))[1]
    assert "1 options" in judge(line, _turn("clarify", options=["rex-v3"]), _turn("selected", "rex-v3"))[1]


def test_prompt_words_and_offered_candidates_are_checked():
    line = {"kind": "selected", "accept": [{"status": "selected", "checkpoint": "rex-v3",
                                            "prompt_contains": ["beach"], "prompt_excludes": ["please"]}]}

    def judged(turn):
        return judge(line if turn.status == "selected" else asked, turn, turn)
    assert judged(_turn("selected", "rex-v3", prompt="<rex-v3> on the beach"))[0]
    assert "keeps ['please']" in judged(_turn("selected", "rex-v3", prompt="please <rex-v3> beach"))[1]
    assert "lacks ['beach']" in judged(_turn("selected", "rex-v3", prompt="<rex-v3>"))[1]
    asked = {"kind": "clarify", "accept": [{"status": "clarify", "candidates_include": ["rex-v3", "biscuit-v2"]}]}
    assert judged(_turn("clarify", candidates=["biscuit-v2", "rex-v3"]))[0]
    assert "did not offer biscuit-v2" in judged(_turn("clarify", candidates=["rex-v3"]))[1]
