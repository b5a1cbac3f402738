"""Red-team figures for the rule risk component (talkcure.listen.risk).

Prints, for each red-team file in tests/data (the suite grown alongside the
rules, and the held-out sets written fresh to measure generalisation; the rules
were never fixed on heldout4, 5 and 6, so their misses are expected): the
number of risk phrasings and safe controls, recall, false-alarm rate, missed
phrasings and false alarms, then the overall false-alarm rate and mean / p95
milliseconds per message; then the time for two 1 MB messages (plain prose, and
dense random risk words), wall clock and CPU. With ../shared/data present it
also prints the flag rate on real ESConv seeker turns (emotional-support chat,
mostly not crisis) and user-level recall on the Reddit C-SSRS dataset.
Prints figures; never fails on time.

Held-out figures measured untouched, before their misses were fixed:
  redteam_heldout.jsonl (written before the semantic fields existed), on the
    rules as they were: recall 0.412 (119/289), false alarms 0.078 (13/167)
  redteam_heldout2.jsonl (written after), on the rules + fields of that day:
    recall 0.550 (44/80), false alarms 0.160 (8/50); the original rules on the
    same file: recall 0.438, false alarms 0.140
  redteam_heldout3.jsonl (written before the semantic embedding layer), rules:
    recall 0.587 (84/143), false alarms 0.096 (9/94); rules OR semantic 0.811 / 0.117
  redteam_heldout4.jsonl (written before the heldout3 fixes; kept UNTOUCHED, its
    misses are not fixed): rules recall 0.190 (24/126), false alarms 0.058 (5/86);
    rules OR semantic 0.444 / 0.081. After the heldout3 fixes (not tuned to it):
    rules 0.206 / 0.058, rules OR semantic 0.460 / 0.081
  redteam_heldout5.jsonl (150 risk / 102 controls, written by a helper that read
    no other red-team file nor the detector; UNTOUCHED): rules recall 0.473
    (71/150), false alarms 0.069 (7/102); rules OR semantic 0.627 / 0.078 with the
    semantic layer of commit 1572f49, 0.667 / 0.078 with that of f1d9b27, 0.693 /
    0.069 with the layer trained on redteam_train_more3.jsonl too, 0.787 / 0.078
    with the layer's MLP members (heldout4: 0.778 / 0.093)
  redteam_heldout6.jsonl (150 risk / 100 controls, written the same way; measured
    after each change, it drove no choice): rules 0.513 / 0.150; rules OR semantic
    0.793 / 0.160 with the layer of commit d7aeb6e, 0.873 / 0.170 with the MLP members

    .venv/bin/python bench/redteam.py
"""

from __future__ import annotations

import ast
import csv
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from talkcure.listen.risk import assess_risk, lexicon
from talkcure.listen.risk_fields import fields

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "tests" / "data" / name for name in
         ("redteam_suite.jsonl", "redteam_heldout.jsonl", "redteam_heldout2.jsonl",
          "redteam_heldout3.jsonl", "redteam_heldout4.jsonl", "redteam_heldout5.jsonl",
          "redteam_heldout6.jsonl")]
SHARED = ROOT.parent / "shared" / "data"


def red_team() -> None:
    assess_risk("warm up")  # the lexicons are compiled on first use
    times: list[float] = []
    controls = alarms = 0
    for path in FILES:
        if not path.is_file():
            continue
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        results = []
        for row in rows:
            t = time.perf_counter()
            a = assess_risk(row["text"])
            times.append((time.perf_counter() - t) * 1000)
            results.append((row, a))
        risky = [(row, a) for row, a in results if row["risk"]]
        safe = [(row, a) for row, a in results if not row["risk"]]
        missed = [row["text"] for row, a in risky if not a.flagged]
        false = [row["text"] for row, a in safe if a.flagged]
        wrong_kind = sum(1 for row, a in risky
                         if a.flagged and row.get("kind") and row["kind"] not in a.kinds)
        controls += len(safe)
        alarms += len(false)
        print(f"{path.name}: n={len(rows)} ({len(risky)} risk, {len(safe)} controls)")
        print(f"  recall            {1 - len(missed) / len(risky):.3f}  (missed {len(missed)})")
        print(f"  false-alarm rate  {len(false) / len(safe):.3f}  ({len(false)} of {len(safe)})")
        print(f"  labelled kind not among the kinds read: {wrong_kind}")
        for text in missed:
            print(f"    MISSED: {text[:100]}")
        for text in false:
            print(f"    false alarm: {text[:100]}")
    times.sort()
    print(f"all files: false-alarm rate {alarms / controls:.3f} ({alarms} of {controls})")
    print(f"  ms/message        mean {statistics.mean(times):.3f}, "
          f"p95 {times[int(0.95 * len(times))]:.3f}, max {times[-1]:.3f}")
    print(f"  phrase rules: {len(lexicon().rules)}, denials: {len(lexicon().denials)}, "
          f"field combinations: {len(fields().combos)} "
          f"(+{len(fields().messages)} message rules)")


def long_message() -> None:
    words = "I walked the dog and had a quiet day at work, then I felt low. ".split()
    plain = (" ".join(words * 20_000))[:1_000_000]
    plain = plain[:500_000] + " I just want to die. " + plain[500_000:]
    random.seed(7)
    risky = ("the a i my he she we want to go home work feel sad tired never wake up "
             "pills bridge tonight but not really hits me and so on just kill").split()
    filler = " ".join(random.choice(risky) for _ in range(120_000))
    dense = (filler + ". Honestly I just want to die. " + filler)[:1_000_000]
    for name, text in (("plain prose", plain), ("dense risk words", dense)):
        wall, cpu = time.perf_counter(), time.process_time()
        a = assess_risk(text)
        print(f"1 MB message ({name}): {time.perf_counter() - wall:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU, flagged={a.flagged}, error={a.error}")


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
    red_team()
    long_message()
    esconv()
    cssrs_reddit()
