"""`python app.py bench synonyms`: calibrate `vocab.SYNONYM_THRESHOLD` on held-apart word pairs.

`bench/data/synonym_pairs.tsv` lists words a person may use, a repository's subject terms, and the
term each word means ("canine" → "dog") or none ("husky" when only a border collie and a
dachshund exist: a no-match, not a neighbour). Informal words the lexicon already maps are not
the point here: these are the words only the embedding can place. The pairs are split in two
by a fixed rule (every other line). A word read as the wrong subject turns a no-match into a wrong
selection, which is worse than missing a synonym (that only asks or says no-match), so the chosen
threshold is the lowest that reads no pair of the first half as a wrong term; its accuracy and wrong
readings on the second, held-apart half are reported.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

PAIRS = Path(__file__).resolve().parent / "data" / "synonym_pairs.tsv"


def load_pairs(path: Path = PAIRS) -> list[tuple[str, list[str], str | None]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, terms, expected = line.split("\t")
        rows.append((word, terms.split(","), None if expected == "-" else expected))
    return rows


def nearest(embedder, word: str, terms: list[str]) -> tuple[str, float]:
    matrix = np.asarray(embedder.embed_documents(terms), dtype=np.float32)
    sims = matrix @ np.asarray(embedder.embed_query(word), dtype=np.float32)
    best = int(np.argmax(sims))
    return terms[best], float(sims[best])


def wrong(scored: list[tuple[str | None, str, float]], threshold: float) -> int:
    """Pairs read as a term they do not mean (a no-match or another subject)."""
    return sum(1 for expected, term, sim in scored if sim >= threshold and term != expected)


def accuracy(scored: list[tuple[str | None, str, float]], threshold: float) -> float:
    right = [(term if sim >= threshold else None) == expected for expected, term, sim in scored]
    return sum(right) / len(right)


def run_synonym_calibration(embed_model: str) -> float:
    from repo_store import load_embedder

    embedder = load_embedder(embed_model)
    rows = load_pairs()
    scored = [(expected, *nearest(embedder, word, terms)) for word, terms, expected in rows]
    calibrate, held = scored[0::2], scored[1::2]
    grid = [round(t, 2) for t in np.arange(0.40, 0.96, 0.01)]
    best = min(t for t in grid if wrong(calibrate, t) == 0)
    for (word, _, expected), (_, term, sim) in zip(rows, scored):
        print(f"{word:18s} → {term:16s} {sim:.3f}  expected {expected or '(none)'}")
    most = max(grid, key=lambda t: accuracy(calibrate, t))
    print(f"threshold chosen on {len(calibrate)} pairs (lowest with no wrong reading): {best:.2f}, "
          f"{accuracy(calibrate, best):.1%} right there; held-apart {len(held)} pairs: {accuracy(held, best):.1%} right, "
          f"{wrong(held, best)} wrong readings. (The most accurate on the first half, {most:.2f}, reads "
          f"{wrong(calibrate, most)} of its pairs as a wrong subject.)")
    return best
