"""`python app.py bench answers`: calibrate the meaning fallback of clarification answers, and the
margin that makes an unknown noun a class word (`vocab.CLASS_MARGIN`).

`bench/answer_meaning.tsv` lists answers to a clarifying question that name an option by a word
its metadata does not spell ("the mechanical one" for a tin robot), and answers that tell the
options apart by nothing ("the fancy one"). `agent.clarify.meaning_scores` scores every shown
option (the highest MiniLM cosine between an answer word and a word the option is known by); an
option is chosen when its score is at least the floor and beats every other by the margin. A wrong
choice is worse than asking again, so the grid keeps the (floor, margin) pairs that make no wrong
choice on the first half of the lines (every other line) and takes the one that chooses most
rightly there (of equals, the widest margin, then the highest floor); the second, held-apart half
is reported with it.

`bench/class_words.tsv` lists words with a small repository's subject terms and the right reading:
a class over several checkpoints ("grandparent": ask between grandma and grandpa) or one term's
synonym ("pup"). The margin that reads most of the first half right (of equals, the smallest) is
chosen; the second half is reported.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LINES = Path(__file__).resolve().parent / "answer_meaning.tsv"
REPOS = {"demo": ROOT / "minisd" / "demo_repo", "b": ROOT / "tests" / "agent" / "phrasing" / "repo_b"}


def load_lines(path: Path = LINES) -> list[tuple[str, str, list[str], str | None]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            repo, answer, options, meant = line.split("\t")
            rows.append((repo, answer, options.split(","), None if meant == "-" else meant))
    return rows


def outcome(scored: tuple[list[str], list[float]], floor: float, margin: float) -> str | None:
    ids, scores = scored
    if len(scores) < 2:
        return None
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    top, second = scores[order[0]], scores[order[1]]
    return ids[order[0]] if top >= floor and top - second >= margin else None


def tally(rows, scored, floor: float, margin: float) -> tuple[int, int]:
    """(right, wrong): right = the meant option chosen or, for '-', nothing chosen; wrong = a choice that is not meant."""
    right = wrong = 0
    for (_, _, _, meant), s in zip(rows, scored):
        got = outcome(s, floor, margin)
        right += got == meant
        wrong += got is not None and got != meant
    return right, wrong


def run_answer_calibration(embed_model: str) -> tuple[float, float]:
    from agent.clarify import MEANING_FLOOR, MEANING_MARGIN, meaning_scores
    from agent.vocab import Vocabulary
    from repo_store import load_embedder
    from repo_store.loader import load_repository

    embedder = load_embedder(embed_model)
    repos = {name: load_repository(path).checkpoints for name, path in REPOS.items()}
    vocabs = {name: Vocabulary(embedder=embedder) for name in repos}
    rows = load_lines()
    scored = []
    for repo, answer, options, meant in rows:
        heads = [repos[repo][i] for i in options]
        scores = meaning_scores(answer.lower(), heads, [h.description for h in heads], vocabs[repo])
        scored.append((options, scores))
        shown = ", ".join(f"{i} {s:.2f}" for i, s in zip(options, scores))
        print(f"{answer:24s} {shown:60s} meant {meant or '(none)'}")
    first, held = slice(0, None, 2), slice(1, None, 2)
    grid = [(round(f, 2), round(m, 2)) for f in np.arange(0.40, 0.80, 0.01) for m in np.arange(0.02, 0.30, 0.01)]
    safe = [(f, m) for f, m in grid if tally(rows[first], scored[first], f, m)[1] == 0]
    floor, margin = max(safe, key=lambda fm: (tally(rows[first], scored[first], *fm)[0], fm[1], fm[0]))
    for name, (f, m) in (("chosen on the first half", (floor, margin)), ("in the code", (MEANING_FLOOR, MEANING_MARGIN))):
        r1, w1 = tally(rows[first], scored[first], f, m)
        r2, w2 = tally(rows[held], scored[held], f, m)
        wrongs = [answer for (_, answer, _, meant), sc in zip(rows, scored) if outcome(sc, f, m) not in (None, meant)]
        print(f"{name}: floor {f:.2f}, margin {m:.2f} — first half {r1}/{len(rows[first])} right, {w1} wrong; "
              f"held-apart half {r2}/{len(rows[held])} right, {w2} wrong {wrongs}")
    run_class_calibration(embedder)
    return floor, margin


CLASS_WORDS = Path(__file__).resolve().parent / "class_words.tsv"


def load_class_words(path: Path = CLASS_WORDS) -> list[tuple[str, list[list[str]], str | None]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, repo, reading = line.split("\t")
            rows.append((word, [group.split(",") for group in repo.split("|")], None if reading == "-" else reading))
    return rows


def reading(vocab, word: str, margin: float) -> str | None:
    """How `vocab` reads `word` with `margin`: "class", the synonym's term, or None."""
    from agent.vocab import SYNONYM_THRESHOLD

    sims = vocab.similarities(word)
    best = int(np.argmax(sims))
    term, score = vocab.terms[best], float(sims[best])
    if score < SYNONYM_THRESHOLD:
        return None
    return "class" if vocab.class_terms(sims, term, score, margin) else term


def run_class_calibration(embedder) -> float:
    from agent.vocab import CLASS_MARGIN, Vocabulary

    rows = load_class_words()
    vocabs = []
    for _, groups, _ in rows:
        subjects: dict[str, set[str]] = {}
        for n, group in enumerate(groups):
            for term in group:
                subjects.setdefault(term, set()).add(f"c{n}")
        vocabs.append(Vocabulary.from_subjects(subjects, embedder))
    grid = [round(m, 2) for m in np.arange(0.0, 0.21, 0.01)]
    readings = {m: [reading(v, w, m) for v, (w, _, _) in zip(vocabs, rows)] for m in grid}
    right = {m: [got == want for got, (_, _, want) in zip(readings[m], rows)] for m in grid}
    first = {m: sum(right[m][0::2]) for m in grid}
    held = {m: sum(right[m][1::2]) for m in grid}
    margin = max(grid, key=lambda m: (first[m], -m))
    for (word, _, want), got in zip(rows, readings[CLASS_MARGIN]):
        print(f"{word:14s} read as {got or '(nothing)':12s} right: {want or '(nothing)'}")
    n1, n2 = len(rows[0::2]), len(rows[1::2])
    for name, m in (("chosen on the first half (most right, then the smallest)", margin), ("in the code", CLASS_MARGIN)):
        wrong = [w for (w, _, want), got in zip(rows, readings[m]) if got != want]
        print(f"class margin {name}: {m:.2f} — first half {first[m]}/{n1} right, held-apart half {held[m]}/{n2} right; "
              f"misread {wrong}")
    return margin
