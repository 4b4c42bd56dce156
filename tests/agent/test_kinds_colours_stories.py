"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a harbour café and its
allotment: a narrower kind than a listed thing whose checkpoint names its own narrower kind is another kind ("the
canoe" where the one boat is a fishing boat); a breed a description puts before the subject word names it alone
("the silkie" for "a white Silkie hen"); "not the new aluminium one" rules out the version described so, not the
newest of what is left; "breakfast" is no "bed and breakfast"; a subject word that only says what kind the noun after
it is ("my garden fork") leaves the subject to the thing named first; "single" for a description's "one"; a colour
word of the same family as a description's ("purple" for "lilac"); words about the message ("ignore the rest, just
testing"), news of someone ("she's turning seven") and a group's reaction ("the grandkids think it's hilarious") are
no picture; a relayed wish for "a new one" is backstory; "the girls at the riding school asked for one" is a sentence
of its own; "gran's place" is the place a name says is hers; "the one I had out" was in use; a colour one version
states does not outweigh the details another has ("the ginger cat with the bell collar"); "the dog, not the puppy"
reads the descriptions when every version is listed as a puppy; what a picture is for ("for a flyer for our village
fete", "for the menu cover") and what a sign says are no picture's subject; "three chicks" is no "three white tail feathers"; a class
word after a modifier ("that old vessel")."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2027, 4, 1)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("boat-v1", name="Kittiwake", subjects=["boat", "fishing boat"], styles=PHOTO,
         description="The blue fishing boat Kittiwake at her mooring.", created_at="2026-03-02", version=1),
    meta("pudding-v1", name="Pudding", subjects=["hen", "chicken", "bird"], styles=PHOTO,
         description="Pudding, a fluffy white Silkie hen.", created_at="2026-05-11", version=1),
    meta("dora-v1", name="Dora", subjects=["hen", "chicken", "bird"], styles=PHOTO,
         description="Dora, a brown hen with a white leg ring and three white tail feathers.", created_at="2026-06-07", version=1,
         last_used_at="2027-02-14"),
    meta("robin-v1", name="Robin", subjects=["robin", "bird"], styles=PHOTO,
         description="The robin that follows me round the beds.", created_at="2026-07-19", version=1),
    meta("plot-v1", name="The plot", subjects=["allotment", "vegetable garden", "garden"], styles=PHOTO,
         description="Our allotment plot with the raised beds.", created_at="2026-04-18", version=1),
    meta("glass-v1", name="The greenhouse", subjects=["greenhouse"], styles=PHOTO,
         description="The old wooden greenhouse with a cracked pane.", created_at="2025-09-13", version=1),
    meta("glass-v2", name="The greenhouse", subjects=["greenhouse"], styles=PHOTO,
         description="The wooden greenhouse full of tomato plants.", created_at="2026-02-21", version=2),
    meta("glass-v3", name="The greenhouse", subjects=["greenhouse"], styles=PHOTO,
         description="The new aluminium greenhouse that replaced the wooden one.", created_at="2026-10-03", version=3),
    meta("fryup-v1", name="Full English", subjects=["breakfast", "food"], styles=PHOTO,
         description="Our full English breakfast on a willow-pattern plate.", created_at="2026-01-24", version=1),
    meta("cafe-v1", name="Harbour View", subjects=["house", "bed and breakfast", "building"], styles=PHOTO,
         description="Harbour View, the bed and breakfast above the café, white walls.", created_at="2026-08-08",
         version=1),
    meta("lino-v1", name="Harbour linocut", subjects=["style"], styles=["linocut"],
         description="Linocut prints in one colour, black ink on cream paper.", created_at="2025-11-15", version=1),
    meta("lino-v2", name="Harbour linocut", subjects=["style"], styles=["linocut"],
         description="Linocut prints in two colours, navy and coral.", created_at="2026-09-12", version=2),
    meta("sam-v1", name="Sam", subjects=["man", "cook", "person"], styles=PHOTO,
         description="Sam the cook, big ginger beard, grey hoodie.", created_at="2025-12-06", version=1),
    meta("sam-v2", name="Sam", subjects=["man", "cook", "person"], styles=PHOTO,
         description="Sam after he shaved the beard off, in the lilac café polo.", created_at="2026-09-26", version=2),
    meta("ruby-v1", name="Ruby", subjects=["girl", "granddaughter", "person"], styles=PHOTO,
         description="Ruby at five, missing a front tooth.", created_at="2025-10-11", version=1),
    meta("ruby-v2", name="Ruby", subjects=["girl", "granddaughter", "person"], styles=PHOTO,
         description="Ruby at six with her hair in bunches.", created_at="2026-11-14", version=2),
    meta("caravan-v1", name="Gran's caravan", subjects=["caravan", "home"], styles=PHOTO,
         description="Gran's static caravan with the striped awning.", created_at="2026-05-30", version=1),
    meta("pickle-v1", name="Pickle", subjects=["cat", "pet"], styles=PHOTO,
         description="Pickle, a fat ginger tabby with a white chest.", created_at="2025-10-05", version=1),
    meta("pickle-v2", name="Pickle", subjects=["cat", "pet"], styles=PHOTO,
         description="Pickle wearing a blue collar with a little bell.", created_at="2026-07-04", version=2),
    meta("skip-v1", name="Skip", subjects=["dog", "puppy", "pet"], styles=PHOTO,
         description="Skip as a puppy, a white terrier with a brown patch.", created_at="2025-07-26", version=1),
    meta("skip-v2", name="Skip", subjects=["dog", "puppy", "pet"], styles=PHOTO,
         description="Skip grown up, wearing his red neckerchief.", created_at="2026-02-14", version=2),
    meta("jess-v1", name="Jess", subjects=["horse", "mare", "animal"], styles=PHOTO,
         description="Jess, the bay mare from the riding school.", created_at="2026-03-28", version=1),
    meta("nutmeg-v1", name="Nutmeg", subjects=["horse", "pony", "animal"], styles=PHOTO,
         description="Nutmeg, a chestnut pony with a white blaze.", created_at="2026-06-27", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def harbour(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("harbour"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"harbour-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a breed a description puts before the subject word names that one alone
    ("the silkie out in the rain looking soggy", "pudding-v1", "<pudding-v1> out in the rain looking soggy"),
    # the order word of a negation that also describes the version: that version is ruled out, the newest left stays
    ("the greenhouse but not the new aluminium one, frost on the glass", "glass-v2", "<glass-v2>, frost on the glass"),
    # "breakfast" is not the last word of "bed and breakfast"
    ("the breakfast, close up, steam rising off it", "fryup-v1", "<fryup-v1>, close up, steam rising off it"),
    # a subject word before a noun of its own kind ("garden fork") is no subject; the bird named first is
    ("a bird that isn't one of the hens, on the handle of my garden fork", "robin-v1",
     "a <robin-v1>, on the handle of my garden fork"),
    # "single" for "one"; a colour of the same family for the description's word
    ("the single-colour linocut style, a gull on a post", "lino-v1", "<lino-v1> style, a gull on a post"),
    ("sam in the purple work shirt, frying eggs", "sam-v2", "<sam-v2>, frying eggs"),
    # words about the message, news of someone and a group's reaction are no picture
    ("the robin, golden hour, on a spade. ignore the rest of this msg im just testing", "robin-v1",
     "<robin-v1>, golden hour, on a spade"),
    ("could u do dora on the shed roof pls, the grandkids think its hilarious", "dora-v1", "<dora-v1> on the shed roof"),
    ("I'd like a birthday card picture for Ruby: Ruby with a big slice of cake. She's turning seven!", "ruby-v2",
     "<ruby-v2> with a big slice of cake"),
    # "gran's place": the one a name says is hers, among the places
    ("gran's place with bunting out", "caravan-v1", "<caravan-v1> with bunting out"),
    ("nan's place with bunting out", "caravan-v1", "<caravan-v1> with bunting out"),
    # "my nan's caravan" is the one "Gran's caravan" names, in another kin word
    ("my nan's caravan in the rain", "caravan-v1", "<caravan-v1> in the rain"),
    # a checkpoint "had out" on a day was in use then
    ("the one I had out on valentine's day, inside a heart shape", "dora-v1", "<dora-v1>, inside a heart shape"),
    # a colour one version states beside details another has: the details choose
    ("the ginger cat with the bell collar, on a wall", "pickle-v2", "the ginger <pickle-v2>, on a wall"),
    # a word every version is listed by, ruled out: the descriptions tell
    ("the dog but not the puppy, on the quay", "skip-v2", "<skip-v2>, on the quay"),
    # what the picture is for, said in two "for" phrases or with a cover or programme, leaves the prompt
    ("the robin on a bird table for a flyer for our village fete", "robin-v1", "<robin-v1> on a bird table"),
    ("sam flipping pancakes for the menu cover", "sam-v2", "<sam-v2> flipping pancakes"),
    # a noun phrase after a colon is the picture, though its last noun is also a verb ("coil")
    ("the older linocut style: a lobster pot with a rope coil", "lino-v1",
     "<lino-v1> style: a lobster pot with a rope coil"),
    # what a sign says is written in the picture, never a subject
    ("the most recent one i trained, a sign saying fresh eggs from the hens", "ruby-v2",
     "<ruby-v2>, a sign saying fresh eggs from the hens"),
    # a colour of the family a version's description uses, ruled out
    ("sam but not the purple one, frying eggs", "sam-v1", "<sam-v1>, frying eggs"),
    # a relayed wish for "a new one" is backstory; the picture is the sentence after it
    ("ok so my mum keeps asking for a new one for her fridge and she adores dora. dora asleep on a hay bale please",
     "dora-v1", "<dora-v1> asleep on a hay bale"),
])
def test_selects(harbour, text, checkpoint, prompt):
    result = first_turn(harbour, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "the canoe pulled up on the beach",  # a canoe is a boat, but the one boat here is a fishing boat
    "our kayak at the slipway",
    "my sister's caravan in the rain",  # someone else's: no description names a sister
])
def test_another_kind_of_a_listed_thing_is_no_match(harbour, text):
    assert first_turn(harbour, text).status == "no_match"


def test_how_many_of_another_thing_is_no_detail(harbour):
    # "three chicks" is no "three" of a description ("three white tail feathers"): both hens remain
    result = first_turn(harbour, "a hen with three chicks in the straw")
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == {"pudding-v1", "dora-v1"}


def test_a_class_word_after_a_modifier_covers_what_it_names(harbour):
    result = first_turn(harbour, "that old vessel at her mooring")  # WordNet: a boat is a vessel
    assert (result.status, result.checkpoint) == ("selected", "boat-v1")


def test_a_group_at_a_place_that_asked_is_a_sentence_of_its_own(harbour):
    result = first_turn(harbour, "the girls at the riding school asked for one, the horse with a ribbon in her mane")
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} == {"jess-v1", "nutmeg-v1"}


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a noun after the subject word that a description has: still the subject
    ("the greenhouse glass steamed up", "glass-v3", "<glass-v3> glass steamed up"),
    # "not the newest" alone is still the one before the newest
    ("the greenhouse but not the newest one, in snow", "glass-v2", "<glass-v2>, in snow"),
])
def test_guards(harbour, text, checkpoint, prompt):
    result = first_turn(harbour, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)
