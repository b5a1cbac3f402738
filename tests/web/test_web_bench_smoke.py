"""Tiny runs of the web reliability benchmarks (the full runs are `make bench-web`):
kill -9 of the server mid-conversation loses no acknowledged turn, and a short
burst of concurrent chats has no errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKCURE_")}
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=BENCH.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_crash_loses_no_acknowledged_turn():
    out = _run("web_crash.py", "--kills", "2", "--people", "2")
    assert "acknowledged turns lost: 0; stored with other text: 0" in out, out
    assert re.search(r"after the last restart: 2/2 people carried on", out), out
    assert ", 0 damaged" in out, out
    acknowledged = int(re.search(r"replies acknowledged: (\d+)", out).group(1))
    assert acknowledged > 2, out  # the kills did land mid-conversation


def test_short_load_has_no_errors():
    out = _run("web_load.py", "--clients", "5", "--seconds", "3", "--workers", "1",
               "--db", "sqlite")
    assert "errors: 0" in out and ", 0 damaged" in out, out
