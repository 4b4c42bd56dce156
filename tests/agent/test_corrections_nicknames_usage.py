"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a family workshop:
a correction that takes back only the thing ("Biscuit in a tiny raincoat, no wait, Pixie"), only a scene's thing
("on a snowy branch, no wait, a snowy fence"), or says the same again ("I mean when he still shaved"); a negation
that would rule out every version ("not the repainted one" beside "painted dark green"); "the beetle of Linda";
"the middle one of the three tortes"; a style word that begins a style checkpoint's name ("the third sketch
style"); emphasis in capitals ("NOT"), a phrase's tail ("tho", "pls"), a negation said after the version ("the
beard one is NOT what i want"); nicknames ("labby", "walt"); an age ("Nora at nine"); a spelled version ("nora
two"); a participle clause ("a house made of cheese"); time said of use ("on valentine's day I was messing around
with", "a week back", "what was I using most recently?"), a weekday that is a thing ("the Sunday paper") and a season
of their life ("the summer we brought him home"), a day that names the picture's event ("the Fourth of July
parade"); orders ruled out together ("not the first
one and not the newest one either"); a relative clause of the scene (", who is holding a parcel")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 11, 20)  # a Friday
PHOTO = ["photorealistic"]
PEOPLE = ["person"]
SKETCH = ["style", "art style"]
RECORDS = [
    meta("walter-v1", name="Walter", subjects=["grandad", "man"] + PEOPLE, styles=PHOTO,
         description="Walter clean-shaven in a flat cap.", created_at="2025-03-01", version=1),
    meta("walter-v2", name="Walter", subjects=["grandad", "man"] + PEOPLE, styles=PHOTO,
         description="Walter with a white beard in a flat cap.", created_at="2026-02-01", version=2,
         last_used_at="2026-11-18T10:00:00"),
    meta("rosie-v1", name="Nan Rosie", subjects=["nan", "woman"] + PEOPLE, styles=PHOTO,
         description="Rosie, Walter's wife, with white curly hair.", created_at="2025-05-01", version=1),
    meta("biscuit-v1", name="Biscuit", subjects=["labrador", "dog", "pet"], styles=PHOTO,
         description="Biscuit the yellow labrador, the workshop's dog.", created_at="2025-04-01", version=1,
         last_used_at="2026-02-14T20:00:00"),
    meta("pixie-v1", name="Pixie", subjects=["poodle", "dog", "pet"], styles=PHOTO,
         description="Pixie the small white poodle.", created_at="2025-09-01", version=1,
         last_used_at="2026-11-12T09:00:00"),
    meta("workshop-v1", name="The workshop", subjects=["workshop", "building"], styles=PHOTO,
         description="The family workshop with its green doors.", created_at="2025-03-15", version=1),
    meta("heron-v1", name="The Heron", subjects=["rowing boat", "boat"], styles=PHOTO,
         description="The Heron, a rowing boat painted dark green.", created_at="2025-06-01", version=1),
    meta("heron-v2", name="The Heron", subjects=["rowing boat", "boat"], styles=PHOTO,
         description="The Heron after its repaint: white hull.", created_at="2026-05-01", version=2),
    meta("greenhouse-v1", name="The greenhouse", subjects=["greenhouse"], styles=PHOTO,
         description="The greenhouse with cracked, cloudy glass.", created_at="2025-07-01", version=1),
    meta("greenhouse-v2", name="The greenhouse", subjects=["greenhouse"], styles=PHOTO,
         description="The greenhouse after the new glass went in.", created_at="2026-04-01", version=2),
    meta("beetle-v1", name="Linda's beetle", subjects=["car", "vehicle"], styles=PHOTO,
         description="Linda's sky-blue beetle.", created_at="2025-08-01", version=1),
    meta("linda-v1", name="Linda", subjects=["mum", "woman"] + PEOPLE, styles=PHOTO,
         description="Linda with a short bob.", created_at="2025-10-01", version=1),
    meta("torte-v1", name="Hazelnut torte", subjects=["cake", "torte"], styles=PHOTO,
         description="A plain hazelnut torte.", created_at="2025-01-10", version=1),
    meta("torte-v2", name="Hazelnut torte", subjects=["cake", "torte"], styles=PHOTO,
         description="The hazelnut torte with cherries on top.", created_at="2025-11-10", version=2),
    meta("torte-v3", name="Hazelnut torte", subjects=["cake", "torte"], styles=PHOTO,
         description="The hazelnut torte in three tiers with cherries.", created_at="2026-06-10", version=3),
    meta("sketch-v1", name="Sketchbook style", subjects=SKETCH, styles=["pencil and watercolour"],
         description="Sketchbook look: pencil lines with soft watercolour washes.", created_at="2025-02-01", version=1),
    meta("sketch-v2", name="Sketchbook style", subjects=SKETCH, styles=["ink drawing"],
         description="Sketchbook look in black ink pen only.", created_at="2025-08-01", version=2),
    meta("sketch-v3", name="Sketchbook style", subjects=SKETCH, styles=["charcoal"],
         description="Sketchbook look in smudgy charcoal.", created_at="2026-03-01", version=3),
    meta("nora-v1", name="Nora", subjects=["girl", "daughter", "child"] + PEOPLE, styles=PHOTO,
         description="Nora at five with two pigtails.", created_at="2025-01-20", version=1),
    meta("nora-v2", name="Nora", subjects=["girl", "daughter", "child"] + PEOPLE, styles=PHOTO,
         description="Nora at nine wearing round red glasses.", created_at="2026-01-20", version=2),
    meta("nora-v3", name="Nora", subjects=["girl", "daughter", "child"] + PEOPLE, styles=PHOTO,
         description="Nora at thirteen with a short bob.", created_at="2026-08-20", version=3),
    meta("storybook-v1", name="Storybook", subjects=SKETCH, styles=["storybook illustration"],
         description="Soft storybook illustration style.", created_at="2025-05-05", version=1),
    meta("storybook-v2", name="Storybook", subjects=SKETCH, styles=["storybook illustration"],
         description="Storybook illustration style with bolder outlines.", created_at="2026-05-05", version=2),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("workshop"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"workshop-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # corrections: the thing, a scene's thing, the same said again
    ("yo Biscuit in a tiny raincoat - no wait, Pixie, she fits it better - plz", "pixie-v1", "in a tiny raincoat <pixie-v1>"),
    ("Pixie on a snowy branch, no wait, a snowy fence", "pixie-v1", "<pixie-v1> a snowy fence"),
    ("Walter from before the beard - I mean when he still shaved - sitting in his armchair", "walter-v1",
     "<walter-v1> sitting in his armchair"),
    ("Walter by the fire, no wait, not the beard one", "walter-v1", "<walter-v1> by the fire"),
    # a negation every version would fail: the words said exactly
    ("the Heron, not the repainted one, on its trailer", "heron-v1", "<heron-v1>, on its trailer"),
    ("the greenhouse, not the new-glass version, overgrown with brambles", "greenhouse-v1",
     "<greenhouse-v1>, overgrown with brambles"),
    # whose thing, how many, a style named by its name's first word
    ("the beetle of Linda parked under a cherry tree", "beetle-v1", "<beetle-v1> parked under a cherry tree"),
    ("the middle one of the three tortes, on a glass stand", "torte-v2", "<torte-v2>, on a glass stand"),
    ("the third sketch style, a study of paws", "sketch-v3", "<sketch-v3> style, a study of paws"),
    ("the earliest sketch style", "sketch-v1", "<sketch-v1> style"),
    # emphasis, a phrase's tail, a negation after the version
    ("Walter but NOT with the beard pls, just him in the shed", "walter-v1", "<walter-v1> just him in the shed"),
    ("Walter in the shed. not the one with the beard tho", "walter-v1", "<walter-v1> in the shed"),
    ("Walter. the beard one is NOT what i want", "walter-v1", "<walter-v1>"),
    # nicknames, an age, a spelled version, a participle clause
    ("labby snoozing", "biscuit-v1", "<biscuit-v1> snoozing"),
    ("walt fixing a fence", "walter-v2", "<walter-v2> fixing a fence"),
    ("Nora at nine, holding a library book", "nora-v2", "<nora-v2>, holding a library book"),
    ("nora two eating an ice cream", "nora-v2", "<nora-v2> eating an ice cream"),
    ("storybook 1, a house made of cheese", "storybook-v1", "<storybook-v1> style, a house made of cheese"),
    # chatter: greetings and obliging, interjections, a version ruled out in parentheses
    ("Evening all, the Heron on a calm river, if you'd be so kind", "heron-v2", "<heron-v2> on a calm river"),
    ("omg Pixie eating spaghetti", "pixie-v1", "<pixie-v1> eating spaghetti"),
    ("I want Walter (not the beard version) on a windowsill", "walter-v1", "<walter-v1> on a windowsill"),
    # times of use, a weekday that is a thing, a season of their life
    ("on valentine's day I was messing around with one of my checkpoints, that one please", "biscuit-v1",
     "<biscuit-v1>"),
    ("pull up whatever i had going about a week back", "pixie-v1", "<pixie-v1>"),
    ("grandad in his flat cap reading the Sunday paper", "walter-v2", "<walter-v2> in his flat cap reading the Sunday paper"),
    ("Biscuit lying in the long grass, like the summer we brought him home", "biscuit-v1",
     "<biscuit-v1> lying in the long grass, like the summer we brought him home"),
    ("Biscuit leading the Fourth of July parade", "biscuit-v1", "<biscuit-v1> leading the Fourth of July parade"),
    # orders ruled out together; a relative clause of the scene
    ("Nora, not the first one and not the newest one either", "nora-v2", "<nora-v2>"),
    ("Pixie barking at the postman, who is holding a parcel", "pixie-v1",
     "<pixie-v1> barking at the postman, who is holding a parcel"),
])
def test_selects(workshop, text, checkpoint, prompt):
    result = first_turn(workshop, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


def test_the_one_used_most_recently(workshop):
    result = first_turn(workshop, "what was I using most recently?")
    assert (result.status, result.checkpoint) == ("selected", "walter-v2")


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("the one before the most recent Walter", "walter-v1"),
    ("the og Nora on a swing", "nora-v1"),
    ("my first try at the torte", "torte-v1"),
])
def test_orders(workshop, text, checkpoint):
    result = first_turn(workshop, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


def test_an_aside_that_names_another_thing_is_taken_back_whole(workshop):
    """"any dog except Pixie... no wait, any dog": the exclusion is taken back with what it said."""
    result = first_turn(workshop, "any dog except Pixie... no wait, any dog")
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == {"biscuit-v1", "pixie-v1"}
