"""The in-memory `where` evaluator agrees with chroma on every operator."""
from __future__ import annotations

import pytest

from repo_store import CheckpointIndex, load_repository, open_client
from repo_store.where import matches
from tests.conftest import meta, write_records

FILTERS = [
    {"version": 2}, {"version": {"$eq": 2}}, {"version": {"$ne": 2}}, {"version": {"$gt": 1}},
    {"version": {"$gte": 2}}, {"version": {"$lt": 2}}, {"version": {"$lte": 1}},
    {"version": {"$in": [1, 3]}}, {"version": {"$nin": [1]}},
    {"styles": {"$contains": "anime"}}, {"styles": {"$not_contains": "anime"}},
    {"subjects": {"$contains": "corgi"}}, {"kind": "lora"}, {"kind": {"$ne": "lora"}},
    {"last_used_at": {"$gte": 20250101}},
    {"$and": [{"created_year": 2025}, {"created_month": {"$gte": 4}}]},
    {"$or": [{"created_month": 2}, {"styles": {"$contains": "cartoon"}}]},
    {"$and": [{"created_at": {"$gte": 20250301}}, {"created_at": {"$lte": 20250430}}]},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("where-repo")
    records = [
        meta("a", version=1, styles=["anime"], subjects=["dog", "corgi"], created_at="2025-04-03", kind="lora"),
        meta("b", version=2, styles=["photorealistic"], created_at="2025-02-10", kind="dreambooth",
             last_used_at="2025-05-01"),
        meta("c", version=3, styles=["anime", "cartoon"], created_at="2024-11-30"),
        meta("d", created_at="2025-03-15"),  # no version, no styles, no kind
    ]
    write_records(folder, records)
    index = CheckpointIndex(open_client(tmp_path_factory.mktemp("where-home")), folder, embedder)
    index.sync(load_repository(folder))
    return index


@pytest.mark.parametrize("where", FILTERS, ids=[str(f) for f in FILTERS])
def test_python_where_agrees_with_chroma(index, where):
    _, _, _, metadatas = index.snapshot()
    assert {i for i, m in metadatas.items() if matches(m, where)} == index.ids_matching(where)


def test_two_operators_on_one_field_are_refused_as_chroma_does(index):
    where = {"created_at": {"$gte": 20250301, "$lte": 20250430}}
    with pytest.raises(ValueError, match="exactly one"):
        index.ids_matching(where)
    with pytest.raises(ValueError, match="exactly one per field"):
        matches({"created_at": 20250401}, where)


def test_unknown_operator_is_a_clear_error():
    with pytest.raises(ValueError, match="unsupported where operator '\\$regex'"):
        matches({"version": 1}, {"version": {"$regex": "1"}})
