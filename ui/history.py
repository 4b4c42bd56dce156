"""The chat's visible history rebuilt from a Check-in thread saved in SQLite, after a reload or a restart.

Every run of the graph leaves one snapshot (it persists when it finishes or pauses), so the thread's
snapshots, oldest first, replay the conversation: a run after a question is the user's answer, a run
after a pause before `generate` is a drawing, any other run is a new request. Images come back from
the on-disk image folder; one that was deleted since is said to be gone.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.checkin import turn_of, waiting

Render = Callable[[Any, list[dict]], list[dict]]  # (Turn, history) → history with the turn's messages


def replay(snapshots: list[Any], render_turn: Render, render_request: Callable[[str], dict],
           render_answer: Callable[[str, list[dict]], dict], render_drawing: Callable[[dict], list[dict]]) -> list[dict]:
    """The messages a thread's snapshots show, in order (see the module docstring)."""
    history: list[dict] = []
    previous = None
    for snapshot in snapshots:
        values = snapshot.values
        if previous is not None and tuple(previous.next) == ("generate",) and not snapshot.next:
            if values.get("drawn"):
                history += render_drawing(values)
        elif previous is not None and waiting(previous) and values.get("request") == previous.values.get("request"):
            history.append(render_answer(str(values.get("answer") or ""), list(previous.values.get("options", []))))
            history = render_turn(turn_of(snapshot), history)
        elif values.get("request"):
            history.append(render_request(values["request"]))
            history = render_turn(turn_of(snapshot), history)
        previous = snapshot
    return history


def image_exists(path: str | None) -> bool:
    return bool(path) and Path(path).is_file()
