"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a family smallholding:
"the lads" are the men where the only child is a girl; "Poppy's grandad" is the one listed as a grandad when she is
listed as a granddaughter and no description says who is whose, "Poppy's grandparents" ask which; "the nanny goat"
and "the billy goat" are the goat, said female or male; a critter is any animal; "the pud", "some grub", "the little
lady", "the vino" are the sponge, the food, the girl and the wine; a relayed wish after a clause about the one who
wishes ("my sister is visiting next week and would love"), a wish for the thing the picture is for before the
request ("my son wants a poster for his room, can you do ...") and a poster said first ("for the fete poster, ...")
leave the prompt, while a poster said after the picture is drawn, and so do a closing kiss and a greeting passed on
("my husband says hi!"); "hi-vis" is one word that tells versions apart; an answer's colour that only another version
of the chosen option has picks that version; "a puppy", "the young dog" pick the version a description calls young;
a creature the repository lacks at a place it has ("a pony in the barn") is no match."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2027, 5, 12)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("june-v1", name="June", subjects=["woman", "grandma", "person"], styles=PHOTO,
         description="June in her gardening gloves.", created_at="2025-04-05", version=1),
    meta("ted-v1", name="Ted", subjects=["man", "grandad", "person"], styles=PHOTO,
         description="Ted, June's husband, in a tweed cap.", created_at="2025-05-10", version=1),
    meta("dan-v1", name="Dan", subjects=["man", "son", "person"], styles=PHOTO,
         description="Dan in a hi-vis vest.", created_at="2025-06-14", version=1),
    meta("dan-v2", name="Dan", subjects=["man", "son", "person"], styles=PHOTO,
         description="Dan in a flat cap with a beard.", created_at="2026-07-18", version=2),
    meta("poppy-v1", name="Poppy", subjects=["girl", "child", "granddaughter", "person"], styles=PHOTO,
         description="Poppy in red wellies.", created_at="2026-03-21", version=1),
    meta("hazel-v1", name="Hazel", subjects=["goat", "animal"], styles=PHOTO,
         description="Hazel, the brown goat with floppy ears.", created_at="2025-08-16", version=1),
    meta("scout-v1", name="Scout", subjects=["dog", "pet", "animal"], styles=PHOTO,
         description="Scout the sheepdog, young and skinny.", created_at="2025-09-20", version=1),
    meta("scout-v2", name="Scout", subjects=["dog", "pet", "animal"], styles=PHOTO,
         description="Scout the sheepdog with a grey muzzle.", created_at="2026-10-03", version=2),
    meta("barn-v1", name="The barn", subjects=["barn", "building"], styles=PHOTO,
         description="The red barn by the lane.", created_at="2026-04-18", version=1),
    meta("tabitha-v1", name="Tabitha", subjects=["cat", "pet", "animal"], styles=PHOTO,
         description="Tabitha, the tabby barn cat.", created_at="2025-10-25", version=1),
    meta("roast-v1", name="Sunday roast", subjects=["roast", "dinner", "food"], styles=PHOTO,
         description="June's Sunday roast with all the trimmings.", created_at="2025-11-29", version=1),
    meta("sponge-v1", name="Victoria sponge", subjects=["cake", "dessert", "food"], styles=PHOTO,
         description="A Victoria sponge with pink icing.", created_at="2025-12-13", version=1),
    meta("sponge-v2", name="Victoria sponge", subjects=["cake", "dessert", "food"], styles=PHOTO,
         description="A Victoria sponge with strawberries and cream.", created_at="2026-08-22", version=2),
    meta("wine-v1", name="Elderflower wine", subjects=["bottle", "wine"], styles=PHOTO,
         description="A bottle of June's elderflower wine.", created_at="2026-01-17", version=1),
    meta("vines-v1", name="The vines", subjects=["vines", "vineyard"], styles=PHOTO,
         description="The little row of vines behind the barn.", created_at="2026-02-14", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def farm(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("farm"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"farm-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # whose, by the kin words the records list, when no description says it
    ("poppy's grandad reading a newspaper", "ted-v1", "<ted-v1> reading a newspaper"),
    ("poppy's nan in the greenhouse", "june-v1", "<june-v1> in the greenhouse"),
    # the female or male of the animal: the goat
    ("that nanny goat of ours on a rock", "hazel-v1", "<hazel-v1> on a rock"),
    ("the billy goat in the snow", "hazel-v1", "<hazel-v1> in the snow"),
    # everyday words for the dessert, the girl and the wine
    ("the pud on a cake stand", "sponge-v2", "<sponge-v2> on a cake stand"),
    ("the little lady splashing in puddles", "poppy-v1", "<poppy-v1> splashing in puddles"),
    ("the vino on a picnic table", "wine-v1", "<wine-v1> on a picnic table"),
    # a wish relayed after a clause about the one who wishes
    ("my sister is visiting next week and would love scout on a beach", "scout-v2", "<scout-v2> on a beach"),
    # a wish for the thing the picture is for, before the request; a poster said first
    ("ok so my son wants a poster for his room, can you do scout in space", "scout-v2", "<scout-v2> in space"),
    ("for the fete poster please, the sponge on a cake stand", "sponge-v2", "<sponge-v2> on a cake stand"),
    # said after the picture, the poster is what is drawn
    ("the sponge on a cake stand, for a circus poster", "sponge-v2", "<sponge-v2> on a cake stand, for a circus poster"),
    # "hi-vis" is one word, of the first version's description
    ("dan in his hi-vis on a ladder", "dan-v1", "<dan-v1> on a ladder"),
    ("dan, the hi-vis one, on a ladder", "dan-v1", "<dan-v1>, on a ladder"),
    # a young animal's word for the version a description calls young
    ("scout as a puppy chasing a ball", "scout-v1", "<scout-v1> as a puppy chasing a ball"),
    # a kiss at the end, a greeting passed on: no picture
    ("for my nan - hazel eating strawberries x", "hazel-v1", "<hazel-v1> eating strawberries"),
    ("my husband says hi! can you do the barn in the snow", "barn-v1", "<barn-v1> in the snow"),
])
def test_selects(farm, text, checkpoint, prompt):
    result = first_turn(farm, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "offered"), [
    ("one of the lads carrying a crate", {"ted-v1", "dan-v2"}),  # the only child is a girl: the lads are the men
    ("one of poppy's grandparents reading", {"ted-v1", "june-v1"}),
    ("some critter snoozing in the sun", {"hazel-v1", "scout-v2", "tabitha-v1"}),  # a goat is a critter too
    ("some grub on the kitchen table", {"roast-v1", "sponge-v2"}),
])
def test_group_words_ask_which(farm, text, offered):
    result = first_turn(farm, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == offered


@pytest.mark.parametrize(("text", "answer", "checkpoint"), [
    ("some grub on the kitchen table", "the pink one", "sponge-v1"),  # the shown sponge has no pink; the first had
    ("some grub on the kitchen table", "the cake", "sponge-v2"),
    ("one of poppy's grandparents reading", "her grandad", "ted-v1"),
    ("some critter snoozing in the sun", "the puppy one", "scout-v1"),  # the young version of the dog
    ("some critter snoozing in the sun", "the young dog", "scout-v1"),
])
def test_answers(farm, text, answer, checkpoint):
    thread = f"farm-{next(_threads)}"
    assert farm.ask(text, thread, now=NOW).status == "clarify"
    result = farm.reply(answer, thread)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


@pytest.mark.parametrize("text", [
    "a pony in the barn",  # a creature the repository lacks, at a place it has
    "two hedgehogs by the barn",
    "a donkey sleeping in the barn",
])
def test_a_creature_the_repository_lacks_at_its_place_is_no_match(farm, text):
    assert first_turn(farm, text).status == "no_match"
