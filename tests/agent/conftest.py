"""A small repository that exercises every Check-in path, and graph factories over it."""
from __future__ import annotations

from datetime import date

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.graph import build_graph
from agent.vocab import Vocabulary
from repo_store import Repository
from tests.conftest import meta, write_records

NOW = date(2025, 5, 14)  # a Wednesday

CORGI = "A tan and white Pembroke corgi with a fluffy rump and a red collar."
LAB = "A black Labrador retriever with a grey muzzle."
RECORDS = [
    meta("dog-biscuit-v1", name="Biscuit", triggers=["<biscuit-v1>"], subjects=["dog", "corgi", "puppy"],
         description=CORGI, styles=["photorealistic"], created_at="2025-03-02", version=1),
    meta("dog-biscuit-v2", name="Biscuit", triggers=["<biscuit-v2>"], subjects=["dog", "corgi", "puppy"],
         description=CORGI, styles=["photorealistic"], created_at="2025-04-10", version=2),
    meta("dog-biscuit-v3", name="Biscuit", triggers=["<biscuit-v3>"], subjects=["dog", "corgi", "puppy"],
         description=CORGI, styles=["photorealistic"], created_at="2025-05-09", version=3),
    meta("dog-biscuit-anime-v1", name="Biscuit (anime)", triggers=["<biscuit-anime-v1>"],
         subjects=["dog", "corgi", "puppy"], description=CORGI + " Drawn as anime.", styles=["anime"],
         created_at="2025-04-20", version=1),
    meta("dog-shadow-v1", name="Shadow", triggers=["<shadow-v1>"], subjects=["dog", "labrador", "black lab"],
         description=LAB, styles=["photorealistic"], created_at="2025-02-01", version=1, last_used_at="2025-05-13"),
    meta("dog-shadow-v2", name="Shadow", triggers=["<shadow-v2>"], subjects=["dog", "labrador", "black lab"],
         description=LAB, styles=["photorealistic"], created_at="2025-05-12", version=2),
    meta("cat-miso-v1", name="Miso", triggers=["<miso-v1>"], subjects=["cat", "tabby", "kitten"],
         description="An orange tabby cat with striped legs.", styles=["cartoon"], created_at="2024-12-15", version=1),
    meta("bear-v3", name="Tan teddy bear", triggers=["<bear-v3>"], subjects=["bear", "teddy bear", "plush toy"],
         description="A small plush teddy bear, tan with a cream snout.", styles=["photorealistic"],
         created_at="2025-01-11", version=3),
    meta("bear-v4", name="Tan teddy bear", triggers=["<bear-v4>"], subjects=["bear", "teddy bear", "plush toy"],
         description="A small plush teddy bear, tan with a cream snout and belly.", styles=["photorealistic"],
         created_at="2025-04-11", version=4),
    meta("painting-swirl-v1", name="Swirl", triggers=["<swirl-v1>"], subjects=["painting", "painting style", "art style"],
         description="Thick swirling impasto brush strokes in blues and yellows.", styles=["oil painting"],
         created_at="2025-04-02", version=1),
    meta("person-grandma-rose-v1", name="Grandma Rose", triggers=["<grandma-rose-v1>"],
         subjects=["person", "grandmother", "grandma", "woman"], description="An elderly woman with silver curls.",
         styles=["photorealistic"], created_at="2025-03-20", version=1),
    meta("person-me-v1", name="Me", triggers=["<me-v1>"], subjects=["person", "me", "self portrait"],
         description="A man in his thirties with a short beard.", styles=["photorealistic"],
         created_at="2025-03-25", version=1),
]


@pytest.fixture(scope="session")
def repo_dir(tmp_path_factory):
    return write_records(tmp_path_factory.mktemp("checkin-repo"), RECORDS)


@pytest.fixture(scope="session")
def repository(repo_dir, tmp_path_factory, embedder):
    return Repository.open(repo_dir, tmp_path_factory.mktemp("checkin-home"), embedder)


@pytest.fixture(scope="session")
def vocab(repository):
    return Vocabulary.build(repository.checkpoints, repository.index.embedder)


@pytest.fixture
def checkin(repository, vocab):
    return CheckIn(build_graph(InMemorySaver(), repository, vocab))
