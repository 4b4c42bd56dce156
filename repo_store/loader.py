"""Load a repository folder of YAML metadata files into `Checkpoint` records.

A bad file never stops the others: it is refused with a message naming the
file, the field and the bad value, and the rest load. Weights are optional;
when present they must be safetensors (pickle formats can run code on load and
are refused), and `sha256` is verified lazily by `verify_weights` before use.
"""
from __future__ import annotations

import hashlib
import json
import os
import reprlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from errors import PersonalQError, RepositoryError
from repo_store.safe_yaml import read_metadata_yaml
from repo_store.schema import PICKLE_SUFFIXES, Checkpoint, CheckpointFile

METADATA_SUFFIXES = (".yaml", ".yml")
_SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024  # the format's own limit
MAX_SHOWN = 60  # characters of a bad value quoted in a message
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = MAX_SHOWN
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxdict = _SHORT_REPR.maxset = 4
_SHORT_REPR.maxlevel, _SHORT_REPR.maxlong = 2, 40


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


def load_repository(root: str | Path, indexed: Callable[[], dict[str, str]] | None = None) -> LoadResult:
    """Load every metadata file under `root`; never raises for a bad file.

    `indexed`: returns id → source file of the records already in the index (called only when two
    files claim one id). The file already indexed keeps the id, whatever the file names' order, and
    the other is refused; without an index the first file in name order keeps it."""
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise RepositoryError(
            f"repository folder {str(root)!r} does not exist; pass a folder of checkpoint .yaml files"
        )
    result = LoadResult(root=str(root))
    loaded: list[tuple[str, Checkpoint]] = []
    for path in metadata_files(root):
        shown = str(path.relative_to(root))
        if not path.resolve().is_relative_to(root):
            result.refused.append(Refusal(shown, "the file is a link leading outside the repository folder; "
                                                 "copy the metadata file in instead"))
            continue
        try:
            checkpoint, warnings = load_checkpoint_file(path, root)
        except ValueError as err:
            result.refused.append(Refusal(shown, str(err)))
            continue
        result.warnings.extend(Refusal(shown, w) for w in warnings)
        loaded.append((shown, checkpoint))
    ids = [c.id for _, c in loaded]
    known = indexed() if indexed is not None and len(set(ids)) < len(ids) else {}
    # the file already indexed for an id comes first; then file-name order (the sort is stable)
    loaded.sort(key=lambda item: known.get(item[1].id) != item[1].source)
    owners: dict[str, str] = {}
    for shown, checkpoint in loaded:
        if checkpoint.id in owners:
            first = owners[checkpoint.id]
            why = "already indexed from" if known.get(checkpoint.id) == result.checkpoints[checkpoint.id].source \
                else "already defined in"
            result.refused.append(Refusal(
                shown,
                f"duplicate id {checkpoint.id!r}: {why} {first}, which keeps it; "
                f"ids must be unique, give {shown} another id",
            ))
            continue
        owners[checkpoint.id] = shown
        result.checkpoints[checkpoint.id] = checkpoint
    result.refused.sort(key=lambda r: r.file)
    return result


def load_checkpoint_file(path: Path, root: Path | None = None) -> tuple[Checkpoint, list[str]]:
    """Parse and validate one file. Raises ValueError with a readable message.

    `root`: the repository folder; every path in the file must resolve inside it (default: the file's folder)."""
    raw = read_metadata_yaml(path)
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}"
        raise ValueError(f"the file is {kind}; expected a mapping with id, triggers, subjects, description, created_at")
    try:
        meta = CheckpointFile.model_validate(raw)
    except ValidationError as err:
        raise ValueError(describe_validation_error(err, raw)) from None

    warnings = [f"unknown field {shown_value(key)} ignored" for key in (meta.model_extra or {})]
    folder = path.parent
    root = (root or folder).resolve()
    weights = _check_weights(folder, root, meta.weights) if meta.weights else None
    thumbnail = None
    if meta.thumbnail:
        candidate = (folder / meta.thumbnail).resolve()
        if not candidate.is_relative_to(root):
            warnings.append(f"field 'thumbnail': bad value {shown_value(meta.thumbnail)} (the path leads outside the "
                            "repository folder); shown with a placeholder")
        elif candidate.is_file():
            thumbnail = str(candidate)
        else:
            warnings.append(f"field 'thumbnail': file {shown_value(meta.thumbnail)} not found; "
                            "shown with a placeholder")
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
        if loc == "(file)":
            parts.append(msg)
            continue
        parts.append(f"field {shown_value(loc)}: bad value {shown_value(value)} ({msg[:200]})")
        if len(parts) == 5:
            parts.append(f"… {len(err.errors()) - 5} more")
            break
    return "; ".join(parts)


