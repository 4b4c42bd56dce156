"""From the evidence about one file to the YAML fields, each either read or guessed (and then said so).

    triggers     trainedWords / modelspec.trigger_phrase (read), else the most frequent non-generic caption tag of
                 ss_tag_frequency or the kohya folder name "10_<trigger> <class>" (guessed), else made from the
                 name (generated); a textual inversion's first trigger is its own token `<name>`
    subjects     class words found in the tags, folder names, Civitai description and name
    created_at   ss_training_finished_at / _started_at, modelspec.date, Civitai createdAt, else the file's time
    version      from the name ("-v3", "_v2.1", "-000010" epochs) or Civitai's version name; else by date within
                 one concept (assigned later, across files)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from importer.facts import Facts

# caption tags that say nothing about who/what the checkpoint is (booru and photo boilerplate)
GENERIC = frozenset("""
1girl 1boy 2girls solo solo_focus looking_at_viewer simple_background white_background smile open_mouth
outdoors indoors day night sky cloud grass tree photo photograph photography realistic photorealistic
high_quality best_quality masterpiece highres absurdres detailed close-up closeup portrait upper_body full_body
standing sitting a an the of with and in on at by for blurry blurry_background depth_of_field bokeh
""".split())
# class words: what a checkpoint depicts (become subjects; never a trigger on their own)
CLASS_WORDS = frozenset("""
dog puppy cat kitten bird parrot horse rabbit bunny bear hamster fox animal pet
person man woman girl boy child baby face character
car bike bicycle motorcycle truck boat ship plane rocket train
house cottage building bridge tower castle room interior landscape mountain beach forest city street garden
bag backpack watch shoe shoes chair table lamp mug cup bottle toy plush doll robot sculpture statue
flower plant food cake
style painting watercolor sketch drawing anime cartoon illustration pixel_art lineart oil_painting
""".split())
_VERSION = re.compile(r"(?:^|[\s._-])v(?:er(?:sion)?)?[\s._-]?(\d{1,4})(?:[._]\d+)*$", re.IGNORECASE)
_EPOCH = re.compile(r"[-_](\d{6})$")  # kohya's per-epoch saves: name-000010


@dataclass
class Draft:
    """The YAML fields for one checkpoint, and which of them were guessed (field → how)."""

    fields: dict
    guessed: dict[str, str] = field(default_factory=dict)
    concept: str = ""  # the name without its version, to number versions by date


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "checkpoint"


def _word(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def split_version(name: str) -> tuple[str, int | None, str | None]:
    """(concept name, version, where it came from) from a file or output name."""
    epoch = _EPOCH.search(name)
    if epoch:
        return name[:epoch.start()], int(epoch.group(1)), "epoch number in the name"
    match = _VERSION.search(name)
    if match:
        return name[:match.start()].rstrip(" ._-") or name, int(match.group(1)), "the name"
    return name, None, None


def _first(facts: list[Facts], attr: str):
    for f in facts:
        value = getattr(f, attr)
        if value:
            return value, f.source
    return None, None


def _is_generic(tag: str) -> bool:
    key = _word(tag.lower())
    return key in GENERIC or key in CLASS_WORDS or len(key) < 3 or not re.search(r"[a-z]", key)


def trigger_from_tags(tags: dict[str, int], dirs: list[str]) -> tuple[str | None, str]:
    """The most frequent non-generic one-word tag, else the identifier in a kohya folder name."""
    ranked = sorted(((count, i, tag) for i, (tag, count) in enumerate(tags.items())), key=lambda t: (-t[0], t[1]))
    for _, _, tag in ranked:
        if not re.search(r"\s", tag.strip()) and not _is_generic(tag):
            return tag.strip(), f"most frequent non-generic tag in ss_tag_frequency ({tags[tag]}×)"
    for folder in dirs:  # "10_ohwx dog": repeats, identifier, class
        words = re.sub(r"^\d+_", "", folder).split()
        if words and not _is_generic(words[0]):
            return words[0], f"kohya dataset folder {folder!r}"
    return None, ""


def subjects_from(texts: list[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        words = re.findall(r"[a-z]+", text.lower())
        for i, word in enumerate(words):
            pair = f"{word}_{words[i + 1]}" if i + 1 < len(words) else ""
            for candidate in (pair, word, word.removesuffix("s")):
                if candidate in CLASS_WORDS and candidate not in found:
                    found.append(candidate)
                    break
    return found


def draft(path: Path, facts: list[Facts], kind: str, label: str) -> Draft:
    """The fields for `path` from `facts` (kohya, modelspec, Civitai sidecars; best first)."""
    guessed: dict[str, str] = {}
    raw_name, _ = _first(facts, "name")
    if not raw_name:
        raw_name = path.stem
        guessed["name"] = "the file name"
    concept, version, version_from = split_version(raw_name)
    if version is None:
        _, version, version_from = split_version(path.stem)
    version_name, _ = _first(facts, "version_name")
    if version is None and version_name:
        match = re.search(r"(\d+)", version_name)
        if match:
            version, version_from = int(match.group(1)), f"Civitai version name {version_name!r}"
    name = re.sub(r"[_-]+", " ", concept).strip() or path.stem
    if version_from:
        guessed["version"] = version_from

    # triggers
    words, words_from = _first(facts, "trained_words")
    triggers: list[str] = []
    if words:
        for phrase in words:  # "ohwx dog" → ohwx (the class word is not the trigger)
            parts = [p for p in re.split(r"\s+", phrase) if p]
            rare = [p for p in parts if not _is_generic(p)] or parts
            if rare and rare[0] not in triggers:
                triggers.append(rare[0])
            if len(parts) > 1:
                guessed.setdefault("triggers", f"first rare word of {words_from} trainedWords {phrase!r}")
    tags = {t: c for f in facts for t, c in f.tags.items()}
    dirs = [d for f in facts for d in f.dataset_dirs]
    if not triggers:
        tag, why = trigger_from_tags({t: c for f in facts if f.source == "kohya" for t, c in f.tags.items()}, dirs)
        if tag:
            triggers, guessed["triggers"] = [tag], why
    if kind == "textual_inversion":  # diffusers adds the embedding as this token; it must not be a vocabulary word
        token = f"<{slug(concept)}>"
        triggers = [token] + [t for t in triggers if t != token]
    if not triggers:
        triggers = [f"<{slug(concept)}>"]
        guessed["triggers"] = "GENERATED from the name: no trainedWords, trigger phrase or caption tags"

    # subjects, description, styles
    description, description_from = _first(facts, "description")
    texts = [" ".join(tags), " ".join(dirs), raw_name, path.stem, description or ""]
    subjects = subjects_from(texts)
    styles = [s for s in subjects if s in ("watercolor", "sketch", "anime", "cartoon", "pixel_art", "lineart",
                                           "oil_painting", "painting", "illustration")]
    subjects = [s for s in subjects if s not in styles and s != "style"] or (["style"] if styles or "style" in
                                                                             subjects else [])
    if not subjects:
        subjects = [re.findall(r"[a-z0-9]+", name.lower())[-1:] or ["concept"]][0]
        guessed["subjects"] = "the name (no class word in tags, description or name)"
    elif not tags:
        guessed["subjects"] = "class words in the name/description"
    if not description:
        top = [t for t, _ in sorted(tags.items(), key=lambda kv: -kv[1]) if _word(t.lower()) not in GENERIC][:6]
        description = f"{name}: {label}, {' '.join(styles)} {', '.join(subjects)}".replace("  ", " ") + \
            (f"; trained on images tagged {', '.join(top)}" if top else "") + f"; imported from {path.name}."
        guessed["description"] = "written from the name and tags"

    # date
    created, _created_from = None, None
    for f in facts:
        if f.created_at:
            created, _created_from = f.created_at, f"{f.source} {f.created_from}"
            break
    if created is None:
        created = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        guessed["created_at"] = "the file's modification time"
    record = {"name": name, "triggers": triggers, "subjects": subjects, "description": description,
              "styles": styles, "created_at": created, "version": version, "kind": kind}
    return Draft(record, guessed, concept=slug(concept))


def number_versions(drafts: list[Draft]) -> None:
    """Drafts of one concept without a version are numbered by date after the highest known one."""
    groups: dict[str, list[Draft]] = {}
    for d in drafts:
        groups.setdefault(d.concept, []).append(d)
    for group in groups.values():
        known = [d.fields["version"] for d in group if d.fields["version"] is not None]
        top = max(known, default=0)
        for d in sorted((d for d in group if d.fields["version"] is None), key=lambda d: d.fields["created_at"]):
            top += 1
            d.fields["version"] = top
            d.guessed["version"] = "order of dates within the concept"
