"""One repository folder, loaded, indexed and ready to retrieve from.

`Repository.open` is the factory the app and the agent use: it validates the
YAML files, brings the chroma index in line (incrementally), and builds the
hybrid retriever. Nothing here is global; callers pass the embedder in.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repo_store.embedding import Embedder
from repo_store.index import CheckpointIndex, SyncReport, open_client
from repo_store.loader import LoadResult, load_repository
from repo_store.retrieval import Hit, HybridRetriever
from repo_store.schema import Checkpoint


@dataclass
class Repository:
    loaded: LoadResult
    index: CheckpointIndex
    retriever: HybridRetriever
    last_sync: SyncReport

    @classmethod
    def open(cls, repo_dir: str | Path, home: str | Path, embedder: Embedder,
             progress: bool = False, client: Any = None) -> Repository:
        root = Path(repo_dir).expanduser().resolve()
        if not root.is_dir():
            load_repository(root)  # raises the loader's FileNotFoundError, before any index is created
        index = CheckpointIndex(client or open_client(home), root, embedder)
        loaded = load_repository(root, indexed=index.sources)  # a duplicate id stays with the indexed file
        report = index.sync(loaded, progress=progress)
        return cls(loaded, index, HybridRetriever(index), report)

    @property
    def checkpoints(self) -> dict[str, Checkpoint]:
        return self.loaded.checkpoints

    def get(self, checkpoint_id: str) -> Checkpoint:
        try:
            return self.loaded.checkpoints[checkpoint_id]
        except KeyError:
            raise KeyError(
                f"unknown checkpoint id {checkpoint_id!r}; `python app.py repo check {self.loaded.root}` lists the ids"
            ) from None

    def reload(self, progress: bool = False) -> SyncReport:
        """Re-read the folder and re-sync the index (only changed records are embedded)."""
        self.loaded = load_repository(self.loaded.root, indexed=self.index.sources)
        self.last_sync = self.index.sync(self.loaded, progress=progress)
        self.retriever.refresh()
        return self.last_sync

    def retrieve(self, query: str, k: int = 10, where: dict[str, Any] | None = None) -> list[Hit]:
        return self.retriever.retrieve(query, k=k, where=where)
