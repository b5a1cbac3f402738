"""Fuzz: schemathesis over the web API's OpenAPI schema, signed in as each role.

Starts ``talkcure serve`` on loopback with a person who has a conversation and a
PHQ-9, a clinician they are assigned to, and an admin; then runs schemathesis
(coverage, fuzzing and stateful phases; check: not_a_server_error) once per
role with that role's session cookie and CSRF header, once signed out, and last
the destructive operations (sign-out, erasure, account removal). Server errors
are counted twice: by schemathesis and in the server's access log (any 5xx).
Both must be 0. Needs the bench extra (pip install -e '.[bench]').

    .venv/bin/python bench/web_fuzz.py [--examples 50] [--db sqlite|postgres] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from webkit import MESSAGES, Server, database, make_accounts, sign_in

LOGOUT = "^/api/session$"  # DELETE signs the fuzzer out: only in the last pass
ERASE = "^/api/me/erase$"
REMOVE = "^/api/admin/users/"
STATUS = re.compile(r'HTTP/1\.[01]" (\d{3})')


def schemathesis() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    if not found:
        sys.exit("schemathesis is not installed: pip install -e '.[bench]'")
    return found


def seed_data(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as c:
        sign_in(c, "p0")
        for text in MESSAGES[:4]:
            c.post("/api/me/chat/messages", json={"text": text}).raise_for_status()
        c.post("/api/me/measures/phq9", json={"answers": [1, 2, 1, 2, 1, 1, 0, 1, 0]}
               ).raise_for_status()


def session_headers(base: str, login: str) -> list[str]:
    """Sign in once, before any fuzzing: the fuzzer may well try "admin" with wrong
    passwords and so lock that login for 15 minutes, as it should."""
    with httpx.Client(base_url=base, timeout=30) as client:
        sign_in(client, login)
        return ["-H", f"Cookie: talkcure_session={client.cookies['talkcure_session']}",
                "-H", f"X-CSRF-Token: {client.headers['X-CSRF-Token']}"]


def run_pass(st: str, base: str, name: str, headers: list[str], examples: int, seed: int,
             exclude: list[str], include: list[str], out_dir: Path) -> dict:
    report = out_dir / f"{name}.json"
    cmd = [st, "run", f"{base}/api/openapi.json", "--checks", "not_a_server_error",
           "--max-examples", str(examples), "--seed", str(seed), "--workers", "1",
           "--report", "json", "--report-json-path", str(report), "--no-color",
           "--suppress-health-check", "all", *headers]
    if exclude:  # the option takes one pattern: join them
        cmd += ["--exclude-path-regex", "|".join(f"({p})" for p in exclude)]
    if include:
        cmd += ["--include-path-regex", "|".join(f"({p})" for p in include)]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=out_dir)  # its cache too
    data = json.loads(report.read_text()) if report.exists() else {}
    cases = data.get("test_cases", {})
    return {"pass": name, "operations": data.get("operations", {}).get("tested", 0),
            "cases": cases.get("generated", 0), "failures": cases.get("unique_failures", 0),
            "errors": len(data.get("errors", [])), "exit": done.returncode,
            "seconds": time.monotonic() - started,
            "tail": "" if done.returncode == 0 else done.stdout[-3000:]}


def _counts(statuses: list[str]) -> str:
    counts: dict[str, int] = {}
    for code in statuses:
        counts[code] = counts.get(code, 0) + 1
    return ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=50)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    st = schemathesis()
    results = []
    with database(args.db) as (url, _home), tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(tmp)
        make_accounts(url, persons=2, clinicians=1)  # c0 sees p0 (and nobody else)
        log_path = out_dir / "server.log"
        with log_path.open("w") as log:
            server = Server(url, log=log).start()
            try:
                seed_data(server.base)
                plan = [
                    ("person", "p0", [LOGOUT, ERASE], []),
                    ("clinician", "c0", [LOGOUT], []),
                    ("admin", "admin", [LOGOUT, REMOVE], []),
                    ("signed-out", None, [], []),
                    ("person-destructive", "p1", [], [ERASE, LOGOUT]),
                    ("admin-destructive", "admin", [], [REMOVE, LOGOUT]),
                ]
                headers = {(name, login): session_headers(server.base, login) if login else []
                           for name, login, _x, _i in plan}
                for name, login, exclude, include in plan:
                    log.flush()
                    seen = len(STATUS.findall(log_path.read_text()))
                    result = run_pass(st, server.base, name, headers[name, login],
                                      args.examples, args.seed, exclude, include, out_dir)
                    log.flush()
                    result["statuses"] = STATUS.findall(log_path.read_text())[seen:]
                    results.append(result)
            finally:
                server.stop()
        statuses = STATUS.findall(log_path.read_text())
    requests = len(statuses)
    server_errors = sum(s.startswith("5") for s in statuses)
    print(f"web fuzz: schemathesis over /api/openapi.json, {args.examples} examples per "
          f"operation and pass, seed {args.seed}, {args.db}, loopback")
    for r in results:
        print(f"  {r['pass']:<19} {r['operations']:>2} operations, {r['cases']:>5} test cases, "
              f"{r['failures']} failures, {r['errors']} errors, {r['seconds']:.0f} s; "
              f"statuses {_counts(r['statuses'])}")
        if r["tail"]:
            print(r["tail"])
    print(f"requests seen by the server: {requests}; by status: {_counts(statuses)}")
    print(f"server errors (5xx): {server_errors}; schemathesis failures: "
          f"{sum(r['failures'] for r in results)}")


if __name__ == "__main__":
    main()
