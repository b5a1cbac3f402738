"""``talkcure user ...`` and ``talkcure serve``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from talkcure.cli import app
from talkcure.store import Store
from talkcure.store.accounts import Accounts
from talkcure.web.security import verify_password

runner = CliRunner()


def test_user_commands(db_url):
    db = ["--db", db_url]
    r = runner.invoke(app, ["user", "add", "dr who", "--role", "clinician", *db],
                      input="a long password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "ana", "--patient", "Ana Lima", *db],
                      input="another password\n")
    assert r.exit_code == 0 and "person account ana" in r.output
    assert runner.invoke(app, ["user", "add", "x", "--role", "clinician", *db],
                         input="short\n").exit_code == 2
    assert runner.invoke(app, ["user", "add", "y", "--role", "boss", *db],
                         input="long enough pw\n").exit_code == 2
    r = runner.invoke(app, ["user", "assign", "dr who", "Ana Lima", *db])
    assert r.exit_code == 0 and "now sees" in r.output
    r = runner.invoke(app, ["user", "list", *db])
    assert "dr who people: Ana Lima" in r.output and "ana record: Ana Lima" in r.output
    r = runner.invoke(app, ["user", "assign", "ana", "Ana Lima", *db])
    assert r.exit_code == 2 and "no clinician account" in r.output
    r = runner.invoke(app, ["user", "password", "ana", *db], input="a new password\n")
    assert r.exit_code == 0
    store = Store(db_url)
    user, hashed = Accounts(store).find("ana")
    assert verify_password(hashed, "a new password")
    assert store.find_patient("Ana Lima").id == user.patient_id
    r = runner.invoke(app, ["user", "assign", "dr who", "Ana Lima", "--remove", *db])
    assert r.exit_code == 0 and "no longer sees" in r.output


def test_help_does_not_import_the_web_stack():
    code = ("import sys, talkcure.cli; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'argon2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_and_answers(sqlite_url, home):
    port = _free_port()
    env = {**os.environ, "TALKCURE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "talkcure.cli", "serve", "--port", str(port), "--db", sqlite_url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        assert "Sign in" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
