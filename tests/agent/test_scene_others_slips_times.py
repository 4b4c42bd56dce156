"""Phrasings written for these tests (none of them is a corpus line) over a small repository of an allotment
family: function words that are no slips of names ("seen from above" beside a frog called Pip); a subject word of
more things in the scene ("dog park, lots of other dogs around", "surrounded by worker bees"); a clause that rules a
version out ("whichever one doesn't have stripes"), a negated change ("not the one after she got glasses"), what
is not worn ("isnt wearing that spiky collar"); the picture in a later sentence ("my grandchild wants him sitting
in ..."); weather laid on a thing ("frost all over the tractor"); "done in the oldest poster version"; a place
before a colon ("out on the allotment:"); "the woofer named Bramble"; "I've"; a month that is a name ("June's
second version", "the third June"); a style word of a scene's thing ("on a vintage postcard"); a body part of a
name ("on Hazel's hand"); a name that is a colour ("Rusty ... now bright green"); a slip of a class word
("grandparants"); "X or Y"; a relayed wish ("is insisting on"); a picture's era ("from 1952"); sign-offs ("Yours
faithfully"); "down the garden path"; a clipped word ("tort"); times of making and use ("was I using on Christmas
Eve", "finished on new year's eve", "on 4/20", "a few days before christmas", "over the weekend", "any of my
december ones")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 11, 20)  # a Friday
PHOTO = ["photorealistic"]
POSTER = ["style", "art style"]
RECORDS = [
    meta("rusty-v1", name="Rusty", subjects=["tractor", "vehicle"], styles=PHOTO,
         description="Rusty, the old orange tractor with flaking paint.", created_at="2025-02-01", version=1),
    meta("rusty-v2", name="Rusty", subjects=["tractor", "vehicle"], styles=PHOTO,
         description="Rusty the tractor after the repaint, now bright green.", created_at="2026-03-01", version=2),
    meta("van-v1", name="The van", subjects=["van", "vehicle"], styles=PHOTO,
         description="The white delivery van.", created_at="2025-04-01", version=1, last_used_at="2026-04-20T10:00:00"),
    meta("van-v2", name="The van", subjects=["van", "vehicle"], styles=PHOTO,
         description="The white delivery van with racing stripes.", created_at="2026-05-01", version=2),
    meta("scooter-v1", name="Scooter", subjects=["mobility scooter", "vehicle"], styles=PHOTO,
         description="Grandpa's red mobility scooter.", created_at="2025-12-21", version=1,
         last_used_at="2026-11-14T11:00:00"),
    meta("pip-v1", name="Pip", subjects=["tree frog", "frog", "pet"], styles=PHOTO,
         description="Pip the little green tree frog.", created_at="2025-06-01", version=1),
    meta("shelly-v1", name="Shelly", subjects=["tortoise", "pet"], styles=PHOTO,
         description="Shelly the old tortoise.", created_at="2025-07-01", version=1),
    meta("bramble-v1", name="Bramble", subjects=["terrier", "dog", "pet"], styles=PHOTO,
         description="Bramble the scruffy grey terrier.", created_at="2025-05-01", version=1),
    meta("bramble-v2", name="Bramble", subjects=["terrier", "dog", "pet"], styles=PHOTO,
         description="Bramble wearing a spiked collar.", created_at="2026-06-01", version=2,
         last_used_at="2026-11-15T16:00:00"),
    meta("hazel-v1", name="Grandma Hazel", subjects=["grandma", "grandmother", "woman"], styles=PHOTO,
         description="Grandma Hazel with a silver braid.", created_at="2025-08-01", version=1),
    meta("walt-v1", name="Grandpa Walt", subjects=["grandpa", "grandfather", "man"], styles=PHOTO,
         description="Grandpa Walt in his flat cap.", created_at="2025-12-31", version=1),
    meta("june-v1", name="June", subjects=["mum", "mother", "woman"], styles=PHOTO,
         description="June with long red hair.", created_at="2025-03-10", version=1),
    meta("june-v2", name="June", subjects=["mum", "mother", "woman"], styles=PHOTO,
         description="June with a short bob.", created_at="2025-09-10", version=2),
    meta("june-v3", name="June", subjects=["mum", "mother", "woman"], styles=PHOTO,
         description="June with a short bob and her new glasses.", created_at="2026-07-10", version=3),
    meta("hives-v1", name="The hives", subjects=["beehive", "hive", "bee"], styles=PHOTO,
         description="Three white hives by the hedge, bees at the entrances.", created_at="2025-04-15", version=1,
         last_used_at="2025-12-24T18:00:00"),
    meta("garden-v1", name="The garden", subjects=["garden", "allotment"], styles=PHOTO,
         description="The vegetable garden with raised beds.", created_at="2025-05-20", version=1),
    meta("spade-v1", name="Dad's spade", subjects=["spade", "tool"], styles=PHOTO,
         description="Dad's old spade with a worn ash handle.", created_at="2025-06-15", version=1),
    meta("kit-v1", name="Kit", subjects=["singer", "woman"], styles=PHOTO,
         description="Kit with a bleached pixie cut and a leather jacket.", created_at="2025-09-20", version=1),
    meta("kit-v2", name="Kit", subjects=["singer", "woman"], styles=PHOTO,
         description="Kit after she dyed her hair teal.", created_at="2026-01-20", version=2),
    meta("kit-v3", name="Kit", subjects=["singer", "woman"], styles=PHOTO,
         description="Kit with teal hair and a silver nose ring.", created_at="2026-04-20", version=3),
    meta("poster-v1", name="Gig poster", subjects=POSTER, styles=["screen print"],
         description="Screen-printed gig poster look in red and black.", created_at="2025-10-01", version=1),
    meta("poster-v2", name="Gig poster", subjects=POSTER, styles=["screen print"],
         description="Gig poster look in neon colours.", created_at="2026-08-01", version=2),
    meta("label-v1", name="Old label", subjects=POSTER, styles=["vintage film"],
         description="A faded vintage label look.", created_at="2026-02-01", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def allotment(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("allotment"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"allotment-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # more of the subject's kind in the scene; a version ruled out by a clause, a negated change, what is not worn
    ("Bramble v1 pls. dog park, lots of other dogs around", "bramble-v1", "<bramble-v1> dog park, lots of other dogs around"),
    ("Pip on a lily pad surrounded by worker bees", "pip-v1", "<pip-v1> on a lily pad surrounded by worker bees"),
    ("the van, whichever one doesn't have stripes, going through a car wash", "van-v1", "<van-v1> going through a car wash"),
    ("Bramble on a skateboard, the version where he isnt wearing that spiky collar", "bramble-v1",
     "<bramble-v1> on a skateboard"),
    ("June, but not the one after she got glasses, at the market", "june-v2", "<june-v2>, at the market"),
    # the picture in a later sentence; how a style draws; a place before a colon
    ("Is it possible to use the first version of Bramble? My grandchild wants him sitting in a toy shop window.",
     "bramble-v1", "<bramble-v1> sitting in a toy shop window"),
    ("wolf howling, done in the oldest poster version", "poster-v1", "wolf howling, done in <poster-v1> style"),
    ("out on the allotment: bramble, the first version", "bramble-v1", "out on the allotment: <bramble-v1>"),
    # the name said after its kind, "I've", a month that is her name, a relayed wish, a place word
    ("the woofer named bramble, wearing a bandana", "bramble-v2", "<bramble-v2>, wearing a bandana"),
    ("the dog I've trained, asleep by the stove", "bramble-v2", "<bramble-v2>, asleep by the stove"),
    ("June's second version, hanging laundry", "june-v2", "<june-v2>, hanging laundry"),
    ("the third June at the farmers market", "june-v3", "<june-v3> at the farmers market"),
    ("my daughter is insisting on Bramble having a tea party with her dolls", "bramble-v2",
     "<bramble-v2> having a tea party with her dolls"),
    ("June pushing a wheelbarrow down the garden path", "june-v3", "<june-v3> pushing a wheelbarrow down the garden path"),
    # a clipped word, politeness, a time of making said with "a few days before"
    ("tort in the flower bed", "shelly-v1", "<shelly-v1> in the flower bed"),
    ("Kit, the bleached hair version, at a thrift store", "kit-v1", "<kit-v1>, at a thrift store"),  # the rarer detail
    ("Good morning. I would like an image of the van on a ferry, if it isn't too much trouble.", "van-v2",
     "an image of <van-v2> on a ferry"),
    ("the one I made a few days before christmas", "scooter-v1", "<scooter-v1>"),
    # nobody's in particular, a kin word for the owner, a compound, a thing hung over the scene
    ("June taking someone's blood pressure", "june-v3", "<june-v3> taking someone's blood pressure"),
    ("my father's spade leaning on the shed", "spade-v1", "<spade-v1> leaning on the shed"),
    ("Pip in a little bag from the pet shop", "pip-v1", "<pip-v1> in a little bag from the pet shop"),
    ("the garden, fairy lights strung across the beds", "garden-v1", "<garden-v1>, fairy lights strung across the beds"),
    # "it" is the thing they made, not the people who made it
    ("Grandma and grandpa spent years digging the garden. I'd like to see it under snow.", "garden-v1",
     "<garden-v1> under snow"),
])
def test_selects(allotment, text, checkpoint, prompt):
    result = first_turn(allotment, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("frost all over the tractor, the earliest one I made of it", "rusty-v1"),  # weather laid on the thing
    ("my very first checkpoint on a vintage postcard", "rusty-v1"),  # a postcard's look, no style
    ("a bee landing on Hazel's hand while she pins sheets on the line", "hazel-v1"),  # whose hand
    ("the green tractor pulling a hay wagon", "rusty-v2"),  # Rusty is a name, green the repaint
    ("the gig poster look on a wedding photo from 1952", "poster-v2"),  # the photo's era
    ("Which one was I using on Christmas Eve? I'd like that one again.", "hives-v1"),
    ("the model I finished on new year's eve while everyone else was partying", "walt-v1"),
    ("the thing I used on 4/20 lol", "van-v1"),
])
def test_chooses(allotment, text, checkpoint):
    result = first_turn(allotment, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize(("text", "options"), [
    ("one of the vehicles seen from above", {"rusty-v2", "scooter-v1", "van-v2"}),  # "from" is not the frog
    ("any of my december ones", {"scooter-v1", "walt-v1"}),
    ("one of the grandparants by the fire", {"hazel-v1", "walt-v1"}),
    ("grandma or grandpa on the old bench, can't decide which", {"hazel-v1", "walt-v1"}),
    ("what did I use over the weekend", {"bramble-v2", "scooter-v1"}),
    ("a girl from the allotment sitting on a crate", {"hazel-v1", "june-v3", "kit-v3"}),  # grown women, no children
])
def test_asks(allotment, text, options):
    result = first_turn(allotment, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize(("text", "day"), [
    ("trained on 25/12/2025", "2025-12-25"),  # day first: 25 is no month
    ("the one i used on 4/20", "2026-04-20"),  # the latest April 20 up to now
    ("made on 3/4", None),  # March 4 or April 3: no date
    ("rex at the open 24/7 diner", None),  # no verb of making or using, no "on"
])
def test_numeric_dates(text, day):
    window = find_time(text, text, NOW)
    assert (window.start if window else None) == day
    assert window is None or window.start == window.end
