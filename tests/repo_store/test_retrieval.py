"""Hybrid retrieval: exact identifiers first, each half rescues what the other misses, filters bind both."""
from __future__ import annotations

import pytest

from repo_store import Repository
from tests.conftest import meta, write_records

CORGI = "A tan and white corgi with a fluffy rump and a red collar."
RECORDS = [
    meta("dog-pepper-v1", name="Pepper", subjects=["dog", "dalmatian"],
         description="A spotted dalmatian with one black ear.", styles=["photorealistic"], version=1),
    meta("dog-biscuit-v1", name="Biscuit", subjects=["dog", "corgi"], description=CORGI, version=1),
    meta("dog-biscuit-v2", name="Biscuit", subjects=["dog", "corgi"], description=CORGI, version=2),
    meta("dog-biscuit-v3", name="Biscuit", subjects=["dog", "corgi"], description=CORGI, version=3),
    meta("cat-miso-v1", name="Miso", subjects=["cat", "tabby"], description="An orange tabby cat asleep on a sofa.",
         styles=["anime"], version=1, created_at="2024-11-30"),
    meta("food-chili-v1", name="Chili", subjects=["food", "chili pepper"],
         description="A bowl of spicy red chili peppers and salsa.", styles=["photorealistic"]),
    meta("bear-teddy-v4", name="Tan teddy bear", triggers=["<bear-v4>"], subjects=["bear", "teddy bear", "plush toy"],
         description="A small plush teddy bear, tan with a cream snout.", version=4),
    meta("bear-panda-v1", name="Bruno", subjects=["bear", "panda", "plush toy"],
         description="A plush panda with a green bow.", version=1),
    meta("car-cherry-v1", name="Cherry", subjects=["car", "convertible"],
         description="A red 1960s convertible with chrome bumpers."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, embedder):
    folder = write_records(tmp_path_factory.mktemp("repo"), RECORDS)
    return Repository.open(folder, tmp_path_factory.mktemp("home"), embedder)


def _ids(hits):
    return [h.checkpoint_id for h in hits]


@pytest.mark.parametrize("query", ["<bear-v4> in the forest", "bear-v4 in the snow", "a photo of <BEAR-V4>"])
def test_exact_trigger_ranks_first(store, query):
    top = store.retrieve(query, k=3)[0]
    assert top.checkpoint_id == "bear-teddy-v4" and top.exact_trigger


def test_name_match_ranks_first_and_lexical_rescues_a_dense_miss(store):
    hits = store.retrieve("Pepper on the beach", k=3)
    top = hits[0]
    assert top.checkpoint_id == "dog-pepper-v1" and top.name_match
    # the embedding alone prefers the chili peppers; the lexical half and the name put the dog first
    assert top.dense_rank > 1 and top.lexical_rank == 1
    assert store.index.dense("Pepper on the beach", 1)[0][0] == "food-chili-v1"


def test_version_token_selects_the_version(store):
    hits = store.retrieve("Biscuit version 2", k=3)
    assert hits[0].checkpoint_id == "dog-biscuit-v2"
    assert set(_ids(hits)) == {"dog-biscuit-v1", "dog-biscuit-v2", "dog-biscuit-v3"}
    assert store.retrieve("biscuit v3", k=1)[0].checkpoint_id == "dog-biscuit-v3"


@pytest.mark.parametrize("query", ["a feline napping", "kitty"])
def test_dense_rescues_a_lexical_miss(store, query):
    top = store.retrieve(query, k=3)[0]
    assert top.checkpoint_id == "cat-miso-v1"
    assert top.lexical is None and top.dense_rank == 1  # no shared word, found by meaning


def test_where_filter_restricts_both_halves(store):
    hits = store.retrieve("a plush toy", k=10, where={"version": 4})
    assert _ids(hits) == ["bear-teddy-v4"]
    hits = store.retrieve("Pepper", k=10, where={"styles": {"$contains": "anime"}})
    assert _ids(hits) == ["cat-miso-v1"]  # the name match may not escape the filter
    assert store.retrieve("corgi", where={"created_year": 1999}) == []


def test_hits_carry_scores_and_records(store):
    hits = store.retrieve("a corgi", k=4)
    assert len(hits) == 4
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)
    assert all(h.checkpoint.id == h.checkpoint_id for h in hits)
    assert {"dog-biscuit-v1", "dog-biscuit-v2", "dog-biscuit-v3"} <= set(_ids(hits))
    top = hits[0]
    assert top.dense is not None and 0 < top.dense <= 1 and top.lexical > 0


def test_empty_query_returns_nothing(store):
    assert store.retrieve("   ") == []
    assert store.retrieve("corgi", k=0) == []
