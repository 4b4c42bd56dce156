"""The Check-in graph's terminal `generate` node: draws the selected checkpoint with the rewritten prompt.

The settings come with the run (`config["configurable"]["generation"]`, a `Settings` as a dict), so a
run without them draws nothing; progress goes out on LangGraph's custom stream (`get_stream_writer`)
as `{"phase": "calibrating" | "denoising", "done": n, "total": m}`, one event per calibration batch
and per denoising step. The image is saved under `images_dir`; the state keeps its path and what drew it.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from langgraph.config import get_config, get_stream_writer

from errors import PersonalQError
from repo_store.store import Repository
from serve.generate import Generator, Settings

DRAW_ERRORS = (PersonalQError, ValueError)  # what a person can fix: bad weights, over budget, settings out of range


class DrawNode:
    def __init__(self, generator: Generator, repository: Repository, images_dir: Path):
        self.generator = generator
        self.repository = repository
        self.images_dir = Path(images_dir)

    def __call__(self, state: dict[str, Any]) -> dict[str, Any]:
        wanted = (get_config().get("configurable") or {}).get("generation")
        if not wanted:
            return {"image": None, "drawn": None}
        writer = get_stream_writer()
        checkpoint_id = state["checkpoint"]
        try:
            settings = Settings(**wanted)
            checkpoint = self.repository.get(checkpoint_id)
            image = self.generator.generate(
                state["prompt"], checkpoint, settings,
                progress=lambda phase, done, total: writer({"phase": phase, "done": done, "total": total}))
        except (*DRAW_ERRORS, KeyError, TypeError) as err:  # a readable sentence for the chat, saved with the thread
            text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
            return {"image": None, "drawn": {"checkpoint": checkpoint_id, "error": text}}
        self.images_dir.mkdir(parents=True, exist_ok=True)
        path = self.images_dir / f"{checkpoint_id}-{uuid.uuid4().hex[:10]}.png"
        image.save(path)
        return {"image": str(path), "drawn": {"checkpoint": checkpoint_id, "name": checkpoint.name,
                                              "settings": dict(wanted), "label": settings.label}}
