"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a riverside boatyard:
a deed said with a verb marks the version it made ("before she chopped her hair off" counts from the version whose
description says "after she cut her hair short"; "before I trimmed the beard"; "before he ditched the cap" is the
last version with the cap; "before she swapped the kite for the rod" counts from the first with the rod; "once the
beard came off"); "before her groom" is a change to her; a young one said with a word of its look ("as a fluffy
puppy"), and "puppy" for a description's "pup"; "not painted yet" in a description is no paint; the person's own
name that the name field puts aside ("Me (Tamsin)", "Dad (Owen)"), with a version number after it ("tamsin 1"); two
typed words that slip one name ("weather vain"); a short word with another first letter is another name ("gina" is
not Nina); an answer's "the one at the helm" is not the "at" of an option's name ("Nina at the club"); a makeover
said with "up" ("before we did it up"); a style word with "-y" ("watercolour-y"); "my birb" is neither a "welsh
cob" (a male swan in another sense) nor a woman (a slang sense); a noun of one sense said with its synonyms ("the
tear" for a description's "rip"); "up to her knees" after the one named is where she is, no unknown thing."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 10, 1)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("ada-v1", name="Ada", subjects=["woman", "boatbuilder", "person"], styles=PHOTO,
         description="Ada the boatbuilder, her long red hair in a plait.", created_at="2025-10-04", version=1),
    meta("ada-v2", name="Ada", subjects=["woman", "boatbuilder", "person"], styles=PHOTO,
         description="Ada after she cut her hair short, canvas apron.", created_at="2026-03-14", version=2),
    meta("ada-v3", name="Ada", subjects=["woman", "boatbuilder", "person"], styles=PHOTO,
         description="Ada with short hair and round glasses.", created_at="2026-07-18", version=3),
    meta("owen-v1", name="Dad", subjects=["man", "father", "person"], styles=PHOTO,
         description="Dad (Owen), clean-shaven, in his navy cap.", created_at="2025-09-06", version=1),
    meta("owen-v2", name="Dad", subjects=["man", "father", "person"], styles=PHOTO,
         description="Dad with the full beard he grew over the winter, navy cap.", created_at="2026-01-10", version=2),
    meta("owen-v3", name="Dad", subjects=["man", "father", "person"], styles=PHOTO,
         description="Dad with the beard trimmed neat and no cap.", created_at="2026-06-20", version=3),
    meta("kit-v1", name="Kit", subjects=["girl", "child", "person"], styles=PHOTO,
         description="Kit on the jetty with a paper kite.", created_at="2025-11-22", version=1),
    meta("kit-v2", name="Kit", subjects=["girl", "child", "person"], styles=PHOTO,
         description="Kit on the jetty holding a fishing rod instead of the kite.", created_at="2026-05-02", version=2),
    meta("moss-v1", name="Moss", subjects=["dog", "collie", "pet"], styles=PHOTO,
         description="Moss the collie as a fluffy pup.", created_at="2025-08-09", version=1),
    meta("moss-v2", name="Moss", subjects=["dog", "collie", "pet"], styles=PHOTO,
         description="Moss grown up, with a green collar.", created_at="2026-04-11", version=2),
    meta("bo-v1", name="Bo", subjects=["dog", "terrier", "pet"], styles=PHOTO,
         description="Bo the terrier, scruffy and muddy.", created_at="2025-12-06", version=1),
    meta("bo-v2", name="Bo", subjects=["dog", "terrier", "pet"], styles=PHOTO,
         description="Bo, neat and clean, with a yellow bow.", created_at="2026-08-01", version=2),
    meta("shed-v1", name="Boat shed", subjects=["shed", "building"], styles=PHOTO,
         description="The boat shed, bare grey planks, not painted yet.", created_at="2025-07-12", version=1),
    meta("shed-v2", name="Boat shed", subjects=["shed", "building"], styles=PHOTO,
         description="The boat shed after painting, barn red with white trim.", created_at="2026-02-21", version=2),
    meta("tam-v1", name="Me (Tamsin)", subjects=["woman", "sailor", "person"], styles=PHOTO,
         description="Me at the helm in a yellow oilskin.", created_at="2025-06-14", version=1),
    meta("tam-v2", name="Me (Tamsin)", subjects=["woman", "sailor", "person"], styles=PHOTO,
         description="Me at the helm in my new red oilskin.", created_at="2026-06-27", version=2),
    meta("nina-v1", name="Nina at the club", subjects=["woman", "cousin", "person"], styles=PHOTO,
         description="My cousin Nina behind the bar of the sailing club.", created_at="2026-02-07", version=1),
    meta("taff-v1", name="Taffy", subjects=["horse", "welsh cob", "animal"], styles=PHOTO,
         description="Taffy, our chestnut Welsh cob, in her winter rug.", created_at="2025-11-08", version=1),
    meta("pip-v1", name="Pip", subjects=["horse", "pony", "animal"], styles=PHOTO,
         description="Pip the grey pony by the towpath.", created_at="2026-03-28", version=1),
    meta("lorry-v1", name="Yard lorry", subjects=["truck", "lorry", "vehicle"], styles=PHOTO,
         description="The yard lorry with the boat trailer.", created_at="2026-04-25", version=1),
    meta("river-v1", name="River look", subjects=["style"], styles=["watercolor"],
         description="The river look in soft watercolour.", created_at="2025-12-20", version=1),
    meta("river-v2", name="River look", subjects=["style"], styles=["oil painting"],
         description="The river look in thick oil.", created_at="2026-09-05", version=2),
    meta("sail-v1", name="Mainsail", subjects=["sail"], styles=PHOTO,
         description="The old mainsail with a rip down the luff.", created_at="2025-09-20", version=1),
    meta("sail-v2", name="Mainsail", subjects=["sail"], styles=PHOTO,
         description="The new mainsail, crisp and white.", created_at="2026-08-29", version=2),
    meta("vane-v1", name="Weathervane", subjects=["weathervane"], styles=PHOTO,
         description="The copper fish weathervane on the shed roof.", created_at="2026-05-23", version=1),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def boatyard(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("boatyard"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"boatyard-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a deed said with a verb: the version whose description says it (a verb of the same deed), and the one before
    ("ada before she chopped all her hair off, planing a plank", "ada-v1", "<ada-v1>, planing a plank"),
    ("dad before he trimmed the beard back, on the slipway", "owen-v2", "<owen-v2>, on the slipway"),
    ("dad before he grew the beard, on the slipway", "owen-v1", "<owen-v1>, on the slipway"),
    # a deed that took a thing away: the last version with it; what a swap brings: the first with that
    ("dad before he ditched the cap, mending a net", "owen-v2", "<owen-v2>, mending a net"),
    ("kit from before she swapped the kite for the rod, waving", "kit-v1", "<kit-v1>, waving"),
    ("dad once the cap came off, mending a net", "owen-v3", "<owen-v3>, mending a net"),
    # a change to her that no description names
    ("bo before her groom, on the jetty", "bo-v1", "<bo-v1>, on the jetty"),
    # a young one, with a word of its look; "puppy" for "pup"
    ("moss as a fluffy pup chewing a rope", "moss-v1", "<moss-v1> chewing a rope"),
    ("moss but not as a puppy, on the jetty", "moss-v2", "<moss-v2>, on the jetty"),
    # "not painted yet" is no paint
    ("the boat shed but not the painted version, in fog", "shed-v1", "<shed-v1>, in fog"),
    # the person's own name, set aside in the name field or the description, and a version number after it
    ("tamsin 1 at the tiller", "tam-v1", "<tam-v1> at the tiller"),
    ("owen mending a net", "owen-v3", "<owen-v3> mending a net"),
    # two typed words, one slip of a name
    ("weather vain in a gale", "vane-v1", "<vane-v1> in a gale"),
    # a makeover said with a verb and "up"
    ("the boat shed before we did it up, in fog", "shed-v1", "<shed-v1>, in fog"),
    ("the boat shed once it was done up, in fog", "shed-v2", "<shed-v2>, in fog"),
    # a style word with "-y"
    ("the river look from when it was still watercolour-y, a heron", "river-v1", "<river-v1> style, a heron"),
    # a noun of one sense is said with its synonyms: a "tear" is the description's "rip"
    ("the mainsail, the one with the tear, flapping", "sail-v1", "<sail-v1>, flapping"),
    # where the one named is, after its noun phrase: no unknown thing of hers
    ("the cob up to her knees in the river", "taff-v1", "<taff-v1> up to her knees in the river"),
])
def test_selects(boatyard, text, checkpoint, prompt):
    result = first_turn(boatyard, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "answer", "checkpoint"), [
    ("a dog on the jetty", "the collie when he was a puppy", "moss-v1"),
    ("a woman laughing", "the one at the helm", "tam-v2"),
])
def test_answers(boatyard, text, answer, checkpoint):
    thread = f"boatyard-{next(_threads)}"
    assert boatyard.ask(text, thread, now=NOW).status == "clarify"
    result = boatyard.reply(answer, thread)
    assert (result.status, result.checkpoint) == ("selected", checkpoint)


def test_a_short_name_with_another_first_letter_is_another_name(boatyard):
    assert first_turn(boatyard, "auntie gina pulling a pint").status == "no_match"


@pytest.mark.parametrize("text", [
    "my birb singing on the jetty",  # "bird" is slang for a woman, and a "cob" a male swan: neither is read here
    "the pair of herons that nest by the boat shed",  # the herons, after "a pair of"
])
def test_a_kind_the_repository_lacks_is_no_match(boatyard, text):
    assert first_turn(boatyard, text).status == "no_match"


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a time, not a deed: "once a year"
    ("kit flying a kite once a year", "kit-v2", "<kit-v2> flying a kite once a year"),
    # a deed of the picture, after a scene: nothing any description has
    ("dad whistling once he finished the varnish", "owen-v3", "<owen-v3> whistling once he finished the varnish"),
])
def test_guards(boatyard, text, checkpoint, prompt):
    result = first_turn(boatyard, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)
