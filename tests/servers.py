"""Real servers for the shared-state tests, started from what the machine has installed.

`PostgresServer`: a throwaway cluster (initdb + pg_ctl from Debian's postgresql package) in a
temporary folder on a free port, run as the `postgres` user when the tests run as root.
`ChromaServer`: `chroma run --path DIR --port N` (the CLI that ships with chromadb).
Each raises `Unavailable` with the reason when it cannot start, and the fixtures skip with it.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path


class Unavailable(RuntimeError):
    """The server cannot be started here; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, seconds: float, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [p for p in [shutil.which(name)] if p]
    if not found:
        raise Unavailable(f"{name} not found (install the postgresql package: apt-get install -y postgresql)")
    return found[-1]


class PostgresServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.user = "personalq"
        self._as: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` user to run the server as") from None
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self._as, *argv], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise Unavailable(f"{Path(argv[0]).name} failed: {(done.stderr or done.stdout).strip()[-300:]}")

    def start(self) -> PostgresServer:
        initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run(initdb, "-D", str(data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8")
        self._run(pg_ctl, "-D", str(data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off")
        return self

    def stop(self) -> None:
        try:
            self._run(postgres_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        except Unavailable:
            pass

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


class ChromaServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        chroma = Path(sys.executable).with_name("chroma")
        if not chroma.is_file():
            raise Unavailable(f"the chroma CLI is not installed beside {sys.executable}")
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "server.log", "w")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.folder / "data"), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, env=env)
        if not _wait_for_port(self.port, 60, self.proc):
            self.stop()
            raise Unavailable(f"`chroma run` did not answer on port {self.port}: "
                              f"{(self.folder / 'server.log').read_text()[-300:]}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
