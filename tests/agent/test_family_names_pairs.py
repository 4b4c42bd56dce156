"""Phrasings written for these tests (none of them is a corpus line) over a small theatre café's repository: a family
name two names share, names typed without their accents, an id typed with spaces, a pair checkpoint beside its two
members, a worn thing said informally, negated description words that are scene words elsewhere, a negated
adjective said with its noun, a style word inside a name, a person word before a name the repository lacks, and
answers that name a use or a kind of some version of an option."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 6, 12)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("luca-v1", name="Chef Luca Bianchi", subjects=["chef", "cook", "man"], styles=PHOTO,
         description="Chef Luca Bianchi in whites with a thick moustache.", created_at="2025-05-06", version=1),
    meta("dario-v1", name="Dario Bianchi", subjects=["waiter", "man"], styles=PHOTO,
         description="Dario Bianchi in a grey waistcoat with slicked-back hair.", created_at="2025-07-22", version=1),
    meta("dario-v2", name="Dario Bianchi", subjects=["waiter", "man"], styles=PHOTO,
         description="Dario Bianchi, now with a grey beard, in a dark green waistcoat.", created_at="2026-02-07",
         version=2),
    meta("duo-v1", name="Ida and May", subjects=["sisters", "two women"], styles=PHOTO,
         description="Ida and May side by side behind the till.", created_at="2025-09-01", version=1),
    meta("ida-v1", name="Ida", subjects=["woman", "sister"], styles=PHOTO,
         description="Ida with curly hair and tortoiseshell glasses.", created_at="2025-09-10", version=1),
    meta("ida-v2", name="Ida", subjects=["woman", "sister"], styles=PHOTO,
         description="Ida with curly hair, now in red-framed glasses.", created_at="2026-03-02", version=2),
    meta("may-v1", name="May", subjects=["woman", "sister"], styles=PHOTO,
         description="May with a long braid and a denim apron.", created_at="2025-10-12", version=1),
    meta("jose-v1", name="José", subjects=["driver", "man"], styles=PHOTO,
         description="José the delivery driver in a flat cap.", created_at="2025-11-03", version=1),
    meta("set-v1", name="Stage set", subjects=["stage set", "scenery"], styles=PHOTO,
         description="The stage set: a misty moor with a dead tree.", created_at="2025-10-01", version=1),
    meta("set-v2", name="Stage set", subjects=["stage set", "scenery"], styles=PHOTO,
         description="The stage set: a snowy street with gas lamps.", created_at="2025-12-01", version=2),
    meta("set-v3", name="Stage set", subjects=["stage set", "scenery"], styles=PHOTO,
         description="The stage set: a moonlit forest with paper lanterns.", created_at="2026-04-01", version=3),
    meta("gran-bake-v1", name="Sunday special", subjects=["cake", "bake"], styles=PHOTO,
         description="A three-layer lemon sponge with candied peel.", created_at="2026-01-20", version=1),
    meta("poster-v1", name="Poster style", subjects=["style", "art style"], styles=["screen print"],
         description="Poster style: bold screen print in red and black.", created_at="2025-09-25", version=1,
         last_used_at="2026-06-10"),
    meta("poster-v2", name="Poster style", subjects=["style", "art style"], styles=["screen print"],
         description="Poster style: the same screen print look in teal and orange.", created_at="2026-03-28",
         version=2),
    meta("playbill-v1", name="Old playbill", subjects=["style", "art style"], styles=["engraving"],
         description="Old playbill style: sepia engraving with ornate borders.", created_at="2026-02-07", version=1,
         kind="textual_inversion"),
    meta("menu-v1", name="Vintage menu", subjects=["style", "art style"], styles=["vintage illustration"],
         description="Vintage menu illustration: sepia line drawings.", created_at="2025-08-30", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def theatre(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("theatre"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"theatre-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a name typed without its accent; an id of two words typed with spaces
    ("Jose carrying crates up the stairs", "jose-v1", "<jose-v1> carrying crates up the stairs"),
    ("gran bake on a cake stand", "gran-bake-v1", "<gran-bake-v1> on a cake stand"),
    # "both sisters", "the sisters": the pair checkpoint, not either sister
    ("both sisters laughing at the till", "duo-v1", "<duo-v1> laughing at the till"),
    # "specs" are the glasses the descriptions name; the adjective must go with its noun
    ("Ida in the tortoiseshell specs, reading a script", "ida-v1", "<ida-v1>, reading a script"),
    ("Dario, not the grey waistcoat one, folding napkins", "dario-v2", "<dario-v2>, folding napkins"),
    # description words ruled out, scene words or not
    ("the stage set that's not the forest and not the moor, with a choir", "set-v2", "<set-v2>, with a choir"),
    # an aside between commas that picks a version is no picture content
    ("could you draw the stage set, the snowy one, with a carol choir", "set-v2", "<set-v2>, with a carol choir"),
    # a style word inside a name; "please" is no verb of its clause
    ("the vintage menu style please, a waiter with a tray", "menu-v1", "<menu-v1> style a waiter with a tray"),
])
def test_first_turn_selects(theatre, text, checkpoint, prompt):
    turn = first_turn(theatre, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "candidates"), [
    # a family name two names share names them both
    ("one of the Bianchi brothers playing cards", {"luca-v1", "dario-v2"}),
    ("Mr Bianchi cutting a ribbon", {"luca-v1", "dario-v2"}),
    # "one of the sisters": either sister, not the pair
    ("one of the sisters on a ladder", {"ida-v2", "may-v1"}),
])
def test_first_turn_asks(theatre, text, candidates):
    turn = first_turn(theatre, text)
    assert turn.status == "clarify"
    assert set(turn.candidates) == candidates


@pytest.mark.parametrize("text", [
    "nonna Beppe playing cards at the bar",  # a person word before a name the repository lacks
    "the chef Tom at the pass",
])
def test_no_match(theatre, text):
    assert first_turn(theatre, text).status == "no_match"


@pytest.mark.parametrize(("answer", "checkpoint"), [
    ("the one I used this week", "poster-v1"),  # an older version of an option, used on the 10th
    ("the TI one", "playbill-v1"),  # a short kind word beside "one"
])
def test_answer_names_a_version_use_or_kind(theatre, answer, checkpoint):
    thread = f"theatre-{next(_threads)}"
    turn = theatre.ask("one of my styles for a flyer", thread, now=NOW)
    assert turn.status == "clarify" and {"poster-v2", "playbill-v1"} <= set(turn.candidates)
    final = theatre.reply(answer, thread)
    assert (final.status, final.checkpoint) == ("selected", checkpoint)
