"""The synthetic repository generator: deterministic, valid, temporally consistent."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import app
from repo_store.loader import load_repository
from repo_store.synth import synth_records


def test_same_seed_same_repository_other_seed_differs():
    assert synth_records(20, 50, seed=0) == synth_records(20, 50, seed=0)
    assert synth_records(20, 50, seed=0) != synth_records(20, 50, seed=1)


def test_cli_writes_1000_valid_files_with_unique_ids(tmp_path, capsys):
    out = tmp_path / "repo"
    assert app.main(["repo", "synth", "--out", str(out), "--categories", "20", "--versions", "50", "--seed", "0"]) == 0
    assert "wrote 1000" in capsys.readouterr().out
    loaded = load_repository(out)
    assert loaded.ok and len(loaded.checkpoints) == 1000
    assert len({c.trigger for c in loaded.checkpoints.values()}) == 1000
    categories = {c.id.split("-")[0] for c in loaded.checkpoints.values()}
    assert len(categories) == 20


def test_versions_of_a_concept_grow_with_time_within_two_years():
    lineages = defaultdict(list)
    for record in synth_records(20, 50, seed=3):
        lineages[record["id"].rsplit("-v", 1)[0]].append(record)
    dates = []
    for records in lineages.values():
        versions = [r["version"] for r in records]
        assert versions == list(range(1, len(records) + 1))
        created = [datetime.fromisoformat(r["created_at"]) for r in records]
        assert created == sorted(created)
        dates += created
    assert max(dates) - min(dates) <= timedelta(days=730)
    assert any(len(r) > 1 for r in lineages.values())


def test_shared_names_and_styles_vary():
    records = synth_records(20, 50, seed=0)
    names = defaultdict(set)
    for r in records:
        names[r["name"]].add(r["id"])
    assert max(len(ids) for ids in names.values()) > 5  # names shared across versions
    assert len({s for r in records for s in r["styles"]}) >= 10



def test_a_concept_may_exist_in_two_styles_and_style_is_fixed_per_lineage():
    records = synth_records(20, 50, seed=0)
    styles_by_name = defaultdict(set)
    for r in records:
        styles_by_name[r["name"]].add(tuple(r["styles"]))
    assert all(len(s) == 1 for s in styles_by_name.values())  # one style per lineage
    second = [n for n in styles_by_name if n.endswith(")")]
    assert second
    for name in second:  # "Biscuit (anime)" has a main lineage "Biscuit" in another style
        main = name.rsplit(" (", 1)[0]
        assert main in styles_by_name and styles_by_name[main] != styles_by_name[name]


def test_every_lineage_appears_with_eight_versions_per_category():
    from repo_store.synth import CATEGORIES

    records = synth_records(20, 8, seed=0)
    names = {r["name"].split(" (")[0] for r in records}
    assert names == {c.name for concepts in CATEGORIES.values() for c in concepts}
