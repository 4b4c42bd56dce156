"""Everyday answers to Check-in's question, and when it must ask: a repository of its own, answers
written for these tests (not lines of the phrasing corpora)."""
from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.clarify import by_meaning, resolve_answer
from agent.graph import build_graph
from agent.intent import parse_intent
from agent.vocab import Vocabulary
from repo_store import Repository
from tests.conftest import meta, write_records

NOW = date(2026, 3, 2)
RECORDS = [
    meta("ember-v1", name="Ember", subjects=["dog", "shiba inu"], created_at="2025-06-01", version=1, kind="lora",
         description="Ember, an orange shiba inu with a curled tail."),
    meta("ember-v2", name="Ember", subjects=["dog", "shiba inu"], created_at="2025-11-20", version=2,
         kind="dreambooth", description="Ember, the orange shiba inu, wearing a knitted scarf."),
    meta("ember-v3", name="Ember", subjects=["dog", "shiba inu"], created_at="2026-01-15", version=3, kind="dreambooth",
         description="Ember the shiba inu, older, with a leather harness."),
    meta("frank-v1", name="Frank", subjects=["dog", "dachshund"], created_at="2025-09-09", version=1,
         description="Frank, a long black dachshund with tan paws."),
    meta("smoke-v1", name="Smoke", subjects=["cat"], created_at="2025-08-08",
         description="Smoke, a charcoal grey cat with yellow eyes."),
    meta("saffron-v1", name="Saffron", subjects=["cat"], created_at="2025-10-10",
         description="Saffron, a marmalade cat with a white bib."),
    meta("moss-v1", name="Moss", subjects=["cat", "maine coon"], created_at="2025-09-19",
         description="Moss, a huge tabby maine coon."),
    meta("clank-v1", name="Clank", subjects=["toy", "soldier toy"], created_at="2025-05-05",
         description="Clank, a brass clockwork soldier with a key."),
    meta("pip-v1", name="Pip", subjects=["toy", "owl", "plush toy"], created_at="2025-07-07",
         description="Pip, a knitted woollen owl with button eyes."),
    meta("nell-v1", name="Grandma Nell", subjects=["grandmother", "woman"], created_at="2025-04-04",
         description="Grandma Nell in a floral apron."),
    meta("walt-v1", name="Grandpa Walt", subjects=["grandfather", "man"], created_at="2025-04-05",
         description="Grandpa Walt with a pipe and braces."),
    meta("june-v1", name="Mum", subjects=["mother", "woman"], created_at="2025-02-02",
         description="Mum in her gardening hat."),
    meta("ray-v1", name="Dad", subjects=["father", "man"], created_at="2025-02-03",
         description="Dad with his fishing rod."),
    meta("glaze-v1", name="Glaze", subjects=["art style", "painting style"], styles=["oil painting"],
         created_at="2025-10-02", version=1, description="Glossy glazes of oil paint in deep reds."),
    meta("glaze-v2", name="Glaze", subjects=["art style", "painting style"], styles=["oil painting"],
         created_at="2026-02-20", version=2, description="Glossy glazes of oil paint, now in blues."),
    meta("meadow-v1", name="Meadow", subjects=["art style", "painting style"], styles=["oil painting"],
         created_at="2025-10-20", description="Loose oil sketches of summer fields."),
]


@pytest.fixture(scope="module")
def repository(tmp_path_factory, embedder):
    folder = write_records(tmp_path_factory.mktemp("answers-repo"), RECORDS)
    return Repository.open(folder, tmp_path_factory.mktemp("answers-home"), embedder)


@pytest.fixture(scope="module")
def vocab(repository):
    return Vocabulary.build(repository.checkpoints, repository.index.embedder)


@pytest.fixture(scope="module")
def checkin(repository, vocab):
    return CheckIn(build_graph(InMemorySaver(), repository, vocab))


_threads = count()


def conversation(checkin, request: str, answer: str):
    """(first turn, the turn after `answer`)."""
    thread = f"answers-{next(_threads)}"
    first = checkin.ask(request, thread, NOW)
    return first, (checkin.reply(answer, thread) if first.status == "clarify" else None)


def options(repository, *ids):
    records = repository.checkpoints
    return [{"id": i, "name": records[i].name} for i in ids], records


# --- family: an answer names a property of one option in everyday words ---------------------------

@pytest.mark.parametrize(("answer", "meant"), [
    ("the rusty-coloured one", "ember-v3"),  # a colour family: rust is orange
    ("the blackish long one", "frank-v1"),  # "black" is Frank's own colour
])
def test_a_colour_word_of_the_same_family_picks_the_option(checkin, answer, meant):
    first, done = conversation(checkin, "my dog in the snow", answer)
    assert first.status == "clarify" and {o["id"] for o in first.options} == {"ember-v3", "frank-v1"}
    assert (done.status, done.checkpoint) == ("selected", meant)
    assert done.prompt == f"<{meant}> in the snow"


def test_colour_families_tell_cats_apart(repository, vocab):
    shown, records = options(repository, "smoke-v1", "saffron-v1")
    assert resolve_answer("the silvery one", shown, records, NOW, vocab=vocab) == "smoke-v1"
    assert resolve_answer("the ginger-ish one please", shown, records, NOW, vocab=vocab) == "saffron-v1"
    assert resolve_answer("the purple one", shown, records, NOW, vocab=vocab) is None  # neither is purple


