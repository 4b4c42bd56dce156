"""Only $PERSONALQ_HOME/public is served; a thread id is not a credential; thumbnails never break a page."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from agent.checkin import CheckIn, sqlite_checkpointer
from agent.graph import build_graph
from ui.session_threads import thread_id


def texts(history: list[dict]) -> list[str]:
    return [part["text"] for message in history for part in message["content"] if part["type"] == "text"]


def fetch(served, path: Path | str) -> httpx.Response:
    return httpx.get(f"{served.url}gradio_api/file={path}", timeout=30)


@pytest.fixture(scope="module")
def client(served):
    return Client(served.url, verbose=False)


def test_home_databases_secret_and_repository_are_not_served(served, client):
    client.predict("paint my dog on the beach", [], {"key": "0" * 32}, api_name="/send")  # threads.sqlite exists
    home = served.home.resolve()
    private = [home / "threads.sqlite", home / "votes.sqlite", home / "browser_secret",
               served.repo / "rex-v1.safetensors", served.repo / "rex-v1.yaml", served.repo / "bag-v1.png"]
    private += [p for p in (home / "chroma").rglob("*") if p.is_file()][:3]
    assert all(p.is_file() for p in private)
    for path in private:
        assert fetch(served, path).status_code in (403, 404), path
    assert fetch(served, Path(__file__).resolve()).status_code in (403, 404)  # a source file of the project
    assert fetch(served, served.services.public.placeholder).status_code == 200  # the public folder is served


def test_a_thread_id_alone_does_not_answer_another_visitors_question(served, client):
    victim = {"key": "1" * 32}
    _, history, _, _ = client.predict("paint my dog on the beach", [], victim, api_name="/send")
    assert texts(history)[-1].startswith("Do you mean")
    victim_thread = thread_id(served.services.browser_secret, victim)
    # the attacker knows the victim's thread id (say from a leaked database) and sends it as its session
    for forged in ({"thread": victim_thread}, {"key": victim_thread}, {"key": "2" * 32, "thread": victim_thread}):
        _, history, _, session = client.predict("Rex", [], forged, api_name="/send")
        assert thread_id(served.services.browser_secret, session) != victim_thread
    fresh = CheckIn(build_graph(sqlite_checkpointer(served.cfg.home), served.services.repository))
    assert fresh.pending(victim_thread)  # the victim's question is still waiting, unanswered
    _, history, _, _ = client.predict("Rex", [], victim, api_name="/send")  # the victim's own browser answers
    assert "Selected **Rex** (`rex-v3`)." in texts(history)


def test_clarification_with_missing_and_unreadable_thumbnails_shows_placeholders(served, client):
    _, history, gallery, _ = client.predict("paint my dog on the beach", [], {"key": "3" * 32}, api_name="/send")
    assert texts(history)[-1].startswith("Do you mean Biscuit the dog or Rex the dog?")
    images = [item["image"] for item in gallery["value"]]
    assert len(images) == 2 and all(Path(p).is_file() for p in images)
    public = served.services.public
    assert public.thumbnail(served.services.repository.checkpoints["biscuit-v2"]) == public.placeholder
    assert public.thumbnail(served.services.repository.checkpoints["rex-v3"]) == public.placeholder
    good = public.thumbnail(served.services.repository.checkpoints["rex-v2"])
    assert good != public.placeholder and Path(good).read_bytes() == (served.repo / "rex-v2.png").read_bytes()
    assert Path(good).is_relative_to(public.root)


def test_repository_tab_and_judging_show_every_checkpoint_with_an_image(served, client):
    gallery, table, _ = client.predict("", api_name="/browse")
    assert len(gallery) == len(table["data"]) == len(served.services.repository.checkpoints)
    request, left, left_card, right, right_card, status = client.predict("ann", api_name="/next_selection")
    assert status == "" and request.startswith("**Request:**")
    for image, card in ((left, left_card), (right, right_card)):  # a card for a checkpoint always has its image
        assert (image is None) == card.startswith("### No checkpoint")
        assert image is None or Path(image).is_file()


def test_uploads_over_the_limit_are_cut_off_while_received(served):
    big = b"\0" * (2 * 2**20)  # the fixture serves with PERSONALQ_MAX_UPLOAD_MB=1
    response = httpx.post(f"{served.url}gradio_api/upload", files={"files": ("big.safetensors", big)}, timeout=60)
    assert response.status_code == 413
    small = httpx.post(f"{served.url}gradio_api/upload", files={"files": ("a.txt", b"hello")}, timeout=60)
    assert small.status_code == 200


def test_beyond_localhost_a_login_is_required(served, capsys):
    from app import main
    from tests.ui.conftest import free_port
    from ui.app import launch

    with pytest.raises(ValueError, match="PERSONALQ_AUTH"):
        launch(served.services, host="0.0.0.0", port=free_port(), block=False)
    port = free_port()
    demo = launch(served.services, host="0.0.0.0", port=port, block=False, auth=[("ann", "s3cret")])
    try:
        url = f"http://127.0.0.1:{port}/"
        anonymous = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.txt", b"hi")}, timeout=30)
        assert anonymous.status_code in (401, 403)
        assert httpx.get(f"{url}gradio_api/file={served.services.public.placeholder}", timeout=30).status_code \
            in (401, 403)
        logged_in = Client(url, auth=("ann", "s3cret"), verbose=False)
        table, _ = logged_in.predict(api_name="/results")
        assert table["headers"][0] == "task"
    finally:
        demo.close()
    assert main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    assert "PERSONALQ_AUTH" in capsys.readouterr().err
