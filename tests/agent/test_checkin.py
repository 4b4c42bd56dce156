"""The Check-in graph: select, clarify → resume, no-match, durable threads, the LLM path."""
from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn, RequestError, thread_checkpointer
from agent.graph import build_graph
from agent.llm import LLMReranker
from tests.agent.conftest import NOW


def test_selects_by_time_and_maps_the_trigger(checkin):
    turn = checkin.ask("paint my dog from last week on a beach", "t1", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", "dog-biscuit-v3")
    assert turn.prompt == "paint <biscuit-v3> on a beach"
    assert turn.question is None


def test_successive_versions_pick_the_newest_and_say_so(checkin):
    turn = checkin.ask("Shadow at the park", "t2", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", "dog-shadow-v2")
    assert "2 versions" in turn.message and "newest" in turn.message
    assert turn.candidates == ["dog-shadow-v2", "dog-shadow-v1"]


@pytest.mark.parametrize(("request_text", "checkpoint_id"), [
    ("the first version of Shadow", "dog-shadow-v1"),
    ("the oldest teddy bear", "bear-v3"),
    ("the teddy bear from January", "bear-v3"),
    ("the teddy bear trained in April", "bear-v4"),
    ("<bear-v3> in the snow", "bear-v3"),
    ("my cat from December", "cat-miso-v1"),
    ("the dog I used yesterday", "dog-shadow-v1"),
    ("my dog with the grey muzzle", "dog-shadow-v2"),
    ("the latest dog", "dog-shadow-v2"),
    ("a portrait of my granny", "person-grandma-rose-v1"),
    ("show me my grandmother baking cookies", "person-grandma-rose-v1"),  # "me" here is no subject
    ("a portrait of me as a knight", "person-me-v1"),
    ("my labrdor at the lake", "dog-shadow-v2"),  # a typo
    ("Use my April teddy bear model for a forest scene", "bear-v4"),  # "use" chooses, it does not date
    ("Shadow, but the version before the newest", "dog-shadow-v1"),
    ("Can you paint Shadow, the older version, at the lake?", "dog-shadow-v1"),
    ("the bear I trained in January, in the snow", "bear-v3"),
])
def test_metadata_reasoning_selects(checkin, request_text, checkpoint_id):
    turn = checkin.ask(request_text, f"t-{checkpoint_id}-{len(request_text)}", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", checkpoint_id), turn.reasoning


def test_different_dogs_clarify_with_names_not_ids_then_resume_free_text(checkin):
    turn = checkin.ask("my dog on the beach", "t3", NOW)
    assert turn.status == "clarify" and turn.prompt is None
    assert "Biscuit" in turn.question and "Shadow" in turn.question
    assert not any(o["id"] in turn.question for o in turn.options)
    assert {o["id"] for o in turn.options} == {"dog-biscuit-v3", "dog-biscuit-anime-v1", "dog-shadow-v2"}
    assert all(o["name"] and o["why"] for o in turn.options)
    assert checkin.pending("t3")

    done = checkin.reply("the black labrador", "t3")
    assert (done.status, done.checkpoint) == ("selected", "dog-shadow-v2")
    assert done.prompt == "<shadow-v2> on the beach"
    assert not checkin.pending("t3")


def test_request_details_narrow_the_question(checkin):
    turn = checkin.ask("my dog with the red collar", "details", NOW)  # only Biscuit wears one, in two styles
    assert turn.status == "clarify"
    assert {o["id"] for o in turn.options} == {"dog-biscuit-v3", "dog-biscuit-anime-v1"}


def test_thumbnail_click_resumes_with_the_id(checkin):
    turn = checkin.ask("my dog on the beach", "t4", NOW)
    done = checkin.reply("dog-biscuit-anime-v1", "t4")
    assert turn.status == "clarify" and (done.status, done.checkpoint) == ("selected", "dog-biscuit-anime-v1")


def test_same_concept_in_two_styles_asks_about_style(checkin):
    turn = checkin.ask("Biscuit chasing a ball", "t5", NOW)
    assert turn.status == "clarify"
    assert "photorealistic" in turn.question and "anime" in turn.question
    done = checkin.reply("anime please", "t5")
    assert done.checkpoint == "dog-biscuit-anime-v1"
    assert done.prompt == "<biscuit-anime-v1> chasing a ball"


def test_unclear_answer_asks_again_then_resolves(checkin):
    checkin.ask("my dog on the beach", "t6", NOW)
    again = checkin.reply("hmm, the nice one", "t6")
    assert again.status == "clarify" and again.question.startswith("Sorry")
    done = checkin.reply("Shadow", "t6")
    assert done.checkpoint == "dog-shadow-v2"


def test_declining_every_option_is_no_match(checkin):
    checkin.ask("my dog on the beach", "t7", NOW)
    done = checkin.reply("neither of them", "t7")
    assert done.status == "no_match" and done.checkpoint is None


@pytest.mark.parametrize(("request_text", "words"), [
    ("paint my hamster in the snow", ["hamster"]),
    ("my cat from June", ["none was created in June", "Miso"]),
    ("Shadow version 7", ["none is version 7", "Shadow"]),
    ("the teddy bear in pixel art model", ["pixel art", "Tan teddy bear"]),
])
def test_no_match_says_so_and_names_the_nearest(checkin, request_text, words):
    turn = checkin.ask(request_text, f"nm-{len(request_text)}", NOW)
    assert turn.status == "no_match" and turn.checkpoint is None and turn.prompt is None
    for word in words:
        assert word in turn.message


@pytest.mark.parametrize("bad", ["", "   ", "x" * 2001])
def test_empty_or_oversized_request_is_refused_clearly(checkin, bad):
    with pytest.raises(RequestError, match="empty|characters long"):
        checkin.ask(bad, "t8", NOW)


def test_reply_without_a_question_is_refused(checkin):
    checkin.ask("Shadow at the park", "t9", NOW)
    with pytest.raises(RequestError, match="no question waiting"):
        checkin.reply("the corgi", "t9")


def test_thread_interrupted_in_one_graph_resumes_in_another(tmp_path, state_backend, repository, vocab):
    first = CheckIn(build_graph(thread_checkpointer(tmp_path, state_backend), repository, vocab))
    turn = first.ask("my dog on the beach", "durable", NOW)
    assert turn.status == "clarify"
    del first

    second = CheckIn(build_graph(thread_checkpointer(tmp_path, state_backend), repository, vocab))
    assert second.pending("durable")
    done = second.reply("the corgi, photorealistic", "durable")
    assert (done.status, done.checkpoint) == ("selected", "dog-biscuit-v3")
    assert (tmp_path / "threads.sqlite").exists() == (state_backend is None)  # Postgres: nothing on disk here


class ToolCallingFake(GenericFakeChatModel):
    """A fake chat model that supports structured output by replying with a tool call."""

    def bind_tools(self, tools, **kwargs):
        return self


class FailingFake(ToolCallingFake):
    def _generate(self, *args, **kwargs):
        raise ConnectionError("network is down")


def _choice(checkpoint_id, explanation):
    return AIMessage(content="", tool_calls=[{"name": "LLMChoice", "id": "call-1", "args": {
        "checkpoint_id": checkpoint_id, "ask_user": False, "explanation": explanation}}])


def test_llm_reranks_among_the_filtered_candidates(repository, vocab):
    fake = ToolCallingFake(messages=iter([_choice("dog-shadow-v1", "v1 was trained on park scenes.")]))
    checkin = CheckIn(build_graph(_memory(), repository, vocab, reranker=LLMReranker(fake)))
    turn = checkin.ask("Shadow at the park", "llm-1", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", "dog-shadow-v1")
    assert "park scenes" in turn.message
    assert turn.prompt == "<shadow-v1> at the park"


def test_llm_cannot_pick_outside_the_candidates(repository, vocab):
    fake = ToolCallingFake(messages=iter([_choice("cat-miso-v1", "cats are nice")]))
    checkin = CheckIn(build_graph(_memory(), repository, vocab, reranker=LLMReranker(fake)))
    assert checkin.ask("Shadow at the park", "llm-2", NOW).checkpoint == "dog-shadow-v2"


def test_llm_failure_keeps_the_deterministic_result(repository, vocab):
    checkin = CheckIn(build_graph(_memory(), repository, vocab, reranker=LLMReranker(FailingFake(messages=iter([])))))
    turn = checkin.ask("Shadow at the park", "llm-3", NOW)
    assert (turn.status, turn.checkpoint) == ("selected", "dog-shadow-v2")


def _memory():
    return InMemorySaver()


def test_answer_resolution_forms():
    from datetime import datetime

    from agent.clarify import NONE, resolve_answer
    from repo_store.schema import Checkpoint

    def ckpt(i, name, subjects, styles, created):
        return Checkpoint(id=i, name=name, triggers=(f"<{i}>",), subjects=subjects, description=f"{name}.",
                          created_at=datetime.fromisoformat(created), source="x.yaml", styles=styles)

    records = {c.id: c for c in [
        ckpt("me-v1", "Me", ("person", "me"), ("photorealistic",), "2025-01-05"),
        ckpt("ava-v2", "Ava", ("person", "girl"), ("cartoon",), "2025-04-02"),
        ckpt("rose-v1", "Grandma Rose", ("person", "grandma"), ("anime",), "2025-02-10"),
    ]}
    options = [{"id": i, "name": records[i].name} for i in records]
    answer = lambda text: resolve_answer(text, options, records, NOW)  # noqa: E731
    assert answer("Me please") == "me-v1"  # a name that is also a stopword
    assert answer("ava-v2") == "ava-v2"  # a thumbnail click
    assert answer("the cartoon one") == "ava-v2"
    assert answer("grandma") == "rose-v1"
    assert answer("the one from April") == "ava-v2"
    assert answer("the second one") == "ava-v2"
    assert answer("the newest") == "ava-v2"
    assert answer("neither") == NONE
    assert answer("the nice one") is None


def test_an_answer_that_fits_two_options_narrows_the_question(checkin):
    first = checkin.ask("my dog on the beach", "narrow", NOW)
    assert first.status == "clarify" and len(first.options) == 3
    narrower = checkin.reply("Biscuit", "narrow")  # two Biscuit lineages: photorealistic and anime
    assert narrower.status == "clarify"
    assert {o["id"] for o in narrower.options} == {"dog-biscuit-v3", "dog-biscuit-anime-v1"}
    assert "photorealistic" in narrower.question and "anime" in narrower.question
    done = checkin.reply("the anime one", "narrow")
    assert (done.status, done.checkpoint) == ("selected", "dog-biscuit-anime-v1")


def test_generate_hook_runs_after_map_with_the_rewritten_prompt(repository, vocab):
    seen = []

    def generate(state):
        seen.append(state["prompt"])
        return {"image": f"/tmp/{state['checkpoint']}.png"}

    graph = build_graph(InMemorySaver(), repository, vocab, generate=generate)
    CheckIn(graph).ask("Shadow at the park", "gen", NOW)
    assert seen == ["<shadow-v2> at the park"]
    assert graph.get_state({"configurable": {"thread_id": "gen"}}).values["image"] == "/tmp/dog-shadow-v2.png"


def _extracted(**fields):
    return AIMessage(content="", tool_calls=[{"name": "ExtractedConstraints", "id": "call-x", "args": fields}])


def test_llm_extraction_adds_constraints_the_repository_can_check(repository, vocab):
    from agent.llm import LLMExtractor

    fake = ToolCallingFake(messages=iter([_extracted(subject="my dog", exclude=["Biscuit", "unicorn"])]))
    checkin = CheckIn(build_graph(_memory(), repository, vocab, extractor=LLMExtractor(fake)))
    turn = checkin.ask("my dog on the beach", "llm-x1", NOW)  # alone, a question between Biscuit and Shadow
    assert (turn.status, turn.checkpoint) == ("selected", "dog-shadow-v2")
    assert turn.reasoning[0] == "LLM added not Biscuit"  # "unicorn" names nothing here: dropped
    assert turn.prompt == "<shadow-v2> on the beach"


def test_llm_extraction_failure_keeps_the_deterministic_reading(repository, vocab):
    from agent.llm import LLMExtractor

    checkin = CheckIn(build_graph(_memory(), repository, vocab, extractor=LLMExtractor(FailingFake(messages=iter([])))))
    turn = checkin.ask("my dog on the beach", "llm-x2", NOW)
    assert turn.status == "clarify" and "LLM extraction unavailable" in turn.reasoning[0]


def test_a_reply_that_is_a_new_request_starts_over(checkin):
    first = checkin.ask("my dog on the beach", "restart", NOW)
    assert first.status == "clarify"
    turn = checkin.reply("actually, paint my teddy bear on a boat", "restart")
    assert turn.restarted and turn.message.startswith("Starting over: ")
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "bear-v4", "<bear-v4> on a boat")


def test_an_answer_naming_another_subject_redirects(checkin):
    first = checkin.ask("my dog on the beach", "redirect", NOW)
    assert first.status == "clarify"
    turn = checkin.reply("wrong ones, I meant the cat", "redirect")
    assert not turn.restarted
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", "cat-miso-v1", "<miso-v1> on the beach")
