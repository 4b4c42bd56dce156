"""Check-in conversations: ask, answer a clarification, read a thread's state.

One LangGraph thread per conversation; with `sqlite_checkpointer` (a file) or
`postgres_checkpointer` (a server) a thread interrupted in one process resumes in another.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from langgraph.types import Command

from errors import PersonalQError

MAX_REQUEST_CHARS = 2000


class RequestError(PersonalQError, ValueError):
    """A request that cannot be processed; the message says what to do."""


def validate_request(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise RequestError("The request is empty; describe what to paint, e.g. \"my dog from last week on a beach\".")
    if len(text) > MAX_REQUEST_CHARS:
        raise RequestError(f"The request is {len(text)} characters long; keep it under {MAX_REQUEST_CHARS}.")
    return text


def sqlite_checkpointer(home: str | Path, filename: str = "threads.sqlite") -> Any:
    """Durable LangGraph checkpointer at `$PERSONALQ_HOME/threads.sqlite` (or another file in that folder)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path / filename), check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; an app crash loses nothing committed
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def postgres_checkpointer(url: str) -> Any:
    """LangGraph's PostgresSaver over a psycopg connection pool; `setup()` creates its tables if missing."""
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    pool = ConnectionPool(url, min_size=1, max_size=8, open=True, check=ConnectionPool.check_connection,
                          kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    saver = PostgresSaver(pool)
    saver.setup()
    return saver


def thread_checkpointer(home: str | Path, database_url: str | None, filename: str = "threads.sqlite") -> Any:
    """Postgres when a database URL is configured (threads shared by every process), else SQLite under `home`.

    In Postgres every thread lives in the same tables; thread ids (web-…, judge-…) keep them apart."""
    return postgres_checkpointer(database_url) if database_url else sqlite_checkpointer(home, filename)


@dataclass
class Turn:
    """What one step of a conversation produced."""

    status: str
    checkpoint: str | None = None
    candidates: list[str] = field(default_factory=list)
    question: str | None = None
    prompt: str | None = None
    message: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    restarted: bool = False  # the reply was a new request and ran as a fresh turn ("Starting over: ...")

    def contract(self) -> dict[str, Any]:
        """The `select` CLI's JSON object (the contract in docs/architecture.md)."""
        return {"status": self.status, "checkpoint": self.checkpoint, "candidates": list(self.candidates),
                "question": self.question, "prompt": self.prompt}


class CheckIn:
    """Drives a compiled Check-in graph.

    Runs persist when they finish or pause at a question (`durability="exit"`), not after
    every node: a pending question is always saved, and a request costs one write, not five.
    """

    def __init__(self, graph: Any):
        self.graph = graph

    def ask(self, request: str, thread_id: str, now: date | None = None) -> Turn:
        request = validate_request(request)
        now = now or date.today()
        self.graph.invoke({"request": request, "now": now.isoformat()}, self._config(thread_id), durability="exit")
        return self.turn(thread_id)

    def reply(self, answer: str, thread_id: str) -> Turn:
        if not self.pending(thread_id):
            raise RequestError("There is no question waiting for an answer in this conversation; ask for a picture first.")
        self.graph.invoke(Command(resume=answer), self._config(thread_id), durability="exit")
        snapshot = self.graph.get_state(self._config(thread_id))
        if not _waiting(snapshot) and snapshot.values.get("status") == "restart":
            fresh = self.ask(answer, thread_id, date.fromisoformat(snapshot.values["now"]))
            fresh.restarted = True
            fresh.message = f"Starting over: {fresh.message}" if fresh.message else "Starting over."
            return fresh
        return self.turn(thread_id)

    def pending(self, thread_id: str) -> bool:
        return _waiting(self.graph.get_state(self._config(thread_id)))

    def turn(self, thread_id: str) -> Turn:
        return turn_of(self.graph.get_state(self._config(thread_id)))

    def history(self, thread_id: str) -> list[Any]:
        """The thread's saved snapshots, oldest first: one per finished or paused run."""
        return list(self.graph.get_state_history(self._config(thread_id)))[::-1]

    def draw(self, thread_id: str, generation: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Resume a thread paused before `generate` (a graph built with `draw_on_demand`) with these
        generation settings; yields the node's progress events from LangGraph's custom stream.
        Afterwards the thread's values hold `image` and `drawn`."""
        if tuple(self.graph.get_state(self._config(thread_id)).next) != ("generate",):
            raise RequestError("There is no selected checkpoint waiting to be drawn in this conversation.")
        config = {"configurable": {"thread_id": thread_id, "generation": dict(generation)}}
        yield from self.graph.stream(None, config, stream_mode="custom", durability="exit")

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}}


def turn_of(snapshot: Any) -> Turn:
    """The Turn a saved snapshot of a thread shows."""
    values = snapshot.values
    if _waiting(snapshot):
        return Turn("clarify", None, list(values.get("candidates", [])), values.get("question"), None,
                    values.get("question") or "", list(values.get("options", [])), list(values.get("reasoning", [])))
    status = values.get("status", "no_match")
    return Turn(status, values.get("checkpoint") if status == "selected" else None,
                list(values.get("candidates", [])), None, values.get("prompt") if status == "selected" else None,
                values.get("message", ""), [], list(values.get("reasoning", [])))


def waiting(snapshot: Any) -> bool:
    return _waiting(snapshot)


def _waiting(snapshot: Any) -> bool:
    """Whether the thread is paused at a question (an `interrupt()` awaiting its answer)."""
    return any(task.interrupts for task in snapshot.tasks)
