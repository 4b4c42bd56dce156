"""Phrasings written for these tests (none of them is a corpus line) over a farm café's small repository: a
style word inside a checkpoint's own style, negated lists, clients' animals named by their owners, a title that
makes a person, versions a description says lack something, seasons a description shows, ties between concepts
made the same day, usage in a period, context sentences, and a month in the scene."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 3, 20)
RECORDS = [
    meta("juno-v1", name="Juno", subjects=["dog", "terrier", "pet"], styles=["photorealistic"],
         description="Juno, our wiry tan terrier, before the red harness.", created_at="2025-05-02", version=1),
    meta("juno-v2", name="Juno", subjects=["dog", "terrier", "pet"], styles=["photorealistic"],
         description="Juno in her red harness.", created_at="2025-11-14", version=2, last_used_at="2026-03-16"),
    meta("pip-v1", name="Pip", subjects=["dog", "whippet"], styles=["photorealistic"],
         description="Pip, Mrs. Hale's grey whippet.", created_at="2025-08-09", version=1),
    meta("bramble-v1", name="Bramble", subjects=["dog", "spaniel"], styles=["photorealistic"],
         description="Bramble, Mr. Okoro's liver spaniel.", created_at="2025-09-21", version=1),
    meta("moss-v1", name="Moss", subjects=["cat"], styles=["photorealistic"],
         description="Moss, Mr. Okoro's black cat.", created_at="2025-10-04", version=1, last_used_at="2026-03-17"),
    meta("ada-v1", name="Ada", subjects=["person", "woman", "owner"], styles=["photorealistic"],
         description="Ada with a grey bob and a linen apron.", created_at="2025-01-10", version=1),
    meta("ben-v1", name="Ben", subjects=["person", "man", "baker"], styles=["photorealistic"],
         description="Ben with flour on his cheek.", created_at="2025-01-10", version=1),
    meta("orchard-v1", name="The orchard", subjects=["orchard", "garden"], styles=["photorealistic"],
         description="The orchard in spring, white blossom on every tree.", created_at="2025-04-12", version=1),
    meta("orchard-v2", name="The orchard", subjects=["orchard", "garden"], styles=["photorealistic"],
         description="The orchard in autumn with red apples.", created_at="2025-10-01", version=2),
    meta("orchard-v3", name="The orchard", subjects=["orchard", "garden"], styles=["photorealistic"],
         description="The orchard in winter under snow.", created_at="2026-01-08", version=3),
    meta("cart-v1", name="Apple cart", subjects=["cart"], styles=["photorealistic"],
         description="The apple cart painted green, before the makeover.", created_at="2025-06-01", version=1),
    meta("cart-v2", name="Apple cart", subjects=["cart"], styles=["photorealistic"],
         description="The apple cart after the makeover, cream with a striped awning.", created_at="2025-12-01",
         version=2),
    meta("inkling-v1", name="Inkling", subjects=["style", "art style"], styles=["ink wash"],
         description="Loose black ink-wash painting on rice paper.", created_at="2025-07-07", version=1),
    meta("lino-v1", name="Lino print", subjects=["style", "art style"], styles=["lino print"],
         description="A two-colour lino print look.", created_at="2025-08-30", version=1),
    meta("gouache-v1", name="Gouache", subjects=["style", "art style"], styles=["gouache"],
         description="Flat gouache illustration in soft colours.", created_at="2026-02-20", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def cafe(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("cafe"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"cafe-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a style word inside a checkpoint's own style ("ink" of "ink wash")
    ("my ink style, a heron at dawn", "inkling-v1", "<inkling-v1> style, a heron at dawn"),
    # a negated list runs through "or" and, after "except", through "and"
    ("a style that isn't ink or lino, a hare in a field", "gouache-v1", "a <gouache-v1> style, a hare in a field"),
    ("any dog except Juno and Pip, on a beach", "bramble-v1", "<bramble-v1>, on a beach"),
    # an owner the descriptions name, also when the class word is not listed on the thing itself
    ("Mrs. Hale's pet on a sofa", "pip-v1", "<pip-v1> on a sofa"),
    ("Mr Okoro's cat in a window", "moss-v1", "<moss-v1> in a window"),
    # a description's "before the X" is what that version lacks
    ("the apple cart before the makeover, at a market", "cart-v1", "<cart-v1>, at a market"),
    ("the cart after the makeover with a parasol", "cart-v2", "<cart-v2> with a parasol"),
    # a season a description shows is a detail, positive or ruled out
    ("the autumn orchard, with a ladder", "orchard-v2", "<orchard-v2>, with a ladder"),
    ("the orchard, not the snowy one and not the autumn one, with a picnic", "orchard-v1", "<orchard-v1>, with a picnic"),
    # "gimme", an id with an underscore, "<name> one", "after the first one"
    ("gimme juno on a skateboard", "juno-v2", "<juno-v2> on a skateboard"),
    ("juno_v1 on a lawn", "juno-v1", "<juno-v1> on a lawn"),
    ("juno one at the beach", "juno-v1", "<juno-v1> at the beach"),
    ("the juno after the first one, by a lake", "juno-v2", "<juno-v2>, by a lake"),
    # an indefinite thing in a style's look is what the style draws, the trigger where the style was said
    ("a woman at a market in my lino print look", "lino-v1", "a woman at a market in <lino-v1> style"),
    # what someone asked for is context; "following a scent" is what she does; an adjective continues the scene
    ("juno on a paddleboard, my boss asked for it", "juno-v2", "<juno-v2> on a paddleboard"),
    ("Juno, just not the one with the red harness, following a scent", "juno-v1", "<juno-v1>, following a scent"),
    ("I'd really like Moss, asleep on the windowsill please", "moss-v1", "<moss-v1>, asleep on the windowsill"),
    # the person's own hands; a month no version was made in is when the picture is set
    ("ada with her hands in the soil", "ada-v1", "<ada-v1> with her hands in the soil"),
    ("Juno wearing a santa hat in december", "juno-v2", "<juno-v2> wearing a santa hat in december"),
    # "whatever that was" is chatter; anyone but Ada is Ben
    ("the newest checkpoint I have, whatever that was, on a boat", "gouache-v1", "on a boat, in <gouache-v1> style"),
    ("anyone except Ada, behind the counter", "ben-v1", "<ben-v1>, behind the counter"),
])
def test_first_turn_selects(cafe, text, checkpoint, prompt):
    turn = first_turn(cafe, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "candidates"), [
    # "not the lino style, the other one": a style is wanted, lino is ruled out
    ("not the lino style, the other one, for a wedding card", {"inkling-v1", "gouache-v1"}),
    # two concepts made the same day are both the oldest
    ("the oldest thing I have, on a mug", {"ada-v1", "ben-v1"}),
    # what was used in a week two concepts share
    ("what I used this week, a teapot beside it", {"juno-v2", "moss-v1"}),
    # the owner widens a class word to every pet of hers or his
    ("Mr. Okoro's pet by the fire", {"bramble-v1", "moss-v1"}),
])
def test_first_turn_asks(cafe, text, candidates):
    turn = first_turn(cafe, text)
    assert turn.status == "clarify"
    assert set(turn.candidates) == candidates


@pytest.mark.parametrize("text", [
    "Mrs. Hale's cat on a bookshelf",  # she has a whippet, no cat
    "Mr. Orchard waving from his gate",  # a title makes a person; no person is called Orchard
    "my coworker Juno at her desk",  # Juno is a dog
    "my ginger cat by the fire",  # the only cat is black
    "my daughter painting at the kitchen table",  # the painting is what she does
    "ada's sewing machine on a table",
    "a dog that isn't Juno, Pip or either spaniel",
])
def test_no_match(cafe, text):
    assert first_turn(cafe, text).status == "no_match"


@pytest.mark.parametrize(("text", "start"), [
    ("the one i used on the 3rd of this month", "2026-03-03"),
    ("used on the 20th of last month", "2026-02-20"),
])
def test_day_of_this_or_last_month(text, start):
    window = find_time(text, text, NOW)
    assert (window.start, window.end) == (start, start)
