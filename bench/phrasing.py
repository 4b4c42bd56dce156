"""`python app.py bench phrasing`: Check-in on requests written by people, scored per family and kind.

The corpus is a folder with `requests.jsonl` (one request a line, format in its README.md) and
one folder of YAML files per extra repository (`repo_<name>/`); `"repo": "demo"` is the bundled
demo repository. Each line runs exactly as `python app.py select --batch` runs it: `CheckIn.ask`
with the line's reference date, then `CheckIn.reply` with its answer when the first turn asks.

A line passes when the final turn matches one of its `accept` outcomes:

    status                 selected | clarify | no_match (must equal)
    checkpoint             the selected id (a selected outcome without one accepts any id)
    answer_position        K (1-based): the id of the K-th option the first turn actually offered
    candidates_include     ids the question must offer (clarify)
    prompt_contains        lowercase substrings the rewritten prompt must hold
    prompt_excludes        lowercase substrings it must not hold

and, for `"kind": "answer"` lines, the first turn asked (`first_status`).
"""
from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
DEMO_REPO = ROOT / "minisd" / "demo_repo"
DEFAULT_CORPUS = ROOT / "tests" / "agent" / "phrasing"
KINDS = ("selected", "clarify", "answer", "no_match")
FAMILIES = {0: "plain clear requests", 1: "negation, exclusion", 2: "detail / kind tells versions apart",
            3: "ordinals and positions", 4: "scene words keep off the subject", 5: "informal words, typos, hypernyms",
            6: "unknown subject", 7: "a style the repository lacks", 8: "everyday answers",
            9: "time without a subject", 10: "prompt keeps picture content only"}


@dataclass
class Outcome:
    """One corpus line run through Check-in."""

    line: dict[str, Any]
    first_status: str
    status: str
    checkpoint: str | None
    prompt: str | None
    question: str | None
    options: list[str] = field(default_factory=list)  # ids the first turn offered, in order
    candidates: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    message: str = ""
    passed: bool = False
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.line.get("id"), "family": self.line.get("family"), "kind": self.line.get("kind"),
                "query": self.line.get("query"), "answer": self.line.get("answer"), "first_status": self.first_status,
                "status": self.status, "checkpoint": self.checkpoint, "prompt": self.prompt, "question": self.question,
                "options": self.options, "passed": self.passed, "why": self.why}


def load_corpus(folder: str | Path) -> list[dict[str, Any]]:
    """Every line of `folder/requests.jsonl`, parsed; a malformed line is a ValueError naming it."""
    path = Path(folder) / "requests.jsonl"
    lines = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON ({err})") from None
        missing = [k for k in ("id", "repo", "kind", "now", "query", "accept") if k not in line]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        lines.append(line)
    return lines


def repo_folder(corpus: str | Path, name: str) -> Path:
    """`demo` is the bundled demo repository; any other name is `<corpus>/repo_<name>`."""
    return DEMO_REPO if name == "demo" else Path(corpus) / f"repo_{name}"


def judge(line: dict[str, Any], first: Any, final: Any) -> tuple[bool, str]:
    """Whether `final` (after `first`) is one of the line's accepted outcomes, and why not."""
    if line.get("kind") == "answer" and line.get("answer") and first.status != "clarify":
        got = f"{first.status} {first.checkpoint or ''}".strip()
        return False, f"first turn did not ask ({got})"
    offered = [o["id"] for o in first.options]
    reasons = []
    for accept in line["accept"]:
        why = _mismatch(accept, final, offered)
        if not why:
            return True, ""
        reasons.append(why)
    return False, " | ".join(reasons)


def _mismatch(accept: dict[str, Any], final: Any, offered: list[str]) -> str:
    if final.status != accept["status"]:
        got = f"{final.status} {final.checkpoint or ''}".strip()
        return f"expected {accept['status']}, got {got}"
    expected = accept.get("checkpoint")
    position = accept.get("answer_position")
    if position is not None:
        if not 1 <= position <= len(offered):
            return f"answer_position {position} but {len(offered)} options were offered"
        expected = offered[position - 1]
    if expected and final.checkpoint != expected:
        return f"expected {expected}, got {final.checkpoint}"
    missing = [i for i in accept.get("candidates_include", []) if i not in final.candidates]
    if missing:
        return f"question did not offer {', '.join(missing)} (offered {', '.join(final.candidates)})"
    prompt = (final.prompt or "").lower()
    absent = [w for w in accept.get("prompt_contains", []) if w.lower() not in prompt]
    present = [w for w in accept.get("prompt_excludes", []) if w.lower() in prompt]
    if absent or present:
        return f"prompt {final.prompt!r}" + (f" lacks {absent}" if absent else "") + (f" keeps {present}" if present else "")
    return ""


