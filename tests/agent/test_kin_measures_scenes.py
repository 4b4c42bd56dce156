"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a woodworker's
family: kin said through another name ("Ada's mum", "the little brother of Ada", "Ada and Ben's baby sister"), a
kin's kin ("my husband's mum" for a mother-in-law), a word of a thing's name that alone names a person or an
animal ("my grandfather" beside the grandfather clock, "a real swan" beside the swan lamp), pet kennings ("fur
baby", "our rescue"), "X-shaped" words, a clause under a noun phrase ("our sofa after we reupholstered it"), a
scene that holds one repository thing only, a possessive owner no word list knows ("the woodturner's
workbench"), two words a description writes as one ("rain coat"), a detail said against its "un-" form ("the
cracked face" beside "uncracked"), a deed in other words ("before I fixed it" for "before repair"), a detail's
era ("the collar days"), "as it was", a weekday the picture is for, a relayed wish with "to see", "out" as
a place, a subjectless lead before the picture, material nouns ("a stick of chalk"), a thing said with "a"
beside one's own, "a sign for the X" drawn in a style, "first ever", a borrowed word after "the" ("at the
barre"), ordinal words of a name, "a wheel of cheese" and "a wheel of brie", and a detail read by its class
("with fruit on it"); answers that rule out an option by a word of its name, "forget the X", "the one I trained
most recently" and a bare ordinal."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 10, 14)  # a Wednesday
PHOTO = ["photorealistic"]
RECORDS = [
    meta("ada-v1", name="Ada", subjects=["daughter", "girl", "child", "person"], styles=PHOTO,
         description="Ada, Ben's big sister, with long plaits.", created_at="2025-03-01", version=1),
    meta("ben-v1", name="Ben", subjects=["son", "boy", "child", "person"], styles=PHOTO,
         description="Ben with a missing front tooth.", created_at="2025-03-02", version=1),
    meta("ben-v2", name="Ben", subjects=["son", "boy", "child", "person"], styles=PHOTO,
         description="Ben in his yellow raincoat.", created_at="2026-02-02", version=2),
    meta("mum-v1", name="Mum", subjects=["mother", "mum", "woman", "person"], styles=PHOTO,
         description="My mum June in her garden hat.", created_at="2025-05-05", version=1),
    meta("irene-v1", name="Irene", subjects=["mother-in-law", "woman", "person"], styles=PHOTO,
         description="Irene, his mum, with silver curls.", created_at="2025-06-06", version=1),
    meta("clock-v1", name="Grandfather clock", subjects=["clock", "longcase clock"], styles=PHOTO,
         description="The walnut grandfather clock before repair, a cracked glass face.", created_at="2025-01-10",
         version=1),
    meta("clock-v2", name="Grandfather clock", subjects=["clock", "longcase clock"], styles=PHOTO,
         description="The grandfather clock after repair, a new uncracked glass face.", created_at="2026-01-10",
         version=2),
    meta("cuckoo-v1", name="Ivy's cuckoo clock", subjects=["clock", "cuckoo clock"], styles=PHOTO,
         description="Ivy's cuckoo clock with a red bird.", created_at="2025-09-09", version=1),
    meta("lamp-v1", name="Swan lamp", subjects=["lamp", "light"], styles=PHOTO,
         description="The white swan-necked reading lamp.", created_at="2025-04-04", version=1),
    meta("bench-v1", name="Workbench", subjects=["workbench", "bench"], styles=PHOTO,
         description="The oak workbench, bare.", created_at="2025-02-02", version=1),
    meta("bench-v2", name="Workbench", subjects=["workbench", "bench"], styles=PHOTO,
         description="The oak workbench with a new vice.", created_at="2026-03-03", version=2),
    meta("rex-v1", name="Rex", subjects=["collie", "dog", "pet"], styles=PHOTO,
         description="Rex the collie as a puppy.", created_at="2025-01-01", version=1),
    meta("rex-v2", name="Rex", subjects=["collie", "dog", "pet"], styles=PHOTO,
         description="Rex the collie with a blue collar.", created_at="2026-04-04", version=2),
    meta("mog-v1", name="Mog", subjects=["cat", "pet"], styles=PHOTO,
         description="Mog the black cat, tongue out.", created_at="2026-09-01", version=1),
    meta("sofa-v1", name="Our sofa", subjects=["sofa", "couch"], styles=PHOTO,
         description="The old brown sofa with a torn arm.", created_at="2025-07-07", version=1),
    meta("sofa-v2", name="Our sofa", subjects=["sofa", "couch"], styles=PHOTO,
         description="The sofa reupholstered in green velvet.", created_at="2026-05-05", version=2,
         last_used_at="2026-10-13"),
    meta("home-v1", name="Our first home", subjects=["house", "home"], styles=PHOTO,
         description="Our first home, a red-brick terrace.", created_at="2025-08-08", version=1),
    meta("wheel-v1", name="Farm wheel", subjects=["cheese wheel", "cheese", "wheel"], styles=PHOTO,
         description="A farmhouse cheddar wheel with a cloth rind.", created_at="2025-10-10", version=1),
    meta("plum-v1", name="Plum tree", subjects=["plum tree", "tree", "plant"], styles=PHOTO,
         description="The plum tree hung with ripe plums.", created_at="2025-08-08", version=1),
    meta("plum-v2", name="Plum tree", subjects=["plum tree", "tree", "plant"], styles=PHOTO,
         description="The plum tree in winter, bare branches.", created_at="2026-01-12", version=2),
    meta("bowl-v1", name="Beech bowl", subjects=["bowl"], styles=PHOTO,
         description="The turned beech bowl full of fruit.", created_at="2025-09-19", version=1),
    meta("chalk-v1", name="Chalk lettering", subjects=["style", "art style"], styles=["chalk drawing"],
         description="White chalk lettering on a blackboard.", created_at="2025-11-11", version=1),
    meta("chalk-v2", name="Chalk lettering", subjects=["style", "art style"], styles=["chalk drawing"],
         description="Coloured chalk lettering with swirls.", created_at="2026-06-06", version=2),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("workshop"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"workshop-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # kin through another name, a kin's kin
    ("the little brother of Ada, jumping in leaves", "ben-v2", "<ben-v2>, jumping in leaves"),
    ("my husband's mum at her allotment", "irene-v1", "<irene-v1> at her allotment"),
    # a clause under the noun phrase; a scene with one repository thing; "X-shaped"
    ("our sofa after we reupholstered it, a cat asleep on the cushions", "sofa-v2",
     "<sofa-v2>, a cat asleep on the cushions"),
    ("a cat-shaped cushion on the green sofa", "sofa-v2", "a cat-shaped cushion on the green <sofa-v2>"),
    ("a sketchbook and a stick of chalk on top of the workbench", "bench-v2",
     "a sketchbook and a stick of chalk on top of <bench-v2>"),
    # description words: joined, un-, a deed in other words, an era, "as it was", a class
    ("ben in the yellow rain coat splashing", "ben-v2", "<ben-v2> splashing"),
    ("the grandfather clock with the cracked face", "clock-v1", "<clock-v1>"),
    ("the grandfather clock as it was before I fixed it, in a dusty attic", "clock-v1", "<clock-v1>, in a dusty attic"),
    ("the grandfather clock after I fixed it", "clock-v2", "<clock-v2>"),
    ("Rex from before the collar days, napping", "rex-v1", "<rex-v1>, napping"),
    ("the plum tree with fruit on it", "plum-v1", "<plum-v1> with fruit on it"),
    # cues of time and order
    ("most recent checkpoint, whatever it is, out in the rain", "mog-v1", "<mog-v1>, out in the rain"),
    ("the thing I used yesterday, a birthday cake on it", "sofa-v2", "<sofa-v2>, the thing, a birthday cake on it"),
    ("my first ever Rex checkpoint please, in the long grass", "rex-v1", "<rex-v1> in the long grass"),
    ("the first chalk lettering, a teapot", "chalk-v1", "<chalk-v1> style, a teapot"),
    # chatter and scene words
    ("so my kid wants to see Rex in the snow", "rex-v2", "<rex-v2> in the snow"),
    ("Ada, at the barre", "ada-v1", "<ada-v1>, at the barre"),
    ("a wheel of cheese with a blue ribbon", "wheel-v1", "a <wheel-v1> with a blue ribbon"),
])
def test_selects(workshop, text, checkpoint, prompt):
    result = first_turn(workshop, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "Ada's mum waiting by the door",  # Mum is the asker's; no description says she is Ada's
    "Ada and Ben's baby sister in a pram",  # Ada is Ben's sister, but not her own
    "the mum of Ben at the gate",
    "my dad's sister in the garden",  # an aunt: nobody is listed as one
    "my grandfather in his army uniform",  # the grandfather clock is no grandfather
    "a real swan gliding on a pond",  # the swan lamp is no swan
    "the woodturner's bench",  # someone else's bench
    "a big wheel of brie",  # the farm wheel is a cheddar
])
def test_no_match(workshop, text):
    assert first_turn(workshop, text).status == "no_match"


