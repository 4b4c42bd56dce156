"""Clauses around the picture (a backstory, a comment after it, thanks for earlier, greetings in other
languages, non-native phrasing) leave the prompt, and their time words and nouns select nothing;
scene continuations and clauses about the checkpoint stay. Phrasings written for these tests."""
from __future__ import annotations

import itertools

import pytest

from agent.conversation import label_clauses, segments
from tests.agent.conftest import NOW

_threads = itertools.count()


def first_turn(checkin, text):
    return checkin.ask(text, f"context-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a backstory or a reason before the request
    ("right, bit of a saga, the fence blew over in the wind :( could you draw Shadow digging in a flowerbed",
     "dog-shadow-v2", "<shadow-v2> digging in a flowerbed"),
    ("my granddaughter adores cats - Miso chasing a ball of yarn", "cat-miso-v1", "<miso-v1> chasing a ball of yarn"),
    ("a little favour from a busy nurse: show Grandma Rose reading by a lamp",
     "person-grandma-rose-v1", "<grandma-rose-v1> reading by a lamp"),
    ("quick one before my shift: Miso in a cardboard castle", "cat-miso-v1", "<miso-v1> in a cardboard castle"),
    ("my nephew nagged me all afternoon so here goes: Shadow as a firefighter",
     "dog-shadow-v2", "<shadow-v2> as a firefighter"),
    # a comment or a reason after it
    ("Miso curled up in a flower pot, the grandkids will adore it", "cat-miso-v1", "<miso-v1> curled up in a flower pot"),
    ("the teddy bear on a snowy hill. It's for a mural in our nursery.", "bear-v4", "<bear-v4> on a snowy hill"),
    ("Shadow in a superhero cape haha he acts like one all day", "dog-shadow-v2", "<shadow-v2> in a superhero cape"),
    ("Miso on a hammock, would cheer up my sister", "cat-miso-v1", "<miso-v1> on a hammock"),
    ("the teddy bear in a spaceship, i bet she'll giggle", "bear-v4", "<bear-v4> in a spaceship"),
    ("Shadow with a birthday cake, my wife's idea", "dog-shadow-v2", "<shadow-v2> with a birthday cake"),
    ("the teddy bear riding a bicycle, he used to be my uncle's", "bear-v4", "<bear-v4> riding a bicycle"),
    ("evening all, been ages! Grandma Rose on a carousel", "person-grandma-rose-v1", "<grandma-rose-v1> on a carousel"),
    ("Miso on a bookshelf, that's it", "cat-miso-v1", "<miso-v1> on a bookshelf"),
    # thanks for earlier, then the next request
    ("thanks heaps for the drawings this morning!! next: Miso in a paper boat", "cat-miso-v1", "<miso-v1> in a paper boat"),
    # greetings, thanks and please in other languages; non-native English
    ("Guten Morgen! Miso on a windowsill", "cat-miso-v1", "<miso-v1> on a windowsill"),
    ("Shadow in a tulip field, por favor", "dog-shadow-v2", "<shadow-v2> in a tulip field"),
    ("Grandma Rose feeding ducks muchas gracias", "person-grandma-rose-v1", "<grandma-rose-v1> feeding ducks"),
    ("I am teacher of small class, I want Grandma Rose telling a story",
     "person-grandma-rose-v1", "<grandma-rose-v1> telling a story"),
    ("please i want picture of Miso in garden, is for my mother birthday", "cat-miso-v1", "<miso-v1> in garden"),
])
def test_clauses_around_the_picture_leave_the_prompt(checkin, text, checkpoint, prompt):
    turn = first_turn(checkin, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "prompt"), [
    # "yesterday" is the day Shadow v1 was last used, "last week" and "next month" date no Shadow, "Friday" no
    # Grandma Rose: inside a clause around the picture they are no selection cue
    ("the vet visit went fine yesterday, show Shadow napping on a rug", "<shadow-v2> napping on a rug"),
    ("cheers for the pictures last week btw! now Shadow on a paddleboard", "<shadow-v2> on a paddleboard"),
    ("for the school raffle next month: Shadow wearing a party hat", "<shadow-v2> wearing a party hat"),
    ("Shadow wearing a bow tie just because he was so good at the vet yesterday lol", "<shadow-v2> wearing a bow tie"),
    ("great, thanks! now Shadow on a sled", "<shadow-v2> on a sled"),  # "now" opens the request, it orders nothing
    ("Shadow on a sled, my cousin is staying over next weekend", "<shadow-v2> on a sled"),
])
def test_time_words_around_the_picture_select_nothing(checkin, text, prompt):
    turn = first_turn(checkin, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "dog-shadow-v2", prompt)


