"""The paper's Table 8 repository: ids without display names, styles only in descriptions."""
from __future__ import annotations

from datetime import date

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.graph import build_graph
from repo_store import Repository
from tests.conftest import meta, write_records

CATS = [
    meta("cat-v3", subjects=["cat", "domestic shorthair"], created_at="2025-01-11", version=3,
         description="Photorealistic gray domestic short-hair cats. Trained on beach/coastal scenes with natural lighting."),
    meta("tooncat", subjects=["cat"], created_at="2024-12-15", version=2,
         description="Stylized cartoon cats with vibrant colors and exaggerated features. Best for whimsical illustrations."),
    meta("siamese-ckpt", subjects=["cat", "siamese"], created_at="2025-01-20", version=4,
         description="Siamese cats with blue eyes and color-point patterns. Optimized for indoor settings."),
    meta("tabby-orange", subjects=["cat", "tabby"], created_at="2024-11-30", version=1,
         description="Orange tabby cats with striped patterns. Excels at outdoor garden/forest scenes."),
]


@pytest.fixture(scope="module")
def checkin(tmp_path_factory, embedder):
    folder = write_records(tmp_path_factory.mktemp("paper-repo"), CATS)
    store = Repository.open(folder, tmp_path_factory.mktemp("paper-home"), embedder)
    return CheckIn(build_graph(InMemorySaver(), store))


NOW = date(2025, 2, 1)


@pytest.mark.parametrize(("text", "checkpoint_id"), [
    # the paper's own answer (Table 8): "photo" prefers photorealistic, then the newest of those
    ("Generate a photo of the latest cat model on a beach at sunset", "cat-v3"),
    ("the latest cat model on a beach at sunset", "siamese-ckpt"),
    ("the cartoon cat chasing a mouse", "tooncat"),
    ("my cat from November", "tabby-orange"),
    ("cat v3 on the beach", "cat-v3"),
    ("my tabby in the garden", "tabby-orange"),
])
def test_paper_repository_selections(checkin, text, checkpoint_id):
    turn = checkin.ask(text, f"paper-{len(text)}", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", checkpoint_id), turn.reasoning


def test_question_without_display_names_never_shows_ids(checkin):
    turn = checkin.ask("my cat on a sofa", "paper-q", NOW)
    assert turn.status == "clarify"
    for cat in CATS:
        assert cat["id"] not in turn.question
    assert all(option["id"] not in option["name"] for option in turn.options)
