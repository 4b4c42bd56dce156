"""What the web app's handlers work with, built by app.py from the configuration and passed in."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from agent.checkin import CheckIn
from judging.pairs import ImagePairs, SelectionPairs
from judging.render import PairRenderer
from judging.votes import VoteStore
from repo_store.store import Repository
from serve.generate import Generator, Settings
from ui.public_files import PublicFiles


@dataclass
class Services:
    repository: Repository
    checkin: CheckIn
    generator: Generator
    settings: Settings  # the configured defaults (steps, guidance) for chat and judging images
    votes: VoteStore
    home: Path
    build_checkin: Callable[[Repository], CheckIn]  # rebuilt after an upload: the reasoner reads the records
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
