"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a village bakery:
an everyday word that only qualifies a name ("tea" of "Tea kettle", "front" of "Front window") is scene content unless
a determiner makes it the name ("a cup of tea" vs "the tea kettle"); the look of a thing no description has ("a tiny
crown" when a version has a tiny bell) tells no version apart; days that move with Thanksgiving ("Black Friday",
"Cyber Monday") and Mother's Day; a particle after a model word ("my latest checkpoint up on a billboard") is where
the picture puts it, no thing the repository lacks; "before / after the X" where no version of the subject has X is
when, in the picture ("Ines sweeping up after the loaves are sold"); "when he first got his bandana", "the first
time he wore a bandana": the oldest version that has it; which one, said after the picture ("my dog, the plain
one NOT the raincoat one", "Pickles chasing a ball - the Pickles we trained in January"); a story about someone
the repository lacks before whom they want drawn ("my niece is doing a school project and she wants Pickles ...");
"in my whole collection" after an order; "the one between the scruffy version and the raincoat version"; "on my
birthday (10th of May)"; "my late husband's rocking chair" when it is "Grandpa's rocking chair"."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 6, 10)  # a Wednesday; US Thanksgiving 2025 fell on 2025-11-27, Mother's Day 2026 on 2026-05-10
PHOTO = ["photorealistic"]
PERSON = ["woman", "baker", "person"]
RECORDS = [
    meta("mabel-v1", name="Mabel", subjects=PERSON, styles=PHOTO,
         description="Mabel the baker with grey curls.", created_at="2025-06-02", version=1),
    meta("mabel-v2", name="Mabel", subjects=PERSON, styles=PHOTO,
         description="Mabel with grey curls and a floral apron.", created_at="2026-02-03", version=2),
    meta("ines-v1", name="Ines", subjects=PERSON, styles=PHOTO,
         description="Ines, the new baker, with a black ponytail.", created_at="2025-11-28", version=1),
    meta("kettle-v1", name="Tea kettle", subjects=["kettle"], styles=PHOTO,
         description="The copper kettle on the back of the stove.", created_at="2025-07-14", version=1),
    meta("window-v1", name="Front window", subjects=["window", "shop window"], styles=PHOTO,
         description="The bakery's front window full of loaves.", created_at="2025-12-01", version=1),
    meta("crumb-v1", name="Crumb", subjects=["cat", "pet"], styles=PHOTO,
         description="Crumb, a tabby cat with a tiny bell on her collar.", created_at="2025-08-20", version=1),
    meta("pickles-v1", name="Pickles", subjects=["dog", "pet"], styles=PHOTO,
         description="Pickles, a scruffy terrier.", created_at="2025-09-09", version=1),
    meta("pickles-v2", name="Pickles", subjects=["dog", "pet"], styles=PHOTO,
         description="Pickles the terrier in a red bandana.", created_at="2026-01-05", version=2),
    meta("pickles-v3", name="Pickles", subjects=["dog", "pet"], styles=PHOTO,
         description="Pickles in his red bandana and a yellow raincoat.", created_at="2026-04-01", version=3),
    meta("rocker-v1", name="Grandpa's rocking chair", subjects=["rocking chair", "chair"], styles=PHOTO,
         description="Grandpa's old rocking chair by the oven.", created_at="2025-10-10", version=1),
    meta("sign-v1", name="Bakery sign", subjects=["sign"], styles=PHOTO,
         description="The hanging bakery sign, painted blue.", created_at="2026-05-10", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def bakery(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("bakery"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"bakery-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "options"), [
    # an everyday word of a name, inside the scene, names nothing: the person is still to be chosen
    ("a person at the counter with a cup of tea", ["mabel-v2", "ines-v1"]),
    ("a baker waving from behind the counter, flour all over the front of her shirt", ["mabel-v2", "ines-v1"]),
    # the look of a thing no description has: "tiny" is the crown's, not the bell's
    ("my pet wearing a tiny crown", ["crumb-v1", "pickles-v3"]),
    ("our pet in a little party hat", ["crumb-v1", "pickles-v3"]),
])
def test_asks(bakery, text, options):
    result = first_turn(bakery, text)
    assert result.status == "clarify"
    assert sorted(o["id"] for o in result.options) == sorted(options)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # with a determiner the everyday word is the name again
    ("the tea kettle on a windowsill", "kettle-v1", "<kettle-v1> on a windowsill"),
    ("our front window at christmas", "window-v1", "<window-v1> at christmas"),
    # the same word naming a thing of the scene next to a named subject
    ("Mabel back before the apron, holding a tray of buns", "mabel-v1", "<mabel-v1>, holding a tray of buns"),
    # the first time a version had it: the oldest that has it
    ("Pickles when he first got his bandana, on the doorstep", "pickles-v2", "<pickles-v2>, on the doorstep"),
    ("Pickles the first time he wore a bandana", "pickles-v2", "<pickles-v2>"),
    ("Pickles when he'd just got the raincoat, in a puddle", "pickles-v3", "<pickles-v3>, in a puddle"),
    ("Pickles wearing his bandana by the oven", "pickles-v3", "<pickles-v3> by the oven"),  # a guard
    # which one, said after the picture: an apposition before "not", the name again with a clause about the checkpoint
    ("my dog, the plain one NOT the raincoat one, in the park", "pickles-v2", "<pickles-v2>, in the park"),
    ("Pickles chasing a ball - the Pickles we trained in January", "pickles-v2", "<pickles-v2> chasing a ball"),
    ("Mabel icing a cake, the Mabel I made last summer", "mabel-v1", "<mabel-v1> icing a cake"),
    # a story about someone the repository lacks, then whom they want drawn
    ("So my niece is doing a school project about bread and she wants Pickles sitting on a flour sack", "pickles-v3",
     "<pickles-v3> sitting on a flour sack"),
    ("My grandson is learning to bake. He wants Crumb asleep in a mixing bowl", "crumb-v1",
     "<crumb-v1> asleep in a mixing bowl"),
    ("Pickles is hungry and he wants a sausage", "pickles-v3", "<pickles-v3> is hungry and he wants a sausage"),  # his
    # which version, by its neighbours
    ("the middle Pickles, the one between the scruffy version and the raincoat version, on a bench", "pickles-v2",
     "<pickles-v2>, on a bench"),
    ("Pickles sitting between the oven and the door", "pickles-v3", "<pickles-v3> sitting between the oven and the door"),
    # a day of one's own, then its date
    ("the one I made on my birthday (10th of May), on a cake stand", "sign-v1", "<sign-v1>, on a cake stand"),
    # among what, not where
    ("the oldest checkpoint in my whole collection, at a fair", "mabel-v1", "<mabel-v1>, at a fair"),
    # "before / after" a thing of another checkpoint's description: when, in the picture
    ("Ines sweeping up after the loaves are sold", "ines-v1", "<ines-v1> sweeping up after the loaves are sold"),
    ("Mabel ringing the bell before the doors open", "mabel-v2", "<mabel-v2> ringing the bell before the doors open"),
    ("Mabel after the apron, kneading dough", "mabel-v2", "<mabel-v2>, kneading dough"),  # her own: which version
    # the look of a new thing next to the only version
    ("Crumb wearing a tiny santa hat", "crumb-v1", "<crumb-v1> wearing a tiny santa hat"),
    # a particle after a model word: where the picture puts it
    ("my latest checkpoint up on a billboard", "sign-v1", "<sign-v1>, up on a billboard"),
    ("my newest model out in the snow", "sign-v1", "<sign-v1>, out in the snow"),
])
def test_selects(bakery, text, checkpoint, prompt):
    result = first_turn(bakery, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


def test_the_familys_thing_named_by_the_owners_wife(bakery):
    result = first_turn(bakery, "my late husband's rocking chair on the porch")
    assert (result.status, result.checkpoint) == ("selected", "rocker-v1")
    assert first_turn(bakery, "my sister's rocking chair on the porch").status == "no_match"  # not the family's elder


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("the checkpoint I made on Black Friday last year", "ines-v1"),
    ("whatever I trained over cyber monday last year", "window-v1"),
    ("the one from mother's day", "sign-v1"),
])
def test_days_that_move(bakery, text, checkpoint):
    result = first_turn(bakery, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize(("text", "year", "day"), [
    ("the one from black friday", 2025, date(2025, 11, 28)),
    ("the one i made on black friday", 2024, date(2024, 11, 29)),
    ("whatever i trained over cyber monday", 2024, date(2024, 12, 2)),
    ("the one from mothers day", 2025, date(2025, 5, 11)),
])
def test_holiday_dates(text, year, day):
    window = find_time(text, text, date(year, 12, 31))
    assert window is not None and window.start <= day.isoformat() <= window.end
