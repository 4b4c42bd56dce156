"""Trigger mapping keeps every other word, drops selection cues, never inserts a trigger twice."""
from __future__ import annotations

import pytest

from agent.intent import parse_intent
from agent.mapping import drop_conversation, map_prompt
from tests.agent.conftest import NOW


def mapped(text, checkpoint_id, vocab, repository):
    return map_prompt(parse_intent(text, NOW, vocab), repository.checkpoints[checkpoint_id])


@pytest.mark.parametrize(("text", "checkpoint_id", "prompt"), [
    ("paint my dog from last week on a beach at sunset", "dog-biscuit-v3", "paint <biscuit-v3> on a beach at sunset"),
    ("a photo of the teddy bear in a forest", "bear-v4", "a photo of <bear-v4> in a forest"),
    ("Grandma Rose knitting by the fire", "person-grandma-rose-v1", "<grandma-rose-v1> knitting by the fire"),
    ("my fluffy dog chasing a ball", "dog-biscuit-v3", "fluffy <biscuit-v3> chasing a ball"),
    ("a corgi on the beach, v2", "dog-biscuit-v2", "a <biscuit-v2> on the beach"),
    ("Bear on forest grass using the April-trained version", "bear-v4", "<bear-v4> on forest grass"),
    ("the latest cat model on a sofa", "cat-miso-v1", "<miso-v1> on a sofa"),
    ("my pup from last week in the snow", "dog-biscuit-v3", "<biscuit-v3> in the snow"),
    ("the first version of Biscuit on the beach", "dog-biscuit-v1", "<biscuit-v1> on the beach"),
])
def test_subject_phrase_becomes_the_trigger(vocab, repository, text, checkpoint_id, prompt):
    assert mapped(text, checkpoint_id, vocab, repository) == prompt


def test_trigger_already_present_is_not_inserted_twice(vocab, repository):
    prompt = mapped("a photo of <bear-v4> in a forest", "bear-v4", vocab, repository)
    assert prompt == "a photo of <bear-v4> in a forest"
    assert prompt.count("<bear-v4>") == 1
    prompt = mapped("my dog and my dog's ball", "dog-biscuit-v3", vocab, repository)
    assert prompt.count("<biscuit-v3>") == 1


def test_style_checkpoint_becomes_a_style_cue(vocab, repository):
    assert mapped("a castle at dusk, the April build", "painting-swirl-v1", vocab, repository) == \
        "a castle at dusk, in <swirl-v1> style"
    assert mapped("a castle in Swirl style", "painting-swirl-v1", vocab, repository) == "a castle in <swirl-v1> style"


def test_request_without_a_subject_phrase_gets_the_trigger_first(vocab, repository):
    assert mapped("yesterday's model", "dog-shadow-v1", vocab, repository) == "<shadow-v1>"
    assert mapped("Realistic night street, v1", "dog-shadow-v1", vocab, repository) == "<shadow-v1>, Realistic night street"


@pytest.mark.parametrize("prompt, expected", [
    ("I was wondering if maybe you could generate <b-v2> sitting in a teacup", "<b-v2> sitting in a teacup"),
    ("<b-v2> chasing soap bubbles, you're the best!", "<b-v2> chasing soap bubbles"),
    ("<b-v2>, thanks for your help!", "<b-v2>"),
    ("ok so basically I need <b-v2> parked under the northern lights", "<b-v2> parked under the northern lights"),
    # picture content stays: "me" and "my" are not conversation, nor a speaker word deep inside a scene phrase
    ("a selfie of me with <b-v2> on the beach", "a selfie of me with <b-v2> on the beach"),
    ("a birthday card that I can send with <b-v2>", "a birthday card that I can send with <b-v2>"),
    ("<b-v2> and I at the beach", "<b-v2> and I at the beach"),
    ("a castle at dusk, in <b-v2> style", "a castle at dusk, in <b-v2> style"),
])
def test_conversation_clauses_leave_the_prompt(prompt, expected):
    assert drop_conversation(prompt, "<b-v2>") == expected
