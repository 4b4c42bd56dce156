"""A YAML bomb, an oversized file and unbounded values are named and skipped, in bounded memory."""
from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from repo_store import load_repository
from repo_store.safe_yaml import MAX_FILE_BYTES
from tests.conftest import ROOT, meta, write_meta

BOMB = textwrap.dedent("""\
    id: bomb
    triggers: ["<bomb>"]
    subjects: [dog]
    created_at: 2025-01-01
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    description: *i
    """)
LIMIT_BYTES = 1536 * 2**20  # address space for the whole Python process


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run_bounded(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_memory)


def test_billion_laughs_is_refused_by_name_in_bounded_memory(tmp_path):
    assert len(BOMB) < 600
    write_meta(tmp_path, "bomb.yaml", BOMB)
    write_meta(tmp_path, "good.yaml", meta("good"))
    code = textwrap.dedent(f"""\
        from repo_store.loader import load_repository
        loaded = load_repository({str(tmp_path)!r})
        print(sorted(loaded.checkpoints))
        for r in loaded.refused:
            print(r.file, "|", r.reason)
        """)
    done = run_bounded(code)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "['good']"
    assert lines[1].startswith("bomb.yaml | YAML aliases are not accepted (alias *a at line 6)")


def test_repo_check_names_the_bomb_and_exits_1_in_bounded_memory(tmp_path):
    write_meta(tmp_path, "bomb.yaml", BOMB)
    write_meta(tmp_path, "good.yaml", meta("good"))
    done = run_bounded(f"import sys, app; sys.exit(app.main(['repo', 'check', {str(tmp_path)!r}]))")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "bomb.yaml" in done.stdout and "YAML aliases are not accepted" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    big = dict(meta("big"), notes=["x" * 1000] * (MAX_FILE_BYTES // 1000 + 10))
    write_meta(tmp_path, "big.yaml", big)
    write_meta(tmp_path, "good.yaml", meta("good"))
    loaded = load_repository(tmp_path)
    assert list(loaded.checkpoints) == ["good"]
    [refusal] = loaded.refused
    assert refusal.file == "big.yaml" and refusal.reason.startswith("the file is over 256 KB")


def test_deep_nesting_and_many_values_are_refused(tmp_path):
    write_meta(tmp_path, "deep.yaml", yaml.safe_dump(dict(meta("deep"), x=[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]])))
    write_meta(tmp_path, "many.yaml", dict(meta("many"), x=list(range(6000))))
    reasons = {r.file: r.reason for r in load_repository(tmp_path).refused}
    assert reasons["deep.yaml"].startswith("the YAML nests deeper than 16 levels")
    assert reasons["many.yaml"].startswith("the YAML holds more than 5000 values")


def test_unbounded_values_are_refused_and_quoted_short(tmp_path):
    write_meta(tmp_path, "long.yaml", meta("long", description="word " * 20000))
    write_meta(tmp_path, "wide.yaml", meta("wide", subjects=[f"s{i}" for i in range(500)]))
    write_meta(tmp_path, "name.yaml", meta("name", name="n" * 5000))
    write_meta(tmp_path, "extra.yaml", {**meta("extra"), **{f"k{i}": i for i in range(100)}})
    reasons = {r.file: r.reason for r in load_repository(tmp_path).refused}
    assert set(reasons) == {"long.yaml", "wide.yaml", "name.yaml", "extra.yaml"}
    assert reasons["long.yaml"].startswith("field 'description': bad value 'word word")
    assert "at most 4000 characters" in reasons["long.yaml"]
    assert reasons["wide.yaml"].startswith("field 'subjects': bad value ['s0', 's1', 's2', 's3', ...]")
    assert "at most 32 items" in reasons["wide.yaml"]
    assert "at most 32 fields beyond the schema's" in reasons["extra.yaml"]
    assert all(len(reason) < 400 for reason in reasons.values())


def test_a_date_that_does_not_exist_names_the_field_and_the_value(tmp_path):
    write_meta(tmp_path, "feb.yaml",
               "id: feb\ntriggers: [<feb>]\nsubjects: [dog]\ndescription: d\ncreated_at: 2025-02-30\n")
    write_meta(tmp_path, "used.yaml", meta("used", last_used_at="yesterday"))
    reasons = {r.file: r.reason for r in load_repository(tmp_path).refused}
    assert reasons["feb.yaml"].startswith("field 'created_at': bad value '2025-02-30'")
    assert reasons["used.yaml"].startswith("field 'last_used_at': bad value 'yesterday'")


def test_ids_starting_with_a_dot_are_refused(tmp_path):
    from repo_store.upload import UploadError, add_checkpoint

    write_meta(tmp_path, "hidden.yaml", meta(".hidden"))
    [refusal] = load_repository(tmp_path).refused
    assert refusal.file == "hidden.yaml" and refusal.reason.startswith("field 'id': bad value '.hidden'")
    fields = {k: v for k, v in meta(".dot").items()}
    try:
        add_checkpoint(tmp_path, fields, None)
    except UploadError as err:
        assert str(err).startswith("field 'id': bad value '.dot'")
    else:
        raise AssertionError("an id starting with '.' was added")
    assert not list(Path(tmp_path).glob(".dot*"))
