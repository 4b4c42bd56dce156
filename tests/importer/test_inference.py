"""The pieces of an import one at a time: names and versions, triggers from tags, Civitai HTML, families,
hostile or odd files (header length, LoHa, broken sidecars), version numbering by date."""
from __future__ import annotations

import json
import struct
from datetime import datetime

import pytest
import torch
from safetensors.torch import save_file

from importer import import_folder
from importer.civitai import plain_text
from importer.infer import Draft, number_versions, split_version, trigger_from_tags
from importer.kohya import read_kohya, tag_frequency
from importer.layout import LayoutError, classify, family_from_metadata
from tests.importer.conftest import MINI_BASE, kohya_lora


@pytest.mark.parametrize("name, expected", [
    ("rexdog_v2", ("rexdog", 2, "the name")),
    ("Blue Teapot v3.1", ("Blue Teapot", 3, "the name")),
    ("mochi-000010", ("mochi", 10, "epoch number in the name")),
    ("castle", ("castle", None, None)),
    ("model_dv2", ("model_dv2", None, None)),  # no separator before the v: not a version
])
def test_split_version(name, expected):
    assert split_version(name) == expected


def test_trigger_is_the_most_frequent_rare_one_word_tag_else_the_kohya_folder():
    tags = {"1girl": 40, "solo": 40, "dog": 30, "ohwx": 25, "blue sky": 50, "grass": 3}
    assert trigger_from_tags(tags, [])[0] == "ohwx"
    assert trigger_from_tags({"dog": 5, "solo": 5}, ["10_sks dog"]) == ("sks", "kohya dataset folder '10_sks dog'")
    assert trigger_from_tags({"dog": 5}, ["10_dog"]) == (None, "")


def test_kohya_metadata_is_parsed_and_bad_values_are_ignored():
    meta = {"ss_output_name": "x", "ss_tag_frequency": json.dumps({"5_a b": {"a": 2}, "3_c": {"a": 1, "c": 4}}),
            "ss_training_started_at": "1700000000", "ss_training_finished_at": "not a number"}
    (facts,) = read_kohya(meta)
    assert facts.tags == {"a": 3, "c": 4} and facts.dataset_dirs == ["5_a b", "3_c"]
    assert (facts.created_at, facts.created_from) == (datetime(2023, 11, 14, 22, 13, 20), "ss_training_started_at")
    assert tag_frequency("[1, 2]") == ({}, []) and tag_frequency("{bad") == ({}, [])
    assert tag_frequency("x" * (5 * 2**20)) == ({}, [])  # over the cap: not parsed


def test_civitai_html_becomes_plain_text():
    assert plain_text("<p>Hi &amp; <b>bye</b></p>\n<br/>  there") == "Hi & bye there"
    assert plain_text("word " * 200, limit=20) == "word word word word …"


@pytest.mark.parametrize("meta, civitai, family", [
    ({"ss_base_model_version": "sdxl_base_v1-0"}, None, "SDXL"),
    ({"ss_base_model_version": "sd_v1"}, None, "SD1"),
    ({"modelspec.architecture": "stable-diffusion-v1/lora"}, None, "SD1"),
    ({"ss_v2": "True"}, None, "SD2"),
    ({}, "Pony", "SDXL"),
    ({}, "SD 1.5", "SD1"),
    ({}, "Flux.1 D", "Flux.1 D"),
    ({}, None, None),
])
def test_family_from_metadata(meta, civitai, family):
    assert family_from_metadata(meta, civitai)[0] == family


def test_layouts():
    assert classify({"lora_unet_a.lora_down.weight": [4, 8, 3, 3]}, {}) == ("lora", "LyCORIS LoCon (kohya keys)")
    assert classify({"emb_params": [2, 768]}, {}) == ("textual_inversion", "textual inversion (A1111)")
    with pytest.raises(LayoutError, match="LoHa"):
        classify({"lora_unet_a.hada_w1_a": [4, 8]}, {})
    with pytest.raises(LayoutError, match="unknown key layout"):
        classify({"encoder.weight": [4, 8], "decoder.weight": [4, 8]}, {})


def test_hostile_and_odd_files_are_skipped_with_a_reason_and_the_rest_imported(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "huge_header.safetensors").write_bytes(struct.pack("<Q", 2**62) + b"{}")
    (src / "not_json.safetensors").write_bytes(struct.pack("<Q", 8) + b"\xff" * 8)
    (src / "empty.safetensors").write_bytes(b"")
    save_file({"lora_unet_x.hada_w1_a": torch.zeros(2, 2)}, str(src / "loha.safetensors"))
    save_file(kohya_lora(MINI_BASE, 7, text_encoder=False), str(src / "good_v1.safetensors"))
    (src / "good_v1.civitai.info").write_text("{broken")
    (src / "good_v1.preview.png").write_bytes(b"not an image")
    report = import_folder(src, tmp_path / "out", str(MINI_BASE))
    got = {r.file: (r.status, r.reason) for r in report.rows}
    assert got["huge_header.safetensors"][0] == "skipped" and "bad header length" in got["huge_header.safetensors"][1]
    assert "corrupted safetensors header" in got["not_json.safetensors"][1]
    assert "truncated" in got["empty.safetensors"][1]
    assert "LoHa" in got["loha.safetensors"][1]
    good = next(r for r in report.rows if r.file == "good_v1.safetensors")
    assert good.status == "imported" and any("not valid JSON" in n for n in good.notes)
    assert not (tmp_path / "out" / "good-v1.png").exists()  # the broken preview is not used, nothing drawn


def draft_at(concept: str, day: int, version: int | None = None) -> Draft:
    return Draft({"created_at": datetime(2025, 1, day), "version": version}, concept=concept)


def test_versions_are_numbered_by_date_after_the_known_ones():
    drafts = [draft_at("rex", 9), draft_at("rex", 3), draft_at("rex", 5, version=2), draft_at("bag", 1)]
    number_versions(drafts)
    assert [d.fields["version"] for d in drafts] == [4, 3, 2, 1]
    assert drafts[0].guessed == {"version": "order of dates within the concept"} and not drafts[2].guessed
