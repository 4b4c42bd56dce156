"""ModelCache: least recently used out first, the budget never exceeded, refusals that say what to do."""
from __future__ import annotations

import pytest
from torch import nn

from serve.cache import MemoryBudgetError, ModelCache

KB = 1024


def block(kb: int) -> nn.Module:
    return nn.Linear(kb * KB // 4, 1, bias=False)  # kb KiB of fp32 weights


def test_lru_eviction_keeps_within_budget():
    evicted = []
    cache = ModelCache(10 * KB, on_evict=lambda key, module: evicted.append(key))
    cache.load("a", lambda: block(4), 4 * KB)
    cache.load("b", lambda: block(4), 4 * KB)
    cache.get("a")  # a is now the most recently used
    cache.load("c", lambda: block(4), 4 * KB)
    assert evicted == ["b"] and cache.keys() == ["a", "c"]
    assert cache.used == 8 * KB <= cache.budget


def test_room_is_made_before_building():
    cache = ModelCache(10 * KB)
    cache.load("a", lambda: block(6), 6 * KB)

    def build():
        assert cache.keys() == []  # "a" was evicted before this model was built
        return block(6)
    cache.load("b", build, 6 * KB)
    assert cache.keys() == ["b"]


def test_a_cached_model_is_not_built_again():
    cache = ModelCache(10 * KB)
    first = cache.load("a", lambda: block(2), 2 * KB)
    assert cache.load("a", lambda: pytest.fail("built twice"), 2 * KB) is first


def test_too_big_for_the_budget_is_refused_without_evicting():
    cache = ModelCache(10 * KB)
    cache.load("a", lambda: block(4), 4 * KB)
    with pytest.raises(MemoryBudgetError, match="needs 0.0 MB .* raise PERSONALQ_MEMORY_BUDGET_MB"):
        cache.load("big", lambda: pytest.fail("must not load"), 11 * KB, "the model")
    assert cache.keys() == ["a"]
