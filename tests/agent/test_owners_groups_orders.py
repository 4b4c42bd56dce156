"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a family and its
boatyard: the things a kind of person owns by name ("my grandparents' things"), a group listed by a class word in
the plural beside its members' class, the order things were made in said in an answer or over the whole
repository, a colour said exactly, a change event that another version's words contain, a holiday said "around",
greetings to a group, a thing a style draws, a one-word name before an animal, a hat of another kind than the
version's, and a negation with "none of"."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 6, 12)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("quilt-v1", name="Nana's quilt", subjects=["quilt", "blanket"], styles=PHOTO,
         description="Nana's patchwork quilt in blue and white squares.", created_at="2025-03-02", version=1,
         last_used_at="2026-06-04"),
    meta("boat-v1", name="Grandad's boat", subjects=["boat", "dinghy"], styles=PHOTO,
         description="Grandad's wooden dinghy, painted blue.", created_at="2025-04-11", version=1),
    meta("boat-v2", name="Grandad's boat", subjects=["boat", "dinghy"], styles=PHOTO,
         description="Grandad's wooden dinghy, repainted dark teal, with a new mast.", created_at="2025-09-20", version=2),
    meta("nana-v1", name="Nana June", subjects=["person", "woman", "grandmother", "nana"], styles=PHOTO,
         description="Nana June in a wide straw hat and a flowery apron.", created_at="2025-05-05", version=1),
    meta("nana-v2", name="Nana June", subjects=["person", "woman", "grandmother", "nana"], styles=PHOTO,
         description="Nana June with short silver hair and a green fleece.", created_at="2025-12-05", version=2),
    meta("pair-v1", name="Sam and Ola", subjects=["grandchildren", "twins", "kids"], styles=PHOTO,
         description="The twins Sam and Ola in matching yellow raincoats.", created_at="2025-06-14", version=1),
    meta("lily-v1", name="Lily", subjects=["person", "girl", "granddaughter"], styles=PHOTO,
         description="Lily as a toddler, with two plaits and a gap in her teeth.", created_at="2025-07-01", version=1),
    meta("lily-v2", name="Lily", subjects=["person", "girl", "granddaughter"], styles=PHOTO,
         description="Lily at eight, her plaits gone, with a short bob.", created_at="2026-01-10", version=2),
    meta("lamp-v1", name="Harbour lamp", subjects=["lamp", "lantern"], styles=PHOTO,
         description="The harbour lamp post with flaking white paint.", created_at="2025-02-10", version=1),
    meta("lamp-v2", name="Harbour lamp", subjects=["lamp", "lantern"], styles=PHOTO,
         description="The harbour lamp post after its repaint, glossy black.", created_at="2025-11-15", version=2),
    meta("kayak-v1", name="Blue kayak", subjects=["kayak", "boat"], styles=PHOTO,
         description="A bright blue sea kayak on the slipway.", created_at="2024-12-01", version=1),
    meta("shed-v1", name="The shed", subjects=["shed", "workshop"], styles=PHOTO,
         description="The boat shed with its red double doors.", created_at="2026-02-14", version=1),
    meta("rowing-v1", name="Rowing club", subjects=["club", "boathouse"], styles=PHOTO,
         description="The rowing club's boathouse with blue doors.", created_at="2025-01-20", version=1),
    meta("warden-v1", name="Harbour warden", subjects=["warden", "man"], styles=PHOTO,
         description="Ted, the harbour warden, in a yellow oilskin.", created_at="2025-01-25", version=1),
    meta("chart-v1", name="Sea chart", subjects=["style", "art style"], styles=["nautical chart"],
         description="Old nautical chart look: inked coastlines on yellowed paper.", created_at="2025-08-08", version=1),
    meta("chart-v2", name="Sea chart", subjects=["style", "art style"], styles=["nautical chart"],
         description="The nautical chart look in oil paint, with a compass rose.", created_at="2026-04-20", version=2),
    meta("chart-v3", name="Sea chart", subjects=["style", "art style"], styles=["nautical chart"],
         description="The nautical chart look in watercolor washes.", created_at="2026-05-25", version=3),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def boatyard(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("boatyard"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"boatyard-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # the order things were made in, over the whole repository
    ("the last thing I trained, as a sticker", "chart-v3", "as a sticker, in <chart-v3> style"),
    ("the checkpoint I made right before my newest one, on a mug", "chart-v2", "on a mug, in <chart-v2> style"),
    # a change event said whole, though an older version's words contain a piece of it ("white paint")
    ("the harbour lamp before the repaint, in fog", "lamp-v1", "<lamp-v1>, in fog"),
    # a holiday said "around", as the time the checkpoint was made
    ("the one from around valentine's day, in a storm", "shed-v1", "<shed-v1>, in a storm"),
    # a greeting to a group is no subject
    ("Hello team, the style with the compass rose for our notice board", "chart-v2",
     "<chart-v2> style for our notice board"),
    # "before dark" is when in the picture's day, not the version before the dark one
    ("Grandad's boat heading home before dark", "boat-v2", "<boat-v2> heading home before dark"),
    # a hat of another kind than the version's straw hat is the picture's
    ("Nana June wearing a santa hat by the fire", "nana-v2", "<nana-v2> wearing a santa hat by the fire"),
    # a parent's wish relayed, said without "my"
    ("mum wants a picture of the harbour lamp in fog", "lamp-v2", "a picture of <lamp-v2> in fog"),
    # a word in -less says the lack of what a version has; "not the ...less one" says it has it
    ("Grandad's boat when it was still mastless, on a calm sea", "boat-v1", "<boat-v1>, on a calm sea"),
    ("Grandad's boat, not the mastless one, in a gale", "boat-v2", "<boat-v2>, in a gale"),
    # what was open or played with dates its use, not its making
    ("the thing I had open last week, on a washing line", "quilt-v1", "<quilt-v1>, on a washing line"),
    ("the one I was playing with last week, folded on a bed", "quilt-v1", "<quilt-v1>, folded on a bed"),
    # a year as a bound; "final" as the last
    ("anything I made before 2025, on a beach", "kayak-v1", "<kayak-v1>, on a beach"),
    ("the final one I made in 2025, in a rocking chair", "nana-v2", "<nana-v2>, in a rocking chair"),
    # the version before the one a detail names
    ("the sea chart just before the one with the compass rose: a reef", "chart-v1", "<chart-v1> style: a reef"),
    # a wish that closes the message, a negated order, a scene placed by a participle
    ("the shed with a wreath on the door. merry christmas!", "shed-v1", "<shed-v1> with a wreath on the door"),
    ("the harbour lamp, second version not the first, in snow", "lamp-v2", "<lamp-v2>, in snow"),
    ("the shed at dusk, doors rolled open", "shed-v1", "<shed-v1> at dusk, doors rolled open"),
    # a name before what a person does, though a name's word ("Rowing club"); a name the description gives
    ("Lily rowing a dinghy", "lily-v2", "<lily-v2> rowing a dinghy"),
    ("the warden Ted waving from the quay", "warden-v1", "<warden-v1> waving from the quay"),
    # what a description says is gone is no longer that version's; "as a toddler" describes the subject
    ("Lily with her plaits, reading", "lily-v1", "<lily-v1>, reading"),
    ("Lily as a toddler in a paddling pool", "lily-v1", "<lily-v1> in a paddling pool"),
    # an aside between dashes that picks a version; a signature that is a name of the repository
    ("Nana June — the old one — by the sea", "nana-v1", "<nana-v1> — by the sea"),
    ("the kayak on a roof rack. Best wishes, Lily", "kayak-v1", "<kayak-v1> on a roof rack"),
    # a name in a place phrase after the thing placed there
    ("Could I have a picture of our blue dinghy parked by the harbour lamp, the way it looks now", "boat-v2",
     "a picture of our blue <boat-v2> parked by the harbour lamp, the way it looks now"),
    # "none of" rules the oil paint version out
    ("the sea chart but none of the oil paint ones: a harbour", "chart-v3", "<chart-v3> style: a harbour"),
])
def test_first_turn_selects(boatyard, text, checkpoint, prompt):
    turn = first_turn(boatyard, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


def test_a_thing_a_style_draws_is_no_unknown_subject(boatyard):
    turn = first_turn(boatyard, "the nautical chart look, first version, of a kayak hull")
    assert (turn.status, turn.checkpoint) == ("selected", "chart-v1") and "of a kayak hull" in turn.prompt


@pytest.mark.parametrize(("text", "candidates"), [
    # the things a kind of person owns by name: Nana's and Grandad's
    ("something of my grandparents' on a mantelpiece", {"quilt-v1", "boat-v2"}),
    ("the grandparents' thing in the rain", {"quilt-v1", "boat-v2"}),
    # a group listed by the class word in the plural, beside a member of the class
    ("one of the grandkids flying a kite", {"pair-v1", "lily-v2"}),
    ("Nana's grandkid on a see-saw", {"pair-v1", "lily-v2"}),
])
def test_first_turn_asks(boatyard, text, candidates):
    turn = first_turn(boatyard, text)
    assert turn.status == "clarify"
    assert set(turn.candidates) == candidates


@pytest.mark.parametrize("text", [
    "the shed dog asleep on a rope",  # a one-word name before an animal the repository lacks
    "the cat from the boat shed next door",  # an animal the repository lacks, from a place it has
])
def test_no_match(boatyard, text):
    assert first_turn(boatyard, text).status == "no_match"


@pytest.mark.parametrize(("answer", "checkpoint"), [
    ("the one I trained later", "boat-v2"),
    ("the one I made first", "kayak-v1"),  # the order they were made in, not the first option shown
    ("the earlier checkpoint", "kayak-v1"),
    ("the teal one", "boat-v2"),  # said exactly; the kayak's blue is only of the same family
])
def test_answer_by_order_made_or_exact_colour(boatyard, answer, checkpoint):
    thread = f"boatyard-{next(_threads)}"
    turn = boatyard.ask("one of the boats bobbing in the harbour", thread, now=NOW)
    assert turn.status == "clarify" and set(turn.candidates) == {"boat-v2", "kayak-v1"}
    final = boatyard.reply(answer, thread)
    assert (final.status, final.checkpoint) == ("selected", checkpoint)
