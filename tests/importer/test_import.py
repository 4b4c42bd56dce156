"""`import_folder` on a models folder written by the tests (see conftest): what is imported, skipped and
guessed, that the source is never written, that a re-run adds only what is new, and that every imported
checkpoint is found by Check-in from a natural request and changes the image on the mini model."""
from __future__ import annotations

import os
from datetime import datetime

import numpy as np
import pytest
import torch
from langgraph.checkpoint.memory import InMemorySaver
from safetensors.torch import save_file

from agent.checkin import CheckIn
from agent.graph import build_graph
from agent.vocab import Vocabulary
from importer import ImportOptions, import_folder
from importer.report import markdown, rich_table
from importer.thumbnails import generator_drawer
from repo_store import Repository, load_repository
from repo_store.loader import file_sha256
from serve.generate import Generator, Settings
from serve.pipeline import Device
from tests.importer.conftest import MINI_BASE, kohya_lora, kohya_metadata, lora_folder, snapshot

pytestmark = pytest.mark.slow  # images drawn, a repository indexed, Check-in run

CPU = Device("cpu", torch.float32)
EXPECTED = {
    "Lora/blue_teapot.safetensors": ("imported", "blue-teapot-v3"),
    "Lora/castle_wc.safetensors": ("imported", "watercolor-castle-v1"),
    "Lora/old_pickle.ckpt": ("skipped", None),
    "Lora/realistic_sd15.safetensors": ("skipped", None),
    "Lora/rexdog_v2.safetensors": ("imported", "rexdog-v2"),
    "Lora/zebra_toy.safetensors": ("imported", "zebra_toy-v1"),
    "Stable-diffusion/mfox_db.safetensors": ("imported", "mfox_db-v1"),
    "embeddings/orange_fox.safetensors": ("imported", "orange_fox-v1"),
    "Lora/copies/rexdog_v2 (1).safetensors": ("duplicate", None),
    "Lora/xl/anon_xl.safetensors": ("skipped", None),
    "Lora/xl/pixelart_xl.safetensors": ("skipped", None),
}


@pytest.fixture(scope="module")
def generator(tmp_path_factory):
    return Generator(str(MINI_BASE), CPU, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory, generator):
    root = tmp_path_factory.mktemp("import")
    src = lora_folder(root / "src")
    before = snapshot(src)
    report = import_folder(src, root / "out", str(MINI_BASE), ImportOptions(thumbnail_steps=2),
                           draw=generator_drawer(generator))
    return src, root / "out", report, before


def rows(report):
    return {r.file: r for r in report.rows}


def test_every_file_gets_one_outcome(imported):
    _, _, report, _ = imported
    assert {r.file: (r.status, r.id) for r in report.rows} == EXPECTED
    duplicate = rows(report)["Lora/copies/rexdog_v2 (1).safetensors"]
    assert "Lora/rexdog_v2.safetensors" in duplicate.reason


def test_incompatible_files_are_refused_with_the_reason(imported):
    got = rows(imported[2])
    assert "SDXL" in got["Lora/xl/pixelart_xl.safetensors"].reason
    assert "ss_base_model_version='sdxl_base_v1-0'" in got["Lora/xl/pixelart_xl.safetensors"].reason
    assert "SDXL" in got["Lora/xl/anon_xl.safetensors"].reason  # no metadata: told by its shapes
    assert "second text encoder" in got["Lora/xl/anon_xl.safetensors"].reason
    assert "maps 768→320" in got["Lora/realistic_sd15.safetensors"].reason
    assert "pickle" in got["Lora/old_pickle.ckpt"].reason


def test_source_folder_is_never_written(imported):
    src, _, _, before = imported
    assert snapshot(src) == before


def test_the_repository_loads_cleanly_with_hashes_and_linked_weights(imported):
    src, out, _, _ = imported
    loaded = load_repository(out)
    assert loaded.ok and not loaded.warnings
    assert set(loaded.checkpoints) == {v[1] for v in EXPECTED.values() if v[0] == "imported"}
    for ckpt in loaded.checkpoints.values():
        source = src / ckpt.extra.get("imported_from", "") if ckpt.extra else None
        assert source is None  # imported_from is a schema field, not an unknown extra
        assert ckpt.sha256 == file_sha256(ckpt.weights)
        assert ckpt.base_model == "minisd-64" and ckpt.thumbnail is not None
    rex = loaded.checkpoints["rexdog-v2"]
    assert os.stat(rex.weights).st_ino == os.stat(src / "Lora/rexdog_v2.safetensors").st_ino  # a hard link


def yaml_of(out, ckpt_id):
    import yaml

    return yaml.safe_load((out / f"{ckpt_id}.yaml").read_text())


def test_fields_read_from_kohya_metadata(imported):
    out = imported[1]
    rex = yaml_of(out, "rexdog-v2")
    assert rex["triggers"] == ["rexdog"] and rex["subjects"] == ["dog"] and rex["version"] == 2
    assert rex["created_at"] == datetime(2025, 4, 1, 1, 0)  # ss_training_finished_at, UTC
    assert rex["kind"] == "lora" and rex["autov2"] == rex["sha256"][:10]
    assert rex["guessed"] == ["description", "triggers", "version"]
    fox = yaml_of(out, "mfox_db-v1")
    assert fox["kind"] == "diffusers" and fox["triggers"] == ["mfox"] and fox["subjects"] == ["fox"]