def test_a_sentence_about_later_is_context(checkin):
    turn = first_turn(checkin, "Grandma Rose in the kitchen, she's baking cookies on Sunday")
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "person-grandma-rose-v1",
                                                          "<grandma-rose-v1> in the kitchen")


@pytest.mark.parametrize("text", ["Shadow in the park, my son is obsessed with him",
                                  "Shadow in the park, that is perfect",
                                  "Shadow in the park, the neighbours are coming over tomorrow"])
def test_the_askers_own_life_and_later_are_context(checkin, text):
    turn = first_turn(checkin, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "dog-shadow-v2", "<shadow-v2> in the park")


def test_time_words_of_the_picture_still_select(checkin):
    assert first_turn(checkin, "Shadow from yesterday on a beach").checkpoint == "dog-shadow-v1"  # last used
    turn = first_turn(checkin, "Grandma Rose at a tea party, she's flying in on Friday")
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "person-grandma-rose-v1",
                                                          "<grandma-rose-v1> at a tea party")


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a pronoun after the request frame stands for the subject named in the clause before
    ("the neighbours keep asking about the teddy bear - can I see it on a swing", "bear-v4", "<bear-v4> on a swing"),
    ("my vet thinks Shadow is too chubby, show him running on a beach", "dog-shadow-v2",
     "<shadow-v2> running on a beach"),
    # ... also when that clause is about the checkpoint: it selects, and leaves the prompt
    ("I trained Shadow in February, show him in the snow", "dog-shadow-v1", "<shadow-v1> in the snow"),
])
def test_a_pronoun_after_the_frame_becomes_the_subject(checkin, text, checkpoint, prompt):
    turn = first_turn(checkin, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "Shadow in a meadow with bees and daisies, covered in pollen, at golden hour, photorealistic",
    "Miso on a porch, the roof covered in snow",
    "Shadow on a beach, waves crashing behind him",
    "Shadow on a beach, the sky turns pink",
    "Shadow on a beach, he is wearing sunglasses",  # a sentence that describes the picture now
    "Miso by the window, it's raining outside",
    "Shadow in a meadow, next to a windmill",  # "next" opens no request here
    "Miso on a roof, the lanterns are glowing",  # a thing of the scene and its state
])
def test_scene_continuations_stay(checkin, text):
    turn = first_turn(checkin, text)
    assert turn.status == "selected"
    assert turn.prompt == text.replace("Shadow", "<shadow-v2>").replace("Miso", "<miso-v1>")


def test_a_place_before_the_request_frame_is_the_scene(checkin):
    turn = first_turn(checkin, "in a snowy forest, could you paint Shadow")
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "dog-shadow-v2", "in a snowy forest <shadow-v2>")


def test_a_clause_about_the_checkpoint_still_selects(checkin):
    turn = first_turn(checkin, "Shadow on the beach, I mean the one from February")
    assert (turn.status, turn.checkpoint) == ("selected", "dog-shadow-v1")
    assert "february" not in turn.prompt.lower()


def test_the_labels_of_a_request():
    text = "ok so, the kids keep asking :( could you show rex at the zoo, with a hat. they'll be thrilled"
    assert [text[s:e] for s, e, _ in segments(text)] == \
        ["ok so", "the kids keep asking", "could you show rex at the zoo", "with a hat", "they'll be thrilled"]
    rex = text.index("rex")
    context = label_clauses(text, text, [(rex, rex + 3)])
    assert [(text[c.start:c.end], c.label, c.why) for c in context.clauses] == [
        ("ok so", "context", "chat"), ("the kids keep asking", "context", "sentence"),
        ("could you show rex at the zoo", "picture", "frame"), ("with a hat", "picture", "scene"),
        ("they'll be thrilled", "context", "sentence")]
    assert [text[s:e] for s, e in context.spans] == ["ok so, ", "the kids keep asking :( ", ". they'll be thrilled"]
    # a clause that names the subject no other clause names is picture, whatever its form
    alone = "rex keeps barking at the mailman"
    assert [c.label for c in label_clauses(alone, alone, [(0, 3)]).clauses] == ["picture"]
