"""The launched app driven through gradio_client: select → clarify → answer → image, errors, votes, upload."""
from __future__ import annotations

from pathlib import Path

import csv
import io

import numpy as np
import pytest
import torch
from gradio_client import Client, handle_file
from PIL import Image
from safetensors.torch import save_file

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from judging.votes import VoteStore
from errors import InputError
from ui.chat import EXAMPLES, explain, form_number, transcript
from ui.judging import RESULT_COLUMNS
from ui.session_threads import thread_id

pytestmark = pytest.mark.slow  # a launched app, driven over HTTP, drawing images


def texts(history: list[dict]) -> list[str]:
    return [part["text"] for message in history for part in message["content"] if part["type"] == "text"]


def local(file) -> str:
    """A file the client received, as a local path (a path, a FileData dict, or a component update)."""
    return (file.get("path") or file.get("value")) if isinstance(file, dict) else file


def text_only(history: list[dict]) -> list[dict]:
    """The history as a client may send it back (files shown in the browser are not re-uploaded here)."""
    return [m for m in history if all(part["type"] == "text" for part in m["content"])]


@pytest.fixture(scope="module")
def client(running_app):
    return Client(running_app.url, verbose=False)


def test_select_clarify_answer_and_image(running_app, client):
    session = {"key": "d0" * 16}  # the browser's key; the thread id is derived from it (ui/session_threads.py)
    thread = thread_id(running_app.services.browser_secret, session)
    _, history, gallery, session = client.predict("paint my dog on the beach", [], session, api_name="/send")
    assert texts(history)[-1].startswith("Do you mean Biscuit the dog or Rex the dog?")
    assert gallery["visible"] and [item["caption"].split(" — ")[0] for item in gallery["value"]] == \
        ["Biscuit the dog", "Rex the dog"]
    for item in gallery["value"]:  # the thumbnails are served enlarged, whole and sharp
        with Image.open(local(item["image"])) as shown:
            assert shown.size == (512, 512)

    # the pending question is in SQLite: a Check-in built afresh (as after a restart or reload) still has it
    fresh = CheckIn(build_graph(sqlite_checkpointer(running_app.cfg.home), running_app.services.repository))
    assert fresh.pending(thread) and fresh.turn(thread).question.startswith("Do you mean")

    _, history, gallery, session = client.predict("Rex", history, session, api_name="/send")
    said = texts(history)
    assert "Selected **Rex** (`rex-v3`)." in said and "Prompt: `paint <rex-v3> on the beach`" in said
    assert any(m["metadata"] and m["metadata"]["title"] == "Reasoning" for m in history)
    assert not gallery["visible"]

    history, progress, original = client.predict(history, "float", True, 2, 0, 5.0, api_name="/generate")
    [image] = [part["file"] for m in history for part in m["content"] if part["type"] == "file"]
    with Image.open(local(image)) as shown, Image.open(local(original)) as drawn:
        assert drawn.size == (64, 64) and shown.size == (512, 512)  # the original for download, 8x for the page
        assert np.array_equal(np.asarray(shown.convert("RGB"))[::8, ::8], np.asarray(drawn.convert("RGB")))
    assert texts(history)[-1] == "Rex · full precision · 2 steps · seed 0"
    assert progress == ""  # the bars go once the image is there

    # a reload replays the whole thread from SQLite: request, question, answer, selection, image
    shown, options, last = transcript(running_app.services, thread)
    said = [m["content"] if isinstance(m["content"], str) else "<image>" for m in shown]
    assert said[:3] == ["paint my dog on the beach", said[1], "Rex"] and said[1].startswith("Do you mean Biscuit")
    assert said[3:] == ["Selected **Rex** (`rex-v3`).", said[4], "Prompt: `paint <rex-v3> on the beach`", "<image>",
                        "Rex · full precision · 2 steps · seed 0"] and shown[4]["metadata"]["title"] == "Reasoning"
    assert options == [] and Path(last).parent == running_app.services.public.images
    assert Path(last).name.startswith("rex-v3-")


