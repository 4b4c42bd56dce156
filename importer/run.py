"""Import a folder of checkpoints (A1111/ComfyUI `models/Lora`, kohya output, embeddings) into a repository.

    report = import_folder(src, out, base_source, ImportOptions(weights="link"), draw=generator)

Every `.safetensors` under `src` is hashed (sha256; Civitai's AutoV2 is its first 10 hex characters), its header
read (bounded), its layout and base family checked against the loaded base, and its fields inferred
(`importer.infer`). Each new one becomes `<id>.safetensors` (hard link, or a copy across file systems or when
asked) + `<id>.png` (the preview, else drawn by the checkpoint itself) + `<id>.yaml`, written last.
Nothing under `src` is written. A file whose sha256 is already in `out` is not imported again; a second file
with the same sha256 is reported once as a duplicate. Hashes are cached in `out/.personalq-import.json` by
(path, size, mtime) so a re-run on a grown folder reads only the new files.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from errors import InputError
from importer.civitai import find_preview, read_sidecars
from importer.infer import Draft, draft, number_versions, slug
from importer.kohya import read_kohya
from importer.layout import LayoutError, base_shapes, check_fit, describe
from repo_store.loader import describe_validation_error, file_sha256, load_repository, read_safetensors_header
from repo_store.schema import PICKLE_SUFFIXES, Checkpoint, CheckpointFile

CACHE_FILE = ".personalq-import.json"
WEIGHTS_MODES = ("link", "copy")
MAX_PREVIEW_BYTES = 20 * 2**20


class SourceError(InputError):
    """The source folder cannot be imported (missing, or the output folder itself)."""


@dataclass(frozen=True)
class ImportOptions:
    weights: str = "link"  # link: a hard link (a copy when SRC is on another file system) | copy
    thumbnail_steps: int = 12  # denoising steps for a drawn thumbnail

    def __post_init__(self) -> None:
        if self.weights not in WEIGHTS_MODES:
            raise ValueError(f"weights mode {self.weights!r} is unknown; use link or copy")


@dataclass
class Row:
    """One file's outcome, as the report shows it."""

    file: str  # relative to SRC
    status: str  # imported | already imported | duplicate | skipped
    id: str | None = None
    kind: str = ""
    reason: str = ""
    triggers: list[str] = field(default_factory=list)
    guessed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    src: str
    out: str
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0
    hashed_bytes: int = 0

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    @property
    def imported(self) -> list[Row]:
        return [r for r in self.rows if r.status == "imported"]


# a callable that draws a thumbnail: (checkpoint, prompt, steps) -> PIL image; raises on a checkpoint that fails
Drawer = Callable[[Checkpoint, str, int], object]


def _candidates(src: Path, out: Path) -> list[Path]:
    found = []
    for path in sorted(src.rglob("*"), key=lambda p: (len(p.parts), str(p))):  # originals before copies in subfolders
        rel = path.relative_to(src)
        if any(part.startswith(".") for part in rel.parts) or out == path or out in path.parents:
            continue
        if path.is_file() and path.suffix.lower() in (".safetensors", *PICKLE_SUFFIXES):
            found.append(path)
    return found


class _HashCache:
    def __init__(self, out: Path):
        self.path = out / CACHE_FILE
        try:
            self.entries = json.loads(self.path.read_text())["files"] if self.path.is_file() else {}
        except (json.JSONDecodeError, KeyError, TypeError):
            self.entries = {}
        self.read_bytes = 0

    def sha256(self, path: Path) -> str:
        stat = path.stat()
        key = str(path.resolve())
        hit = self.entries.get(key)
        if isinstance(hit, list) and hit[:2] == [stat.st_size, stat.st_mtime_ns]:
            return hit[2]
        digest = file_sha256(path)
        self.read_bytes += stat.st_size
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"files": self.entries}))
        tmp.replace(self.path)


def _metadata(header: dict) -> dict[str, str]:
    meta = header.get("__metadata__")
    if not isinstance(meta, dict):
        return {}
    return {str(k): v for k, v in meta.items() if isinstance(v, str)}


def _place_weights(src: Path, dest: Path, mode: str) -> str:
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    if mode == "link":
        try:
            os.link(src, tmp)
            tmp.replace(dest)
            return "linked"
        except OSError:
            pass  # another file system, or links not allowed: copy
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
    return "copied"


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


@dataclass
class _Pending:
    path: Path
    row: Row
    draft: Draft
    sha256: str
    preview: Path | None


