"""How long the case formulation of a 6-session course takes.

Stores a course of 6 sessions x N patient messages (real ESConv seeker turns,
../shared/data, default N = 25, i.e. longer than a typical chat session)
through talkcure.therapy.Companion in a SQLite file in a temporary data
directory, then times:

- ``build_formulation`` alone (pure: the stored, annotated turns in memory),
- reading the turns from the store (decrypting) + building + rendering text,
- the whole ``talkcure formulate PATIENT`` command (a new process), beside
  ``talkcure sessions`` on the same store (what starting a process and
  opening the store cost by themselves).

Prints medians; never fails on time. The target is under 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ESCONV = ROOT.parent / "shared" / "data" / "esconv" / "esconv_multiesc_valid_test_dialogues.jsonl"


def seeker_sessions(sessions: int, per_session: int) -> list[list[str]]:
    from talkcure.listen.risk import assess_risk
    from talkcure.train.data import detok

    out: list[list[str]] = []
    with ESCONV.open(encoding="utf-8") as fh:
        for line in fh:
            msgs = [detok(t["text"]) for t in json.loads(line)["dialog"]
                    if t["speaker"] == "usr" and len(t["text"].split()) >= 5]
            msgs = [m for m in msgs if not assess_risk(m).flagged]  # no crisis detours
            if len(msgs) >= per_session // 2:
                out.append(msgs)
            if len(out) >= sessions * 3:
                break
    course = []
    for i in range(sessions):  # two or three dialogues' seeker turns per session
        pooled = [m for d in out[i * 3 : i * 3 + 3] for m in d]
        course.append(pooled[:per_session])
    return course


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(per_session: int = 25, runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["TALKCURE_HOME"] = home
        from talkcure.formulate.formulation import build_formulation
        from talkcure.formulate.render import formulation_text
        from talkcure.settings import database_url
        from talkcure.store import Store
        from talkcure.therapy import Companion

        store = Store(database_url())
        companion = Companion(store, seed=1)
        course = seeker_sessions(6, per_session)
        for messages in course:
            conv = companion.open("bench")
            for text in messages:
                conv.reply(text[:3900])
            conv.close()
        patient = store.get_patient("bench")

        def read():
            return {info.number: store.turns_of(info.id)
                    for info in store.sessions_of(patient.id)}

        turns = read()
        n = sum(1 for ts in turns.values() for t in ts if t.speaker.value == "patient")
        f = build_formulation(turns)
        pure = median_ms(lambda: build_formulation(turns), runs)
        full = median_ms(lambda: formulation_text(build_formulation(read()), "bench"), runs)
        cli = median_ms(lambda: subprocess.run(
            [sys.executable, "-m", "talkcure.cli", "formulate", "bench"], check=True,
            capture_output=True, env=dict(os.environ)), 3)
        baseline = median_ms(lambda: subprocess.run(
            [sys.executable, "-m", "talkcure.cli", "sessions", "--patient", "bench"],
            check=True, capture_output=True, env=dict(os.environ)), 3)
        store.close()
    print(f"course: 6 sessions, {n} patient utterances (ESConv seeker turns), "
          f"{len(f.episodes)} relationship episodes, {len(f.patterns)} patterns")
    print(f"build_formulation (pure): median {pure:.1f} ms over {runs} runs")
    print(f"read from store + build + render: median {full:.1f} ms over {runs} runs")
    print(f"`talkcure formulate` (new process): median {cli:.0f} ms over 3 runs; "
          f"`talkcure sessions` on the same store (process start + opening the store, for "
          f"comparison): {baseline:.0f} ms")
    print("target: under 1000 ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
