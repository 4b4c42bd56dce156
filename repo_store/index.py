"""The persistent checkpoint index: one chromadb collection per repository.

Documents are `render_document` texts, embeddings come from the `Embedder`
passed in (never chroma's default, which downloads), and metadata carries
dates as integers, version, styles and subjects so `where` filters work, plus
the full record as JSON so a process can retrieve without re-reading YAML.

`sync` is incremental: a record whose content hash is unchanged is not
re-embedded, removed files are removed, and an index built by another
embedding model is rebuilt rather than mixed. Every record carries its own
hash, so an interrupted sync is repaired by the next one.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings

from repo_store.embedding import Embedder
from repo_store.loader import LoadResult
from repo_store.schema import Checkpoint
from repo_store.text import content_hash, index_metadata, render_document

SCHEMA_VERSION = 1  # bump when render_document or index_metadata change shape
_BATCH = 512  # records per embed+upsert round; keeps memory flat on big repositories
GET_PAGE = 5000  # records per read; SQLite refuses one read of ~100,000 (too many SQL variables)


@dataclass
class SyncReport:
    """What a `sync` did, in ids."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    rebuilt: str | None = None  # why the collection was rebuilt, if it was
    seconds: float = 0.0

    @property
    def embedded(self) -> int:
        return len(self.added) + len(self.updated)


def open_client(home: str | Path, url: str | None = None) -> Any:
    """A chromadb HttpClient of the `chroma run` server at `url` when one is given (an index every
    process shares), else a PersistentClient under `home/chroma`; telemetry off either way."""
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"PERSONALQ_CHROMA_URL={url!r} is not an http(s)://host:port address")
        return chromadb.HttpClient(host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                                   ssl=parsed.scheme == "https", settings=Settings(anonymized_telemetry=False))
    path = Path(home).expanduser().resolve() / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def collection_name(repo_root: str | Path) -> str:
    """Chroma-safe collection name keyed by the repository's absolute path."""
    absolute = str(Path(repo_root).expanduser().resolve())
    return "repo-" + hashlib.sha256(absolute.encode()).hexdigest()[:24]


class CheckpointIndex:
    """Chroma collection for one repository folder, embedded by one model."""

    def __init__(self, client: Any, repo_root: str | Path, embedder: Embedder):
        self.client = client
        self.repo_root = str(Path(repo_root).expanduser().resolve())
        self.embedder = embedder
        self.name = collection_name(self.repo_root)
        self._collection = self._open()

    def _wanted_metadata(self) -> dict[str, Any]:
        return {"repo_root": self.repo_root, "embed_model": self.embedder.name, "schema": SCHEMA_VERSION}

    def _open(self) -> Any:
        """Open the stored collection as it is (its metadata says who built it), or create it."""
        if self.name in {c.name for c in self.client.list_collections()}:
            return self.client.get_collection(self.name, embedding_function=None)
        return self.client.create_collection(
            self.name,
            embedding_function=None,  # we always pass embeddings explicitly
            configuration={"hnsw": {"space": "cosine"}},
            metadata=self._wanted_metadata(),
        )

    def _stale_reason(self) -> str | None:
        have = self._collection.metadata or {}
        want = self._wanted_metadata()
        if have.get("embed_model") != want["embed_model"]:
            return f"embedding model changed from {have.get('embed_model')!r} to {want['embed_model']!r}"
        if have.get("schema") != want["schema"]:
            return f"index schema changed from {have.get('schema')!r} to {want['schema']!r}"
        return None

    def count(self) -> int:
        return self._collection.count()

    def sync(self, loaded: LoadResult, progress: bool = False) -> SyncReport:
        """Bring the collection in line with `loaded`; embed only what changed."""
        start = time.perf_counter()
        report = SyncReport()
        reason = self._stale_reason()
        if reason:
            self.client.delete_collection(self.name)
            self._collection = self._open()
            report.rebuilt = reason

        stored = self._get_all(["metadatas"])
        stored_hash = {i: (m or {}).get("content_hash") for i, m in zip(stored["ids"], stored["metadatas"])}
        wanted = loaded.checkpoints
        report.removed = sorted(set(stored_hash) - set(wanted))
        if report.removed:
            self._collection.delete(ids=report.removed)

        todo: list[Checkpoint] = []
        for ckpt_id, ckpt in wanted.items():
            digest = content_hash(ckpt)
            if stored_hash.get(ckpt_id) == digest:
                report.unchanged += 1
                continue
            (report.updated if ckpt_id in stored_hash else report.added).append(ckpt_id)
            todo.append(ckpt)

        bar = _progress(len(todo), progress)
        for i in range(0, len(todo), _BATCH):
            batch = todo[i:i + _BATCH]
            docs = [render_document(c) for c in batch]
            metas = [
                {**index_metadata(c), "content_hash": content_hash(c), "record": json.dumps(c.to_json())}
                for c in batch
            ]
            vectors = self.embedder.embed_documents(docs)
            self._collection.upsert(ids=[c.id for c in batch], documents=docs, metadatas=metas, embeddings=vectors)
            bar.update(len(batch))
        bar.close()
        report.seconds = time.perf_counter() - start
        return report

    def snapshot(self) -> tuple[list[str], list[str], dict[str, Checkpoint], dict[str, dict[str, Any]]]:
        """All ids, their documents, records and index metadata, in one read (for the lexical half)."""
        got = self._get_all(["documents", "metadatas"])
        records = {i: Checkpoint.from_json(json.loads(m["record"])) for i, m in zip(got["ids"], got["metadatas"])}
        metadatas = {i: {k: v for k, v in m.items() if k != "record"} for i, m in zip(got["ids"], got["metadatas"])}
        return list(got["ids"]), list(got["documents"]), records, metadatas

    def sources(self) -> dict[str, str]:
        """id → the metadata file each indexed record was read from."""
        got = self._get_all(["metadatas"])
        return {i: json.loads(m["record"]).get("source", "") for i, m in zip(got["ids"], got["metadatas"]) if m}

    def dense(self, query: str, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Top-n (id, cosine similarity) for `query`, optionally pre-filtered by `where`."""
        total = self.count()
        if total == 0 or n <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[self.embedder.embed_query(query)],
            n_results=min(n, total), where=where, include=["distances"],
        )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]

    def ids_matching(self, where: dict[str, Any]) -> set[str]:
        """Ids whose metadata satisfy a chroma `where` filter, as chroma evaluates it."""
        return set(self._get_all([], where)["ids"])

    def _get_all(self, include: list[str], where: dict[str, Any] | None = None, page: int = GET_PAGE) -> dict[str, list]:
        """`collection.get` in pages: one unpaged read of ~100,000 records exceeds SQLite's variable limit."""
        out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
        offset = 0
        while True:
            got = self._collection.get(where=where, include=include, limit=page, offset=offset)
            for key in out:
                out[key].extend(got[key])
            if len(got["ids"]) < page:
                return out
            offset += page


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="ckpt", disable=not enabled or total == 0)
