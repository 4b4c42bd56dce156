"""Read one metadata YAML file with bounded memory.

PyYAML's safe loader still expands aliases, so a few hundred bytes of nested anchors ("billion
laughs") become billions of nodes. Here the file size is capped before it is read, libyaml's event
stream is checked first (no aliases, at most `MAX_EVENTS` events, at most `MAX_DEPTH` nesting), and
only then is the document built. An invalid date such as `2025-02-30` stays a string, so the schema
names the field and the value instead of PyYAML raising a bare "day is out of range".
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 256 * 2**10  # a metadata file is a few hundred bytes; 256 KB leaves room for long descriptions
MAX_EVENTS = 5_000  # scalars + collection starts/ends; a full record is under 100
MAX_DEPTH = 16

try:  # libyaml is ~10x faster on large repositories; pure Python otherwise
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the pyyaml build
    _Base = yaml.SafeLoader


class MetadataLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with dates that do not exist kept as text for the schema to report."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


MetadataLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def read_metadata_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse `path`; raise ValueError with a one-line reason for anything oversized or hostile."""
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"the file is over {max_bytes // 2**10} KB; a metadata file is a few hundred bytes "
                         "(long texts belong in description, at most 4000 characters)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text; save the metadata file as UTF-8") from None
    try:
        check_events(text)
        return yaml.load(text, Loader=MetadataLoader)
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ValueError(f"invalid YAML{at}: {str(problem)[:200]}") from None


def check_events(text: str) -> None:
    """Walk the parser's events (no document is built): refuse aliases, too many events, deep nesting."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=MetadataLoader), start=1):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise ValueError(f"YAML aliases are not accepted (alias *{str(event.anchor)[:40]} at line "
                             f"{mark.line + 1}); write the value out")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"the YAML nests deeper than {MAX_DEPTH} levels; a metadata file is a flat mapping")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if count > MAX_EVENTS:
            raise ValueError(f"the YAML holds more than {MAX_EVENTS} values; a metadata file is a short mapping")
