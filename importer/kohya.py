"""kohya sd-scripts' training metadata (`ss_*`) and the Stability model-spec keys (`modelspec.*`) in a
safetensors header. Values are strings; JSON-valued ones (`ss_tag_frequency`) are parsed with a size cap."""
from __future__ import annotations

import json
from datetime import datetime, UTC

from importer.facts import Facts

MAX_JSON_CHARS = 4 * 2**20  # ss_tag_frequency of a large dataset is well under this


def _timestamp(value: str | None) -> datetime | None:
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    if seconds is None or not 0 < seconds < 4102444800:  # before 2100
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)


def _iso(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def tag_frequency(raw: str | None) -> tuple[dict[str, int], list[str]]:
    """(tag → total count over the dataset folders, the folder names) from `ss_tag_frequency`."""
    if not raw or len(raw) > MAX_JSON_CHARS:
        return {}, []
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {}, []
    if not isinstance(data, dict):
        return {}, []
    totals: dict[str, int] = {}
    for tags in data.values():
        if not isinstance(tags, dict):
            continue
        for tag, count in tags.items():
            if isinstance(tag, str) and isinstance(count, int | float) and tag.strip():
                totals[tag.strip()] = totals.get(tag.strip(), 0) + int(count)
    return totals, [str(k) for k in data]


def read_kohya(meta: dict[str, str]) -> list[Facts]:
    """Facts from `ss_*` and from `modelspec.*` (two sources, as the report names them)."""
    found = []
    if any(k.startswith("ss_") for k in meta):
        tags, dirs = tag_frequency(meta.get("ss_tag_frequency"))
        facts = Facts("kohya", name=meta.get("ss_output_name") or None, tags=tags, dataset_dirs=dirs,
                      base_model=meta.get("ss_sd_model_name") or None)
        for field in ("ss_training_finished_at", "ss_training_started_at"):
            when = _timestamp(meta.get(field))
            if when:
                facts.created_at, facts.created_from = when, field
                break
        found.append(facts)
    if any(k.startswith("modelspec.") for k in meta):
        trigger = meta.get("modelspec.trigger_phrase") or ""
        facts = Facts("modelspec", name=meta.get("modelspec.title") or None,
                      trained_words=[w.strip() for w in trigger.split(",") if w.strip()],
                      description=meta.get("modelspec.description") or None,
                      base_model=meta.get("modelspec.architecture") or None)
        when = _iso(meta.get("modelspec.date"))
        if when:
            facts.created_at, facts.created_from = when, "modelspec.date"
        found.append(facts)
    return found