def test_fields_read_from_civitai_sidecars(imported):
    out = imported[1]
    teapot = yaml_of(out, "blue-teapot-v3")
    assert teapot["triggers"] == ["blueteapot"] and teapot["name"] == "Blue Teapot"
    assert teapot["description"] == "A blue porcelain teapot with gold trim & a curved spout."
    assert teapot["created_at"] == datetime(2025, 2, 3, 10, 0) and teapot["version"] == 3
    from PIL import Image

    assert Image.open(out / teapot["thumbnail"]).getpixel((5, 5)) == (20, 40, 200)  # the preview, not drawn
    castle = yaml_of(out, "watercolor-castle-v1")
    assert castle["triggers"] == ["wcastle"] and castle["subjects"] == ["castle"] and castle["styles"] == ["watercolor"]
    assert "triggers" in castle["guessed"]  # "wcastle castle" → wcastle


def test_a_file_without_metadata_gets_every_field_guessed_and_said_so(imported):
    _, out, report, _ = imported
    zebra = yaml_of(out, "zebra_toy-v1")
    assert zebra["triggers"] == ["<zebra_toy>"] and zebra["subjects"] == ["toy"]
    assert set(zebra["guessed"]) == {"created_at", "description", "name", "subjects", "triggers", "version"}
    assert "GENERATED" in rows(report)["Lora/zebra_toy.safetensors"].guessed["triggers"]
    fox = yaml_of(out, "orange_fox-v1")
    assert fox["kind"] == "textual_inversion" and fox["triggers"] == ["<orange_fox>"] and fox["subjects"] == ["fox"]
    table = markdown(report)
    assert "triggers*: GENERATED from the name" in table and table.count("| duplicate |") == 1
    rich_table(report)  # renders


def test_rerun_on_a_grown_folder_imports_only_the_new_file_and_index_grows_incrementally(
        imported, tmp_path, embedder):
    src, out, _, _ = imported
    home = tmp_path / "home"
    first = Repository.open(out, home, embedder).last_sync
    assert len(first.added) == 6
    save_file(kohya_lora(MINI_BASE, 9), str(src / "Lora" / "lamp_v1.safetensors"),
              metadata=kohya_metadata("lamp_v1", {"5_glowlamp lamp": {"glowlamp": 5, "lamp": 5}}, 1.7e9, 1.7e9 + 60))
    again = import_folder(src, out, str(MINI_BASE))
    assert [(r.file, r.id) for r in again.imported] == [("Lora/lamp_v1.safetensors", "lamp-v1")]
    assert again.count("already imported") == 7 and again.count("duplicate") == 0  # the copy too: same sha256
    assert again.hashed_bytes == (src / "Lora" / "lamp_v1.safetensors").stat().st_size  # the rest: cached
    second = Repository.open(out, home, embedder).last_sync
    assert second.added == ["lamp-v1"] and second.unchanged == 6 and not second.updated


def test_copy_mode_copies(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    save_file(kohya_lora(MINI_BASE, 3, text_encoder=False), str(src / "plain.safetensors"))
    import_folder(src, tmp_path / "out", str(MINI_BASE), ImportOptions(weights="copy"))
    copied = tmp_path / "out" / "plain-v1.safetensors"
    assert os.stat(copied).st_ino != os.stat(src / "plain.safetensors").st_ino
    assert file_sha256(copied) == file_sha256(src / "plain.safetensors")


REQUESTS = {
    "rexdog-v2": "my dog rexdog running on the beach",
    "blue-teapot-v3": "the blue teapot on a kitchen table",
    "watercolor-castle-v1": "a watercolor castle on a hill",
    "zebra_toy-v1": "my zebra toy on the floor",
    "orange_fox-v1": "the orange fox in the forest",
    "mfox_db-v1": "mfox the fox in the snow",
}


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_each_import_is_selected_by_checkin_and_changes_the_image(imported, tmp_path, embedder, generator):
    out = imported[1]
    repository = Repository.open(out, tmp_path / "home", embedder)
    checkin = CheckIn(build_graph(InMemorySaver(), repository,
                                  Vocabulary.build(repository.checkpoints, repository.index.embedder)))
    quick = Settings(steps=3, seed=0, guidance=5.0)
    for ckpt_id, request in REQUESTS.items():
        turn = checkin.ask(request, f"t-{ckpt_id}")
        assert (turn.status, turn.checkpoint) == ("selected", ckpt_id), (request, turn.reasoning)
        checkpoint = repository.get(ckpt_id)
        prompt = f"a {checkpoint.trigger} {checkpoint.subjects[0]}"
        base = pixels(generator.generate(prompt, None, quick))
        personal = pixels(generator.generate(prompt, checkpoint, quick))
        assert np.abs(personal - base).mean() > 1.0, ckpt_id