@pytest.mark.parametrize(("text", "options"), [
    ("my fur baby on the couch", {"rex-v2", "mog-v1"}),
    ("our rescue in the snow", {"rex-v2", "mog-v1"}),
])
def test_asks(workshop, text, options):
    result = first_turn(workshop, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


def test_style_draws_a_sign_for_a_thing_and_a_weekday_it_is_for(workshop):
    result = first_turn(workshop, "a sign for the workbench in my chalk style, saying 'open Saturday'")
    assert (result.status, result.checkpoint) == ("selected", "chalk-v2")
    result = first_turn(workshop, "make me a banner for Saturday in my chalk style")
    assert (result.status, result.checkpoint) == ("selected", "chalk-v2")


def test_ruling_out_by_class_keeps_the_version_without(workshop):
    result = first_turn(workshop, "the plum tree but not the one with fruit, in the fog")
    assert (result.status, result.checkpoint) == ("selected", "plum-v2")


@pytest.mark.parametrize(("request_text", "answer", "checkpoint"), [
    ("my clock with a wreath", "not the cuckoo", "clock-v2"),  # a word of the option's name, ruled out
    ("my clock with a wreath", "forget the clock, I meant the sofa", "sofa-v2"),
    ("my pet on a rug", "the one I trained most recently", "mog-v1"),
    ("my pet on a rug", "the first", None),  # a place among the options shown, not "Our first home"
])
def test_answers(workshop, request_text, answer, checkpoint):
    thread = f"workshop-{next(_threads)}"
    first = workshop.ask(request_text, thread, now=NOW)
    assert first.status == "clarify"
    result = workshop.reply(answer, thread)
    assert result.status == "selected"
    assert result.checkpoint == (checkpoint or first.options[0]["id"])
