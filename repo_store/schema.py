"""The checkpoint metadata contract: the pydantic model that guards the YAML
file boundary, and the plain `Checkpoint` record that the rest of PersonalQ uses.

The schema is documented in docs/architecture.md; see `CheckpointFile` for each field.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # no leading dot: hidden files are never loaded
# Bounds on every text and list field: a metadata file is small, and nothing unbounded reaches the index or a message.
MAX_ID = 100
MAX_NAME = 200
MAX_TERM = 100  # one trigger, subject or style
MAX_TERMS = 32
MAX_DESCRIPTION = 4000
MAX_PATH = 1024
MAX_EXTRA_FIELDS = 32
MAX_VERSION = 2**31 - 1  # fits every index's integer type
KINDS = ("lora", "dreambooth", "textual_inversion", "diffusers")
PICKLE_SUFFIXES = (".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle")


def _as_list(value: Any) -> Any:
    """Accept `triggers: "<bear-v4>"` as a one-element list (a common slip)."""
    return [value] if isinstance(value, str) else value


def _as_naive_utc(value: Any) -> Any:
    """Dates become midnight datetimes; aware datetimes become naive UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


class CheckpointFile(BaseModel):
    """One YAML metadata file as written by a person; validated, then discarded."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID)
    name: str | None = Field(default=None, max_length=MAX_NAME)
    triggers: list[Annotated[str, Field(max_length=MAX_TERM)]] = Field(min_length=1, max_length=MAX_TERMS)
    subjects: list[Annotated[str, Field(max_length=MAX_TERM)]] = Field(min_length=1, max_length=MAX_TERMS)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    styles: list[Annotated[str, Field(max_length=MAX_TERM)]] = Field(default_factory=list, max_length=MAX_TERMS)
    created_at: datetime
    version: int | None = Field(default=None, ge=0, le=MAX_VERSION)
    last_used_at: datetime | None = None
    base_model: str | None = Field(default=None, max_length=MAX_PATH)
    kind: Literal["lora", "dreambooth", "textual_inversion", "diffusers"] | None = None
    weights: str | None = Field(default=None, max_length=MAX_PATH)
    thumbnail: str | None = Field(default=None, max_length=MAX_PATH)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    autov2: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{10}$")  # Civitai's short hash: sha256[:10]
    imported_from: str | None = None  # the file `app.py repo import` read, relative to its source folder
    guessed: list[str] = Field(default_factory=list)  # fields the importer inferred; check them by hand

    @model_validator(mode="before")
    @classmethod
    def _few_extra_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) > MAX_EXTRA_FIELDS + 14:
            raise ValueError(f"the file has {len(data)} fields; a metadata file has at most {MAX_EXTRA_FIELDS} "
                             "fields beyond the schema's")
        return data

    @field_validator("triggers", "subjects", "styles", mode="before")
    @classmethod
    def _one_item_as_list(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("created_at", "last_used_at", mode="before")
    @classmethod
    def _date_as_datetime(cls, value: Any) -> Any:
        return _as_naive_utc(value)

    @field_validator("triggers", "subjects", "styles")
    @classmethod
    def _no_blank_items(cls, items: list[str]) -> list[str]:
        cleaned = [s.strip() for s in items]
        if any(not s for s in cleaned):
            raise ValueError("entries must be non-empty text")
        return cleaned

    @field_validator("triggers")
    @classmethod
    def _trigger_is_one_token(cls, items: list[str]) -> list[str]:
        for trigger in items:
            if re.search(r"\s", trigger):
                raise ValueError(f"trigger {trigger!r} contains whitespace; a trigger is one word")
        return items

    @field_validator("created_at", "last_used_at", mode="after")
    @classmethod
    def _naive(cls, value: datetime | None) -> datetime | None:
        return _as_naive_utc(value) if value is not None else None


@dataclass(frozen=True)
class Checkpoint:
    """A validated checkpoint record. Paths are absolute; `source` is the YAML file."""

    id: str
    name: str
    triggers: tuple[str, ...]
    subjects: tuple[str, ...]
    description: str
    created_at: datetime
    source: str
    styles: tuple[str, ...] = ()
    version: int | None = None
    last_used_at: datetime | None = None
    base_model: str | None = None
    kind: str | None = None
    weights: str | None = None
    thumbnail: str | None = None
    sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def trigger(self) -> str:
        """The canonical trigger: the first one listed."""
        return self.triggers[0]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable dict (dates as ISO strings); inverse of `from_json`."""
        data = asdict(self)
        for key in ("created_at", "last_used_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        for key in ("triggers", "subjects", "styles"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        data = dict(data)
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        if data.get("last_used_at"):
            data["last_used_at"] = datetime.fromisoformat(data["last_used_at"])
        for key in ("triggers", "subjects", "styles"):
            data[key] = tuple(data.get(key) or ())
        return cls(**data)
