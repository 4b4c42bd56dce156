"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a retired couple's
home: a correction inside the request ("no wait", "actually no", "sorry, I mean") that names another thing or only
another version, "one of us" beside a checkpoint of the two together, informal kin and young-animal words the
repository says otherwise ("nana", "the bubba", "my pupper"), signatures ("Ivy here!"), "the garden in spring" as
a description says it, "when we first got her", a version ruled out by words no description has, a thing that
WordNet keeps apart from a listed synonym ("the motorbike" beside a bicycle listed as "bike"), an -ing verb with
its object ("my nephew jake building a snowman"), "X's portrait", a style's name word as the medium ("in chalk"),
a word before a style, an adjective before a name, a kind said of someone's thing ("Jake's acoustic guitar"),
a description that shaves a thing off, "first-ever", a hyphen inside one word, a thing named by the craft that made
it ("something I knitted"), a compound WordNet knows ("my knitting needles"), the one thing a scene holds, and a
version ruled out with its name ("I don't want the v2 van"); answers by colour, kind, indifference ("either is
fine") and by meaning among the options not ruled out."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 11, 20)  # a Friday
PHOTO = ["photorealistic"]
PEOPLE = ["person"]
KNIT = ["knitting", "knitted item"]
RECORDS = [
    meta("ivy-v1", name="Ivy", subjects=["wife", "grandma", "woman"] + PEOPLE, styles=PHOTO,
         description="Ivy in her red raincoat.", created_at="2025-04-01", version=1),
    meta("ivy-v2", name="Ivy", subjects=["wife", "grandma", "woman"] + PEOPLE, styles=PHOTO,
         description="Ivy with her new silver bob.", created_at="2026-02-01", version=2, kind="dreambooth"),
    meta("tom-v1", name="Tom", subjects=["husband", "grandad", "man"] + PEOPLE, styles=PHOTO,
         description="Tom with a bushy grey beard and a flat cap.", created_at="2025-04-02", version=1),
    meta("tom-v2", name="Tom", subjects=["husband", "grandad", "man"] + PEOPLE, styles=PHOTO,
         description="Tom after shaving off his beard, in a blue fleece.", created_at="2026-03-01", version=2),
    meta("couple-v1", name="Us two", subjects=["couple", "us", "people"], styles=PHOTO,
         description="Tom and Ivy together on the porch swing.", created_at="2026-05-01", version=1),
    meta("poppy-v1", name="Poppy", subjects=["granddaughter", "baby", "grandchild"], styles=PHOTO,
         description="Poppy the baby in a yellow bonnet.", created_at="2026-06-01", version=1),
    meta("jake-v1", name="Jake", subjects=["nephew", "boy"] + PEOPLE, styles=PHOTO,
         description="Jake with red curls and a football.", created_at="2025-09-01", version=1),
    meta("leo-v1", name="Leo", subjects=["nephew", "boy"] + PEOPLE, styles=PHOTO,
         description="Leo in a blue school jumper.", created_at="2026-01-15", version=1),
    meta("scout-v1", name="Scout", subjects=["collie", "dog", "pet"], styles=PHOTO,
         description="Scout as a puppy, black and white, with a floppy ear.", created_at="2025-05-01", version=1),
    meta("scout-v2", name="Scout", subjects=["collie", "dog", "pet"], styles=PHOTO,
         description="Scout grown up, black and white with a red harness.", created_at="2026-04-01", version=2),
    meta("juniper-v1", name="Juniper", subjects=["husky", "dog", "pet"], styles=PHOTO,
         description="Juniper the husky, grey and white with a torn ear.", created_at="2026-07-01", version=1),
    meta("bike-v1", name="Tom's bicycle", subjects=["bicycle", "bike"], styles=PHOTO,
         description="Tom's green bicycle with a wicker basket.", created_at="2025-06-01", version=1),
    meta("garden-v1", name="The garden", subjects=["garden"], styles=PHOTO,
         description="The garden in spring: tulips and a birdbath.", created_at="2025-10-01", version=1),
    meta("garden-v2", name="The garden", subjects=["garden"], styles=PHOTO,
         description="The garden in autumn: red leaves and pumpkins.", created_at="2026-10-01", version=2),
    meta("scarf-v1", name="Striped scarf", subjects=["scarf"] + KNIT, styles=PHOTO,
         description="A long knitted scarf with green stripes.", created_at="2025-11-01", version=1),
    meta("cosy-v1", name="Owl tea cosy", subjects=["tea cosy"] + KNIT, styles=PHOTO,
         description="A knitted tea cosy shaped like an owl.", created_at="2025-12-01", version=1),
    meta("jumper-v1", name="Cable jumper", subjects=["jumper", "clothing"] + KNIT, styles=PHOTO,
         description="A cable-knit jumper I knitted for Tom.", created_at="2026-01-01", version=1),
    meta("chalk-v1", name="Blackboard chalk", subjects=["style", "art style"], styles=["chalk drawing"],
         description="Chalk drawings on a blackboard.", created_at="2026-02-10", version=1),
    meta("sign-v1", name="Shop lettering", subjects=["style", "lettering style"], styles=["chalk lettering"],
         description="Shop lettering: white chalk script on a black board.", created_at="2025-08-01", version=1),
    meta("sign-v2", name="Shop lettering", subjects=["style", "lettering style"], styles=["chalk lettering"],
         description="Shop lettering in coloured chalk swirls.", created_at="2026-08-01", version=2),
    meta("guitar-v1", name="Jake's guitar", subjects=["electric guitar", "guitar", "instrument"], styles=PHOTO,
         description="Jake's red electric guitar with a white pickguard.", created_at="2026-03-15", version=1),
    meta("van-v1", name="Camper van", subjects=["van", "vehicle"], styles=PHOTO,
         description="The camper van, cream with a brown stripe.", created_at="2025-07-01", version=1),
    meta("van-v2", name="Camper van", subjects=["van", "vehicle"], styles=PHOTO,
         description="The camper van repainted sage green.", created_at="2026-06-15", version=2, kind="dreambooth"),
    meta("car-v1", name="Little red", subjects=["car", "vehicle"], styles=PHOTO,
         description="Our little red car with a roof box.", created_at="2026-09-01", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def home(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("home"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"home-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # corrections: another thing, or only another version of the thing named before
    ("the van, no wait, the car, with the boot open", "car-v1", "<car-v1>, with the boot open"),
    ("the green van, sorry, I mean the cream one", "van-v1", "<van-v1>"),
    ("scout with the harness - actually no, the puppy one, on a rug", "scout-v1", "<scout-v1> on a rug"),
    ("can you do Ivy, the dreambooth? hang on, the first one. Ivy at a bus stop", "ivy-v1", "<ivy-v1> at a bus stop"),
    # informal kin and young-animal words, signatures
    ("nana at the seaside", "ivy-v2", "<ivy-v2> at the seaside"),
    ("the bubba asleep", "poppy-v1", "<poppy-v1> asleep"),
    ("Tom here! one of Ivy reading", "ivy-v2", "<ivy-v2> reading"),
    # versions by a season as described, by "when we first got her", by a shaved-off beard
    ("the garden in spring with a frog by the pond", "garden-v1", "<garden-v1> in spring with a frog by the pond"),
    ("scout when we first got her, on the lawn", "scout-v1", "<scout-v1>, on the lawn"),
    ("Tom, not the beardless version, fishing", "tom-v1", "<tom-v1>, fishing"),
    ("Tom shaved off his beard last spring. can you do new Tom in a deckchair", "tom-v2", "<tom-v2> in a deckchair"),
    ("ivy, definitely not the oldest one, dancing", "ivy-v2", "<ivy-v2>, dancing"),
    ("I don't want the v2 van, give me v1 on a beach", "van-v1", "<van-v1> on a beach"),
    # styles as the medium; a word before a style; an adjective before a name; a hyphen inside one word
    ("a lighthouse in chalk", "chalk-v1", "a lighthouse in <chalk-v1> style"),
    ("the white chalk lettering for a menu", "sign-v1", "<sign-v1> style for a menu"),
    ("the grown-up scout chasing a ball", "scout-v2", "grown-up <scout-v2> chasing a ball"),
    ("my first-ever checkpoint", "ivy-v1", "<ivy-v1>"),
    # crafts; the one thing a scene holds, the trigger where the scene says it
    ("something i knitted that isn't the scarf or the jumper", "cosy-v1", "<cosy-v1>"),
    ("a bowl of soup next to the red car", "car-v1", "a bowl of soup next to the red <car-v1>"),
])
def test_selects(home, text, checkpoint, prompt):
    result = first_turn(home, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "the motorbike by the sea",  # the bike is listed as a bicycle too
    "my nephew Sam building a snowman",  # nephews are Jake and Leo
    "my late cat's portrait",  # no cat
    "Jake's acoustic guitar",  # his guitar is electric
    "Jake's pedalboard",
    "my knitting needles",
    "a knitted thing that isn't the scarf, the jumper or the tea cosy",
])
def test_no_match(home, text):
    assert first_turn(home, text).status == "no_match"


@pytest.mark.parametrize(("text", "options"), [
    ("one of us on the porch", {"tom-v2", "ivy-v2"}),  # the couple checkpoint names them both
    ("my pupper in the snow", {"scout-v2", "juniper-v1"}),
    ("my nephew building a snowman", {"jake-v1", "leo-v1"}),
    ("something I knitted", {"scarf-v1", "cosy-v1", "jumper-v1"}),
])
def test_asks(home, text, options):
    result = first_turn(home, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize(("request_text", "answer", "checkpoint"), [
    ("my pupper in the snow", "the grey and white one", "juniper-v1"),  # a clause of colours is the dog's own
    ("my nephew at the beach", "the ginger one", "jake-v1"),  # red curls
    ("my dog in the snow", "either is fine", None),  # the first option shown
    ("my dog in the snow", "whichever you like", None),
    ("something I knitted", "not the scarf, the one you put on a teapot", "cosy-v1"),
])
def test_answers(home, request_text, answer, checkpoint):
    thread = f"home-{next(_threads)}"
    first = home.ask(request_text, thread, now=NOW)
    assert first.status == "clarify"
    result = home.reply(answer, thread)
    assert result.status == "selected"
    assert result.checkpoint == (checkpoint or first.options[0]["id"])
