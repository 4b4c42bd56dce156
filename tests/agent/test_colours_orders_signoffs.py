"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a lifeboat station:
a colour the thing was repainted ("the lifeboat repainted bright orange") and one its other versions agree on (the
black dog in a life vest) as its own colour, for and against; "not the christmas one" beside a Christmas swim;
an aside that says which version ("(no sunglasses version please)"); "the adult seal" (not the pup); "whichever X
came first", "whichever X is newest,"; a backstory that says which version; "the second of the three", "two
versions back from the newest"; "after the repaint but before the radar"; a lead-in that is the scene ("moored in
the harbour:", "winter scene:") and "flags round the door"; an indefinite thing doing something to our own one; "my
lil sis Maya"; sign-offs with the signer's name; "wants to see himself"; a backstory sentence with a past verb;
"same checkpoint I had going", "back in the spring", "what did I use last?"; "on a picture of a quay" as scene; "after
a long shift" as scene; "the neighbours dog"; "on sunday" after what someone does; "the coxswain himself"; "blu
print"; "in the sprinkles look"; "from way back"."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 10, 14)  # a Wednesday
PHOTO = ["photorealistic"]
CREW = ["person", "crew"]
RECORDS = [
    meta("boat-v1", name="The lifeboat", subjects=["lifeboat", "boat"], styles=PHOTO,
         description="The lifeboat, navy blue with a white stripe.", created_at="2025-03-01", version=1),
    meta("boat-v2", name="The lifeboat", subjects=["lifeboat", "boat"], styles=PHOTO,
         description="The lifeboat repainted bright orange, same white stripe.", created_at="2025-08-25", version=2),
    meta("boat-v3", name="The lifeboat", subjects=["lifeboat", "boat"], styles=PHOTO,
         description="The orange lifeboat with a radar mast added.", created_at="2026-05-01", version=3),
    meta("skipper-v1", name="Skipper", subjects=["dog", "pet"], styles=PHOTO,
         description="Skipper, a black labrador.", created_at="2025-04-10", version=1),
    meta("skipper-v2", name="Skipper", subjects=["dog", "pet"], styles=PHOTO,
         description="Skipper in a red life vest.", created_at="2026-02-10", version=2),
    meta("sandy-v1", name="Sandy", subjects=["dog", "pet"], styles=PHOTO,
         description="Sandy, a golden retriever with a blue collar.", created_at="2025-11-20", version=1),
    meta("swim-v1", name="Christmas swim", subjects=["swim", "event"], styles=PHOTO,
         description="The Christmas swim, everyone in santa hats on the beach.", created_at="2025-06-01", version=1),
    meta("regatta-v1", name="Regatta", subjects=["regatta", "event"], styles=["watercolor"],
         description="The summer regatta with bunting along the quay.", created_at="2025-08-15", version=1),
    meta("tom-v1", name="Tom", subjects=["man", "lifeguard"] + CREW, styles=PHOTO,
         description="Tom the lifeguard in his red shorts.", created_at="2025-05-01", version=1),
    meta("tom-v2", name="Tom", subjects=["man", "lifeguard"] + CREW, styles=PHOTO,
         description="Tom in his red shorts and mirrored sunglasses.", created_at="2026-06-01", version=2,
         last_used_at="2026-09-30"),
    meta("dave-v1", name="Dave", subjects=["man", "coxswain"] + CREW, styles=PHOTO,
         description="Dave the coxswain with long grey hair.", created_at="2025-10-01", version=1),
    meta("dave-v2", name="Dave", subjects=["man", "coxswain"] + CREW, styles=PHOTO,
         description="Dave with long grey hair and a beard.", created_at="2026-07-01", version=2),
    meta("maya-v1", name="Maya", subjects=["girl", "daughter", "child", "person"], styles=PHOTO,
         description="Maya with her hair in two plaits.", created_at="2025-07-07", version=1),
    meta("blubber-v1", name="Blubber", subjects=["seal", "animal"], styles=PHOTO,
         description="Blubber, a big grey seal on the rocks.", created_at="2025-05-20", version=1),
    meta("pip-v1", name="Pip", subjects=["seal", "pup", "baby", "animal"], styles=PHOTO,
         description="Pip the white seal pup.", created_at="2026-03-20", version=1),
    meta("station-v1", name="The station", subjects=["lifeboat station", "building"], styles=PHOTO,
         description="The lifeboat station with its slipway.", created_at="2025-04-01", version=1),
    meta("station-v2", name="The station", subjects=["lifeboat station", "building"], styles=PHOTO,
         description="The lifeboat station with its slipway and a new flagpole.", created_at="2026-04-01", version=2),
    meta("blueprint-v1", name="Blueprint", subjects=["style", "art style"], styles=["blueprint"],
         description="Everything drawn as thin white lines on blueprint blue.", created_at="2025-09-09", version=1),
    meta("sprinkles-v1", name="Sprinkles style", subjects=["style", "art style"], styles=["pastel illustration"],
         description="A pastel sticker look with candy sprinkles over everything.", created_at="2025-10-10", version=1),
    meta("sprinkles-v2", name="Sprinkles style", subjects=["style", "art style"], styles=["pastel illustration"],
         description="The pastel sticker look, now with thick white outlines.", created_at="2026-01-10", version=2),
    meta("pier-v1", name="The pier", subjects=["pier"], styles=PHOTO,
         description="The old wooden pier at low tide.", created_at="2025-06-20", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def station(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("station"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"station-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a colour the thing was repainted is its own; so is the colour its other versions agree on
    ("the orange lifeboat at sea, but not the one with the radar", "boat-v2", "<boat-v2> at sea"),
    ("the dog that isn't black, on the slipway", "sandy-v1", "<sandy-v1>, on the slipway"),
    ("the black dog on the slipway", "skipper-v2", "the black <skipper-v2> on the slipway"),
    # a time ruled out is also a description that says it
    ("the event that isn't the christmas one, with ice creams", "regatta-v1", "<regatta-v1>, with ice creams"),
    # an aside that says which version
    ("Tom on his tower (no sunglasses version please)", "tom-v1", "<tom-v1> on his tower"),
    # age: no kind of its own, and not the young one
    ("the adult seal asleep on a rock", "blubber-v1", "adult <blubber-v1> asleep on a rock"),
    # "came first", "is newest": orders
    ("whichever Skipper came first, asleep by the stove", "skipper-v1", "<skipper-v1>, asleep by the stove"),
    ("whichever Tom is newest, waving", "tom-v2", "<tom-v2>, waving"),
    ("My nephew says to ask for Skipper's first one. Skipper chasing a ball.", "skipper-v1", "<skipper-v1> chasing a ball"),
    ("the second of the three lifeboats in a storm", "boat-v2", "<boat-v2> in a storm"),
    ("the lifeboat two versions back from the newest, in a storm", "boat-v1", "<boat-v1>, in a storm"),
    ("the lifeboat after the refit but before the radar, in a storm", "boat-v2", "<boat-v2>, in a storm"),
    # a lead-in that is the scene
    ("moored in the harbour: the lifeboat before the radar", "boat-v2", "moored in the harbour: <boat-v2>"),
    ("winter scene: Skipper in the snow", "skipper-v2", "winter scene: <skipper-v2> in the snow"),
    ("the station back when it had no flagpole, flags round the door", "station-v1", "<station-v1>, flags round the door"),
    # an indefinite thing doing something to our own one
    ("a dog crossing our pier at dawn", "pier-v1", "a dog crossing <pier-v1> at dawn"),
    # a word for who the person is, before the name
    ("my lil sis Maya building a sandcastle", "maya-v1", "<maya-v1> building a sandcastle"),
    # sign-offs with the signer's name, someone asking for their own picture
    ("Dear sir, I would like a picture of Skipper on the beach. Yours sincerely, Tom", "skipper-v2",
     "a picture of <skipper-v2> on the beach"),
    ("my husband Tom wants to see himself as he was before the sunglasses, on the tower", "tom-v1",
     "<tom-v1>, on the tower"),
    # a backstory sentence with a past verb
    ("My granddaughter set all this up for us. Use the first one she ever made, on a quay.", "boat-v1",
     "<boat-v1>, on a quay"),
    # usage said otherwise
    ("Same checkpoint I had going the other week, on a rooftop", "tom-v2", "<tom-v2>, on a rooftop"),
    ("what did I use last? do that one again, on a pier", "tom-v2", "<tom-v2>, on a pier"),
    # a reflexive after the thing; a name typed in two pieces; a plural name before a look word; "from way back"
    ("the coxswain himself at the wheel", "dave-v2", "<dave-v2> himself at the wheel"),
    ("blu print style of a bicycle", "blueprint-v1", "<blueprint-v1> style of a bicycle"),
    ("a gull on a rooftop in the sprinkles look, from before they added the outlines", "sprinkles-v1",
     "a gull on a rooftop in <sprinkles-v1> style"),
    ("the original Skipper from way back, on a rug", "skipper-v1", "<skipper-v1>, on a rug"),
    # "on sunday" after what someone does is the picture's
    ("Maya coming out of church on sunday", "maya-v1", "<maya-v1> coming out of church on sunday"),
])
def test_selects(station, text, checkpoint, prompt):
    result = first_turn(station, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "options"), [
    ("something I made back in the spring", {"boat-v3", "tom-v1", "blubber-v1", "station-v2", "pip-v1", "skipper-v1"}),
    ("something I made in august, on a picture of a quay", {"boat-v2", "regatta-v1"}),  # not a photo preference
    ("the man with his feet up after a long shift", {"tom-v2", "dave-v2"}),  # an event, not the version after "long"
])
def test_asks(station, text, options):
    result = first_turn(station, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize("text", [
    "the neighbours dog on a skateboard",  # the neighbour's, not ours
    "I would like our old cow Bessie in a field. Kind regards, Tom",  # Tom signs; Bessie is none of these
])
def test_no_match(station, text):
    assert first_turn(station, text).status == "no_match"
