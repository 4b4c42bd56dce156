"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a bicycle courier
office: another word for a detail a version has ("without the glasses" for "round spectacles", "not the rebuilt
one" for "after the rebuild"); "the old roof" and "before the new roof" when a later version has a new one; the
version "right after the no-harness one"; "as a pup" for the puppy version; "the latest cargo bike minus one";
an answer that names another version's colour ("the rusty one" when the bike shown is the restored blue one) or
a colour beside a word no description repeats ("with her old blonde hair"); a nickname before a participle ("the
landy covered in snow") and two clipped words ("the deliv van"); usage said as "the checkpoint I last had open",
"a week ago yesterday" and "on pi day"; a style after an order without a subject is how it is drawn ("the earliest
checkpoint in my collection, as a vintage photograph"); a weekday's possessive is a thing in the picture
("a poster announcing Tuesday's race"); a noun before the subject word that a description uses for what the
subject is ("the head mechanic" for "Ben, our head mechanic") picks no version; "the boss" is the one a description
says is the owner or the head, any version of it; "the one between v1 and v3"; a person named at a young age
("when she was little", "as a little kid", "young Mia") is the first version; answers by use ("whichever one I used
last") and by time in the collection ("whichever's been in the collection longer")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 6, 10)  # a Wednesday: "a week ago yesterday" is Tuesday 2026-06-02
PHOTO = ["photorealistic"]
COURIER = ["woman", "courier", "person"]
BIKE = ["bike", "bicycle"]
RECORDS = [
    meta("ada-v1", name="Ada", subjects=COURIER, styles=PHOTO,
         description="Ada the courier with her hair in a bun.", created_at="2025-07-02", version=1),
    meta("ada-v2", name="Ada", subjects=COURIER, styles=PHOTO,
         description="Ada with short hair, now wearing round spectacles.", created_at="2026-02-03", version=2),
    meta("zoe-v1", name="Zoe", subjects=["woman", "dispatcher", "person"], styles=PHOTO,
         description="Zoe, our dispatcher, with a bleached blonde pixie cut.", created_at="2025-08-11", version=1),
    meta("zoe-v2", name="Zoe", subjects=["woman", "dispatcher", "person"], styles=PHOTO,
         description="Zoe with her hair dyed green, still in the denim jacket.", created_at="2026-03-01", version=2),
    meta("ben-v1", name="Ben", subjects=["man", "mechanic", "person"], styles=PHOTO,
         description="Ben, our head mechanic, in blue overalls.", created_at="2025-07-20", version=1),
    meta("ben-v2", name="Ben", subjects=["man", "mechanic", "person"], styles=PHOTO,
         description="Ben in a grey hoodie.", created_at="2026-03-15", version=2),
    meta("nora-v1", name="Nora", subjects=["woman", "person"], styles=PHOTO,
         description="Nora, the owner, at her desk.", created_at="2025-10-05", version=1),
    meta("mia-v1", name="Mia", subjects=["girl", "person"], styles=PHOTO,
         description="Mia at six with pigtails.", created_at="2025-07-08", version=1),
    meta("mia-v2", name="Mia", subjects=["girl", "person"], styles=PHOTO,
         description="Mia at fifteen with a nose ring.", created_at="2026-04-18", version=2),
    meta("shed-v1", name="Bike shed", subjects=["shed", "building"], styles=PHOTO,
         description="The bike shed with its wooden walls.", created_at="2025-09-20", version=1),
    meta("shed-v2", name="Bike shed", subjects=["shed", "building"], styles=PHOTO,
         description="The bike shed after the rebuild, with a new tin roof.", created_at="2026-04-04", version=2),
    meta("depot-v1", name="Depot", subjects=["depot", "building"], styles=PHOTO,
         description="The depot's red brick front.", created_at="2025-09-01", version=1),
    meta("cargo-v1", name="Cargo bike", subjects=["cargo bike", *BIKE], styles=PHOTO,
         description="The cargo bike as we bought it: rusty, with a bent basket.", created_at="2025-06-15", version=1),
    meta("cargo-v2", name="Cargo bike", subjects=["cargo bike", *BIKE], styles=PHOTO,
         description="The cargo bike stripped and painted dark blue.", created_at="2025-12-12", version=2),
    meta("cargo-v3", name="Cargo bike", subjects=["cargo bike", *BIKE], styles=PHOTO,
         description="The cargo bike fully restored, dark blue with a wooden box.", created_at="2026-05-05", version=3),
    meta("tandem-v1", name="Tandem", subjects=["tandem", *BIKE], styles=PHOTO,
         description="Our green tandem with two bells.", created_at="2025-10-30", version=1,
         last_used_at="2026-05-30"),
    meta("pip-v1", name="Pip", subjects=["dog", "pet"], styles=PHOTO,
         description="Pip, a terrier puppy, no harness yet.", created_at="2025-06-20", version=1),
    meta("pip-v2", name="Pip", subjects=["dog", "pet"], styles=PHOTO,
         description="Pip the terrier, grown up, in a red harness.", created_at="2025-11-02", version=2),
    meta("pip-v3", name="Pip", subjects=["dog", "pet"], styles=PHOTO,
         description="Pip with a greying muzzle and his red harness.", created_at="2026-05-20", version=3),
    meta("rover-v1", name="Land Rover", subjects=["land rover", "truck", "vehicle"], styles=PHOTO,
         description="The office's old green Land Rover.", created_at="2025-08-01", version=1,
         last_used_at="2026-03-14"),
    meta("van-v1", name="Delivery van", subjects=["delivery van", "van", "vehicle"], styles=PHOTO,
         description="The white delivery van with our logo.", created_at="2026-01-09", version=1),
    meta("map-v1", name="Route map look", subjects=["style"], styles=["map"],
         description="A hand-drawn route map look in two inks.", created_at="2026-02-17", version=1,
         last_used_at="2026-06-02"),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def office(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("office"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"office-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # another word for what a version has or lacks
    ("ada by the window without the glasses", "ada-v1", "<ada-v1> by the window"),
    ("ada, no specs, eating a sandwich", "ada-v1", "<ada-v1>, eating a sandwich"),
    ("the bike shed but not the rebuilt one, at dusk", "shed-v1", "<shed-v1>, at dusk"),
    # the old thing when a later version has a new one
    ("the bike shed with the old roof, in the rain", "shed-v1", "<shed-v1> with the old roof, in the rain"),
    ("the bike shed before the new roof", "shed-v1", "<shed-v1>"),
    # right after the version that lacks it: the first that has it
    ("pip in the version right after the no-harness one, asleep on a rug", "pip-v2", "<pip-v2>, asleep on a rug"),
    # what the subject was then, with a subject word
    ("Pip as a pup, chewing a slipper", "pip-v1", "<pip-v1>, chewing a slipper"),
    # a detail inside what the subject wears or has
    ("ada with her hair up in a bun, at the depot", "ada-v1", "<ada-v1> with her hair up in a bun, at the depot"),
    # counted back from the newest, the name between
    ("the latest cargo bike minus one, by the canal", "cargo-v2", "<cargo-v2>, by the canal"),
    # a nickname before what it is doing; two clipped words
    ("the landy covered in snow", "rover-v1", "<rover-v1> covered in snow"),
    ("the deliv van outside the station", "van-v1", "<van-v1> outside the station"),
    # usage in other words
    ("the checkpoint I last had open", "map-v1", "a picture in <map-v1> style"),
    ("the one I had going a week ago yesterday, a city at night", "map-v1", "a city at night, in <map-v1> style"),
    ("whatever I used on pi day, at a farmers market", "rover-v1", "<rover-v1>, at a farmers market"),
    # an order without a subject, then how to draw it
    ("the earliest checkpoint in my collection, as a vintage photograph", "cargo-v1",
     "<cargo-v1>, as a vintage photograph"),
    # a noun before the subject word that says what the subject is, as a description puts it: no version's
    ("the head mechanic fixing a puncture", "ben-v2", "<ben-v2> fixing a puncture"),
    # whoever is in charge: the concept a description says it of, any version
    ("the boss lady reading the post", "nora-v1", "<nora-v1> reading the post"),
    ("the boss on the phone", "nora-v1", "<nora-v1> on the phone"),
    ("the boss mechanic fixing a puncture", "ben-v2", "<ben-v2> fixing a puncture"),
    # the versions either side of it
    ("pip, the one between v1 and v3, by the sea", "pip-v2", "<pip-v2>, by the sea"),
    # a person named at a young age: the first version
    ("mia when she was little, on a swing", "mia-v1", "<mia-v1>, on a swing"),
    ("mia as a little kid on a swing", "mia-v1", "<mia-v1> on a swing"),
    ("young mia on a swing", "mia-v1", "<mia-v1> on a swing"),
    # a weekday's possessive: the race's day, in the picture
    ("the route map look for a poster announcing Tuesday's race", "map-v1",
     "<map-v1> style for a poster announcing Tuesday's race"),
])
def test_selects(office, text, checkpoint, prompt):
    result = first_turn(office, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "answer", "checkpoint"), [
    # another version's colour, the one shown being the restored dark blue bike
    ("my bike leaning on a lamp post", "the rusty one", "cargo-v1"),
    ("my bike leaning on a lamp post", "the rusty one, before we fixed it up", "cargo-v1"),
    # the colour tells the versions apart where "hair" is said by only the other
    ("a woman from the office at her desk", "zoe, with her old blonde hair", "zoe-v1"),
    # the old roof, in an answer
    ("one of our buildings at night", "the shed, with the old roof", "shed-v1"),
    # by the options' use and age, said in other words
    ("my bike leaning on a lamp post", "whichever one I used last", "tandem-v1"),
    ("one of our buildings at night", "whichever's been in the collection longer", "depot-v1"),
])
def test_answers(office, text, answer, checkpoint):
    thread = f"office-{next(_threads)}"
    assert office.ask(text, thread, now=NOW).status == "clarify"
    result = office.reply(answer, thread)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("ada wearing her glasses, reading a map", "ada-v2"),  # what the newest has
    ("the bike shed after it was rebuilt", "shed-v2"),
    ("the bike shed with the new roof", "shed-v2"),
    ("Pip chewing a toy next to a pup", "pip-v3"),  # another dog in the picture
    ("the newest cargo bike, by the canal", "cargo-v3"),
    ("the rusty cargo bike by the canal", "cargo-v1"),
    ("mia on a swing", "mia-v2"),
    ("mia holding a baby", "mia-v2"),  # someone else in the picture
    ("pip v1 by the sea", "pip-v1"),  # an adjective before it still tells versions apart
])
def test_guards(office, text, checkpoint):
    result = first_turn(office, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


def test_an_answer_that_only_tells_the_options_apart_keeps_the_newest(office):
    thread = f"office-{next(_threads)}"
    assert office.ask("my bike leaning on a lamp post", thread, now=NOW).status == "clarify"
    result = office.reply("the cargo one", thread)
    assert (result.status, result.checkpoint) == ("selected", "cargo-v3")


@pytest.mark.parametrize(("text", "day"), [
    ("the one i had going a week ago yesterday", date(2026, 6, 2)),
    ("the one i used on pi day", date(2026, 3, 14)),
    ("the one from groundhog day", date(2026, 2, 2)),
])
def test_day_phrases(text, day):
    window = find_time(text, text, NOW)
    assert window is not None and window.start <= day.isoformat() <= window.end
