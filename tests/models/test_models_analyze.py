"""``talkcure analyze`` on small CSV and JSONL transcripts."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from talkcure.cli import app

TURNS = [
    ("therapist", "What brings you here today?"),
    ("client", "My mother keeps criticising me and I feel so worthless."),
    ("therapist", "It sounds like her words really hurt you."),
    ("client", "I want to stop letting it get to me. I'm going to call her this week."),
]


def _csv(path):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["speaker", "text"])
        w.writerows(TURNS)
    return path


def _jsonl(path):
    path.write_text("".join(json.dumps({"speaker": s, "text": t}) + "\n" for s, t in TURNS),
                    encoding="utf-8")
    return path


def test_analyze_csv_prints_a_table(tmp_path):
    result = CliRunner().invoke(app, ["analyze", str(_csv(tmp_path / "t.csv"))])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[1] client: My mother keeps criticising me" in out
    assert "behaviour question" in out  # the opening helper turn
    assert "defense " in out and "talk " in out
    assert "people mother" in out
    assert "turns flagged for risk: none" in out and "P(Ideation or worse)" in out


def test_analyze_jsonl_writes_annotations(tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["analyze", str(_jsonl(tmp_path / "t.jsonl")),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    summary = rows.pop()
    assert summary["summary"] is True and summary["person_turns"] == 2
    assert 0.0 <= summary["person_risk"]["p_ideation_or_worse"] <= 1.0
    assert [r["role"] for r in rows] == ["helper", "person", "helper", "person"]
    person = rows[1]["annotation"]
    assert person["risk"]["flagged"] is False
    assert {"sadness", "fear", "anger", "disgust"} & {a["group"] for a in person["affects"]}
    assert 0 <= person["defense"]["level"] <= 8
    assert person["talk"]["kind"] in {"change", "neutral", "sustain"}
    assert rows[3]["annotation"]["talk"]["kind"] == "change"
    assert set(rows[2]["helper"]) == {"behaviour", "strategy", "emotional_reactions",
                                      "interpretations", "explorations"}


def test_analyze_flags_risk_in_a_transcript(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"speaker": "client", "text": "I want to end my life."}) + "\n",
                    encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert CliRunner().invoke(app, ["analyze", str(path), "--out", str(out)]).exit_code == 0
    row, summary = (json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
    assert row["annotation"]["risk"]["flagged"] is True
    assert summary["flagged_turns"] == [0]


def test_analyze_bad_input_says_what_to_do(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("who,words\nclient,hello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(bad)])
    assert result.exit_code == 2
    assert "speaker" in result.output and "text" in result.output
    missing = CliRunner().invoke(app, ["analyze", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2
    other = tmp_path / "t.txt"
    other.write_text("hello", encoding="utf-8")
    assert CliRunner().invoke(app, ["analyze", str(other)]).exit_code == 2