def test_the_x_one_reads_one_as_the_options_noun(repository, vocab):
    shown, records = options(repository, "ember-v3", "frank-v1")
    assert resolve_answer("the wiener one", shown, records, NOW, vocab=vocab) == "frank-v1"  # "wiener dog"
    assert resolve_answer("the little weenie", shown, records, NOW, vocab=vocab) == "frank-v1"  # "weenie dog"


def test_a_word_near_in_meaning_picks_the_option_only_when_it_wins_clearly(repository, vocab):
    shown, records = options(repository, "clank-v1", "pip-v1")
    assert resolve_answer("the metal soldier thing", shown, records, NOW, vocab=vocab) == "clank-v1"
    heads = [records["clank-v1"], records["pip-v1"]]
    looks = [h.description for h in heads]
    assert by_meaning("the bird", heads, looks, vocab) == "pip-v1"  # owl
    assert by_meaning("the lovely one", heads, looks, vocab) is None
    assert by_meaning("the one", heads, looks, vocab) is None  # nothing to compare


def test_an_unclear_answer_keeps_asking_politely(checkin):
    first, again = conversation(checkin, "my toy on a desk", "the splendid one")
    assert first.status == "clarify"
    assert again.status == "clarify" and again.question.startswith("Sorry, I did not catch that.")


# --- family: class words over several concepts ask -------------------------------------------------

@pytest.mark.parametrize(("request_text", "offered"), [
    ("a portrait of my grandparent", {"nell-v1", "walt-v1"}),
    ("my grandparents at the seaside", {"nell-v1", "walt-v1"}),
    ("my parent reading a book", {"june-v1", "ray-v1"}),
])
def test_a_class_word_over_several_people_asks(checkin, request_text, offered):
    turn = checkin.ask(request_text, f"class-{request_text}", NOW)
    assert turn.status == "clarify"
    assert {o["id"] for o in turn.options} == offered


def test_synonyms_and_kin_words_are_not_classes(checkin):
    turn = checkin.ask("my canine napping", "canine", NOW)
    assert turn.status == "clarify" and {o["id"] for o in turn.options} == {"ember-v3", "frank-v1"}  # two dogs
    turn = checkin.ask("my granny knitting", "granny", NOW)  # a kin word is one person, not a class
    assert (turn.status, turn.checkpoint) == ("selected", "nell-v1")


def test_after_a_class_word_the_answer_picks_the_person(checkin):
    first, done = conversation(checkin, "my grandparent baking bread", "the lady in the apron")
    assert first.status == "clarify"
    assert (done.status, done.checkpoint, done.prompt) == ("selected", "nell-v1", "<nell-v1> baking bread")


# --- family: the request's constraints keep applying after the answer ------------------------------

def test_a_season_before_a_multi_word_style_is_a_cue():
    intent = parse_intent("the autumn oil painting build", NOW, Vocabulary())
    assert intent.time is not None and intent.time.months == (9, 10, 11)
    assert intent.styles == ["oil painting"]
    assert parse_intent("my winter pixel art model", NOW, Vocabulary()).time.months == (12, 1, 2)


def test_the_season_window_still_picks_the_version_after_the_answer(checkin):
    first, done = conversation(checkin, "the autumn oil painting model", "Glaze")
    assert first.status == "clarify" and {o["id"] for o in first.options} == {"glaze-v1", "meadow-v1"}
    assert (done.status, done.checkpoint) == ("selected", "glaze-v1")  # v2 is from February


# --- the answer's own cues pick among the chosen concept's versions --------------------------------

@pytest.mark.parametrize(("answer", "meant"), [
    ("Ember, the LoRA one", "ember-v1"),
    ("Ember, the one with the scarf", "ember-v2"),
    ("the first version of Ember", "ember-v1"),
    ("Ember, the oldest one", "ember-v1"),  # a name, then an age: the age is about Ember's versions
    ("the earliest one", "frank-v1"),  # an age alone points at the options: Frank is older than Ember's newest
    ("Ember", "ember-v3"),
    ("the orange one", "ember-v3"),  # a colour that told the options apart says nothing about versions
])
def test_the_answers_cues_pick_the_version(checkin, answer, meant):
    first, done = conversation(checkin, "my dog at the beach", answer)
    assert first.status == "clarify"
    assert (done.status, done.checkpoint) == ("selected", meant)


def test_words_an_answer_rules_out_never_count_for_an_option(checkin):
    # the question's labels name the breed ("Moss the maine coon"); ruling it out must not score for Moss
    first, done = conversation(checkin, "my cat on a windowsill", "not Smoke, and not the maine coon either")
    assert first.status == "clarify" and len(first.options) == 3
    assert (done.status, done.checkpoint) == ("selected", "saffron-v1")


def test_a_colour_beside_the_subject_is_the_things_own_not_a_versions(checkin):
    # ember-v1 and -v2 say "orange", -v3 does not (the dog is still orange); only -v1 says "curled tail"
    first, done = conversation(checkin, "my dog in a field", "the orange dog")
    assert (done.status, done.checkpoint) == ("selected", "ember-v3")
    first, done = conversation(checkin, "my dog in a field", "the dog with the curled tail")
    assert (done.status, done.checkpoint) == ("selected", "ember-v1")


def test_a_label_word_every_option_shares_does_not_pick_one(checkin):
    # "Clank the soldier toy" and "Pip the owl" are both toys: "toy" must not favour Clank's label
    first, done = conversation(checkin, "my toy on a desk", "the toy with button eyes")
    assert {o["id"] for o in first.options} == {"clank-v1", "pip-v1"}
    assert (done.status, done.checkpoint) == ("selected", "pip-v1")
