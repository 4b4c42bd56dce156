"""The checkpoint repository: metadata validation, the chroma + BM25 index, hybrid retrieval.

Never imports torch or diffusers itself; the sentence-transformers embedder is
built by `load_embedder` and passed in.
"""
from repo_store.embedding import Embedder, load_embedder
from repo_store.index import CheckpointIndex, SyncReport, open_client
from repo_store.loader import LoadResult, Refusal, WeightsError, load_repository, verify_weights
from repo_store.retrieval import Hit, HybridRetriever
from repo_store.schema import Checkpoint
from repo_store.store import Repository

__all__ = [
    "Checkpoint", "CheckpointIndex", "Embedder", "Hit", "HybridRetriever", "LoadResult", "Refusal",
    "Repository", "SyncReport", "WeightsError", "load_embedder", "load_repository", "open_client",
    "verify_weights",
]
