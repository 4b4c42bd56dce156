"""`build_graph`: the Check-in StateGraph, compiled with the checkpointer you pass.

    START → retrieve → reason ─┬─ selected ─→ map ─→ (generate) → END
                               ├─ clarify ──→ clarify ⟲ (until answered) → map
                               └─ no_match ─→ END
"""
from __future__ import annotations

from typing import Any
from collections.abc import Callable

from langgraph.graph import END, START, StateGraph

from agent.llm import LLMExtractor, LLMReranker
from agent.nodes import CheckinNodes
from agent.state import CheckinState
from agent.vocab import Vocabulary
from repo_store.store import Repository


def _route(state: CheckinState) -> str:
    return {"selected": "map", "clarify": "clarify"}.get(state.get("status", ""), END)


def build_graph(checkpointer: Any, repository: Repository, vocab: Vocabulary | None = None, k: int = 10,
                reranker: LLMReranker | None = None, generate: Callable[..., dict] | None = None,
                metadata: bool = True, draw_on_demand: bool = False, extractor: LLMExtractor | None = None) -> Any:
    """Compile Check-in over `repository`. `generate` (state[, config] → update) adds the generate node;
    `draw_on_demand` pauses every run before it, so a selection is answered at once and
    `CheckIn.draw` resumes the thread into `generate` with the settings to draw with.
    `metadata=False` is the benchmark's ablation without metadata reasoning; `extractor` (with a Gemini key)
    adds the LLM's structured reading of the request's constraints, checked against the repository."""
    vocab = vocab or Vocabulary.build(repository.checkpoints, repository.index.embedder)
    nodes = CheckinNodes(repository, vocab, k=k, reranker=reranker, metadata=metadata, extractor=extractor)
    graph = StateGraph(CheckinState)
    graph.add_node("retrieve", nodes.retrieve)
    graph.add_node("reason", nodes.reason)
    graph.add_node("clarify", nodes.clarify)
    graph.add_node("map", nodes.map)
    graph.add_edge(START, "retrieve")
    graph.add_edge("retrieve", "reason")
    graph.add_conditional_edges("reason", _route, ["map", "clarify", END])
    graph.add_conditional_edges("clarify", _route, ["map", "clarify", END])
    if generate is not None:
        graph.add_node("generate", generate)
        graph.add_edge("map", "generate")
        graph.add_edge("generate", END)
    else:
        graph.add_edge("map", END)
    pause = ["generate"] if generate is not None and draw_on_demand else None
    return graph.compile(checkpointer=checkpointer, interrupt_before=pause)
