"""The launched app driven through gradio_client: select → clarify → answer → image, errors, votes, upload."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from gradio_client import Client, handle_file
from PIL import Image
from safetensors.torch import save_file

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from judging.votes import VoteStore

pytestmark = pytest.mark.slow  # a launched app, driven over HTTP, drawing images


def texts(history: list[dict]) -> list[str]:
    return [part["text"] for message in history for part in message["content"] if part["type"] == "text"]


def text_only(history: list[dict]) -> list[dict]:
    """The history as a client may send it back (files shown in the browser are not re-uploaded here)."""
    return [m for m in history if all(part["type"] == "text" for part in m["content"])]


@pytest.fixture(scope="module")
def client(running_app):
    return Client(running_app.url, verbose=False)


def test_select_clarify_answer_and_image(running_app, client):
    session = {"thread": "test-dog"}
    _, history, gallery, session = client.predict("paint my dog on the beach", [], session, api_name="/send")
    assert texts(history)[-1].startswith("Do you mean Biscuit the puppy or Rex the puppy?")
    assert gallery["visible"] and [item["caption"].split(" — ")[0] for item in gallery["value"]] == \
        ["Biscuit the puppy", "Rex the puppy"]
    assert all(Path(item["image"]).is_file() for item in gallery["value"])  # the thumbnails are served

    # the pending question is in SQLite: a Check-in built afresh (as after a restart or reload) still has it
    fresh = CheckIn(build_graph(sqlite_checkpointer(running_app.cfg.home), running_app.services.repository))
    assert fresh.pending("test-dog") and fresh.turn("test-dog").question.startswith("Do you mean")

    _, history, gallery, session = client.predict("Rex", history, session, api_name="/send")
    said = texts(history)
    assert "Selected **Rex** (`rex-v3`)." in said and "Prompt: `paint <rex-v3> on the beach`" in said
    assert any(m["metadata"] and m["metadata"]["title"] == "Reasoning" for m in history)
    assert not gallery["visible"]

    history = client.predict(history, "float", True, 2, 0, 5.0, api_name="/generate")
    [image] = [part["file"] for m in history for part in m["content"] if part["type"] == "file"]
    with Image.open(image) as png:
        assert png.size == (64, 64)
    assert texts(history)[-1] == "Rex · full precision · 2 steps · seed 0"


def test_errors_are_readable_messages(running_app, client):
    session = {"thread": "test-errors"}
    for request, expected in (("   ", "The request is empty"), ("paint " * 400, "keep it under 2000")):
        _, history, _, _ = client.predict(request, [], session, api_name="/send")
        assert expected in texts(history)[-1]

    weights = running_app.repo / "bag-v1.safetensors"  # corrupt a served file: the sha256 check refuses it
    weights.write_bytes(weights.read_bytes()[:-1] + b"\x00")
    _, history, _, _ = client.predict("<bag-v1> in the snow", [], {"thread": "test-bag"}, api_name="/send")
    history = client.predict(text_only(history), "float", True, 2, 0, 5.0, api_name="/generate")
    assert "Could not generate the image: weights for 'bag-v1' fail the sha256 check" in texts(history)[-1]
    assert not any("Traceback" in t for t in texts(history))


def test_no_match_says_so_and_over_budget_is_a_message(running_app, client):
    _, history, gallery, _ = client.predict("paint my hamster on the beach", [], {"thread": "test-none"},
                                            api_name="/send")
    assert texts(history)[-1].startswith("No checkpoint") and not gallery["visible"]

    _, history, _, _ = client.predict("<rex-v2> in the snow", [], {"thread": "test-budget"}, api_name="/send")
    models = running_app.services.generator.models
    budget, models.budget = models.budget, 2**20  # 1 MB: no UNet fits
    models.make_room(0)  # evict what earlier tests loaded, as a restart with this budget would
    try:
        history = client.predict(text_only(history), "float", True, 2, 0, 5.0, api_name="/generate")
    finally:
        models.budget = budget
    assert "but the memory budget is 1.0 MB; raise PERSONALQ_MEMORY_BUDGET_MB" in texts(history)[-1]


def test_a_vote_is_stored_and_counted(running_app, client):
    state_request, *_ = client.predict("ann", api_name="/next_selection")
    assert state_request.startswith("**Request:**")
    *_, status = client.predict("ann", api_name="/vote_selection_left")
    assert status == "Vote stored (left)."
    table, csv_path = client.predict(api_name="/results")
    [row] = [r for r in table["data"] if r[0] == "selection"]
    assert row[2] == 1 and row[3] + row[4] == 1  # one vote, for whichever system was on the left
    assert "checkin vs" in row[1] and Path(csv_path).read_text().count("\n") == 2
    [stored] = VoteStore(running_app.cfg.home / "votes.sqlite").votes()  # on disk, from another connection
    assert (stored.evaluator, stored.choice) == ("ann", "left")


def test_upload_is_indexed_at_once_and_pickle_refused(running_app, client, tmp_path):
    pickle = tmp_path / "teddy.ckpt"
    pickle.write_bytes(b"\x80\x04")
    form = ["teddy-v9", "Striped teddy", "<teddy-v9>", "teddy bear, bear", "A striped teddy bear.", "cartoon",
            "2026-11-20", 9, "lora", "minisd-64"]
    status, *_ = client.predict(handle_file(str(pickle)), None, *form, api_name="/add_checkpoint")
    assert status.startswith("Not added:") and "pickle checkpoints" in status

    weights = tmp_path / "teddy.safetensors"
    save_file({"unet.down.lora_A.weight": torch.zeros(2, 2)}, weights)
    status, _, table, _ = client.predict(handle_file(str(weights)), None, *form, api_name="/add_checkpoint")
    assert status.startswith("Added **Striped teddy** (`teddy-v9`")
    assert "teddy-v9" in [row[0] for row in table["data"]]
    _, history, _, _ = client.predict("the striped teddy bear at the beach", [], {"thread": "test-teddy"},
                                      api_name="/send")
    assert "Selected **Striped teddy** (`teddy-v9`)." in texts(history)


def test_search_narrows_to_matching_checkpoints(client):
    _, table, note = client.predict("mochi", api_name="/browse")
    ids = [row[0] for row in table["data"]]
    assert set(ids) == {"mochi-v1", "mochi-v2", "mochi-watercolor-v1"} and note.startswith("3 checkpoints match")
    _, table, note = client.predict("qwzx", api_name="/browse")
    assert note.startswith("No checkpoint uses the words “qwzx”") and len(table["data"]) == 8
    _, table, note = client.predict("", api_name="/browse")
    assert note.startswith("2") and ids[0] in [row[0] for row in table["data"]]
