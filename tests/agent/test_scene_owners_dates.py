"""Phrasings written for these tests (none of them is a corpus line) over a family's small repository: names that
are everyday words said again in the picture, things that belong to someone, kinds narrower than a subject word,
parts of a month and holidays, counts and superlatives, exclusions joined by "or", whole version clauses, and
conversation around the request (a purpose before "i want", a frame pointing back, asides, signatures)."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from agent.timeexpr import find_time
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 5, 6)
RECORDS = [
    meta("clover-v1", name="Clover", subjects=["rabbit", "bunny", "pet"], styles=["photorealistic"],
         description="Clover, a grey lop-eared rabbit with a white nose.", created_at="2025-04-30", version=1),
    meta("clover-v2", name="Clover", subjects=["rabbit", "bunny", "pet"], styles=["photorealistic"],
         description="Clover the grey rabbit in a blue harness.", created_at="2025-11-11", version=2),
    meta("kiwi-v1", name="Kiwi", subjects=["budgie", "bird", "pet"], styles=["photorealistic"],
         description="A green budgie with a yellow face.", created_at="2025-09-14", version=1),
    meta("puffer-v1", name="Puffer", subjects=["toy train", "train", "toy"], styles=["photorealistic"],
         description="Theo's wooden toy train, a red engine with green carriages.", created_at="2025-05-03", version=1),
    meta("puffer-v2", name="Puffer", subjects=["toy train", "train", "toy"], styles=["photorealistic"],
         description="Theo's wooden toy train, repainted blue, with a coal tender.", created_at="2025-12-20", version=2),
    meta("poppy-v1", name="Poppy", subjects=["rag doll", "doll", "toy"], styles=["photorealistic"],
         description="A rag doll with red yarn hair and a patched blue dress.", created_at="2025-06-18", version=1),
    meta("mila-v1", name="Mila", subjects=["person", "girl", "daughter"], styles=["photorealistic"],
         description="Mila, nine, with a long brown ponytail and freckles.", created_at="2025-04-12", version=1),
    meta("mila-v2", name="Mila", subjects=["person", "girl", "daughter"], styles=["photorealistic"],
         description="Mila with a short bob after the haircut.", created_at="2025-10-03", version=2),
    meta("mila-v3", name="Mila", subjects=["person", "girl", "daughter"], styles=["photorealistic"],
         description="Mila with her short bob and new red glasses.", created_at="2026-03-08", version=3),
    meta("ruth-v1", name="Granny Ruth", subjects=["person", "grandma", "grandmother", "woman"], styles=["photorealistic"],
         description="Granny Ruth with a silver bun and a lilac cardigan.", created_at="2026-02-14", version=1),
    meta("armchair-v1", name="Grandpa's armchair", subjects=["chair", "armchair", "furniture"], styles=["photorealistic"],
         description="A green velvet armchair with brown legs.", created_at="2025-10-24", version=1),
    meta("hal-v1", name="Commodore Hal", subjects=["person", "man", "sailor"], styles=["photorealistic"],
         description="Commodore Hal, bald, with a white beard and a navy blazer.", created_at="2025-03-25", version=1),
    meta("skip-v1", name="Skip", subjects=["dog", "collie", "pet"], styles=["photorealistic"],
         description="Skip, a black and white border collie.", created_at="2025-08-02", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def family(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("family"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"scene-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a name that is an everyday word, said again in the picture, stays in it
    ("clover the rabbit eating clover in a meadow", "clover-v2", "<clover-v2> eating clover in a meadow"),
    ("kiwi pecking at some kiwi slices on a plate", "kiwi-v1", "<kiwi-v1> pecking at some kiwi slices on a plate"),
    # a thing of the subject's own keeps it; "X as a Y" keeps the role
    ("grandpa's armchair on a porch", "armchair-v1", "<armchair-v1> on a porch"),
    ("hal as a pirate captain", "hal-v1", "<hal-v1> as a pirate captain"),
    # counts and superlatives: the whole phrase is the cue
    ("the older of the two puffer ones, in the rain", "puffer-v1", "<puffer-v1>, in the rain"),
    ("the oldest checkpoint of all, in a cosy room", "hal-v1", "<hal-v1>, in a cosy room"),
    # exclusions joined by "or" rule out each; a version clause leaves the prompt whole
    ("mila without the ponytail or the glasses, on a swing", "mila-v2", "<mila-v2>, on a swing"),
    ("mila back when she wore the ponytail and freckles, at school", "mila-v1", "<mila-v1>, at school"),
    ("mila before she cut it, on a swing", "mila-v2", "<mila-v2>, on a swing"),
    # parts of a month, holidays, a version typed onto the name, swapped letters of a short word
    ("the one I made in early march, on a boat", "mila-v3", "<mila-v3>, on a boat"),
    ("whatever i trained on valentine's day, in a frame", "ruth-v1", "<ruth-v1>, in a frame"),
    ("the one i made the week before halloween, under the bed", "armchair-v1", "<armchair-v1>, under the bed"),
    ("puffer1 on a rug", "puffer-v1", "<puffer-v1> on a rug"),
    ("teh budgy on a branch", "kiwi-v1", "<kiwi-v1> on a branch"),
    ("hal at the club on a wet tuesday", "hal-v1", "<hal-v1> at the club on a wet tuesday"),
    # conversation around the request
    ("for my mum's birthday i want clover in a teacup, can you do that?", "clover-v2", "<clover-v2> in a teacup"),
    ("Hi! Hoping to get kiwi on a swing. Many thanks, Jen", "kiwi-v1", "<kiwi-v1> on a swing"),
    ("so the coach asked me (no pressure lol) to make kiwi on a perch", "kiwi-v1", "<kiwi-v1> on a perch"),
    ("hi there. i'd like kiwi on a swing. regards, mila", "kiwi-v1", "<kiwi-v1> on a swing"),  # a signature
    ("kiwi on a perch (she does this every morning, drives me mad)", "kiwi-v1", "<kiwi-v1> on a perch"),
    # a name that is also a negation word; exclusions said as a wish or with "anything but"
    ("skip rolling around in a patch of clover", "skip-v1", "<skip-v1> rolling around in a patch of clover"),
    ("the rabbit, i don't want the harness one, in a teacup", "clover-v1", "<clover-v1>, in a teacup"),
    ("puffer, anything but the blue one, on a rug", "puffer-v1", "<puffer-v1>, on a rug"),
    # an irregular plural, a position word before the name, a holiday window around the day
    ("whichever of the men, on a boat", "hal-v1", "<hal-v1>, on a boat"),
    ("the middle mila, on a swing", "mila-v2", "<mila-v2>, on a swing"),
    ("something i trained around christmas", "puffer-v2", "<puffer-v2>"),
])
def test_selected_with_the_picture_kept(family, text, checkpoint, prompt):
    turn = first_turn(family, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "mila's teddy bear tucked up in bed",  # a thing that belongs to a checkpoint but is not one
    "ruth's husband on a bench",
    "the rocking chair on a porch",  # WordNet's kind of chair, not this armchair
    "a cat on christmas day",  # a holiday in the picture dates nothing, and no cat is here
    "rex, our other dog, on a beach",  # the repository has one dog: "our other dog" is another
])
def test_no_match(family, text):
    assert first_turn(family, text).status == "no_match"


def test_a_month_that_fits_two_asks_and_the_memory_comment_leaves_the_prompt(family):
    thread = f"october-{next(_threads)}"
    turn = family.ask("cant remember what it was but the one i made back in october, in the snow", thread, now=NOW)
    assert (turn.status, sorted(o["id"] for o in turn.options)) == ("clarify", ["armchair-v1", "mila-v2"])
    final = family.reply("the chair", thread)
    assert (final.status, final.checkpoint, final.prompt) == ("selected", "armchair-v1", "<armchair-v1>, in the snow")


@pytest.mark.parametrize(("text", "answer", "checkpoint", "prompt"), [
    ("a pet in a teacup", "actually do the rabbit instead", "clover-v2", "a <clover-v2> in a teacup"),
    ("a toy on a rug", "the train, but when it was red", "puffer-v1", "a <puffer-v1> on a rug"),
    ("a toy on a rug", "the train, the blue one", "puffer-v2", "a <puffer-v2> on a rug"),
])
def test_answers_keep_the_scene_and_pick_the_version(family, text, answer, checkpoint, prompt):
    thread = f"answer-{next(_threads)}"
    assert family.ask(text, thread, now=NOW).status == "clarify"
    final = family.reply(answer, thread)
    assert (final.status, final.checkpoint, final.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("the one i made in late july, in the snow", "2025-07-21", "2025-07-31"),
    ("the one from mid-september", "2025-09-11", "2025-09-20"),
    ("the one from late may, on a calendar", "2025-05-21", "2025-05-31"),  # not yet this year on May 6th
    ("the one i trained on the first weekend of march", "2026-03-06", "2026-03-08"),
    ("the one i made at christmas", "2025-12-22", "2025-12-28"),
])
def test_time_phrases(text, start, end):
    window = find_time(text, text, NOW)
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize("text", ["a cat on christmas day", "biscuit on the first day of school",
                                  "rex on a wet tuesday"])
def test_time_words_of_the_picture_date_nothing(text):
    assert find_time(text, text, NOW) is None
