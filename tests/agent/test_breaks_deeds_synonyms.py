"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a seaside
guesthouse: times said every day ("the saturday before last", "just before the christmas break", "over the summer
holidays", "that week between christmas and new year", "on thanksgiving day"); a sentence that says which checkpoint
before the picture ("I had something open ... That one again"); positions ("the latest but one", "newest minus one",
"1st gen", "the later Mabel"); deeds that tell versions apart ("before she cut her hair", "before he shaved his
beard", "before the retrain in June", "didnt have the neckerchief yet"); a negation after a spaced dash; a name said
plainly and negated with its kind ("Not the dreambooth Skipper"); "except her" after a story that named her; words
the repository writes otherwise (a WordNet synonym: "the headteacher" for the principal; a name typed as one word; pet
endings; "my favourite dog"); chatter ("thingy", "ugh", "(sorry, ...)", "like old times"); "not-dreambooth";
"at the new pier" is a place; subjects the repository lacks ("mabels brother jim", "the pair of seals that ...")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 11, 20)  # a Friday
PHOTO = ["photorealistic"]
RECORDS = [
    meta("skipper-v1", name="Skipper", subjects=["collie", "dog", "pet"], styles=PHOTO, kind="lora",
         description="Skipper the black and white collie.", created_at="2025-03-01", version=1),
    meta("skipper-v2", name="Skipper", subjects=["collie", "dog", "pet"], styles=PHOTO, kind="lora",
         description="Skipper in a red neckerchief.", created_at="2025-10-01", version=2),
    meta("skipper-v3", name="Skipper", subjects=["collie", "dog", "pet"], styles=PHOTO, kind="dreambooth",
         description="Skipper, grey around the muzzle, in a red neckerchief.", created_at="2026-06-10", version=3),
    meta("moss-v1", name="Moss", subjects=["cat", "pet"], styles=PHOTO,
         description="Moss the tabby cat.", created_at="2026-08-05", version=1),
    meta("mabel-v1", name="Mabel", subjects=["landlady", "woman", "grandmother"], styles=PHOTO,
         description="Mabel with long grey hair in a bun.", created_at="2025-05-01", version=1),
    meta("mabel-v2", name="Mabel", subjects=["landlady", "woman", "grandmother"], styles=PHOTO,
         description="Mabel with a short haircut and reading glasses.", created_at="2026-02-01", version=2),
    meta("ron-v1", name="Ron", subjects=["man", "husband", "grandfather"], styles=PHOTO,
         description="Ron with a thick white beard.", created_at="2025-06-01", version=1),
    meta("ron-v2", name="Ron", subjects=["man", "husband", "grandfather"], styles=PHOTO,
         description="Ron after shaving off his beard.", created_at="2026-03-15", version=2),
    meta("house-v1", name="The guesthouse", subjects=["guesthouse", "house", "building"], styles=PHOTO,
         description="The guesthouse with a blue door.", created_at="2025-04-10", version=1,
         last_used_at="2026-11-07T10:00:00"),
    meta("house-v2", name="The guesthouse", subjects=["guesthouse", "house", "building"], styles=PHOTO,
         description="The guesthouse with a yellow door and window boxes.", created_at="2025-12-28", version=2),
    meta("dinghy-v1", name="The dinghy", subjects=["dinghy", "boat"], styles=PHOTO,
         description="The little wooden dinghy.", created_at="2025-12-15", version=1),
    meta("lamp-v1", name="Storm lamp", subjects=["lamp", "lantern"], styles=PHOTO,
         description="A brass storm lamp.", created_at="2025-11-27", version=1),
    meta("kite-v1", name="Box kite", subjects=["kite", "toy"], styles=PHOTO,
         description="A red box kite.", created_at="2026-07-10", version=1),
    meta("hale-v1", name="Mrs Hale", subjects=["principal", "woman"], styles=PHOTO,
         description="Mrs Hale, the village school's principal, in a tweed jacket.", created_at="2025-07-01", version=1),
    meta("dunn-v1", name="Mr Dunn", subjects=["teacher", "man"], styles=PHOTO,
         description="Mr Dunn, the music teacher, with a bow tie.", created_at="2025-07-02", version=1),
    meta("ned-v1", name="Ned", subjects=["donkey", "pet"], styles=PHOTO,
         description="Ned the beach donkey.", created_at="2025-06-20", version=1),
    meta("doll-v1", name="Sally Anne", subjects=["doll", "toy"], styles=PHOTO,
         description="Sally Anne, a rag doll in a blue pinafore.", created_at="2025-08-01", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def guesthouse(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("guesthouse"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"guesthouse-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # positions
    ("Skipper, the latest but one, on the harbour wall", "skipper-v2", "<skipper-v2>, on the harbour wall"),
    ("Skipper newest minus one asleep by the fire", "skipper-v2", "<skipper-v2> asleep by the fire"),
    ("Skipper 1st gen chasing gulls", "skipper-v1", "<skipper-v1> chasing gulls"),
    ("the later Mabel hanging out sheets", "mabel-v2", "<mabel-v2> hanging out sheets"),
    # deeds and changes that tell versions apart
    ("Mabel from before she cut her hair, baking scones", "mabel-v1", "<mabel-v1>, baking scones"),
    ("Ron before he shaved his beard, mending a net", "ron-v1", "<ron-v1>, mending a net"),
    ("Skipper before the retrain in June, on the beach", "skipper-v2", "<skipper-v2>, on the beach"),
    ("Skipper back when he didnt have the neckerchief yet, on the dunes", "skipper-v1", "<skipper-v1>, on the dunes"),
    ("Mabel pouring tea - not the short hair version please", "mabel-v1", "<mabel-v1> pouring tea"),
    ("Skipper in the garden. Not the dreambooth Skipper, the other one.", "skipper-v2", "<skipper-v2> in the garden"),
    ("Ron mending the fence - not clean shaven Ron", "ron-v1", "<ron-v1> mending the fence"),
    # a sentence that says which checkpoint; times said every day
    ("I had something open the saturday before last and can't remember which. That one again, in the rain",
     "house-v1", "<house-v1>, in the rain"),
    ("the one I made just before the christmas break, at sunset", "dinghy-v1", "<dinghy-v1>, at sunset"),
    ("the one I trained in that week between christmas and new year, in the snow", "house-v2", "<house-v2>, in the snow"),
    ("the one I trained on thanksgiving day, on a windowsill", "lamp-v1", "<lamp-v1>, on a windowsill"),
    # the repository's words written otherwise
    ("sallyanne on the windowsill", "doll-v1", "<doll-v1> on the windowsill"),
    ("nedster giving rides on the sand", "ned-v1", "<ned-v1> giving rides on the sand"),
    ("the headteacher handing out prizes", "hale-v1", "<hale-v1> handing out prizes"),
    ("my favourite dog on the harbour wall", "skipper-v3", "<skipper-v3> on the harbour wall"),
    ("my little one keeps asking for the doggy on a surfboard", "skipper-v3", "<skipper-v3> on a surfboard"),
    # chatter; a place
    ("the dinghy thingy pulled up on the slipway", "dinghy-v1", "<dinghy-v1> pulled up on the slipway"),
    ("ugh Skipper rolled in seaweed again, draw that", "skipper-v3", "<skipper-v3> rolled in seaweed again"),
    ("the neckerchief Skipper (sorry, typing on my phone) on a boat", "skipper-v3",
     "<skipper-v3> on a boat"),
    ("Ron cutting the ribbon at the new pier", "ron-v2", "<ron-v2> cutting the ribbon at the new pier"),
    ("the very first checkpoint I trained, at a picnic like old times", "skipper-v1", "<skipper-v1>, at a picnic"),
    ("the not-dreambooth Skipper on a bench", "skipper-v2", "<skipper-v2> on a bench"),
])
def test_selects(guesthouse, text, checkpoint, prompt):
    result = first_turn(guesthouse, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "checkpoint"), [
    ("Mabel's had enough fuss this week, so any of the grandparents except her, on a bench", "ron-v2"),
    ("what did I have open the saturday before last? that one, in the rain", "house-v1"),
])
def test_chooses(guesthouse, text, checkpoint):
    result = first_turn(guesthouse, text)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize(("text", "options"), [
    ("whatever I trained over the summer holidays", {"kite-v1", "moss-v1"}),
])
def test_asks(guesthouse, text, options):
    result = first_turn(guesthouse, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == options


@pytest.mark.parametrize("text", [
    "mabels brother jim fishing off the pier",  # hers, said without the apostrophe: someone the repository lacks
    "the pair of seals that sleep by the dinghy",  # the seals, a thing a clause places by the dinghy
])
def test_no_match(guesthouse, text):
    assert first_turn(guesthouse, text).status == "no_match"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("made over the summer holidays", "2026-06-20", "2026-09-04"),
    ("trained just before the christmas break", "2025-12-12", "2025-12-18"),
    ("made in that week between christmas and new year", "2025-12-25", "2026-01-01"),
    ("used the friday before last", "2026-11-06", "2026-11-06"),  # today is a Friday: last week's is the 13th
    ("a dog on his summer holidays", None, None),  # the picture's, no verb of making or using
])
def test_times(text, start, end):
    window = find_time(text, text, NOW)
    assert ((window.start, window.end) if window else (None, None)) == (start, end)


@pytest.mark.parametrize(("request_", "answer", "checkpoint", "prompt"), [
    # a subject word only the chosen concept has singles it out: its version cue picks among its versions
    ("my pet on the doorstep", "the collie, the oldest version", "skipper-v1", "<skipper-v1> on the doorstep"),
    # an answer naming a subject none of the options is keeps its own version cues
    ("my toy on the shelf", "neither, I meant the dog, the old one without the neckerchief", "skipper-v1",
     "<skipper-v1> on the shelf"),
])
def test_answers(guesthouse, request_, answer, checkpoint, prompt):
    thread = f"guesthouse-{next(_threads)}"
    assert guesthouse.ask(request_, thread, now=NOW).status == "clarify"
    result = guesthouse.reply(answer, thread)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)
