"""Drawing the images of image pairs: once each (cached on disk), one at a time, on a background thread.

The judging tab asks for the pair it shows and, while the evaluator looks at it, for the pair that
comes next, so a vote is not followed by a wait on a CPU. `ThreadPoolExecutor` with one worker keeps
the drawings in order; the generator's own lock keeps them apart from the chat's drawings.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from judging.pairs import IMAGE_SYSTEMS, ImagePair
from repo_store.schema import Checkpoint
from serve.generate import Generator, Settings


def cached_image(home: Path, pair: ImagePair, system: str, base_sha256: str, checkpoint: Checkpoint,
                 settings: Settings) -> Path:
    """Where a rendered image of a pair is kept: keyed by what drew it too, so a retrained base, a
    re-uploaded checkpoint or other configured steps and guidance never show an evaluator a stale image."""
    drawn_by = hashlib.sha256(f"{base_sha256}|{checkpoint.sha256}|{settings.steps}|{settings.guidance}"
                              .encode()).hexdigest()[:12]
    return home / "judging" / f"{pair.pair_id}-{system}-{drawn_by}.png"


class PairRenderer:
    def __init__(self, generator: Generator, records: Callable[[], dict[str, Checkpoint]], home: Path,
                 settings: Settings):
        self.generator = generator
        self.settings = settings  # steps and guidance of every drawing; seed, bits, protection come per pair
        self.records = records
        self.home = Path(home)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judging-render")
        self._jobs: dict[Path, Future] = {}
        self._lock = threading.Lock()
        self._progress: dict[Path, tuple[str, int, int]] = {}  # image being drawn → (phase, done, total)

    def path(self, pair: ImagePair, system: str) -> Path:
        checkpoint = self.records()[pair.checkpoint_id]
        return cached_image(self.home, pair, system, self.generator.store.fingerprint, checkpoint, self.settings)

    def submit(self, pair: ImagePair) -> list[Future]:
        """Futures of the pair's two image paths (left, right), drawn unless already on disk or queued."""
        futures = []
        with self._lock:
            for system in (pair.left, pair.right):
                path = self.path(pair, system)
                job = self._jobs.get(path)
                if path.is_file():
                    job = Future()
                    job.set_result(path)
                elif job is None or (job.done() and job.exception() is not None):
                    job = self._pool.submit(self._draw, pair, system, path)
                    self._jobs[path] = job
                futures.append(job)
        return futures

    def progress(self) -> dict[str, tuple[int, int]]:
        """The drawing under way: phase → (done, total)."""
        with self._lock:
            return {phase: (done, total) for phase, done, total in self._progress.values()}

    def ready(self, pair: ImagePair) -> bool:
        return all(self.path(pair, system).is_file() for system in (pair.left, pair.right))

    def _draw(self, pair: ImagePair, system: str, path: Path) -> Path:
        bits, protect = IMAGE_SYSTEMS[system]
        settings = replace(self.settings, seed=pair.seed, bits=bits, protect=protect)
        checkpoint = self.records()[pair.checkpoint_id]

        def report(phase: str, done: int, total: int) -> None:
            with self._lock:
                self._progress[path] = (phase, done, total)
        try:
            image = self.generator.generate(pair.prompt, checkpoint, settings, progress=report)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            image.save(tmp, format="PNG")
            tmp.replace(path)  # a half-written file is never taken for a finished image
        finally:
            with self._lock:
                self._progress.pop(path, None)
        return path

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
