"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a village cricket
club: who someone is, said with "from" of one version ("Ollie from the junior squad"), is true of all his versions;
a compound a description hyphenates, typed spaced ("glow in the dark"); a thing of the same small kind as a
description's ("blanket" for "throw"); a word in -ing after "new" before a noun ("the new rowing machine") is a thing
the repository lacks; "chained to a railing" is what the picture does, not the version with a chain; "loaded" on a
day was in use then, "loaded with" is no use; "need a pic of", "mum wants" and "love you x" are no picture;
": the yellow one" after the subject picks a version; "the newest version of the dog" asks which dog; "our rat lad"
is the rat; one's own thing the repository lacks, at a place it has ("the scoreboard next to the pavilion"), is no
match; "fancy doing", "ta muchly", a purpose with its time ("for our christmas cards this year") and an owner typed
without the apostrophe ("grandads roller") leave the prompt; "gee-gee" and "nag" are horses; "the collie" a
description says is Rex is no slip of "Ollie"; "the thing I made most recently" is the checkpoint."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2027, 4, 1)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("ollie-v1", name="Ollie", subjects=["boy", "kid", "child", "player"], styles=PHOTO,
         description="Ollie from the junior squad, aged ten, in a white cap.", created_at="2025-05-03", version=1),
    meta("ollie-v2", name="Ollie", subjects=["boy", "kid", "child", "player"], styles=PHOTO,
         description="Ollie aged eleven, with braces and a county badge.", created_at="2026-06-06", version=2),
    meta("mia-v1", name="Mia", subjects=["girl", "kid", "child", "player"], styles=PHOTO,
         description="Mia from the junior squad with her pink bat.", created_at="2026-04-11", version=1),
    meta("ball-v1", name="The practice ball", subjects=["ball", "cricket ball"], styles=PHOTO,
         description="A scuffed red leather practice ball.", created_at="2025-08-09", version=1),
    meta("ball-v2", name="The practice ball", subjects=["ball", "cricket ball"], styles=PHOTO,
         description="The practice ball painted glow-in-the-dark yellow.", created_at="2026-09-12", version=2),
    meta("bench-v1", name="The pavilion bench", subjects=["bench", "seat"], styles=PHOTO,
         description="The old pavilion bench with a brass plaque.", created_at="2025-06-14", version=1),
    meta("bench-v2", name="The pavilion bench", subjects=["bench", "seat"], styles=PHOTO,
         description="The pavilion bench under a knitted throw.", created_at="2026-10-17", version=2),
    meta("rattler-v1", name="Rattler", subjects=["bike", "bicycle"], styles=PHOTO,
         description="Rattler, the groundsman's old bike, rust on the chain.", created_at="2025-07-19", version=1,
         kind="lora"),
    meta("rattler-v2", name="Rattler", subjects=["bike", "bicycle"], styles=PHOTO,
         description="Rattler with new white bar tape.", created_at="2026-07-25", version=2, kind="dreambooth"),
    meta("whiskers-v1", name="Whiskers", subjects=["rat", "pet"], styles=PHOTO,
         description="Whiskers, the club rat, in his cage by the scorebox.", created_at="2026-02-07", version=1,
         last_used_at="2027-02-14"),
    meta("rex-v1", name="Rex", subjects=["dog", "pet"], styles=PHOTO,
         description="Rex the collie as a young dog.", created_at="2025-09-20", version=1),
    meta("rex-v2", name="Rex", subjects=["dog", "pet"], styles=PHOTO,
         description="Rex the collie, grey around the muzzle.", created_at="2026-11-21", version=2),
    meta("bramble-v1", name="Bramble", subjects=["dog", "pet"], styles=PHOTO,
         description="Bramble the spaniel with muddy ears.", created_at="2026-05-23", version=1),
    meta("pavilion-v1", name="The pavilion", subjects=["pavilion", "clubhouse", "building"], styles=PHOTO,
         description="The pavilion with its green door.", created_at="2025-04-26", version=1),
    meta("pavilion-v2", name="The pavilion", subjects=["pavilion", "clubhouse", "building"], styles=PHOTO,
         description="The pavilion after the door was repainted yellow.", created_at="2026-08-29", version=2),
    meta("van-v1", name="The club van", subjects=["van", "vehicle"], styles=PHOTO,
         description="The club's white minibus van.", created_at="2026-01-10", version=1),
    meta("roller-v1", name="Grandad's roller", subjects=["roller", "lawn roller"], styles=PHOTO,
         description="Grandad's green heavy roller for the pitch.", created_at="2025-03-15", version=1),
    meta("duchess-v1", name="Duchess", subjects=["horse", "pony"], styles=PHOTO,
         description="Duchess, the old pony who used to pull the roller.", created_at="2025-11-08", version=1),
    meta("peas-v1", name="Sweet peas", subjects=["flower", "plant"], styles=PHOTO,
         description="The sweet peas by the scorebox, pink and white.", created_at="2026-07-11", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def club(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("club"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"club-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # who he is ("from the junior squad", said of his first version) does not pick that version over "the newer one"
    ("Ollie from the squad but the newer one, on a podium", "ollie-v2", "<ollie-v2> from the squad, on a podium"),
    ("ollie from the junior squad holding a trophy", "ollie-v2", "<ollie-v2> from the junior squad holding a trophy"),
    # a compound the description hyphenates, typed spaced: one word there, the version that has it
    ("the glow in the dark ball under a uv lamp", "ball-v2", "<ball-v2> under a uv lamp"),
    # a thing of the same small kind as a description's: "blanket" for "throw", ruled out and said
    ("the bench without the blanket thing on it, in the rain", "bench-v1", "<bench-v1>, in the rain"),
    ("the bench with the blanket, in the sun", "bench-v2", "<bench-v2>, in the sun"),
    # what the picture does with it ("chained to") is no version's chain
    ("the lora of rattler chained to a railing", "rattler-v1", "<rattler-v1> chained to a railing"),
    # "loaded" on a day: in use then
    ("the one i loaded on valentine's day, with roses", "whiskers-v1", "<whiskers-v1>, with roses"),
    # "loaded with" is what the picture shows, not a time of use
    ("the van loaded with christmas trees", "van-v1", "<van-v1> loaded with christmas trees"),
    # request frames without their "i", relayed wishes and loving closes are no picture
    ("need a pic of whiskers eating a grape asap", "whiskers-v1", "<whiskers-v1> eating a grape"),
    ("mum wants the pavilion: the yellow one, with bunting", "pavilion-v2", "<pavilion-v2>: with bunting"),
    ("the pavilion with the yellow door, daffodils out front, love you x", "pavilion-v2",
     "<pavilion-v2>, daffodils out front"),
    # a person word after an animal's word is what the pet is called
    ("our rat lad at the vets", "whiskers-v1", "<whiskers-v1> at the vets"),
    # "fancy doing" asks; "ta muchly" thanks; a purpose with its time or its place, and a kiss, is no picture
    ("hiya! fancy doing whiskers in a field of poppies? ta muchly", "whiskers-v1", "<whiskers-v1> in a field of poppies"),
    ("could you do the pavilion covered in snow for our christmas cards this year?", "pavilion-v2",
     "<pavilion-v2> covered in snow"),
    ("would love the pavilion at sunset for a print in our hallway x", "pavilion-v2", "<pavilion-v2> at sunset"),
    # whose, typed without the apostrophe, says which, as "grandad's" does
    ("grandads roller by the nets", "roller-v1", "<roller-v1> by the nets"),
    # a child's word for the animal, an old one
    ("the gee-gee in a meadow", "duchess-v1", "<duchess-v1> in a meadow"),
    ("the nag pulling a cart", "duchess-v1", "<duchess-v1> pulling a cart"),
    # what an order said with its maker stands for is the checkpoint, not drawn
    ("the thing i made most recently, on a beach", "rex-v2", "<rex-v2>, on a beach"),
    # a description's own word ("Rex the collie") is no slip of a name ("Ollie")
    ("the collie on a hill", "rex-v2", "<rex-v2> on a hill"),
])
def test_selects(club, text, checkpoint, prompt):
    result = first_turn(club, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


def test_who_they_are_narrows_the_people_not_the_versions(club):
    # the squad's two children, each by the newest version
    result = first_turn(club, "one of the kids from the junior squad holding a trophy")
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == {"ollie-v2", "mia-v1"}


@pytest.mark.parametrize(("text", "offered"), [
    ("the newest version of the dog", {"rex-v2", "bramble-v1"}),
    ("the oldest version of the dog", {"rex-v1", "bramble-v1"}),
    ("the most recent one of the dog", {"rex-v2", "bramble-v1"}),
])
def test_an_order_of_one_things_versions_asks_which_thing(club, text, offered):
    result = first_turn(club, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == offered


def test_an_order_among_things_picks_across_them(club):
    result = first_turn(club, "the oldest of my dogs")
    assert (result.status, result.checkpoint) == ("selected", "rex-v1")


@pytest.mark.parametrize("text", [
    "the new rowing machine in the pavilion",  # a word in -ing after "new" says what kind of machine
    "the scoreboard next to the pavilion",  # one's own thing kept at a place the repository has: the thing is meant
    "our greenhouse behind the pavilion",
])
def test_a_thing_the_repository_lacks_at_a_place_it_has_is_no_match(club, text):
    assert first_turn(club, text).status == "no_match"


def test_scenery_at_a_place_is_the_places_picture(club):
    result = first_turn(club, "the crowds outside the pavilion")
    assert (result.status, result.checkpoint, result.prompt) == ("selected", "pavilion-v2", "the crowds outside <pavilion-v2>")
