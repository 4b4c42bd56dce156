"""What the web app's handlers work with, built by app.py from the configuration and passed in.

Two backends behind the same two interfaces: in one process, `CheckIn` and `Generator` themselves;
with `serve --ray`, `serve.ray_app.RayCheckIn` and `RayGenerator`, which call Ray Serve deployments."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from agent.checkin import Turn
from judging.pairs import ImagePairs, SelectionPairs
from judging.render import PairRenderer
from judging.votes import VoteStore
from repo_store.store import Repository
from repo_store.schema import Checkpoint
from serve.generate import Settings
from ui.public_files import PublicFiles


class CheckInBackend(Protocol):
    """Check-in conversations (`agent.checkin.CheckIn` in process)."""

    graph: Any  # `graph.get_state(config).values`: the thread's state

    def ask(self, request: str, thread_id: str, now: date | None = None) -> Turn: ...
    def reply(self, answer: str, thread_id: str) -> Turn: ...
    def pending(self, thread_id: str) -> bool: ...
    def turn(self, thread_id: str) -> Turn: ...
    def history(self, thread_id: str) -> list[Any]: ...
    def draw(self, thread_id: str, generation: dict[str, Any]) -> Iterator[dict[str, Any]]: ...


class ImageBackend(Protocol):
    """Images from checkpoints (`serve.generate.Generator` in process)."""

    base: str  # the base model's name
    device: Any  # `device.dtype`: the float precision offered
    store: Any  # the quantized-model cache on disk (`cached`, `fingerprint`)

    def generate(self, prompt: str, checkpoint: Checkpoint | None = None, settings: Settings = ...,
                 progress: Any = None, show_bar: bool = False) -> Any: ...


@dataclass
class Services:
    repository: Repository
    checkin: CheckInBackend
    generator: ImageBackend
    settings: Settings  # the configured defaults (steps, guidance) for chat and judging images
    votes: VoteStore
    home: Path
    build_checkin: Callable[[Repository], CheckInBackend]  # rebuilt after an upload: the reasoner reads the records
    build_selection_pairs: Callable[[Services], SelectionPairs]
    browser_secret: str  # encrypts the browser key and keys the thread ids (HMAC); stable across restarts
    today: Callable[[], date] = date.today
    max_upload_mb: int = 2048  # uploads larger than this are cut off while they are received
    public: PublicFiles | None = None  # the only folder served; built from `home` when not given
    _selection_pairs: SelectionPairs | None = field(default=None, repr=False)
    _renderer: PairRenderer | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.public is None:
            self.public = PublicFiles(self.home)

    @property
    def images_dir(self) -> Path:
        return self.public.images

    def selection_pairs(self) -> SelectionPairs:
        with self._lock:
            if self._selection_pairs is None:
                self._selection_pairs = self.build_selection_pairs(self)
            return self._selection_pairs

    def renderer(self) -> PairRenderer:
        """The judging tab's background drawer of image pairs (one for the app)."""
        with self._lock:
            if self._renderer is None:
                self._renderer = PairRenderer(self.generator, lambda: self.repository.checkpoints, self.public.root,
                                              self.settings)
            return self._renderer

    def image_pairs(self) -> ImagePairs:
        return ImagePairs(self.repository.checkpoints)

    def refresh_repository(self) -> None:
        """Re-read the folder, re-sync the index, rebuild Check-in over the new records."""
        with self._lock:
            self.repository.reload()
            self.checkin = self.build_checkin(self.repository)
            self._selection_pairs = None
