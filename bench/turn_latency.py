"""Per-turn latency of the whole service: listen + plan + word + store (SQLite).

Runs a 50-turn conversation of real ESConv seeker messages (../shared/data)
through talkcure.therapy.Companion against a SQLite file in a temporary data
directory, and prints p50/p95/max per turn. Also times `talkcure --help`.
Prints figures; never fails on time.
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
FALLBACK = [
    "I have been feeling really down since I lost my job last month.",
    "My wife says I should just get over it but I can't.",
    "When I was a kid my father always told me I'd never amount to anything.",
    "I keep dreaming that I'm back at school and failing every exam.",
    "I don't know, maybe it's nothing. Anyway, the weather has been nice.",
]


def seeker_messages(n: int) -> list[str]:
    from talkcure.listen.text import normalize

    out: list[str] = []
    if ESCONV.exists():
        with ESCONV.open(encoding="utf-8") as fh:
            for line in fh:
                for turn in json.loads(line)["dialog"]:
                    if turn["speaker"] == "usr" and len(turn["text"].split()) >= 6:
                        out.append(normalize(turn["text"]))
                if len(out) >= n:
                    break
    while len(out) < n:
        out.extend(FALLBACK)
    return out[:n]


def main(turns: int = 50) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["TALKCURE_HOME"] = home
        from talkcure.settings import database_url
        from talkcure.store import Store
        from talkcure.therapy import Companion

        messages = seeker_messages(turns)
        store = Store(database_url())
        companion = Companion(store, seed=1)
        conv = companion.open("bench")
        conv.reply("Hello, I wanted to talk about something.")  # warm-up, not counted
        times = []
        for text in messages:
            t0 = time.perf_counter()
            conv.reply(text)
            times.append((time.perf_counter() - t0) * 1000)
        conv.close()
        store.close()
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(round(q * (len(times) - 1))))]  # noqa: E731
    print(f"turns: {len(times)} (ESConv seeker messages, SQLite, one process)")
    print(f"per turn ms: p50 {p(0.5):.1f}  p95 {p(0.95):.1f}  max {times[-1]:.1f}  "
          f"mean {statistics.mean(times):.1f}")

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "talkcure.cli", "--help"], check=True,
                       capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(f"talkcure --help: median {statistics.median(runs) * 1000:.0f} ms over 5 runs")


if __name__ == "__main__":
    main()
