"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a family living on a
canal narrowboat: positions said around the name ("Pretzel before the most recent one", "between the first and the
newest"); "any of our pets but the cat"; a slip corrected after a question mark ("Maple?? no Mabel"); a style named
with a look word draws the things said with "a" ("an old man fishing, inkwash edit"), "one of my looks", "my other
look"; a kind a description names ("the dachshund", "our sausage dog"); "the lock one again like last time"; habits
and initials in letters; "the tuesday of last week", "two weeks or so ago"; scene words that are no details ("past
the red car", "a horse-drawn cart", "the sign in the window"); answers whose words after a break say which version,
or which say where a version was made."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 6, 18)  # a Thursday
PHOTO = ["photorealistic"]
PETS = ["dog", "pet"]
RECORDS = [
    meta("mabel-v1", name="Mabel", subjects=["woman", "skipper", "person"], styles=PHOTO,
         description="Mabel with long grey hair in a plait.", created_at="2025-07-01", version=1),
    meta("mabel-v2", name="Mabel", subjects=["woman", "skipper", "person"], styles=PHOTO,
         description="Mabel with a short grey crop and a red scarf.", created_at="2026-03-01", version=2),
    meta("harold-v1", name="Harold", subjects=["man", "lock keeper", "person"], styles=PHOTO,
         description="Harold the lock keeper with a white moustache.", created_at="2025-08-20", version=1),
    meta("tom-v1", name="Tom", subjects=["man", "person"], styles=PHOTO,
         description="Tom at the regatta in a striped blazer.", created_at="2025-06-10", version=1),
    meta("tom-v2", name="Tom", subjects=["man", "person"], styles=PHOTO,
         description="Tom on his wedding day in a grey suit.", created_at="2026-02-14", version=2),
    meta("pretzel-v1", name="Pretzel", subjects=PETS, styles=PHOTO,
         description="Pretzel, our wire-haired dachshund, brown with white ears.", created_at="2025-06-01", version=1),
    meta("pretzel-v2", name="Pretzel", subjects=PETS, styles=PHOTO,
         description="Pretzel, brown with white ears, in a red bandana.", created_at="2025-11-01", version=2),
    meta("pretzel-v3", name="Pretzel", subjects=PETS, styles=PHOTO,
         description="Pretzel in a yellow life jacket, white ears.", created_at="2026-04-01", version=3),
    meta("skip-v1", name="Skip", subjects=PETS, styles=PHOTO,
         description="Skip, a black and white springer spaniel.", created_at="2026-01-15", version=1),
    meta("tabitha-v1", name="Tabitha", subjects=["cat", "pet"], styles=PHOTO,
         description="Tabitha the grey tabby cat.", created_at="2025-09-01", version=1),
    meta("boat-v1", name="Kingfisher", subjects=["narrowboat", "boat"], styles=PHOTO,
         description="The narrowboat Kingfisher painted green with roses.", created_at="2025-05-01", version=1),
    meta("boat-v2", name="Kingfisher", subjects=["narrowboat", "boat"], styles=PHOTO,
         description="Kingfisher repainted navy blue with a brass tiller and lace at the window.", created_at="2025-12-01", version=2),
    meta("boat-v3", name="Kingfisher", subjects=["narrowboat", "boat"], styles=PHOTO,
         description="Kingfisher in navy with solar panels on the roof.", created_at="2026-05-01", version=3),
    meta("bramble-v1", name="Bramble", subjects=["horse", "pet"], styles=PHOTO,
         description="Bramble the towpath horse.", created_at="2025-04-01", version=1),
    meta("lock-v1", name="Lock gates", subjects=["lock", "place"], styles=PHOTO,
         description="The old lock gates at Hatton.", created_at="2025-08-10", version=1),
    meta("lighthouse-v1", name="Estuary lighthouse", subjects=["lighthouse", "building"], styles=PHOTO,
         description="The striped lighthouse at the estuary.", created_at="2025-10-01", version=1),
    meta("radio-v1", name="The radio", subjects=["radio"], styles=PHOTO,
         description="The radio in a walnut casing.", created_at="2025-07-20", version=1),
    meta("radio-v2", name="The radio", subjects=["radio"], styles=PHOTO,
         description="The radio in a new red plastic casing.", created_at="2026-01-05", version=2),
    meta("ellie-v1", name="Ellie", subjects=["girl", "granddaughter", "child"], styles=PHOTO,
         description="Ellie in a yellow raincoat.", created_at="2025-09-20", version=1),
    meta("bike-v1", name="Tandem", subjects=["bike", "bicycle"], styles=PHOTO,
         description="The red tandem bike.", created_at="2025-10-20", version=1),
    meta("inkwash-v1", name="Inkwash", subjects=["style", "editing look"], styles=["ink wash"],
         description="A moody ink wash edit in greys.", created_at="2025-11-20", version=1),
    meta("honey-v1", name="Honey film", subjects=["style", "film look"], styles=["film photography"],
         description="A warm golden film look with soft grain.", created_at="2026-05-20", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def narrowboat(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("narrowboat"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"narrowboat-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # positions said around the name
    ("swimming in the canal - the Pretzel before the most recent one", "pretzel-v2",
     "swimming in the canal - <pretzel-v2>"),
    ("the Kingfisher between the first and the newest, moored at dusk", "boat-v2", "<boat-v2>, moored at dusk"),
    # a slip corrected after a question mark; a style named with a look word
    ("Maple?? no Mabel, the one with the plait, at the tiller", "mabel-v1", "<mabel-v1>, at the tiller"),
    ("Mabel. the one with the plait, at the tiller", "mabel-v1", "<mabel-v1>. at the tiller"),
    ("an old man fishing from the towpath, inkwash edit", "inkwash-v1",
     "an old man fishing from the towpath, <inkwash-v1> style"),
    ("a heron at dawn, edited with my other look, not the ink wash one", "honey-v1",
     "a heron at dawn, edited with <honey-v1> style"),
    # a kind a description names
    ("the dachshund asleep on the roof", "pretzel-v3", "<pretzel-v3> asleep on the roof"),
    ("our sausage dog asleep on the roof", "pretzel-v3", "<pretzel-v3> asleep on the roof"),
    # what only says which, and what tells versions apart
    ("the lock one again like last time, with swans", "lock-v1", "<lock-v1>, with swans"),
    ("the radio, the old one and not the new casing, on a shelf", "radio-v1", "<radio-v1>, on a shelf"),
    ("Kingfisher from right after her repaint, in the snow", "boat-v2", "<boat-v2>, in the snow"),
    # a habit and an initial in a letter
    ("Good afternoon. I would like a picture of Harold, who comes by every Tuesday, feeding the ducks. "
     "Regards, J. Potter", "harold-v1", "a picture of <harold-v1>, feeding the ducks"),
    # scene words that are no details of the subject
    ("Pretzel chasing a ball past the red car", "pretzel-v3", "<pretzel-v3> chasing a ball past the red car"),
    ("Kingfisher from before the repaint, for sale sign in the window", "boat-v1",
     "<boat-v1>, for sale sign in the window"),
])
def test_selects(narrowboat, text, checkpoint, prompt):
    result = first_turn(narrowboat, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("a horse-drawn cart crossing the lock", "lock-v1"),  # no horse is drawn
])
def test_chooses(narrowboat, text, checkpoint):
    result = first_turn(narrowboat, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize(("text", "options"), [
    ("one of my looks on a stack of lily pads", {"inkwash-v1", "honey-v1"}),
    ("any of our pets but the cat, curled up on a cushion", {"pretzel-v3", "skip-v1", "bramble-v1"}),
])
def test_asks(narrowboat, text, options):
    result = first_turn(narrowboat, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize("text", [
    "our granddaughter Emma on her first bike",  # Emma, whom the repository lacks; the bike is hers
    "my poodle asleep on the roof",  # no description names a poodle
])
def test_no_match(narrowboat, text):
    assert first_turn(narrowboat, text).status == "no_match"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("the one i used on the tuesday of last week", "2026-06-09", "2026-06-09"),
    ("the one i used on thursday of last week", "2026-06-11", "2026-06-11"),  # today is a Thursday
    ("what did i make two weeks or so ago", "2026-06-01", "2026-06-07"),
    ("harold, who comes by every tuesday", None, None),  # a habit, no date
])
def test_times(text, start, end):
    window = find_time(text, text, NOW)
    assert ((window.start, window.end) if window else (None, None)) == (start, end)


@pytest.mark.parametrize(("request_", "answer", "checkpoint", "prompt"), [
    # where a version was made says which one
    ("the man on the towpath", "the one from the regatta", "tom-v1", "<tom-v1> on the towpath"),
    # after a break, the words say which version of the one chosen
    ("my dog on the roof", "the dachshund, but the old bandana version", "pretzel-v2",
     "<pretzel-v2> on the roof"),
])
def test_answers(narrowboat, request_, answer, checkpoint, prompt):
    thread = f"narrowboat-{next(_threads)}"
    assert narrowboat.ask(request_, thread, now=NOW).status == "clarify"
    result = narrowboat.reply(answer, thread)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)
