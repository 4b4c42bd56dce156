"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a village apiary and
fire station: a detail that chose the version leaves the prompt, the trigger draws it ("Engine 4 with the gold
lettering", "in his little fire helmet", "the pastel hives"), while a detail of another thing in the picture stays
("a shed with a red roof"); these leave as well: a clause that tells the version, up to its break ("back when she
had the veil up, smiling"), a detail after a cue ("after his bandana days, with the black spot"), an age ("as a
puppy") and a detail of a style named without its name ("the engraving style with the gold ink"); a particle that
tells versions apart ("with her veil up" beside "the veil down"); "the painted one" for "repainted"; "the puppy
version of the dalmatian"; a number of the name before a model word ("engine 4 model") is no position; "the middle
hive version" among a concept with three versions and one with one; "posing for a calendar" is in the picture; "use
<name>" opens the request; a noun right before a subject term in a description names that thing ("the hook" for
"the red J-hook hive tool"); a clause that picks a version after a comma is read ("the label look, the plain cream
one"); a word of the request said beside the detail in one version's description picks it ("the dusk look in oil at
sunset")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 9, 1)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("engine-v1", name="Engine 4", subjects=["fire engine", "truck", "vehicle"], styles=PHOTO,
         description="Engine 4, our pumper, with a chrome bumper.", created_at="2025-10-02", version=1),
    meta("engine-v2", name="Engine 4", subjects=["fire engine", "truck", "vehicle"], styles=PHOTO,
         description="Engine 4 with new gold lettering on the doors.", created_at="2026-05-11", version=2),
    meta("spot-v1", name="Spot", subjects=["dog", "dalmatian", "pet"], styles=PHOTO,
         description="Spot as a dalmatian puppy with a red bandana.", created_at="2025-09-12", version=1),
    meta("spot-v2", name="Spot", subjects=["dog", "dalmatian", "pet"], styles=PHOTO,
         description="Spot the dalmatian, grown up, with a black spot over one eye.", created_at="2026-02-20",
         version=2),
    meta("spot-v3", name="Spot", subjects=["dog", "dalmatian", "pet"], styles=PHOTO,
         description="Spot the dalmatian wearing a tiny fire helmet.", created_at="2026-07-30", version=3),
    meta("gus-v1", name="Gus", subjects=["dog", "bloodhound", "pet"], styles=PHOTO,
         description="Gus the old bloodhound, droopy ears.", created_at="2026-01-15", version=1),
    meta("ivy-v1", name="Ivy", subjects=["woman", "beekeeper", "person"], styles=PHOTO,
         description="Ivy in a white bee suit with the veil up.", created_at="2025-11-03", version=1),
    meta("ivy-v2", name="Ivy", subjects=["woman", "beekeeper", "person"], styles=PHOTO,
         description="Ivy in her bee suit with the veil down, holding a frame.", created_at="2026-06-06", version=2),
    meta("nell-v1", name="Nell", subjects=["woman", "beekeeper", "person"], styles=PHOTO,
         description="Nell with her copper smoker.", created_at="2026-05-01", version=1),
    meta("mum-v1", name="Mum", subjects=["mother", "woman", "person"], styles=PHOTO,
         description="Mum in her garden hat.", created_at="2026-03-30", version=1),
    meta("hives-v1", name="Hive row", subjects=["hive", "beehive"], styles=PHOTO,
         description="The row of white hives on the hill, bees all round them.", created_at="2025-10-20", version=1),
    meta("hives-v2", name="Hive row", subjects=["hive", "beehive"], styles=PHOTO,
         description="The hive row repainted pastel blue and pink.", created_at="2026-03-03", version=2),
    meta("hives-v3", name="Hive row", subjects=["hive", "beehive"], styles=PHOTO,
         description="The hive row wrapped in black winter covers.", created_at="2026-08-08", version=3),
    meta("skep-v1", name="Old skep", subjects=["hive", "skep"], styles=PHOTO,
         description="An old straw skep on a stone bench.", created_at="2026-04-14", version=1),
    meta("tool-v1", name="Hive tool", subjects=["hive tool", "tool"], styles=PHOTO,
         description="The red J-hook hive tool, worn shiny.", created_at="2026-02-02", version=1),
    meta("house-v1", name="Honey house", subjects=["house", "building"], styles=PHOTO,
         description="The little honey house with a green door.", created_at="2025-12-12", version=1),
    meta("label-v1", name="Label look", subjects=["style"], styles=["engraving"],
         description="The honey label look: plain cream paper and thin black lines.", created_at="2025-11-20",
         version=1),
    meta("label-v2", name="Label look", subjects=["style"], styles=["engraving"],
         description="The label look with gold ink and a hexagon border.", created_at="2026-06-20", version=2),
    meta("glow-v1", name="Glow look", subjects=["style"], styles=["watercolor"],
         description="The glow look in watercolor.", created_at="2026-01-05", version=1),
    meta("glow-v2", name="Glow look", subjects=["style"], styles=["oil painting"],
         description="The glow look in oil at sunset.", created_at="2026-04-05", version=2),
    meta("glow-v3", name="Glow look", subjects=["style"], styles=["oil painting"],
         description="The glow look in oil at night.", created_at="2026-08-05", version=3),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def station(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("station"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"station-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # the detail that chose the version: its trigger draws it
    ("Engine 4 with the gold lettering, leading a parade", "engine-v2", "<engine-v2>, leading a parade"),
    ("spot in his little fire helmet, posing for a calendar", "spot-v3", "<spot-v3>, posing for a calendar"),
    ("Spot with the black spot over his eye, sitting on a curb", "spot-v2", "<spot-v2>, sitting on a curb"),
    ("the pastel hives in spring", "hives-v2", "<hives-v2> in spring"),
    # a clause that tells the version, to its break; a cue between the subject and the detail; an age; a style named
    ("ivy back when she had the veil up, smiling", "ivy-v1", "<ivy-v1>, smiling"),
    ("the hive row when it still had the pastel paint and the white lids, at dawn", "hives-v2", "<hives-v2>, at dawn"),
    ("spot after his bandana days, with the black spot over his eye, on a curb", "spot-v2", "<spot-v2>, on a curb"),
    ("spot as a puppy, on a rug", "spot-v1", "<spot-v1>, on a rug"),
    ("the engraving style with the gold ink, a bee", "label-v2", "<label-v2> style, a bee"),
    # regional words for family
    ("my mam by the hives", "mum-v1", "<mum-v1> by the hives"),
    # a particle that tells versions apart
    ("Ivy with her veil up, smiling", "ivy-v1", "<ivy-v1>, smiling"),
    ("ivy with the veil down, in a meadow", "ivy-v2", "<ivy-v2>, in a meadow"),
    # "painted" for "repainted"
    ("the painted hive row at dawn", "hives-v2", "<hives-v2> at dawn"),
    # a young form before "version", with the subject after it
    ("the puppy version of the dalmatian, in the snow", "spot-v1", "<spot-v1>, in the snow"),
    # a number of the name before a model word
    ("the first engine 4 model in the rain", "engine-v1", "<engine-v1> in the rain"),
    ("engine 4 model in the rain", "engine-v2", "<engine-v2> in the rain"),
    # the middle one: only the concept with three versions has one
    ("the middle hive version, at sunset", "hives-v2", "<hives-v2>, at sunset"),
    # "use" opens the request
    ("use spot, on a boat", "spot-v3", "<spot-v3>, on a boat"),
    # a noun before the subject term in a description names that thing
    ("the hook lying on a frame", "tool-v1", "<tool-v1> lying on a frame"),
    # a clause after a comma that picks the version is read, not drawn
    ("the label look, the plain cream one: a bee on clover", "label-v1", "<label-v1> style a bee on clover"),
    # a word said beside the detail in one description
    ("the glow look in oil at sunset, a wheat field", "glow-v2", "<glow-v2> style at sunset, a wheat field"),
])
def test_selects(station, text, checkpoint, prompt):
    result = first_turn(station, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "answer", "checkpoint"), [
    ("a dog in a leaf pile", "the puppy version of the dalmatian", "spot-v1"),
    ("a beekeeper in the wildflowers", "ivy with the veil up", "ivy-v1"),
])
def test_answers(station, text, answer, checkpoint):
    thread = f"station-{next(_threads)}"
    assert station.ask(text, thread, now=NOW).status == "clarify"
    result = station.reply(answer, thread)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize("answer", ["none of them", "actually none of them, forget it"])
def test_none_of_them_declines_even_where_a_description_says_them(station, answer):
    thread = f"station-{next(_threads)}"
    assert station.ask("a dog in a leaf pile", thread, now=NOW).status == "clarify"
    assert station.reply(answer, thread).status == "no_match"


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a detail of another thing in the picture stays
    ("spot in front of a little shed with a red roof", "spot-v3", "<spot-v3> in front of a little shed with a red roof"),
    # a detail every version has tells none apart and stays
    ("the hive row on the hill in the snow", "hives-v3", "<hives-v3> on the hill in the snow"),
    # a detail the rest of the picture arranges stays
    ("ivy with the veil down, bees swarming around", "ivy-v2", "<ivy-v2>, bees swarming around"),
    # a word of the picture the chosen description has, without a detail: the newest
    ("the glow look, a harbour at sunset", "glow-v3", "<glow-v3> style, a harbour at sunset"),
    # a verb before "up" is no detail of how a thing is worn
    ("ivy walking up the hill", "ivy-v2", "<ivy-v2> walking up the hill"),
])
def test_guards(station, text, checkpoint, prompt):
    result = first_turn(station, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)

