"""Load a repository folder of YAML metadata files into `Checkpoint` records.

A bad file never stops the others: it is refused with a message naming the
file, the field and the bad value, and the rest load. Weights are optional;
when present they must be safetensors (pickle formats can run code on load and
are refused), and `sha256` is verified lazily by `verify_weights` before use.
"""
from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from errors import PersonalQError, RepositoryError
from repo_store.schema import PICKLE_SUFFIXES, Checkpoint, CheckpointFile

try:  # libyaml is ~10x faster on large repositories; pure Python otherwise
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the pyyaml build
    _YamlLoader = yaml.SafeLoader

METADATA_SUFFIXES = (".yaml", ".yml")
_SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024  # the format's own limit


class WeightsError(PersonalQError):
    """A weights file that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Refusal:
    """A metadata file that did not load, and why."""

    file: str
    reason: str


@dataclass
class LoadResult:
    """What a repository folder yielded: records by id, refusals, and warnings."""

    root: str
    checkpoints: dict[str, Checkpoint] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def metadata_files(root: Path) -> list[Path]:
    """Every `*.yaml`/`*.yml` under `root`, sorted, skipping hidden folders."""
    found = [
        p for p in root.rglob("*")
        if p.suffix.lower() in METADATA_SUFFIXES and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found)


def load_repository(root: str | Path) -> LoadResult:
    """Load every metadata file under `root`; never raises for a bad file."""
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise RepositoryError(
            f"repository folder {str(root)!r} does not exist; pass a folder of checkpoint .yaml files"
        )
    result = LoadResult(root=str(root))
    owners: dict[str, Path] = {}
    for path in metadata_files(root):
        shown = str(path.relative_to(root))
        try:
            checkpoint, warnings = load_checkpoint_file(path)
        except ValueError as err:
            result.refused.append(Refusal(shown, str(err)))
            continue
        result.warnings.extend(Refusal(shown, w) for w in warnings)
        if checkpoint.id in owners:
            first = owners[checkpoint.id].relative_to(root)
            result.refused.append(Refusal(
                shown,
                f"duplicate id {checkpoint.id!r}: already defined in {first}; "
                f"ids must be unique, rename one of {first} and {shown}",
            ))
            continue
        owners[checkpoint.id] = path
        result.checkpoints[checkpoint.id] = checkpoint
    return result


def load_checkpoint_file(path: Path) -> tuple[Checkpoint, list[str]]:
    """Parse and validate one file. Raises ValueError with a readable message."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text; save the metadata file as UTF-8") from None
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ValueError(f"invalid YAML{at}: {problem}") from None
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}"
        raise ValueError(f"the file is {kind}; expected a mapping with id, triggers, subjects, description, created_at")
    try:
        meta = CheckpointFile.model_validate(raw)
    except ValidationError as err:
        raise ValueError(describe_validation_error(err, raw)) from None

    warnings = [f"unknown field {key!r} ignored" for key in (meta.model_extra or {})]
    folder = path.parent
    weights = _check_weights(folder, meta.weights) if meta.weights else None
    thumbnail = None
    if meta.thumbnail:
        candidate = (folder / meta.thumbnail).resolve()
        if candidate.is_file():
            thumbnail = str(candidate)
        else:
            warnings.append(f"field 'thumbnail': file {meta.thumbnail!r} not found; shown without a thumbnail")
    checkpoint = Checkpoint(
        id=meta.id,
        name=meta.name or meta.id,
        triggers=tuple(meta.triggers),
        subjects=tuple(meta.subjects),
        description=meta.description,
        created_at=meta.created_at,
        source=str(path.resolve()),
        styles=tuple(meta.styles),
        version=meta.version,
        last_used_at=meta.last_used_at,
        base_model=meta.base_model,
        kind=meta.kind,
        weights=weights,
        thumbnail=thumbnail,
        sha256=meta.sha256.lower() if meta.sha256 else None,
        extra=dict(meta.model_extra or {}),
    )
    return checkpoint, warnings


def describe_validation_error(err: ValidationError, raw: dict[str, Any]) -> str:
    """One line per problem: field, bad value, and what was expected."""
    parts = []
    for problem in err.errors():
        loc = ".".join(str(p) for p in problem["loc"]) or "(file)"
        if problem["type"] == "missing":
            parts.append(f"field {loc!r}: required but missing")
            continue
        value = problem.get("input")
        msg = problem["msg"].removeprefix("Value error, ")
        parts.append(f"field {loc!r}: bad value {value!r} ({msg})")
    return "; ".join(parts)


def _check_weights(folder: Path, relative: str) -> str:
    """Resolve a weights path and refuse pickle, missing, and non-safetensors files."""
    path = (folder / relative).resolve()
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        raise ValueError(
            f"field 'weights': bad value {relative!r} (pickle checkpoints can run arbitrary code when "
            "loaded and are refused; convert it to .safetensors, e.g. with safetensors.torch.save_file)"
        )
    if not path.exists():
        raise ValueError(
            f"field 'weights': bad value {relative!r} (file not found next to the metadata file; "
            "fix the path, or remove the field: selection works without weights)"
        )
    if path.is_dir():
        return str(path)  # a diffusers folder; its own files are checked when loaded
    if suffix != ".safetensors":
        raise ValueError(f"field 'weights': bad value {relative!r} (only .safetensors weights are accepted)")
    read_safetensors_header(path)
    return str(path)


def read_safetensors_header(path: Path) -> dict[str, Any]:
    """Parse the JSON header of a safetensors file; raise ValueError if it is not one."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(b"version "):
            raise ValueError(
                f"weights {path.name!r} is a Git LFS pointer, not the weights; run `git lfs pull`"
            )
        if len(head) < 8:
            raise ValueError(f"weights {path.name!r} is truncated ({len(head)} bytes); copy the file again")
        (size,) = struct.unpack("<Q", head)
        if size == 0 or size > _SAFETENSORS_MAX_HEADER:
            raise ValueError(f"weights {path.name!r} is not a safetensors file (bad header length); copy the file again")
        try:
            header = json.loads(fh.read(size))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"weights {path.name!r} has a corrupted safetensors header; copy the file again") from None
    if not isinstance(header, dict):
        raise ValueError(f"weights {path.name!r} has a corrupted safetensors header; copy the file again")
    return header


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256


def verify_weights(checkpoint: Checkpoint) -> str:
    """Check a checkpoint's weights before use; return the path.

    Raises WeightsError when there are no weights, the file vanished, or its
    sha256 does not match the metadata. Hashes are cached per (path, size, mtime).
    """
    if not checkpoint.weights:
        raise WeightsError(f"checkpoint {checkpoint.id!r} has no weights; add a 'weights' field to {checkpoint.source}")
    path = Path(checkpoint.weights)
    if not path.exists():
        raise WeightsError(f"weights for {checkpoint.id!r} not found at {path}; restore the file or fix {checkpoint.source}")
    if checkpoint.sha256 and path.is_file():
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        actual = _verified.get(key) or file_sha256(path)
        if actual != checkpoint.sha256:
            raise WeightsError(
                f"weights for {checkpoint.id!r} fail the sha256 check (expected {checkpoint.sha256[:12]}…, "
                f"file has {actual[:12]}…); the file is corrupted or replaced: copy it again or update sha256 in {checkpoint.source}"
            )
        _verified[key] = actual
    return str(path)
