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

pytestmark = pytest.mark.slow  # verifies every demo checkpoint's weights and redraws a thumbnail

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


def test_redrawing_a_thumbnail_draws_what_the_checkpoint_serves_and_leaves_weights_alone(tmp_path):
    import shutil

    import numpy as np
    import torch
    from PIL import Image

    from minisd.demo_repo import THUMBNAIL, redraw_thumbnails
    from minisd.model import BASE_DIR
    from serve.generate import Generator, Settings
    from serve.pipeline import Device

    for suffix in (".yaml", ".safetensors", ".png"):
        shutil.copy(DEMO_DIR / f"rex-v1{suffix}", tmp_path / f"rex-v1{suffix}")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix != ".png"}
    Image.new("RGB", (64, 64)).save(tmp_path / "rex-v1.png")  # a stale, black thumbnail
    assert redraw_thumbnails(tmp_path, BASE_DIR) == 1
    concept = next(c for c in DEMO_CONCEPTS if c.id == "rex-v1")
    checkpoint = load_repository(tmp_path).checkpoints["rex-v1"]
    expected = Generator(str(BASE_DIR), Device("cpu", torch.float32)).generate(concept.prompt(concept.thumbnail_scene()), checkpoint,
                                                                Settings(**THUMBNAIL))
    drawn = np.asarray(Image.open(tmp_path / "rex-v1.png"), dtype=np.int16)
    assert drawn.shape == (64, 64, 3) and np.abs(drawn - np.asarray(expected, dtype=np.int16)).max() <= 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix != ".png"} == before


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
