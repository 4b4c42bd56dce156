"""Sidecar files written by model managers next to a checkpoint `<stem>.safetensors`:

    <stem>.civitai.info    A1111 Civitai Helper: the Civitai API's model-version JSON
                           (name = version name, createdAt, trainedWords, baseModel, description, model.{name,type})
    <stem>.metadata.json   ComfyUI LoRA-Manager: model_name, base_model, tags, modelDescription, and the same
                           Civitai version JSON under "civitai"
    <stem>.preview.png     the preview image (also .preview.jpg/.jpeg/.webp, or A1111's plain <stem>.png)
Files are read with a size cap; a malformed sidecar is reported and ignored, never fatal.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from importer.facts import Facts
from importer.kohya import _iso

MAX_SIDECAR_BYTES = 4 * 2**20
PREVIEW_SUFFIXES = (".preview.png", ".preview.jpg", ".preview.jpeg", ".preview.webp", ".png", ".jpg", ".jpeg", ".webp")


class SidecarError(ValueError):
    """A sidecar file that could not be read; the import goes on without it."""


def plain_text(markup: str | None, limit: int = 400) -> str | None:
    """Civitai descriptions are HTML: tags dropped, entities decoded, whitespace folded, cut at `limit`."""
    if not markup:
        return None
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]{0,2000}>", " ", markup))).strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text or None


def _read_json(path: Path) -> dict:
    if path.stat().st_size > MAX_SIDECAR_BYTES:
        raise SidecarError(f"{path.name} is larger than {MAX_SIDECAR_BYTES // 2**20} MB; ignored")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SidecarError(f"{path.name} is not valid JSON ({str(err)[:80]}); ignored") from None
    if not isinstance(data, dict):
        raise SidecarError(f"{path.name} holds a {type(data).__name__}, not a JSON object; ignored")
    return data


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _words(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [w.strip() for item in value if isinstance(item, str) for w in item.split(",") if w.strip()]


def _version_facts(source: str, info: dict) -> Facts:
    model = info.get("model") if isinstance(info.get("model"), dict) else {}
    facts = Facts(source, name=_text(model.get("name")), version_name=_text(info.get("name")),
                  trained_words=_words(info.get("trainedWords")), base_model=_text(info.get("baseModel")),
                  model_type=_text(model.get("type")),
                  description=plain_text(_text(info.get("description")) or _text(model.get("description"))))
    tags = model.get("tags")
    if isinstance(tags, list):
        facts.tags = {t.strip(): 1 for t in tags if isinstance(t, str) and t.strip()}
    when = _iso(_text(info.get("createdAt")))
    if when:
        facts.created_at, facts.created_from = when, "createdAt"
    for file in info.get("files") or []:
        hashes = file.get("hashes") if isinstance(file, dict) else None
        if isinstance(hashes, dict) and isinstance(hashes.get("AutoV2"), str):
            facts.autov2 = hashes["AutoV2"].lower()
            break
    return facts


def read_sidecars(weights: Path) -> tuple[list[Facts], list[str]]:
    """(Facts from `.civitai.info` and `.metadata.json`, problems found) for `weights`."""
    found, problems = [], []
    stem = weights.with_suffix("")
    info_path = stem.with_name(stem.name + ".civitai.info")
    if info_path.is_file():
        try:
            found.append(_version_facts("civitai.info", _read_json(info_path)))
        except SidecarError as err:
            problems.append(str(err))
    meta_path = stem.with_name(stem.name + ".metadata.json")
    if meta_path.is_file():
        try:
            data = _read_json(meta_path)
            civitai = data.get("civitai") if isinstance(data.get("civitai"), dict) else {}
            facts = _version_facts("metadata.json", civitai)
            facts.name = _text(data.get("model_name")) or facts.name
            facts.base_model = _text(data.get("base_model")) or facts.base_model
            facts.description = plain_text(_text(data.get("modelDescription"))) or facts.description
            facts.tags = {t.strip(): 1 for t in data.get("tags") or [] if isinstance(t, str) and t.strip()} \
                or facts.tags
            found.append(facts)
        except SidecarError as err:
            problems.append(str(err))
    return found, problems


def find_preview(weights: Path) -> Path | None:
    stem = weights.with_suffix("")
    for suffix in PREVIEW_SUFFIXES:
        candidate = stem.with_name(stem.name + suffix)
        if candidate.is_file():
            return candidate
    return None