def test_the_generate_node_streams_one_bar_per_phase(running_app):
    """The app's own graph draws with TAQ in its generate node; progress comes through the custom stream."""
    checkin = running_app.services.checkin
    turn = checkin.ask("<mochi-v2> in the snow", "test-stream")
    assert (turn.status, turn.checkpoint) == ("selected", "mochi-v2")
    events = list(checkin.draw("test-stream", {"steps": 3, "seed": 1, "guidance": 5.0, "bits": "w8a8",
                                               "protect": "trigger"}))
    phases = [e["phase"] for e in events]
    calibrating = [e for e in events if e["phase"] == "calibrating"]
    assert phases == ["calibrating"] * len(calibrating) + ["denoising"] * 3 and calibrating
    assert [e["done"] for e in calibrating] == list(range(1, len(calibrating) + 1))
    assert {e["total"] for e in calibrating} == {len(calibrating)}
    assert [(e["done"], e["total"]) for e in events[-3:]] == [(1, 3), (2, 3), (3, 3)]
    values = checkin.graph.get_state({"configurable": {"thread_id": "test-stream"}}).values
    assert values["drawn"]["label"] == "8-bit, trigger protected" and Path(values["image"]).is_file()
    with pytest.raises(ValueError, match="no selected checkpoint waiting to be drawn"):
        list(checkin.draw("test-stream", {"steps": 3}))


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_shown_works_on_the_bundled_repository(running_app, example):
    turn = running_app.services.checkin.ask(example, f"test-example-{EXAMPLES.index(example)}",
                                            running_app.services.today())
    expected = {EXAMPLES[0]: ("clarify", None), EXAMPLES[1]: ("selected", "dusk-v1"),
                EXAMPLES[2]: ("selected", "bruno-v2")}[example]
    assert (turn.status, turn.checkpoint) == expected


def test_markup_is_shown_as_typed_and_never_reaches_the_prompt(client):
    session = {"thread": "test-markup"}
    typed = "<b>paint</b> <rex-v3> <script>alert(1)</script>on the beach"
    box, history, _, _ = client.predict(typed, [], session, api_name="/send")
    assert box == ""
    [request] = [t for m in history if m["role"] == "user" for t in texts([m])]
    assert "<b>" not in request and "&lt;b&gt;" in request and "&lt;script&gt;" in request
    assert "Prompt: `paint <rex-v3> on the beach`" in texts(history)


def test_errors_are_readable_messages(running_app, client):
    session = {"thread": "test-errors"}
    for request, expected in (("   ", "The request is empty"), ("paint " * 400, "keep it under 2000")):
        box, history, _, _ = client.predict(request, [], session, api_name="/send")
        assert expected in texts(history)[-1]
        assert box == request  # a refused request stays in the input box, to be edited

    weights = running_app.repo / "bag-v1.safetensors"  # corrupt a served file: the sha256 check refuses it
    intact = weights.read_bytes()
    weights.write_bytes(intact[:-1] + b"\x00")
    try:
        _, history, _, _ = client.predict("<bag-v1> in the snow", [], {"thread": "test-bag"}, api_name="/send")
        history, _, _ = client.predict(text_only(history), "float", True, 2, 0, 5.0, api_name="/generate")
    finally:
        weights.write_bytes(intact)  # the other tests of this app (the browser's judging pairs) draw bag-v1
    assert "Could not generate the image: weights for 'bag-v1' fail the sha256 check" in texts(history)[-1]
    assert not any("Traceback" in t for t in texts(history))