def shown_value(value: Any) -> str:
    """`repr` of a value for a message, bounded (stdlib `reprlib`): a hostile file can hold megabytes."""
    text = _SHORT_REPR.repr(value)
    return text if len(text) <= MAX_SHOWN + 20 else text[:MAX_SHOWN] + "…"


def _check_weights(folder: Path, root: Path, relative: str) -> str:
    """Resolve a weights path inside the repository; refuse pickle, missing, and non-safetensors files.

    The containment check comes first and says the same whether an outside path exists or not."""
    shown = shown_value(relative)
    path = (folder / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"field 'weights': bad value {shown} (the path leads outside the repository folder; "
                         "keep the weights inside it)")
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES or Path(relative).suffix.lower() in PICKLE_SUFFIXES:
        raise ValueError(
            f"field 'weights': bad value {shown} (pickle checkpoints can run arbitrary code when "
            "loaded and are refused; convert it to .safetensors, e.g. with safetensors.torch.save_file)"
        )
    if not path.exists():
        raise ValueError(
            f"field 'weights': bad value {shown} (file not found next to the metadata file; "
            "fix the path, or remove the field: selection works without weights)"
        )
    if path.is_dir():
        check_weights_folder(path, root, shown)
        return str(path)  # a diffusers folder; its own files are checked when loaded
    if suffix != ".safetensors":
        raise ValueError(f"field 'weights': bad value {shown} (only .safetensors weights are accepted)")
    read_safetensors_header(path)
    return str(path)


def check_weights_folder(path: Path, root: Path, shown: str) -> None:
    """A weights folder may hold only files inside the repository and no pickle file, at any depth."""
    for item in sorted(path.rglob("*")):
        inside = item.relative_to(path)
        if item.is_symlink() and not item.resolve().is_relative_to(root):
            raise ValueError(f"field 'weights': folder {shown} holds {str(inside)[:MAX_SHOWN]!r}, a link leading "
                             "outside the repository folder; remove it")
        if item.suffix.lower() in PICKLE_SUFFIXES:
            raise ValueError(f"field 'weights': folder {shown} holds the pickle file {str(inside)[:MAX_SHOWN]!r}; "
                             "pickle files can run code when loaded and are refused: convert it to .safetensors")


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
        file_size = os.fstat(fh.fileno()).st_size
        if 8 + size > file_size:
            raise ValueError(f"weights {path.name!r}: the header claims {size} bytes but the file has only "
                             f"{file_size - 8} after the length field; the file is truncated or damaged, copy it again")
        try:
            header = json.loads(fh.read(size))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"weights {path.name!r} has a corrupted safetensors header; copy the file again") from None
    if not isinstance(header, dict):
        raise ValueError(f"weights {path.name!r} has a corrupted safetensors header; copy the file again")
    needed = 8 + size + _data_bytes(header)
    if needed > file_size:
        raise ValueError(f"weights {path.name!r} is truncated: its header lists {needed} bytes of tensors but the "
                         f"file has {file_size}; copy the file again")
    return header


def _data_bytes(header: dict[str, Any]) -> int:
    """The end of the last tensor's data, as the header says (0 when the header lists none)."""
    end = 0
    for name, entry in header.items():
        if name == "__metadata__" or not isinstance(entry, dict):
            continue
        offsets = entry.get("data_offsets")
        if isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets):
            end = max(end, offsets[1])
    return end


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
    if path.is_dir():  # checked again at use: a pickle file may have been dropped in since loading
        pickles = [p.name for p in path.rglob("*") if p.suffix.lower() in PICKLE_SUFFIXES]
        if pickles:
            raise WeightsError(f"weights folder of {checkpoint.id!r} holds the pickle file {pickles[0][:MAX_SHOWN]!r}; "
                               "pickle files can run code when loaded and are refused")
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
