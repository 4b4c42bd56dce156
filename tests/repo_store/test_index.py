"""The chroma index: incremental sync, model-change rebuild, filters, persistence across processes."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from repo_store import CheckpointIndex, Repository, load_repository, open_client
from tests.conftest import ROOT, meta, write_meta


class CountingEmbedder:
    """Wraps the real embedder and counts how many documents it embedded."""

    def __init__(self, inner, name=None):
        self.inner, self.name, self.embedded = inner, name or inner.name, 0

    def embed_documents(self, texts, progress=False):
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _repo(folder):
    write_meta(folder, "biscuit.yaml", meta("dog-biscuit-v1", name="Biscuit", subjects=["dog", "corgi"],
                                            description="A tan corgi with a red collar.", styles=["watercolor"],
                                            created_at="2025-04-03", version=1))
    write_meta(folder, "shadow.yaml", meta("dog-shadow-v1", name="Shadow", subjects=["dog", "labrador"],
                                           description="A black Labrador with a grey muzzle.", styles=["photorealistic"],
                                           created_at="2025-06-20", version=1))
    write_meta(folder, "miso.yaml", meta("cat-miso-v2", name="Miso", subjects=["cat", "tabby"],
                                         description="An orange tabby cat asleep on a sofa.", styles=["anime", "cartoon"],
                                         created_at="2024-11-30", version=2))
    return folder


def test_sync_embeds_only_what_changed(tmp_path, embedder):
    repo = _repo(tmp_path / "repo")
    counting = CountingEmbedder(embedder)
    index = CheckpointIndex(open_client(tmp_path / "home"), repo, counting)

    first = index.sync(load_repository(repo))
    assert sorted(first.added) == ["cat-miso-v2", "dog-biscuit-v1", "dog-shadow-v1"]
    assert counting.embedded == 3 and index.count() == 3

    again = index.sync(load_repository(repo))
    assert (again.embedded, again.unchanged, counting.embedded) == (0, 3, 3)

    write_meta(repo, "biscuit.yaml", meta("dog-biscuit-v1", name="Biscuit", subjects=["dog", "corgi"],
                                          description="A tan corgi with a BLUE collar.", created_at="2025-04-03"))
    (repo / "shadow.yaml").unlink()
    write_meta(repo, "mochi.yaml", meta("dog-mochi-v1", subjects=["dog", "shiba inu"]))
    changed = index.sync(load_repository(repo))
    assert changed.updated == ["dog-biscuit-v1"]
    assert changed.removed == ["dog-shadow-v1"]
    assert changed.added == ["dog-mochi-v1"]
    assert changed.unchanged == 1
    assert counting.embedded == 5  # 3 + the two that changed
    _, docs, records, _ = index.snapshot()
    assert sorted(records) == ["cat-miso-v2", "dog-biscuit-v1", "dog-mochi-v1"]
    assert any("BLUE collar" in d for d in docs)


def test_index_built_by_another_model_is_rebuilt_not_mixed(tmp_path, embedder):
    repo = _repo(tmp_path / "repo")
    client = open_client(tmp_path / "home")
    CheckpointIndex(client, repo, embedder).sync(load_repository(repo))

    other = CountingEmbedder(embedder, name="another-model")
    index = CheckpointIndex(client, repo, other)
    report = index.sync(load_repository(repo))
    assert report.rebuilt == "embedding model changed from 'all-MiniLM-L6-v2' to 'another-model'"
    assert other.embedded == 3 and index.count() == 3


def test_where_filters_on_dates_versions_styles_subjects(tmp_path, embedder):
    repo = _repo(tmp_path / "repo")
    index = CheckpointIndex(open_client(tmp_path / "home"), repo, embedder)
    index.sync(load_repository(repo))
    assert index.ids_matching({"created_month": 4}) == {"dog-biscuit-v1"}
    assert index.ids_matching({"created_at": {"$gte": 20250101}}) == {"dog-biscuit-v1", "dog-shadow-v1"}
    assert index.ids_matching({"version": 2}) == {"cat-miso-v2"}
    assert index.ids_matching({"styles": {"$contains": "cartoon"}}) == {"cat-miso-v2"}
    assert index.ids_matching({"subjects": {"$contains": "corgi"}}) == {"dog-biscuit-v1"}


@pytest.mark.slow  # runs app.py in a child process
def test_index_persists_across_process_restart(tmp_path, embedder):
    repo = _repo(tmp_path / "repo")
    home = tmp_path / "home"
    env = {**os.environ, "PERSONALQ_HOME": str(home)}
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "repo", "index", str(repo)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "indexed 3 checkpoints" in done.stdout

    counting = CountingEmbedder(embedder)
    store = Repository.open(repo, home, counting)
    assert store.last_sync.unchanged == 3 and counting.embedded == 0  # nothing re-embedded
    assert store.retrieve("a corgi", k=1)[0].checkpoint_id == "dog-biscuit-v1"


def test_reads_are_paged_and_lose_nothing(tmp_path, embedder):
    """Big repositories are read in pages (one read of ~100,000 records exceeds SQLite's variable limit)."""
    repo = _repo(tmp_path / "repo")
    index = CheckpointIndex(open_client(tmp_path / "home"), repo, embedder)
    index.sync(load_repository(repo))
    for page in (1, 2, 3, 5000):
        got = index._get_all(["metadatas"], page=page)
        assert sorted(got["ids"]) == ["cat-miso-v2", "dog-biscuit-v1", "dog-shadow-v1"] and len(got["metadatas"]) == 3
    assert index._get_all([], {"created_year": 2025}, page=1)["ids"] == index._get_all([], {"created_year": 2025})["ids"]
    assert len(index._get_all([], {"created_year": 2025}, page=1)["ids"]) == 2


def test_a_chroma_server_index_is_shared_by_every_client(tmp_path, embedder, chroma_server):
    """PERSONALQ_CHROMA_URL: one process syncs, another (its own HttpClient) retrieves without re-embedding."""
    repo = _repo(tmp_path / "repo")
    writer = Repository.open(repo, tmp_path / "home-a", embedder, client=open_client(tmp_path / "home-a", chroma_server.url))
    assert sorted(writer.last_sync.added) == ["cat-miso-v2", "dog-biscuit-v1", "dog-shadow-v1"]

    counting = CountingEmbedder(embedder)
    reader = Repository.open(repo, tmp_path / "home-b", counting, client=open_client(tmp_path / "home-b", chroma_server.url))
    assert (reader.last_sync.embedded, reader.last_sync.unchanged, counting.embedded) == (0, 3, 0)
    assert not (tmp_path / "home-b" / "chroma").exists()  # nothing stored locally
    local = Repository.open(repo, tmp_path / "home-c", embedder)  # the embedded folder, same records
    query = "an orange cat"
    assert [h.checkpoint_id for h in reader.retrieve(query, k=3)] == [h.checkpoint_id for h in local.retrieve(query, k=3)]
    assert reader.retrieve(query, k=1)[0].checkpoint_id == "cat-miso-v2"


def test_a_chroma_url_that_is_not_http_is_refused():
    import pytest

    with pytest.raises(ValueError, match="PERSONALQ_CHROMA_URL='localhost:8000' is not an http"):
        open_client("unused", "localhost:8000")
