"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a seaside guesthouse:
days Easter moves with ("on Good Friday"), a weekday around a holiday ("the saturday after easter last year"), the nth
weekday of a month ("the very last friday of april"), "right after easter last year" as a time, not as the version
after something; a name ending in a look word ("Postcard look") that names no other look; "forget-me-not" that rules
nothing out; a change ruled out with the versions that keep it ("not any of the repainted ones"); "broken" for a
description's "broke"; chatter about the request ("this time", "same thing again", "way back", "like she was the first
time"); what a "for" phrase draws after a style or "set up"; "a model in a red dress"; "the lass"; "forget it" as an
answer; a style's word before "look" ("the magazine look" of a "magazine photo" style); US holidays on a weekday of a
month ("memorial day weekend"); sign-offs and asides ("Warm wishes, ...", "(... lol)"); "numero uno", "when he was
just born", "leave out the glasses version", "unbroken"."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 5, 20)  # a Wednesday; Easter fell on 2025-04-20 and 2026-04-05
PHOTO = ["photorealistic"]
STYLE = ["style", "art style"]
RECORDS = [
    meta("june-v1", name="June", subjects=["woman", "landlady", "person"], styles=PHOTO,
         description="June with a grey bob.", created_at="2025-03-10", version=1),
    meta("june-v2", name="June", subjects=["woman", "landlady", "person"], styles=PHOTO,
         description="June with a grey bob and reading glasses.", created_at="2025-10-02", version=2),
    meta("peggy-v1", name="Peggy", subjects=["woman", "cook", "person"], styles=PHOTO,
         description="Peggy the cook in her white apron.", created_at="2025-06-01", version=1,
         last_used_at="2026-04-24"),
    meta("nelson-v1", name="Nelson", subjects=["dog", "pet"], styles=PHOTO,
         description="Nelson, a yellow labrador.", created_at="2025-07-01", version=1),
    meta("nelson-v2", name="Nelson", subjects=["dog", "pet"], styles=PHOTO,
         description="Nelson the labrador in a red collar.", created_at="2026-04-03", version=2),
    meta("sign-v1", name="Guesthouse sign", subjects=["sign"], styles=PHOTO,
         description="The guesthouse sign painted blue with white letters.", created_at="2025-04-26", version=1),
    meta("sign-v2", name="Guesthouse sign", subjects=["sign"], styles=PHOTO,
         description="The sign repainted cream with gold letters.", created_at="2025-09-01", version=2),
    meta("sign-v3", name="Guesthouse sign", subjects=["sign"], styles=PHOTO,
         description="The cream sign with gold letters and a little lamp above it.", created_at="2026-02-01", version=3),
    meta("jug-v1", name="Milk jug", subjects=["jug"], styles=PHOTO,
         description="The white milk jug.", created_at="2025-04-01", version=1),
    meta("jug-v2", name="Milk jug", subjects=["jug"], styles=PHOTO,
         description="The milk jug after it broke, glued back together.", created_at="2026-01-10", version=2),
    meta("teacup-v1", name="Forget-me-not teacup", subjects=["teacup", "cup"], styles=PHOTO,
         description="A teacup painted with forget-me-nots.", created_at="2025-05-15", version=1),
    meta("house-v1", name="Seaview", subjects=["guesthouse", "building"], styles=PHOTO,
         description="The guesthouse with a green door.", created_at="2025-03-02", version=1, last_used_at="2025-05-25"),
    meta("house-v2", name="Seaview", subjects=["guesthouse", "building"], styles=PHOTO,
         description="The guesthouse with a green door and window boxes.", created_at="2025-11-20", version=2),
    meta("bar-v1", name="The bar", subjects=["bar"], styles=PHOTO,
         description="The little bar with fairy lights.", created_at="2025-08-20", version=1),
    meta("bertha-v1", name="Bertha", subjects=["land rover", "car"], styles=PHOTO,
         description="Bertha, a green Land Rover.", created_at="2025-05-05", version=1),
    meta("bertha-v2", name="Bertha", subjects=["land rover", "car"], styles=PHOTO,
         description="Bertha, the green Land Rover with a roof tent.", created_at="2026-03-15", version=2),
    meta("postcard-v1", name="Postcard look", subjects=STYLE, styles=["vintage postcard"],
         description="A faded vintage postcard look.", created_at="2025-08-08", version=1),
    meta("linocut-v1", name="Linocut", subjects=STYLE, styles=["linocut"],
         description="A linocut print look in black ink.", created_at="2025-05-30", version=1),
    meta("linocut-v2", name="Linocut", subjects=STYLE, styles=["linocut"],
         description="The linocut look with a second teal colour.", created_at="2026-03-01", version=2),
    meta("gloss-v1", name="Gloss", subjects=STYLE, styles=["magazine photo"],
         description="A glossy fashion magazine look.", created_at="2025-12-01", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def guesthouse(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("guesthouse"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"guesthouse-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a name ending in a look word names no other look
    ("a gull on a post in the linocut look with the teal second colour", "linocut-v2",
     "a gull on a post in <linocut-v2> style with the teal second colour"),
    # "not" inside a flower's name
    ("the forget-me-not teacup on a tray with a scone", "teacup-v1", "<teacup-v1> on a tray with a scone"),
    # a change ruled out with the versions that keep it; "broken" for "broke"
    ("the guesthouse sign in the rain, not any of the repainted ones", "sign-v1", "<sign-v1> in the rain"),
    ("the milk jug with daisies in it, but not the broken one", "jug-v1", "<jug-v1> with daisies in it"),
    # chatter about the request
    ("Nelson on the beach this time", "nelson-v2", "<nelson-v2> on the beach"),
    ("Bertha, way back, on a muddy track", "bertha-v2", "<bertha-v2>, on a muddy track"),
    ("June like she was the first time, at the front door", "june-v1", "<june-v1>, at the front door"),
    ("Seaview the way it looked when we first opened, with bunting", "house-v1", "<house-v1>, with bunting"),
    # a "for" phrase after a style or "set up" is drawn; a model in a dress is a person
    ("the bar all set up for a hen party", "bar-v1", "<bar-v1> all set up for a hen party"),
    ("earliest linocut, a model in a red dress", "linocut-v1", "<linocut-v1> style, a model in a red dress"),
    # a colour said of a new thing is no detail of the subject
    ("Nelson wearing a yellow raincoat", "nelson-v2", "<nelson-v2> wearing a yellow raincoat"),
    # someone's own first is not the oldest version
    ("Bertha with a little boy in it, off on his first ever camping trip", "bertha-v2",
     "<bertha-v2> with a little boy in it, off on his first ever camping trip"),
    # a style's word before "look"
    ("a perfume bottle in the magazine look", "gloss-v1", "a perfume bottle in <gloss-v1> style"),
    # sign-offs, asides, wishes passed on
    ("Nelson by the fire. Warm wishes, Grandma Bev", "nelson-v2", "<nelson-v2> by the fire"),
    ("Peggy (the cook, not the bird lol) at the stove", "peggy-v1", "<peggy-v1> at the stove"),
    ("so my husband asked me to ask you for the guesthouse covered in snow", "house-v2", "<house-v2> covered in snow"),
    # which version, said otherwise
    ("bertha numero uno on the beach", "bertha-v1", "<bertha-v1> on the beach"),
    ("Nelson when he was just born, asleep in a basket", "nelson-v1", "<nelson-v1>, asleep in a basket"),
    ("June at the bar, leave out the glasses version", "june-v1", "<june-v1> at the bar"),
    ("the unbroken milk jug on the dresser", "jug-v1", "<jug-v1> on the dresser"),
    ("June (the one without glasses lol) at the door", "june-v1", "<june-v1> at the door"),  # an aside that says which
    # a determiner before a model word; a model of a thing
    ("any checkpoint from april fools day last year, on a picnic rug", "jug-v1", "<jug-v1>, on a picnic rug"),
    ("Peggy holding a model lighthouse", "peggy-v1", "<peggy-v1> holding a model lighthouse"),
])
def test_selects(guesthouse, text, checkpoint, prompt):
    result = first_turn(guesthouse, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "checkpoint"), [
    # days Easter moves with, weekdays around a holiday, the nth weekday of a month
    ("the thing I trained on Good Friday", "nelson-v2"),
    ("I made one on the Saturday after Easter last year", "sign-v1"),
    ("the one I trained right after Easter last year", "sign-v1"),  # a time, not the version after something (a guard)
    ("the one I trained on April Fools day last year", "jug-v1"),
    ("I used something on the very last friday of april, want that again", "peggy-v1"),
    ("whatever I had going on the last friday of april, same thing again but in a garden", "peggy-v1"),
    ("the forget me not teacup on a windowsill", "teacup-v1"),  # typed apart, still no negation
    ("whatever I used over memorial day weekend", "house-v1"),  # the last Monday of May and the days around it
    ("go way back — my very first checkpoint, at sunset", "house-v1"),
])
def test_chooses(guesthouse, text, checkpoint):
    result = first_turn(guesthouse, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


def test_same_thing_again_leaves_the_prompt(guesthouse):
    result = first_turn(guesthouse, "whatever I had going on the last friday of april, same thing again but in a garden")
    assert "same thing" not in result.prompt and "in a garden" in result.prompt


@pytest.mark.parametrize(("text", "options"), [
    ("the lass by the harbour wall", {"june-v2", "peggy-v1"}),  # no young people here: a woman
])
def test_asks(guesthouse, text, options):
    result = first_turn(guesthouse, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize(("text", "start", "end"), [
    ("the thing i trained on good friday", "2026-04-03", "2026-04-03"),  # the day itself, inside its window
    ("made on the saturday after easter last year", "2025-04-26", "2025-04-26"),
    ("made on the first monday of march", "2026-03-02", "2026-03-02"),
    ("used on the very last friday of april", "2026-04-24", "2026-04-24"),
    ("made on shrove tuesday", "2026-02-17", "2026-02-17"),
    ("made on labor day", "2025-09-01", "2025-09-01"),  # the first Monday of September
    ("made on father's day", "2025-06-15", "2025-06-15"),  # this year's is still to come
])
def test_times(text, start, end):
    window = find_time(text, text, NOW)
    assert ((window.day, window.day) if window.day else (window.start, window.end)) == (start, end)


def test_forget_it_declines(guesthouse):
    thread = f"guesthouse-{next(_threads)}"
    assert guesthouse.ask("the woman in the kitchen", thread, now=NOW).status == "clarify"
    assert guesthouse.reply("forget it", thread).status == "no_match"
