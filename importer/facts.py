"""What the files around a checkpoint say about it, collected before anything is inferred."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Facts:
    """Raw evidence from one source (kohya header, Civitai sidecar, …); every field optional."""

    source: str  # "kohya", "modelspec", "civitai.info", "metadata.json"
    name: str | None = None  # the concept's name (ss_output_name, modelspec.title, Civitai model name)
    version_name: str | None = None  # Civitai's version name, e.g. "v2.0"
    trained_words: list[str] = field(default_factory=list)  # trainedWords / modelspec.trigger_phrase
    tags: dict[str, int] = field(default_factory=dict)  # caption tag → count (ss_tag_frequency), Civitai tags
    dataset_dirs: list[str] = field(default_factory=list)  # kohya folder names "10_ohwx dog"
    description: str | None = None
    created_at: datetime | None = None
    created_from: str | None = None  # which field gave created_at
    base_model: str | None = None  # as written: ss_sd_model_name, Civitai baseModel
    model_type: str | None = None  # Civitai's model.type: LORA, LoCon, TextualInversion, Checkpoint
    autov2: str | None = None  # the hash the sidecar recorded, to cross-check
