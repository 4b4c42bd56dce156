"""Phrasings written for these tests (none of them is a corpus line) over a bakery's small repository: a word of a
name before another thing, another animal before the subject word, an unknown name opening the request, an unknown
lead before a subject in the scene, a mention the speaker takes back, a bare "today", answers that name a change or a
coloured part, and conversation around the picture (a backstory, a wish with a pronoun, leaving it to the
assistant, an aside that only picks a version)."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 3, 1)
RECORDS = [
    meta("nutmeg-v1", name="Nutmeg the shop cat", subjects=["cat", "pet"], styles=["photorealistic"],
         description="Nutmeg, a grey shop cat with a white bib.", created_at="2025-06-01", version=1),
    meta("pebble-v1", name="Pebble", subjects=["cat", "pet"], styles=["photorealistic"],
         description="Pebble, a white cat with grey ears.", created_at="2025-10-01", version=1),
    meta("van-v1", name="Delivery van", subjects=["van", "vehicle"], styles=["photorealistic"],
         description="The cream delivery van with a wheat logo.", created_at="2025-07-01", version=1),
    meta("van-v2", name="Delivery van", subjects=["van", "vehicle"], styles=["photorealistic"],
         description="The delivery van repainted green, still with the wheat logo.", created_at="2025-12-01",
         version=2),
    meta("scooter-v1", name="Zip", subjects=["scooter", "vehicle"], styles=["photorealistic"],
         description="Zip, a red scooter with a bread crate.", created_at="2025-08-15", version=1),
    meta("otter-v1", name="Otter", subjects=["canoe", "boat"], styles=["photorealistic"],
         description="Otter, our green wooden canoe.", created_at="2025-03-01", version=1),
    meta("hoot-v1", name="Hoot", subjects=["puppet", "owl", "toy"], styles=["photorealistic"],
         description="Hoot the owl hand puppet with round glasses.", created_at="2025-08-01", version=1),
    meta("ada-v1", name="Ada", subjects=["person", "woman", "baker"], styles=["photorealistic"],
         description="Ada with long red hair and a flour-dusted apron.", created_at="2025-05-01", version=1),
    meta("ada-v2", name="Ada", subjects=["person", "woman", "baker"], styles=["photorealistic"],
         description="Ada with a short red bob and the apron.", created_at="2026-02-01", version=2),
    meta("loaf-v1", name="Sourdough", subjects=["bread", "loaf"], styles=["photorealistic"],
         description="A round sourdough loaf with a flour-dusted crust.", created_at="2025-04-01", version=1),
    meta("loaf-v2", name="Sourdough", subjects=["bread", "loaf"], styles=["photorealistic"],
         description="The round sourdough loaf with a seeded crust.", created_at="2025-12-10", version=2),
    meta("loaf-painted-v1", name="Sourdough (painted)", subjects=["bread", "loaf"], styles=["oil painting"],
         description="The round sourdough loaf painted in thick oils.", created_at="2025-11-01", version=1),
    meta("ben-v1", name="Ben", subjects=["person", "man", "baker"], styles=["photorealistic"],
         description="Ben with a grey beard and a brown cap.", created_at="2025-09-01", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def bakery(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("bakery"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"bakery-{next(_threads)}", now=NOW)


@pytest.mark.parametrize("text", [
    # a word of a checkpoint's name before another person, animal or thing names one the repository lacks
    "the shop dog asleep on the counter",
    "the delivery bike outside the door",
    # another animal before the subject word when the checkpoint is a different one
    "the frog puppet on a shelf",
    # an unknown name opening the request, in apposition to a subject word
    "lena our baker kneading dough",
    "mr patel the baker at the till",
    # an unknown lead with an article, a subject of the repository only in its scene
    "a parrot on a perch watching a cat",
    "a teacup next to a sleeping cat",
    # every item of a list after a negation is excluded
    "a baker who isn't ada or ben",
    "any baker but ada, ben or the owl",
    # a word read by meaning that WordNet puts beside the repository's own kind (a canoe here)
    "the sailboat on the lake",
    # a thing of one's own the repository lacks, before a checkpoint in a place phrase
    "our horse at the delivery van",
])
def test_unknown_subjects_before_known_words(bakery, text):
    assert first_turn(bakery, text).status == "no_match"


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # the same words with the checkpoint's own noun still name it
    ("the owl puppet on a shelf", "hoot-v1", "<hoot-v1> on a shelf"),
    ("the delivery van in the rain", "van-v2", "<van-v2> in the rain"),
    ("the boat on the lake", "otter-v1", "<otter-v1> on the lake"),
    # a participle after the subject word is what it does, not a kind ("hit", "spread")
    ("the scooter hit by a wave on the seafront", "scooter-v1", "<scooter-v1> hit by a wave on the seafront"),
    # a relative clause about making the checkpoint is selection, not picture
    ("the first cat i ever trained, on a windowsill", "nutmeg-v1", "<nutmeg-v1>, on a windowsill"),
    # an aside that only picks a version
    ("ada (the long hair one) at the oven", "ada-v1", "<ada-v1> at the oven"),
    # leaving the rest to the assistant is chat
    ("quick one: ben at the oven. no need to ask me anything, just go", "ben-v1", "<ben-v1> at the oven"),
    # a backstory about the subject, then a wish with a pronoun
    ("so basically ben is retiring next month and we want a picture of him icing a cake", "ben-v1",
     "<ben-v1> icing a cake"),
    ("Greetings from Leeds! Ben turns 60 tomorrow. I wish to see him by the sea.", "ben-v1", "<ben-v1> by the sea"),
    # someone else's wish is a frame
    ("my neighbour wants a print of hoot next to a garden gnome", "hoot-v1", "a print of <hoot-v1> next to a garden gnome"),
    # a bare "today" is when the speaker asks; a mention taken back is no subject
    ("i dont want nutmeg today, give me pebble in a basket", "pebble-v1", "<pebble-v1> in a basket"),
    ("the van... no wait, not the van, the scooter in the rain", "scooter-v1", "<scooter-v1> in the rain"),
    # a thing in a place phrase ("in front of", "on top of") is scene, a colour of a scene noun no detail
    ("the one from june in front of a loaf of bread", "nutmeg-v1", "<nutmeg-v1>, in front of a loaf of bread"),
    ("the van from december, with a cream background", "van-v2", "<van-v2>, with a cream background"),
    # "w/o" negates like "without"
    ("ada w/o the short bob, kneading dough", "ada-v1", "<ada-v1>, kneading dough"),
    # a scene word that names a version ("the green one") is a detail in a relative cue
    ("the van, the version before the green one, at the market", "van-v1", "<van-v1>, at the market"),
    # a relative cue keeps the concept that has the version it names ("Sourdough (painted)" has no seeds)
    ("the sourdough from before the seeds, on a board", "loaf-v1", "<loaf-v1>, on a board"),
    # the speaker asking which checkpoint it was leaves the prompt
    ("what did i train in may? use that one on a beach", "ada-v1", "<ada-v1>, on a beach"),
])
def test_first_turn_selects(bakery, text, checkpoint, prompt):
    turn = first_turn(bakery, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("request_text", "answer", "checkpoint"), [
    # a change to the look that no description names: the version before the newest
    ("a baker at the oven", "ada, before the haircut", "ada-v1"),
    # a time adverb is no detail; the colour said of the version picks it
    ("one of our vehicles at the market", "the van, when it was still cream", "van-v1"),
    # a colour said of a part, as the description pairs them, is not the other option's own colour
    ("my cat asleep on a rug", "the one with the grey ears", "pebble-v1"),
    ("my cat asleep on a rug", "the grey one", "nutmeg-v1"),
    # a photo said, or a painted look ruled out, picks the photographic option
    ("some bread on a board", "the normal photo one, not the painting", "loaf-v2"),
])
def test_answers(bakery, request_text, answer, checkpoint):
    thread = f"bakery-{next(_threads)}"
    first = bakery.ask(request_text, thread, now=NOW)
    assert first.status == "clarify"
    final = bakery.reply(answer, thread)
    assert (final.status, final.checkpoint) == ("selected", checkpoint)


def test_everyday_words_for_vehicles_cover_every_vehicle(bakery):
    turn = first_turn(bakery, "our wheels parked by the beach")
    assert turn.status == "clarify"
    assert {c for c in turn.candidates} >= {"van-v2", "scooter-v1"}


@pytest.mark.parametrize(("text", "dated"), [
    ("i dont want rex today", False),
    ("rex today on a beach", False),
    ("the one i used today", True),
    ("something from today", True),
    ("the checkpoint i made today", True),
    ("today's checkpoint", True),
])
def test_a_bare_today_dates_a_checkpoint_only_after_a_checkpoint_word(text, dated):
    assert (find_time(text, text, NOW) is not None) is dated


def test_declining_for_a_thing_the_repository_lacks_is_no_match(bakery):
    thread = f"bakery-{next(_threads)}"
    assert bakery.ask("some bread on a board", thread, now=NOW).status == "clarify"
    assert bakery.reply("none of those, i meant the walnut bread i haven't trained yet", thread).status == "no_match"


def test_what_a_subject_does_something_to_is_scene(bakery):
    turn = first_turn(bakery, "a baker feeding the cat")
    assert turn.status == "clarify"
    assert set(turn.candidates) >= {"ada-v2", "ben-v1"}
    assert not set(turn.candidates) & {"nutmeg-v1", "pebble-v1"}


@pytest.mark.parametrize(("text", "candidates"), [
    # a question about what was trained, and "back in": the time selects; the question is no subject
    ("what did i train in august? use it on a hill", {"scooter-v1", "hoot-v1"}),
    ("back in august i trained something, that one pls", {"scooter-v1", "hoot-v1"}),
])
def test_time_asked_about_the_checkpoint(bakery, text, candidates):
    turn = first_turn(bakery, text)
    assert turn.status == "clarify"
    assert set(turn.candidates) >= candidates


def test_a_fortnight_ago_is_two_weeks_ago():
    said = find_time("the one i used a fortnight ago", "the one i used a fortnight ago", NOW)
    counted = find_time("the one i used two weeks ago", "the one i used two weeks ago", NOW)
    assert (said.start, said.end, said.field) == (counted.start, counted.end, "used")


@pytest.mark.parametrize(("text", "start", "end", "field"), [
    # a bare "before" a holiday bounds the time when a checkpoint verb says it is the checkpoint's
    ("the last thing i trained before new year", "2025-07-02", "2025-12-31", "created"),
    # "just before" a holiday is the week before it
    ("the one i used just before christmas", "2025-12-18", "2025-12-24", "used"),
    # words joined by hyphens read as words
    ("the week-before-christmas one", "2025-12-18", "2025-12-24", "any"),
])
def test_holiday_bounds(text, start, end, field):
    window = find_time(text, text, NOW)
    assert (window.start, window.end, window.field) == (start, end, field)


def test_a_bare_before_a_holiday_in_the_scene_is_no_time():
    assert find_time("a dog before christmas", "a dog before christmas", NOW) is None