def test_no_match_says_so_and_over_budget_is_a_message(running_app, client):
    _, history, gallery, _ = client.predict("paint my hamster on the beach", [], {"thread": "test-none"},
                                            api_name="/send")
    assert texts(history)[-1].startswith("No checkpoint") and not gallery["visible"]
    assert texts(history)[-1].count("Closest") == 1  # the closest checkpoints are listed once

    _, history, _, _ = client.predict("<rex-v2> in the snow", [], {"thread": "test-budget"}, api_name="/send")
    if not hasattr(running_app.services.generator, "models"):
        pytest.skip("under --ray the memory budget lives in the generation replicas (PERSONALQ_RAY_REPLICA_MEMORY_MB)")
    models = running_app.services.generator.models
    budget, models.budget = models.budget, 2**20  # 1 MB: no UNet fits
    models.make_room(0)  # evict what earlier tests loaded, as a restart with this budget would
    try:
        history, _, _ = client.predict(text_only(history), "float", True, 2, 0, 5.0, api_name="/generate")
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
    assert "checkin vs" in row[1]
    rows = list(csv.reader(io.StringIO(Path(csv_path).read_text())))
    assert rows[0] == RESULT_COLUMNS and rows[1:] == [[str(v) for v in r] for r in table["data"]]
    [stored] = VoteStore(running_app.cfg.home / "votes.sqlite").votes()  # on disk, from another connection
    assert (stored.evaluator, stored.choice) == ("ann", "left")


def test_upload_is_indexed_at_once_and_pickle_refused(running_app, client, tmp_path):
    pickle = tmp_path / "teddy.ckpt"
    pickle.write_bytes(b"\x80\x04")
    form = ["teddy-v9", "Striped teddy", "<teddy-v9>", "teddy bear, bear", "A striped teddy bear.", "cartoon",
            "2026-11-20", "9", "lora", "minisd-64"]
    status, *_ = client.predict(handle_file(str(pickle)), None, *form, api_name="/add_checkpoint")
    assert status.startswith("Not added:") and "pickle checkpoints" in status
    status, *_ = client.predict(handle_file(str(pickle)), None, *form[:7], "nine", *form[8:], api_name="/add_checkpoint")
    assert status == "Not added: version 'nine' is not a whole number; leave it empty or write e.g. 5"

    weights = tmp_path / "teddy.safetensors"
    save_file({"unet.down.lora_A.weight": torch.zeros(2, 2)}, weights)
    status, _, table, _ = client.predict(handle_file(str(weights)), None, *form, api_name="/add_checkpoint")
    assert status.startswith("Added **Striped teddy** (`teddy-v9`")
    assert f"to the repository folder `{running_app.repo.resolve()}`" in status
    assert (running_app.repo / "teddy-v9.safetensors").is_file()
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


def test_a_new_request_while_a_question_waits_starts_a_new_turn(running_app, client):
    session = {"key": "e1" * 16}
    _, history, gallery, session = client.predict("paint my dog on the beach", [], session, api_name="/send")
    assert texts(history)[-1].startswith("Do you mean Biscuit the dog or Rex the dog?")
    _, history, gallery, session = client.predict("actually, paint my teddy on a boat", history, session,
                                                  api_name="/send")
    said = texts(history)
    assert "Starting a new request." in said and not any("did not catch" in t for t in said)
    # a teddy is chosen (the upload test may add another teddy to this app's repository), for the new request
    chosen = [t for t in said if t.startswith("Selected **")]
    assert chosen and "teddy" in chosen[-1].lower() + str(running_app.services.repository.get(
        chosen[-1].split("`")[1]).subjects).lower()
    assert any(t.startswith("Prompt: `") and "boat" in t and "dog" not in t for t in said)
    assert not gallery["visible"]


@pytest.mark.parametrize(("value", "field", "whole", "message"), [
    (float("inf"), "seed", True, "seed inf is not a whole number"),
    (float("nan"), "steps", True, "steps nan is not a whole number"),
    (None, "seed", True, "seed None is not a whole number"),
    (2.5, "steps", True, "steps 2.5 is not a whole number"),
    ("-inf", "guidance", False, "guidance '-inf' is not a finite number"),
])
def test_form_numbers_that_are_not_numbers_get_a_message_naming_field_and_value(value, field, whole, message):
    with pytest.raises(InputError) as err:
        form_number(value, field, whole=whole)
    assert str(err.value) == message and explain(err.value) == message


def test_form_numbers_keep_their_value():
    assert form_number(7.0, "seed", whole=True) == 7 and isinstance(form_number(7.0, "seed", whole=True), int)
    assert form_number("5.5", "guidance") == 5.5
