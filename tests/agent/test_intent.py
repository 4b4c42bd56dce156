"""Intent parsing: each pattern the issue names, relative to NOW (Wednesday 2025-05-14)."""
from __future__ import annotations

import pytest

from agent.intent import parse_intent, strip_cues
from tests.agent.conftest import NOW


def parse(text, vocab):
    return parse_intent(text, NOW, vocab)


@pytest.mark.parametrize(
    ("text", "start", "end", "months"),
    [
        ("my dog from yesterday", "2025-05-13", "2025-05-13", ()),
        ("yesterday's model", "2025-05-13", "2025-05-13", ()),
        ("the dog I trained today", "2025-05-14", "2025-05-14", ()),
        ("my dog from this morning", "2025-05-14", "2025-05-14", ()),
        ("my dog from last week", "2025-05-04", "2025-05-11", ()),
        ("my dog from 3 days ago", "2025-05-11", "2025-05-11", ()),
        ("the cat from this month", "2025-05-01", "2025-05-14", ()),
        ("the cat from last month", "2025-04-01", "2025-04-30", ()),
        ("the bear from April", None, None, (4,)),
        ("the bear from February", None, None, (2,)),
        ("the bear trained in October", None, None, (10,)),
        ("the April build", None, None, (4,)),
        ("Spring sketch", None, None, (3, 4, 5)),
        ("my dog from last April", "2025-04-01", "2025-04-30", ()),  # the April most recently past
        ("my dog from last June", "2024-06-01", "2024-06-30", ()),
        ("my dog from April 2025", "2025-04-01", "2025-04-30", ()),
        ("the bear made on April 11", "2025-04-11", "2025-04-11", ()),
        ("the bear from 2025-04-11", "2025-04-11", "2025-04-11", ()),
        ("my dog from 2024", "2024-01-01", "2024-12-31", ()),
        ("Monday's dog model", "2025-05-12", "2025-05-12", ()),
    ],
)
def test_time_expressions(vocab, text, start, end, months):
    window = parse(text, vocab).time
    assert window is not None
    assert (window.start, window.end, window.months) == (start, end, months)


@pytest.mark.parametrize(("text", "field"), [
    ("the model I used yesterday", "used"),
    ("the dog trained in October", "created"),
    ("Bear on grass using the April-trained version", "created"),
    ("my dog from last week", "any"),
    ("Use my April corgi model", "any"),
])
def test_which_date_a_time_expression_constrains(vocab, text, field):
    assert parse(text, vocab).time.field == field


@pytest.mark.parametrize("text", ["my dog in the winter snow", "my dog may sit on the grass", "my dog on the beach"])
def test_scene_words_are_not_time_cues(vocab, text):
    assert parse(text, vocab).time is None


@pytest.mark.parametrize(("text", "version"), [
    ("Shadow v2", 2), ("Shadow version 3", 3), ("the first version of Shadow", 1), ("Shadow version two", 2),
    ("Shadow v 4 at the beach", 4),
])
def test_versions(vocab, text, version):
    assert parse(text, vocab).version == version


def test_a_trigger_version_is_not_a_version_cue(vocab):
    intent = parse("<bear-v4> in the park", vocab)
    assert intent.version is None and intent.subject.kind == "trigger"


@pytest.mark.parametrize(("text", "ordering"), [
    ("the latest cat model", "latest"), ("my newest dog", "latest"), ("the most recent bear", "latest"),
    ("the oldest bear", "oldest"), ("my first dog model", "oldest"), ("the previous Shadow", "previous"),
    ("Shadow on the beach", None),
])
def test_ordering_words(vocab, text, ordering):
    assert parse(text, vocab).ordering == ordering


@pytest.mark.parametrize(("text", "styles"), [
    ("a photorealistic dog", ["photorealistic"]), ("a realistic dog", ["photorealistic"]),
    ("an anime dog", ["anime"]), ("a cartoon cat", ["cartoon"]), ("an ink sketch of a dog", ["sketch", "ink"]),
    ("a watercolour bear", ["watercolor"]), ("my dog as an oil painting", ["oil painting"]),
    ("my dog in pixel art", ["pixel art"]), ("my dog on the beach", []),
])
def test_style_words_and_synonyms(vocab, text, styles):
    assert parse(text, vocab).styles == styles


def test_style_that_names_the_model_is_hard_and_a_rendering_wish_is_not(vocab):
    assert parse("v2 sketch model", vocab).style_hard
    assert parse("December watercolor", vocab).style_hard  # no subject: the style is the selector
    assert not parse("paint my dog in watercolor", vocab).style_hard


@pytest.mark.parametrize(("text", "kind", "term", "det"), [
    ("paint my dog on a beach", "subject", "dog", "possessive"),
    ("the corgi in the snow", "subject", "corgi", "definite"),
    ("Grandma Rose knitting", "name", "grandma rose", "none"),
    ("a portrait of my grandmother", "subject", "grandmother", "possessive"),
    ("my black lab at the lake", "subject", "black lab", "possessive"),
    ("my pup at the lake", "synonym", "puppy", "possessive"),
    ("Biscuit at the park", "name", "biscuit", "none"),
    ("<bear-v4> in the park", "trigger", "<bear-v4>", "none"),
    ("bear-v4 in the park", "trigger", "<bear-v4>", "none"),
])
def test_subject_phrases_and_possessives(vocab, text, kind, term, det):
    subject = parse(text, vocab).subject
    assert (subject.kind, subject.term, subject.det) == (kind, term, det)


def test_subject_in_a_place_phrase_is_scene_not_subject(vocab):
    intent = parse("Biscuit sitting on the teddy bear", vocab)
    assert intent.subject.term == "biscuit"
    assert [m.scene for m in intent.mentions if m.term == "teddy bear"] == [True]


def test_unknown_possessive_subject_is_reported(vocab):
    intent = parse("paint my hamster in the snow", vocab)
    assert intent.subject is None and intent.unknown_subject == "hamster"


@pytest.mark.parametrize(("text", "content"), [
    ("paint my dog from last week on a beach at sunset", "paint my dog on a beach at sunset"),
    ("Anime night city, the April build", "Anime night city"),
    ("Bear on forest grass using the April-trained version", "Bear on forest grass"),
    ("Generate a photo of the latest cat model on a beach", "Generate a photo of the cat on a beach"),
    ("Shadow v2 in 8-bit pixel art", "Shadow in 8-bit pixel art"),
])
def test_content_is_separated_from_selection_cues(vocab, text, content):
    assert parse(text, vocab).content == content


def test_strip_cues_without_cues_only_normalizes_space():
    assert strip_cues("  a  dog ,  on the beach ", []) == "a dog , on the beach"
