"""Pairwise votes in SQLite (WAL) or Postgres: each click is committed before the next pair is shown.

A vote names the evaluator, the pair (a stable id), the two systems in the order they were
shown, and the choice: left, right or tie. Win rates are computed per pairing from the
stored rows, never from a running counter, so a crash loses nothing and nothing drifts.
"""
from __future__ import annotations

import csv
import io
import math
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from errors import PersonalQError

CHOICES = ("left", "right", "tie")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    evaluator TEXT NOT NULL,
    task TEXT NOT NULL,          -- selection | image
    pairing TEXT NOT NULL,       -- e.g. 'checkin vs random' (system A vs system B, A first)
    pair_id TEXT NOT NULL,       -- what was compared, stable across sessions
    left_system TEXT NOT NULL,
    right_system TEXT NOT NULL,
    choice TEXT NOT NULL CHECK (choice IN ('left', 'right', 'tie')),
    UNIQUE (evaluator, pair_id)
);
"""


class VoteError(PersonalQError, ValueError):
    """A vote that cannot be stored; the message says what to do."""


@dataclass(frozen=True)
class Vote:
    evaluator: str
    task: str
    pairing: str
    pair_id: str
    left_system: str
    right_system: str
    choice: str

    @property
    def winner(self) -> str | None:
        """The system preferred, or None for a tie."""
        return {"left": self.left_system, "right": self.right_system}.get(self.choice)


@dataclass(frozen=True)
class WinRate:
    pairing: str  # "A vs B"
    votes: int
    wins: int  # A preferred
    losses: int  # B preferred
    ties: int

    @property
    def rate(self) -> float:
        """A's win rate, ties counted as half a win (the paper's convention for pairwise preference)."""
        return (self.wins + 0.5 * self.ties) / self.votes if self.votes else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        """95% Wilson score interval of `rate`."""
        return wilson_interval(self.wins + 0.5 * self.ties, self.votes)


def wilson_interval(successes: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def check_evaluator(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise VoteError("Enter your evaluator name first; votes are counted per evaluator.")
    if len(name) > 80:
        raise VoteError(f"The evaluator name has {len(name)} characters; keep it under 80.")
    return name


class _SQLite:
    """One connection shared by the Gradio worker threads behind a lock; WAL, synchronous=FULL."""

    integrity_error: type[Exception] = sqlite3.IntegrityError

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # a committed vote survives a power cut, not just a crash
        self._conn.executescript(_SCHEMA)

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


class _Postgres:
    """A psycopg connection pool (each statement autocommits); the same table, an identity column for `id`."""

    def __init__(self, url: str):
        import psycopg
        from psycopg_pool import ConnectionPool

        self.integrity_error = psycopg.IntegrityError
        self._pool = ConnectionPool(url, min_size=1, max_size=4, open=True, kwargs={"autocommit": True})
        schema = _SCHEMA.replace("id INTEGER PRIMARY KEY", "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
        with self._pool.connection() as conn:
            conn.execute(schema)

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self._pool.close()


class VoteStore:
    """`$PERSONALQ_HOME/votes.sqlite`, or the `votes` table of a Postgres database when given its URL.

    Safe to share between Gradio worker threads; with Postgres, between processes and machines too."""

    def __init__(self, path_or_url: str | Path):
        target = str(path_or_url)
        self._db = _Postgres(target) if target.startswith(POSTGRES_SCHEMES) else _SQLite(Path(target))

    @classmethod
    def open(cls, home: str | Path, database_url: str | None = None) -> VoteStore:
        """The configured store: Postgres when a database URL is set, else `home/votes.sqlite`."""
        return cls(database_url or Path(home) / "votes.sqlite")

    def close(self) -> None:
        self._db.close()

    def add(self, vote: Vote) -> None:
        if vote.choice not in CHOICES:
            raise VoteError(f"choice {vote.choice!r} is unknown; use left, right or tie")
        evaluator = check_evaluator(vote.evaluator)
        try:
            self._db.run(
                "INSERT INTO votes (created_at, evaluator, task, pairing, pair_id, left_system, right_system, choice)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), evaluator, vote.task, vote.pairing,
                 vote.pair_id, vote.left_system, vote.right_system, vote.choice))
        except self._db.integrity_error:
            raise VoteError(f"{evaluator} has already judged this pair; the first vote stands.") from None

    def seen(self, evaluator: str) -> set[str]:
        """Pair ids this evaluator has voted on."""
        rows = self._db.run("SELECT pair_id FROM votes WHERE evaluator = ?", (evaluator.strip(),))
        return {r[0] for r in rows}

    def votes(self, task: str | None = None) -> list[Vote]:
        query = "SELECT evaluator, task, pairing, pair_id, left_system, right_system, choice FROM votes"
        rows = self._db.run(query + " WHERE task = ? ORDER BY id", (task,)) if task else self._db.run(query + " ORDER BY id")
        return [Vote(*row) for row in rows]

    def win_rates(self, task: str | None = None) -> list[WinRate]:
        """Per pairing 'A vs B': how often A beat B, in the order pairings were first voted on."""
        tallies: dict[str, list[int]] = {}
        for vote in self.votes(task):
            a = vote.pairing.split(" vs ")[0]
            tally = tallies.setdefault(vote.pairing, [0, 0, 0])
            winner = vote.winner
            tally[2 if winner is None else 0 if winner == a else 1] += 1
        return [WinRate(pairing, sum(t), t[0], t[1], t[2]) for pairing, t in tallies.items()]

    def results_csv(self, task: str | None = None) -> str:
        """The win-rate table as CSV text (pairing, votes, wins, losses, ties, win_rate, ci_low, ci_high)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["pairing", "votes", "wins", "losses", "ties", "win_rate", "ci95_low", "ci95_high"])
        for r in self.win_rates(task):
            low, high = r.interval
            writer.writerow([r.pairing, r.votes, r.wins, r.losses, r.ties, f"{r.rate:.4f}", f"{low:.4f}", f"{high:.4f}"])
        return out.getvalue()
