"""Concurrent query embeddings share one model call.

Twenty selections arriving together used to run twenty `encode([text])` calls side by side, each
asking torch for every core: on a busy 2-core machine the intra-op threads spin against each
other and one short query took ~0.9 s instead of ~0.1 s. Here one worker thread owns the model
for queries: it runs single-threaded (`torch.set_num_threads(1)` applies to that thread only) and
encodes whatever has queued up since its last call as one batch (a batch of 20 short queries
costs about four single queries). Repeated texts come from a small LRU cache.
"""
from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future

Encode = Callable[[Sequence[str]], list[list[float]]]


class QueryBatcher:
    def __init__(self, encode: Encode, max_batch: int = 64, cache_size: int = 4096):
        self._encode = encode
        self._max_batch = max_batch
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = cache_size
        self._queue: queue.SimpleQueue[tuple[str, Future]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def embed(self, text: str) -> list[float]:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="query-embedder", daemon=True)
                self._worker.start()
        done: Future = Future()
        self._queue.put((text, done))
        vector = done.result()
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def _run(self) -> None:
        try:
            import torch

            torch.set_num_threads(1)  # this thread only; image generation keeps every core
        except ImportError:  # pragma: no cover - torch comes with sentence-transformers
            pass
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            texts = list(dict.fromkeys(text for text, _ in batch))
            try:
                vectors = dict(zip(texts, self._encode(texts)))
            except BaseException as err:  # noqa: BLE001 - handed to every waiting caller
                for _, done in batch:
                    done.set_exception(err)
                continue
            for text, done in batch:
                done.set_result(vectors[text])