def import_folder(src: str | Path, out: str | Path, base_source: str, options: ImportOptions = ImportOptions(),
                  draw: Drawer | None = None, progress: Callable[[str], None] | None = None) -> ImportReport:
    """Import every checkpoint under `src` into the repository folder `out` (created if missing)."""
    src, out = Path(src).expanduser().resolve(), Path(out).expanduser().resolve()
    if not src.is_dir():
        raise SourceError(f"source folder {str(src)!r} does not exist; pass the folder holding your checkpoints")
    if src == out:
        raise SourceError(f"the output folder {out} is the source folder; import into another folder")
    base = base_shapes(base_source)  # (loads torch; the time below is the files' own)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    report = ImportReport(str(src), str(out))
    existing = load_repository(out)
    known = {c.sha256: c.id for c in existing.checkpoints.values() if c.sha256}
    taken = set(existing.checkpoints) | {p.stem for p in out.glob("*.yaml")}
    cache = _HashCache(out)
    seen: dict[str, str] = {}  # sha256 → first file this run
    pending: list[_Pending] = []

    for path in _candidates(src, out):
        rel = str(path.relative_to(src))
        if progress:
            progress(rel)
        row = Row(rel, "skipped")
        report.rows.append(row)
        if path.suffix.lower() in PICKLE_SUFFIXES:
            row.reason = "pickle format (can run code when loaded) is refused; convert it to .safetensors"
            continue
        try:
            digest = cache.sha256(path)
        except OSError as err:
            row.reason = f"could not read the file: {err}"
            continue
        if digest in known:
            row.status, row.id, row.reason = "already imported", known[digest], "same sha256 as the repository's"
            continue
        if digest in seen:
            row.status, row.reason = "duplicate", f"same sha256 ({digest[:10]}) as {seen[digest]}; imported once"
            continue
        seen[digest] = rel
        try:
            sidecars, problems = read_sidecars(path)
            row.notes.extend(problems)
            civitai_base = next((f.base_model for f in sidecars if f.base_model), None)
            header = read_safetensors_header(path)  # bounded: the loader caps the header length
            meta = _metadata(header)
            layout = describe(header, meta, civitai_base)
            row.kind = layout.label
            check_fit(path, layout, header, base)
        except (LayoutError, ValueError, OSError) as err:
            row.reason = str(err)
            continue
        facts = read_kohya(meta) + sidecars
        for f in facts:
            if f.autov2 and f.autov2 != digest[:10]:
                row.notes.append(f"{f.source} records AutoV2 {f.autov2}, the file has {digest[:10]}: "
                                 "the sidecar describes another file")
        pending.append(_Pending(path, row, draft(path, facts, layout.kind, layout.label), digest, find_preview(path)))

    number_versions([p.draft for p in pending])
    for item in pending:
        _write(item, out, base.name, options, taken, draw, src)
    cache.save()
    report.hashed_bytes = cache.read_bytes
    report.seconds = time.perf_counter() - start
    return report


def _write(item: _Pending, out: Path, base_name: str, options: ImportOptions, taken: set[str],
           draw: Drawer | None, src: Path) -> None:
    row, fields = item.row, dict(item.draft.fields)
    version = fields.get("version")
    ckpt_id = _unique_id(slug(f"{item.draft.concept}-v{version}" if version is not None else item.draft.concept),
                         taken)
    weights = out / f"{ckpt_id}.safetensors"
    placed = _place_weights(item.path, weights, options.weights)
    record = {"id": ckpt_id, **fields, "base_model": base_name, "weights": weights.name, "sha256": item.sha256,
              "autov2": item.sha256[:10], "imported_from": str(item.path.relative_to(src))}
    thumbnail = None
    try:
        if item.preview is not None and item.preview.stat().st_size <= MAX_PREVIEW_BYTES:
            thumbnail = _copy_preview(item.preview, out / f"{ckpt_id}.png")
        if thumbnail is None and draw is not None:
            checkpoint = Checkpoint(id=ckpt_id, name=fields["name"], triggers=tuple(fields["triggers"]),
                                    subjects=tuple(fields["subjects"]), description=fields["description"],
                                    created_at=fields["created_at"], source=str(out / f"{ckpt_id}.yaml"),
                                    kind=fields["kind"], base_model=base_name, weights=str(weights),
                                    sha256=item.sha256)
            image = draw(checkpoint, f"a {checkpoint.trigger} {checkpoint.subjects[0]}", options.thumbnail_steps)
            thumbnail = out / f"{ckpt_id}.png"
            image.save(thumbnail)
            row.notes.append("thumbnail drawn by the checkpoint")
    except Exception as err:  # the checkpoint does not load on the base: nothing of it stays
        weights.unlink(missing_ok=True)
        taken.discard(ckpt_id)
        row.reason = f"does not load on the base {base_name!r}: {str(err).splitlines()[0][:200]}"
        return
    if thumbnail is not None:
        record["thumbnail"] = thumbnail.name
    guessed = item.draft.guessed
    if guessed:
        record["guessed"] = sorted(guessed)
    try:
        CheckpointFile.model_validate(record)  # the loader will accept it
    except ValidationError as err:
        for path in (weights, thumbnail):
            if path is not None:
                path.unlink(missing_ok=True)
        taken.discard(ckpt_id)
        row.reason = f"inferred metadata is invalid: {describe_validation_error(err, record)}"
        return
    tmp = out / f"{ckpt_id}.yaml.part"
    tmp.write_text(yaml.safe_dump({k: v for k, v in record.items() if v not in (None, [], "")}, sort_keys=False,
                                  allow_unicode=True), encoding="utf-8")
    tmp.replace(out / f"{ckpt_id}.yaml")
    row.status, row.id, row.triggers, row.guessed = "imported", ckpt_id, list(fields["triggers"]), guessed
    row.notes.insert(0, f"weights {placed}")


def _copy_preview(preview: Path, dest: Path) -> Path | None:
    """The preview as PNG (Pillow re-encodes it: a file that is not an image is ignored)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(preview) as image:
            if image.width * image.height > 64 * 2**20:
                return None
            image.convert("RGB").save(dest)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return dest
