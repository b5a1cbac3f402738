"""Red-team figures for the rule risk component (talkcure.listen.risk).

Prints, for tests/data/redteam_suite.jsonl: the number of risk phrasings and
safe controls, recall, false-alarm rate, and mean / p95 milliseconds per
message; then the time for one 1 MB message. With ../shared/data present it
also prints the flag rate on real ESConv seeker turns (emotional-support chat,
mostly not crisis) and user-level recall on the Reddit C-SSRS dataset.
Prints figures; never fails on time.

    .venv/bin/python bench/redteam.py
"""

from __future__ import annotations

import ast
import csv
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from talkcure.listen.risk import assess_risk, lexicon

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "data" / "redteam_suite.jsonl"
SHARED = ROOT.parent / "shared" / "data"


def suite() -> None:
    rows = [json.loads(x) for x in SUITE.read_text(encoding="utf-8").splitlines() if x.strip()]
    for row in rows:  # warm up: the lexicon is compiled on first use
        assess_risk(row["text"])
    times, results = [], []
    for _ in range(5):
        for row in rows:
            t = time.perf_counter()
            a = assess_risk(row["text"])
            times.append((time.perf_counter() - t) * 1000)
            results.append((row, a))
    results = results[: len(rows)]
    risky = [a for row, a in results if row["risk"]]
    safe = [(row, a) for row, a in results if not row["risk"]]
    missed = [row["text"] for row, a in results if row["risk"] and not a.flagged]
    false = [row["text"] for row, a in safe if a.flagged]
    print(f"red-team suite: n={len(rows)} ({len(risky)} risk, {len(safe)} controls)")
    print(f"  recall            {1 - len(missed) / len(risky):.3f}  (missed {len(missed)})")
    print(f"  false-alarm rate  {len(false) / len(safe):.3f}  ({len(false)} of {len(safe)})")
    for text in missed:
        print(f"    MISSED: {text[:100]}")
    for text in false:
        print(f"    false alarm: {text[:100]}")
    times.sort()
    print(f"  ms/message        mean {statistics.mean(times):.3f}, "
          f"p95 {times[int(0.95 * len(times))]:.3f}, max {times[-1]:.3f}")
    by_kind = Counter(row.get("kind", "?") for row, _ in results if row["risk"])
    print(f"  risk phrasings by labelled kind: {dict(by_kind)}")
    print(f"  rules: {len(lexicon().rules)}, denials: {len(lexicon().denials)}")


def long_message() -> None:
    words = "I walked the dog and had a quiet day at work, then I felt low. ".split()
    text = (" ".join(words * 20_000))[:1_000_000]
    text = text[:500_000] + " I just want to die. " + text[500_000:]
    t = time.perf_counter()
    a = assess_risk(text)
    print(f"1 MB message: {time.perf_counter() - t:.2f} s, flagged={a.flagged}, error={a.error}")


def esconv() -> None:
    path = SHARED / "esconv" / "esconv_multiesc_valid_test_dialogues.jsonl"
    if not path.is_file():
        return
    turns = [t["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
             for t in json.loads(line)["dialog"] if t["speaker"] == "usr"]
    flagged = sum(assess_risk(t).flagged for t in turns)
    print(f"ESConv seeker turns: {flagged} of {len(turns)} flagged "
          f"({flagged / len(turns):.1%}; most are real risk disclosures, read them)")


def cssrs_reddit() -> None:
    path = SHARED / "cssrs_reddit" / "500_Reddit_users_posts_labels.csv"
    if not path.is_file():
        return
    csv.field_size_limit(sys.maxsize)
    totals, hits = Counter(), Counter()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                posts = ast.literal_eval(row["Post"])
            except (ValueError, SyntaxError):
                posts = [row["Post"]]
            totals[row["Label"]] += 1
            hits[row["Label"]] += any(assess_risk(p).flagged for p in posts)
    order = ["Supportive", "Indicator", "Ideation", "Behavior", "Attempt"]
    shown = ", ".join(f"{k} {hits[k]}/{totals[k]} ({hits[k] / totals[k]:.0%})" for k in order)
    print(f"Reddit C-SSRS users with any post flagged: {shown}")
    print("  (user-level labels over whole post histories; Supportive users write about "
          "suicide to others, so they are flagged often)")


if __name__ == "__main__":
    suite()
    long_message()
    esconv()
    cssrs_reddit()
