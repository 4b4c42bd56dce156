"""Concurrent query embeddings share model calls; every caller gets its own text's vector; errors reach callers."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from repo_store.query_batcher import QueryBatcher


class SlowModel:
    def __init__(self):
        self.batches: list[list[str]] = []
        self.threads: set[int] = set()

    def encode(self, texts):
        self.batches.append(list(texts))
        self.threads.add(threading.get_ident())
        time.sleep(0.05)
        return [[float(len(t)), float(sum(map(ord, t)))] for t in texts]


def test_twenty_callers_at_once_share_a_few_model_calls():
    model = SlowModel()
    batcher = QueryBatcher(model.encode)
    texts = [f"query number {i}" + "x" * i for i in range(20)]
    barrier = threading.Barrier(20)

    def call(text):
        barrier.wait()
        return batcher.embed(text)

    with ThreadPoolExecutor(20) as pool:
        vectors = list(pool.map(call, texts))
    assert vectors == [[float(len(t)), float(sum(map(ord, t)))] for t in texts]
    assert sorted(t for batch in model.batches for t in batch) == sorted(texts)  # each text encoded once
    assert len(model.batches) <= 3 and len(model.threads) == 1  # one worker, batches instead of 20 calls


def test_repeated_text_comes_from_the_cache_and_errors_reach_the_caller():
    model = SlowModel()
    batcher = QueryBatcher(model.encode, cache_size=2)
    assert batcher.embed("dog") == batcher.embed("dog")
    assert model.batches == [["dog"]]

    def broken(texts):
        raise RuntimeError("model fell over")

    failing = QueryBatcher(broken)
    with pytest.raises(RuntimeError, match="model fell over"):
        failing.embed("cat")
    with pytest.raises(RuntimeError, match="model fell over"):  # the worker survives a failed batch
        failing.embed("cat")


def test_the_real_embedder_gives_the_same_vectors_batched(embedder):
    texts = ["paint my dog on the beach", "the watercolor style from March", "v2 of the teddy bear"]
    with ThreadPoolExecutor(3) as pool:
        batched = list(pool.map(embedder.embed_query, texts))
    direct = embedder.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    for got, want in zip(batched, direct):
        assert max(abs(a - b) for a, b in zip(got, want)) < 1e-5
