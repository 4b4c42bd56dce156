"""Add a checkpoint to a repository folder: a `.safetensors` file plus its metadata.

Validated exactly as the loader validates a YAML file (same schema, same messages), the weights
header is read, the sha256 recorded; files are written to temporary names and renamed into place
only after every check passed, so a refused upload leaves the folder as it was.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from errors import PersonalQError
from repo_store.loader import (
    describe_validation_error,
    file_sha256,
    load_checkpoint_file,
    read_safetensors_header,
)
from repo_store.schema import PICKLE_SUFFIXES, CheckpointFile

MAX_UPLOAD_BYTES = 2 * 2**30  # default; the web app passes PERSONALQ_MAX_UPLOAD_MB (and Gradio cuts off larger uploads)


class UploadError(PersonalQError, ValueError):
    """An upload that was refused; nothing was written."""


def add_checkpoint(repo_dir: str | Path, fields: dict[str, Any], weights: str | Path | None,
                   thumbnail: str | Path | None = None, existing_ids: set[str] | frozenset[str] = frozenset(),
                   max_bytes: int = MAX_UPLOAD_BYTES, move: bool = False):
    """Write `<id>.yaml` (+ `<id>.safetensors`, `<id>.png`) into `repo_dir` and return the loaded `Checkpoint`.

    `existing_ids`: the ids the repository already holds (an id may live in a file of any name).
    `move`: the files are temporary uploads; they are moved into the repository (stored once), not copied."""
    repo = Path(repo_dir)
    meta = {k: v for k, v in fields.items() if v not in (None, "", [])}
    if weights is not None:
        src = Path(weights)
        if src.suffix.lower() in PICKLE_SUFFIXES:
            raise UploadError(f"{src.name}: pickle checkpoints ({', '.join(PICKLE_SUFFIXES)}) can run code when "
                              "loaded and are refused; convert it to .safetensors first")
        if src.suffix.lower() != ".safetensors":
            raise UploadError(f"{src.name}: only .safetensors weights are accepted")
        if src.stat().st_size > max_bytes:
            raise UploadError(f"{src.name} is {_size(src.stat().st_size)}; the limit is {_size(max_bytes)} "
                              "(PERSONALQ_MAX_UPLOAD_MB)")
        try:
            read_safetensors_header(src)
        except ValueError as err:
            raise UploadError(str(err)) from None
    try:
        checked = CheckpointFile.model_validate(meta)
    except ValidationError as err:
        raise UploadError(describe_validation_error(err, meta)) from None
    target = repo / f"{checked.id}.yaml"
    if checked.id in existing_ids or target.exists() or (repo / f"{checked.id}.safetensors").exists():
        raise UploadError(f"id {checked.id!r} is already in the repository; choose another id (e.g. {checked.id}-2)")

    staged: list[tuple[Path, Path]] = []
    try:
        def stage(source, dest: Path) -> Path:  # into `<dest>.part`, renamed once everything is in place
            tmp = dest.with_name(dest.name + ".part")
            _transfer(source, tmp, move)
            staged.append((tmp, dest))
            return tmp

        if weights is not None:
            dest = repo / f"{checked.id}.safetensors"
            meta["sha256"] = file_sha256(stage(weights, dest))
            meta["weights"] = dest.name
        if thumbnail is not None:
            dest = repo / f"{checked.id}{Path(thumbnail).suffix.lower() or '.png'}"
            stage(thumbnail, dest)
            meta["thumbnail"] = dest.name
        for key in ("created_at", "last_used_at"):
            if key in meta:
                meta[key] = str(meta[key])
        tmp_yaml = target.with_name(target.name + ".part")
        tmp_yaml.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
        staged.append((tmp_yaml, target))
        for tmp, dest in staged:  # the YAML goes last: the loader never sees metadata without its files
            tmp.replace(dest)
    except OSError as err:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise UploadError(f"could not write into {repo}: {err}") from None
    checkpoint, _ = load_checkpoint_file(target)
    return checkpoint



def _transfer(source: str | Path, target: Path, move: bool) -> None:
    """Move a temporary upload into place (a rename on the same disk), or copy a file the caller keeps."""
    if move:
        shutil.move(str(source), target)
    else:
        shutil.copyfile(source, target)


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.1f} KB"
