"""Constraints with polarity, read against the demo repository's vocabulary (no index needed)."""
from __future__ import annotations

from datetime import date

import pytest

from agent.intent import parse_intent
from agent.mapping import map_prompt
from agent.reasoner import Reasoner
from agent.vocab import Vocabulary
from bench.phrasing import DEMO_REPO
from repo_store.loader import load_repository

NOW = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo():
    records = load_repository(DEMO_REPO).checkpoints
    vocab = Vocabulary.build(records)
    return records, vocab, Reasoner(records, vocab)


def parse(text, demo):
    return parse_intent(text, NOW, demo[1])


def decide(text, demo):
    records, _, reasoner = demo
    intent = parse(text, demo)
    decision = reasoner.decide(intent, [])
    prompt = map_prompt(intent, records[decision.checkpoint]) if decision.status == "selected" else None
    return decision.status, decision.checkpoint, prompt


@pytest.mark.parametrize(("text", "excluded"), [
    ("Mochi, just not the watercolor version, sitting on a pillow", [("style", "watercolor")]),
    ("my dog, but not rex and not biscuit", [("name", "rex"), ("name", "biscuit")]),
    ("the bag without the stripes", [("detail", "stripe")]),
    ("Bruno, anything but the dreambooth version", [("kind", "dreambooth")]),
    ("a dog that's neither Rex nor Biscuit", [("name", "rex"), ("name", "biscuit")]),
    ("Rex on a beach without people", []),  # nothing of the repository is ruled out: scene words
])
def test_negation_excludes_what_it_names(demo, text, excluded):
    assert sorted((x["field"], x["value"]) for x in parse(text, demo).excluded) == sorted(excluded)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mochi, just not the watercolor version, sitting on a pillow", ("selected", "mochi-v2", "<mochi-v2>, sitting on a pillow")),
    ("my dog, but not rex and not biscuit", ("no_match", None, None)),
    ("the dog that isn't Rex, splashing in a puddle", ("selected", "biscuit-v2", "<biscuit-v2>, splashing in a puddle")),
    ("Rex before he had his collar, playing fetch", ("selected", "rex-v1", "<rex-v1>, playing fetch")),
    ("the cottage back when its walls were white", ("selected", "cottage-v1", "<cottage-v1>")),  # a cue, whole
    ("Bruno prior to the retrain, sitting on a swing", ("selected", "bruno-v1", "<bruno-v1>, sitting on a swing")),
    ("the DreamBooth Biscuit at the beach", ("selected", "biscuit-v2", "<biscuit-v2> at the beach")),
    ("the LoRA biscuit at the dog park", ("selected", "biscuit-v1", "<biscuit-v1> at the dog park")),
    ("the next-to-latest Rex, in a kayak", ("selected", "rex-v2", "<rex-v2>, in a kayak")),
    ("the one before last of the dusk palette, a city skyline", ("selected", "dusk-v2", "<dusk-v2> style, a city skyline")),
    ("the middle Rex, wearing a bow tie", ("selected", "rex-v2", "<rex-v2>, wearing a bow tie")),
    ("my very first checkpoint", ("selected", "rex-v1", "<rex-v1>")),
    ("Rex barking at a squirrel and a cat", ("selected", "rex-v3", "<rex-v3> barking at a squirrel and a cat")),
    ("Moochi on a sofa", ("clarify", None, None)),  # Mochi, misspelt, is photographed and painted in watercolor
    ("bruno v1 at the park", ("selected", "bruno-v1", "<bruno-v1> at the park")),
    ("<biscuit-v2>, hi could you make biscuit on a boat", ("selected", "biscuit-v2", "<biscuit-v2> on a boat")),
    ("whatever I used most recently", ("selected", "rex-v2", "<rex-v2>")),
    ("my iguana on a rock", ("no_match", None, None)),
])
def test_constraints_decide(demo, text, expected):
    assert decide(text, demo) == expected


@pytest.mark.parametrize(("text", "field", "value"), [
    ("my pupper at the park", "synonym", "puppy"),
    ("my plushie at the beach", "synonym", "plush toy"),
    ("my animal in the garden", "class", "animal"),
    ("the cotage at dawn", "subject", "cottage"),
    ("Brunno on a shelf", "name", "bruno"),
])
def test_informal_class_and_misspelt_words(demo, text, field, value):
    subject = parse(text, demo).subject
    assert (subject.kind, subject.term) == (field, value)


def test_a_class_word_covers_living_things_only(demo):
    records, vocab, _ = demo
    assert {records[i].name for i in vocab.class_members("animal", records)} == {"Rex", "Biscuit", "Mochi",
                                                                                "Mochi (watercolor)", "Stormy"}


@pytest.mark.parametrize(("text", "start", "end"), [
    ("the thing I trained in the first half of November", "2026-11-01", "2026-11-15"),
    ("whatever I trained in the second half of September", "2026-09-16", "2026-09-30"),
    ("the checkpoint I trained at the start of this month", "2026-11-01", "2026-11-07"),
    ("anything from last spring", "2026-03-01", "2026-05-31"),
    ("the thing I was using on the 14th", "2026-11-14", "2026-11-14"),
])
def test_more_time_phrases(demo, text, start, end):
    window = parse(text, demo).time
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize("text", ["photo of mochi lying in a patch of autumn leaves",
                                  "the red car covered in snow on a december morning", "Rex in his winter coat"])
def test_seasons_and_months_of_the_scene_are_not_dates(demo, text):
    assert parse(text, demo).time is None
