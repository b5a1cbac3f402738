"""Throughput of the rule/lexicon listening components through the Pipeline.

    .venv/bin/python bench/listen_rules_throughput.py [N]

Runs risk, affect, people, time, alliance and fantasy over N (default 5,000)
real utterances -- ESConv seeker turns, topped up with GoEmotions dev
comments -- and prints utterances per second (best of three runs, one core;
the first, cold run also shown). If ``talkcure.listen.risk`` can't be
imported, a trivial stand-in risk component is used (reported). Data:
../shared/data (override with TALKCURE_SHARED_DATA). Never fails on time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from talkcure.listen import text as text_utils
from talkcure.listen.affect import AffectComponent
from talkcure.listen.alliance import AllianceComponent
from talkcure.listen.fantasy import FantasyComponent
from talkcure.listen.people import PeopleComponent
from talkcure.listen.pipeline import Pipeline
from talkcure.listen.time import TimeComponent
from talkcure.model import RiskAssessment


def data_dir() -> Path:
    env = os.environ.get("TALKCURE_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def utterances(n: int) -> list[str]:
    root = data_dir()
    out: list[str] = []
    path = root / "esconv" / "esconv_multiesc_valid_test_dialogues.jsonl"
    with open(path, encoding="utf-8") as f:
        for line in f:
            out += [t["text"] for t in json.loads(line)["dialog"] if t["speaker"] == "usr"]
    for line in (root / "goemotions" / "dev.tsv").read_text(encoding="utf-8").splitlines():
        if len(out) >= n:
            break
        out.append(line.split("\t")[0])
    return out[:n]


class _StandInRisk:
    name, version, requires, assigns = "risk", "stand-in", (), ("risk",)

    def annotate(self, annotations):
        for ann in annotations:
            ann.risk = RiskAssessment(flagged=False)


def risk_component():
    try:
        from talkcure.listen.risk import RiskComponent
    except ImportError:
        return _StandInRisk(), "stand-in (listen/risk.py not importable)"
    return RiskComponent(), "talkcure.listen.risk.RiskComponent"


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 5000
    texts = utterances(n)
    risk, risk_name = risk_component()
    mine = [
        AffectComponent(),
        PeopleComponent(),
        TimeComponent(),
        AllianceComponent(),
        FantasyComponent(),
    ]
    pipe = Pipeline([risk, *mine])
    print(
        f"{len(texts)} utterances ({sum(map(len, texts)) / len(texts):.0f} chars avg); "
        f"risk: {risk_name}"
    )
    rates = []
    for run in range(3):
        text_utils.analyse.cache_clear()
        t0 = time.perf_counter()
        pipe.annotate(texts)
        rates.append(len(texts) / (time.perf_counter() - t0))
        print(f"run {run + 1}: {rates[-1]:,.0f} utterances/s (full pipeline)")
    only = Pipeline([_StandInRisk(), *mine])
    text_utils.analyse.cache_clear()
    t0 = time.perf_counter()
    only.annotate(texts)
    print(
        f"without the real risk component: {len(texts) / (time.perf_counter() - t0):,.0f} "
        f"utterances/s"
    )
    print(f"best: {max(rates):,.0f} utterances/s")


if __name__ == "__main__":
    main(sys.argv[1:])
