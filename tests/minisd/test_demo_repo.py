"""The bundled demo repository: every file valid and verified, and Check-in answering on it."""
from __future__ import annotations

from datetime import date

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.graph import build_graph
from minisd.concepts import DEMO_CONCEPTS
from minisd.demo_repo import BASE_NAME, DEMO_DIR
from repo_store import Repository
from repo_store.loader import load_repository, verify_weights

NOW = date(2026, 11, 22)


@pytest.fixture(scope="module")
def loaded():
    return load_repository(DEMO_DIR)


def test_every_checkpoint_loads_with_verified_weights_and_a_thumbnail(loaded):
    assert not loaded.refused and not loaded.warnings
    assert set(loaded.checkpoints) == {c.id for c in DEMO_CONCEPTS}
    for checkpoint in loaded.checkpoints.values():
        verify_weights(checkpoint)  # sha256 of the committed file
        assert checkpoint.base_model == BASE_NAME and checkpoint.thumbnail
        assert (DEMO_DIR / f"{checkpoint.id}.png").is_file()
    kinds = {c.kind for c in loaded.checkpoints.values()}
    assert kinds == {"lora", "dreambooth", "textual_inversion"}
    months = {c.created_at.strftime("%Y-%m") for c in loaded.checkpoints.values()}
    assert len(months) >= 10  # spread over a year


@pytest.fixture(scope="module")
def checkin(tmp_path_factory, embedder):
    repository = Repository.open(DEMO_DIR, tmp_path_factory.mktemp("demo-home"), embedder)
    return CheckIn(build_graph(InMemorySaver(), repository))


@pytest.mark.parametrize("query, status, checkpoint", [
    ("Rex in the snow", "selected", "rex-v3"),  # versions collapse to the newest
    ("my dog from last week", "selected", "rex-v3"),  # created 2026-11-12
    ("Mochi as a watercolor", "selected", "mochi-watercolor-v1"),
    ("a house in the dusk palette from September", "selected", "dusk-v2"),
    ("my teddy bear with the patch", "selected", "bruno-v2"),
    ("paint my dog on the beach", "clarify", None),  # Rex or Biscuit
    ("my cat at night", "clarify", None),  # Mochi in two styles
    ("my December watercolor", "no_match", None),
])
def test_check_in_on_the_demo(checkin, query, status, checkpoint):
    turn = checkin.ask(query, f"t-{abs(hash(query))}", NOW)
    assert (turn.status, turn.contract()["checkpoint"]) == (status, checkpoint)


def test_clarify_then_answer_on_the_demo(checkin):
    turn = checkin.ask("paint my dog on the beach", "t-dogs", NOW)
    assert set(turn.contract()["candidates"]) == {"rex-v3", "biscuit-v2"}
    final = checkin.reply("Biscuit", "t-dogs")
    assert final.contract()["checkpoint"] == "biscuit-v2"
    assert "<biscuit-v2>" in final.contract()["prompt"]
