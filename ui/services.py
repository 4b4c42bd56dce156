"""What the web app's handlers work with, built by app.py from the configuration and passed in."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from agent.checkin import CheckIn
from judging.pairs import ImagePairs, SelectionPairs
from judging.votes import VoteStore
from repo_store.store import Repository
from serve.generate import Generator, Settings


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
    browser_secret: str  # encrypts the thread id kept in the browser; stable across restarts
    today: Callable[[], date] = date.today
    _selection_pairs: SelectionPairs | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def images_dir(self) -> Path:
        path = self.home / "images"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def selection_pairs(self) -> SelectionPairs:
        with self._lock:
            if self._selection_pairs is None:
                self._selection_pairs = self.build_selection_pairs(self)
            return self._selection_pairs

    def image_pairs(self) -> ImagePairs:
        return ImagePairs(self.repository.checkpoints)

    def refresh_repository(self) -> None:
        """Re-read the folder, re-sync the index, rebuild Check-in over the new records."""
        with self._lock:
            self.repository.reload()
            self.checkin = self.build_checkin(self.repository)
            self._selection_pairs = None
