"""Shared set-up of the web benchmarks (web_load, web_crash, web_fuzz): a private data
directory, a database (SQLite file, or a fresh database on the local PostgreSQL
server, dropped afterwards), accounts, and ``talkcure serve`` on loopback.

Everything runs on 127.0.0.1; nothing is sent anywhere else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("TALKCURE_BENCH_POSTGRES",
                           "postgresql+psycopg://postgres@127.0.0.1:5432")
PASSWORD = "bench password 1"
MESSAGES = [
    "I have been feeling really down since I lost my job last month.",
    "My wife says I should just get over it but I can't.",
    "When I was a kid my father always told me I'd never amount to anything.",
    "I keep dreaming that I'm back at school and failing every exam.",
    "I don't know, maybe it's nothing. Anyway, the weather has been nice.",
    "My boss criticised me in front of everyone and I felt humiliated.",
    "I miss my mother, she died two years ago and I still can't talk about it.",
    "Sometimes I think you don't really understand what I mean.",
    "I wish I could just start over somewhere new.",
    "I get so angry at my sister and then I feel guilty about it.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database(kind: str):
    """Yield (database URL, data directory). ``kind``: sqlite or postgres."""
    with tempfile.TemporaryDirectory(prefix="talkcure-bench-") as home:
        os.environ["TALKCURE_HOME"] = home
        os.environ.pop("TALKCURE_KEY", None)
        os.environ.pop("TALKCURE_DATABASE_URL", None)
        if kind == "sqlite":
            yield f"sqlite:///{home}/bench.db", Path(home)
            return
        from sqlalchemy import create_engine, text

        name = f"talkcure_bench_{os.getpid()}"
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield f"{PG_SERVER}/{name}", Path(home)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()


def make_accounts(url: str, persons: int, clinicians: int = 0) -> dict[str, int]:
    """Person accounts p0..pN-1, clinicians c0.., one admin; returns login -> user id.
    The password is hashed once (argon2 is slow on purpose)."""
    from talkcure.store import Store
    from talkcure.store.accounts import Accounts
    from talkcure.web.security import hash_password

    store = Store(url)
    accounts = Accounts(store)
    hashed = hash_password(PASSWORD)
    ids = {"admin": accounts.create_user("admin", "admin", hashed).id}
    patients = []
    for i in range(persons):
        patient = store.get_or_create_patient(f"Bench Person {i}")
        ids[f"p{i}"] = accounts.create_user(f"p{i}", "person", hashed, patient.id).id
        patients.append(patient.id)
    for i in range(clinicians):
        ids[f"c{i}"] = accounts.create_user(f"c{i}", "clinician", hashed).id
        for pid in patients[i::clinicians]:
            accounts.assign(ids[f"c{i}"], pid)
    store.close()
    return ids


class Server:
    """``talkcure serve`` in its own process group, on a free loopback port."""

    def __init__(self, url: str, workers: int = 1, port: int | None = None, log=None):
        self.url = url
        self.workers = workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Server:
        cmd = [sys.executable, "-m", "talkcure.cli", "serve", "--port", str(self.port),
               "--db", self.url, "--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, stdout=self.log or subprocess.DEVNULL,
                                     stderr=self.log or subprocess.DEVNULL,
                                     start_new_session=True, env=os.environ.copy())
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def kill9(self) -> None:
        """SIGKILL the whole process group: no shutdown, no cleanup."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


def sign_in(client, login: str) -> None:
    """Sign an httpx.Client in; sets its CSRF header."""
    r = client.post("/api/session", json={"login": login, "password": PASSWORD})
    r.raise_for_status()
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check_turns(url: str) -> dict[str, int]:
    """Integrity of every stored conversation: indices 1..n without gaps, patient and
    companion turns alternating, every companion turn with a plan."""
    from talkcure.store import Store
    from talkcure.store.people import all_patients

    store = Store(url)
    bad = sessions = turns = 0
    for patient in all_patients(store):
        for session in store.sessions_of(patient.id):
            sessions += 1
            stored = store.turns_of(session.id)
            turns += len(stored)
            ok = [t.index for t in stored] == list(range(1, len(stored) + 1))
            ok &= all(t.speaker.value == ("patient" if t.index % 2 else "companion")
                      for t in stored)
            ok &= all(t.plan is not None for t in stored if t.speaker.value == "companion")
            bad += not ok
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        bad += (result != "ok") + len(fk)
    store.close()
    return {"sessions": sessions, "turns": turns, "bad": bad}