def run_line(checkin: Any, line: dict[str, Any], thread: str) -> Outcome:
    """Ask, answer when asked, judge: the path of `select --batch`, with the line's own `now`."""
    first = checkin.ask(line["query"], thread, date.fromisoformat(line["now"]))
    final = checkin.reply(line["answer"], thread) if first.status == "clarify" and line.get("answer") else first
    passed, why = judge(line, first, final)
    return Outcome(line, first.status, final.status, final.checkpoint, final.prompt, final.question or first.question,
                   [o["id"] for o in first.options], list(final.candidates), list(first.reasoning) +
                   (list(final.reasoning[len(first.reasoning):]) if final is not first else []), final.message,
                   passed, why)


def run_corpus(corpus: str | Path, make_checkin: Callable[[Path], Any], lines: list[dict[str, Any]] | None = None,
               progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every line (or `lines`) through a CheckIn per repository made by `make_checkin(folder)`."""
    lines = load_corpus(corpus) if lines is None else lines
    by_repo: dict[str, Any] = {}
    outcomes = []
    for n, line in enumerate(lines):
        repo = line["repo"]
        if repo not in by_repo:
            by_repo[repo] = make_checkin(repo_folder(corpus, repo))
        outcome = run_line(by_repo[repo], line, f"phrasing-{n}-{line['id']}")
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def tally(outcomes: list[Outcome], key: Callable[[Outcome], Any]) -> dict[Any, tuple[int, int]]:
    """(passed, total) per key."""
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        counts[key(o)][0] += o.passed
        counts[key(o)][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}


def _pct(passed: int, total: int) -> str:
    return f"{passed / total:.1%} ({passed}/{total})" if total else "n/a"


def run_phrasing_bench(corpus: str | Path | None, embed_model: str, home: str | None = None, out: str | None = None,
                       only: list[str] | None = None, show_reasoning: bool = False) -> list[Outcome]:
    """Print accuracy per family and per kind and every failure; write outcomes as JSON lines to `out`."""
    import time

    from rich.console import Console
    from rich.table import Table

    from agent.checkin import CheckIn, sqlite_checkpointer
    from agent.graph import build_graph
    from repo_store import Repository, load_embedder

    corpus = Path(corpus or DEFAULT_CORPUS)
    lines = load_corpus(corpus)
    if only:
        lines = [line for line in lines if line["id"] in only or str(line.get("family")) in only]
    embedder = load_embedder(embed_model)
    console = Console(width=160)
    with tempfile.TemporaryDirectory(prefix="pq-phrasing-") as tmp:
        index_home = Path(home) if home else Path(tmp) / "home"

        def make_checkin(folder: Path) -> CheckIn:
            store = Repository.open(folder, index_home, embedder)
            for refusal in store.loaded.refused:
                console.print(f"skipped {refusal.file}: {refusal.reason}")
            return CheckIn(build_graph(sqlite_checkpointer(Path(tmp) / "threads"), store))

        start = time.perf_counter()
        def tick(outcome: Outcome) -> None:
            done = len(progress_seen) + 1
            progress_seen.append(outcome.passed)
            if done % 50 == 0:
                console.print(f"  {done}/{len(lines)} run, {sum(progress_seen)} right so far")

        progress_seen: list[bool] = []
        outcomes = run_corpus(corpus, make_checkin, lines, progress=tick)
        seconds = time.perf_counter() - start

    table = Table(title=f"bench phrasing: {len(outcomes)} requests from {corpus} ({seconds:.0f} s)")
    for column in ("family", "", *KINDS, "all"):
        table.add_column(column)
    per = tally(outcomes, lambda o: (o.line.get("family"), o.line.get("kind")))
    for family in sorted({o.line.get("family") for o in outcomes}, key=lambda f: (f is None, f)):
        cells = [_pct(*per[(family, k)]) if (family, k) in per else "" for k in KINDS]
        mine = [o for o in outcomes if o.line.get("family") == family]
        table.add_row(str(family), FAMILIES.get(family, ""), *cells, _pct(sum(o.passed for o in mine), len(mine)))
    kinds = tally(outcomes, lambda o: o.line.get("kind"))
    table.add_row("all", "", *[_pct(*kinds[k]) if k in kinds else "" for k in KINDS],
                  _pct(sum(o.passed for o in outcomes), len(outcomes)))
    console.print(table)
    repos = tally(outcomes, lambda o: o.line["repo"])
    console.print("per repository: " + ", ".join(f"{r} {_pct(*v)}" for r, v in repos.items()))
    failures = [o for o in outcomes if not o.passed]
    if failures:
        console.print(f"\n{len(failures)} failures:")
    for o in failures:
        answer = f"  → answer {o.line['answer']!r}" if o.line.get("answer") else ""
        console.print(f"[{o.line['id']}] f{o.line.get('family')} {o.line['kind']}: {o.line['query']!r}{answer}",
                      markup=False, highlight=False)
        console.print(f"    {o.why}; prompt {o.prompt!r}", markup=False, highlight=False)
        if show_reasoning:
            console.print("    " + " / ".join(o.reasoning), markup=False, highlight=False)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text("".join(json.dumps(o.to_json()) + "\n" for o in outcomes), encoding="utf-8")
        console.print(f"outcomes written to {out}")
    return outcomes
