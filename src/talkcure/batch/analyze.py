"""``talkcure analyze FILE``: annotate a transcript with the listening models.

Input: a ``.csv`` with a header, or a ``.jsonl`` with one object a line; each
row an utterance with ``speaker`` and ``text`` (AnnoMI's ``interlocutor`` and
``utterance_text`` are accepted too), in the order spoken. Helper turns are
those whose speaker is one of :data:`HELPERS`; every other speaker is the
person seeking help.

- The person's turns go through :func:`model_pipeline` (risk, affect, people,
  time, alliance, fantasy), then the defense head with the three turns before
  (both speakers) and the client-talk head with the helper turn before.
- Helper turns get AnnoMI behaviour, ESConv strategy and EPITOME empathy levels,
  read against the other speaker's turn before.
- The whole transcript: the turns flagged for risk, and the C-SSRS head over all
  of the person's turns pooled (the level it was trained on; a screening signal).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

from talkcure.errors import TalkcureError

HELPERS = frozenset({"therapist", "supporter", "counsellor", "counselor", "companion",
                     "helper", "sys", "clinician", "interviewer", "listener"})
_SPEAKER = ("speaker", "interlocutor", "role")
_TEXT = ("text", "utterance_text", "utterance", "content")


def _pick(row: dict, names: tuple[str, ...]) -> str | None:
    low = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for n in names:
        if n in low and low[n] is not None:
            return str(low[n])
    return None


def read_transcript(path: Path) -> list[tuple[str, str]]:
    """``[(speaker, text), ...]`` from a CSV or JSONL file."""
    if not path.is_file():
        raise TalkcureError(f"no file at {path}; give a .csv or .jsonl transcript")
    suffix = path.suffix.lower()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TalkcureError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None
    if suffix == ".jsonl":
        rows = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise TalkcureError(f"{path} line {n} is not JSON; one object a line") from None
            if not isinstance(obj, dict):
                raise TalkcureError(f"{path} line {n}: expected an object with speaker and text")
            rows.append(obj)
    elif suffix == ".csv":
        rows = list(csv.DictReader(raw.splitlines()))
    else:
        raise TalkcureError(f"{path}: use a .csv or .jsonl file (speaker and text per row)")
    out = []
    for n, row in enumerate(rows, 1):
        speaker, text = _pick(row, _SPEAKER), _pick(row, _TEXT)
        if speaker is None or text is None:
            raise TalkcureError(f"{path} row {n} has no speaker and text; name the columns "
                                "'speaker' and 'text'")
        if text.strip():
            out.append((speaker.strip(), text.strip()))
    if not out:
        raise TalkcureError(f"{path} has no utterances")
    return out


def is_helper(speaker: str) -> bool:
    return speaker.strip().lower() in HELPERS


def analyze(turns: list[tuple[str, str]], pipeline=None) -> list[dict]:
    from talkcure.listen.defense import DefenseComponent, format_context
    from talkcure.listen.helper import read_helper
    from talkcure.listen.models_pipeline import model_pipeline
    from talkcure.listen.talk import TalkComponent

    pipeline = pipeline or model_pipeline(defense=False, talk=False)
    person = [i for i, (s, _) in enumerate(turns) if not is_helper(s)]
    helper = [i for i, (s, _) in enumerate(turns) if is_helper(s)]

    def prev_other(i: int) -> str:
        me = is_helper(turns[i][0])
        for j in range(i - 1, -1, -1):
            if is_helper(turns[j][0]) != me:
                return turns[j][1]
        return ""

    rows: list[dict] = [{"index": i, "speaker": s, "text": t} for i, (s, t) in enumerate(turns)]
    if person:
        texts = [turns[i][1] for i in person]
        anns = pipeline.annotate(texts)
        contexts = [format_context(turns[max(0, i - 3) : i]) for i in person]
        defenses = DefenseComponent().read(texts, contexts)
        talks = TalkComponent().read(texts, [prev_other(i) for i in person])
        for i, ann, d, k in zip(person, anns, defenses, talks, strict=True):
            ann.defense, ann.talk = d, k
            rows[i].update(role="person", annotation=ann.to_dict(include_text=False))
    if helper:
        readings = read_helper([turns[i][1] for i in helper], [prev_other(i) for i in helper])
        for i, reading in zip(helper, readings, strict=True):
            rows[i].update(role="helper", helper=asdict(reading))
    return rows


def summarise(rows: list[dict]) -> dict:
    """The transcript as a whole: utterances flagged, and the C-SSRS head over all of
    the person's turns (the level it was trained on)."""
    from talkcure.listen.risk_model import RiskHead

    person = [r for r in rows if r.get("role") == "person"]
    out = {"summary": True, "utterances": len(rows), "person_turns": len(person),
           "flagged_turns": [r["index"] for r in person if r["annotation"]["risk"]["flagged"]]}
    if person:
        head = RiskHead()
        score = head.person_score([r["text"] for r in person])
        out["person_risk"] = {"p_ideation_or_worse": round(score, 3),
                              "threshold": round(head.user_threshold, 3),
                              "above_threshold": score >= head.user_threshold}
    return out


def analyze_file(path: Path) -> tuple[list[dict], dict]:
    rows = analyze(read_transcript(path))
    return rows, summarise(rows)


def render_table(rows: list[dict], summary: dict | None = None) -> str:
    lines = []
    for row in rows:
        text = row["text"] if len(row["text"]) <= 70 else row["text"][:67] + "..."
        lines.append(f"[{row['index']}] {row['speaker']}: {text}")
        if row.get("role") == "helper":
            h = row["helper"]
            lines.append(f"    behaviour {h['behaviour']}; strategy {h['strategy']}; empathy "
                         f"ER {h['emotional_reactions']} IP {h['interpretations']} "
                         f"EX {h['explorations']}")
        else:
            a = row["annotation"]
            risk = a["risk"] or {}
            feelings = ", ".join(f"{x['emotion']} {x['intensity']:.2f}" for x in a["affects"])
            flag = "FLAGGED " + ",".join(risk.get("kinds", ())) if risk.get("flagged") else "no"
            lines.append(f"    risk {flag}; feelings {feelings or '—'}; "
                         f"defense {a['defense']['label']}; talk {a['talk']['kind']}")
            people = ", ".join(p["role"] for p in a["people"])
            if people:
                lines.append(f"    people {people}")
    if summary:
        flagged = ", ".join(str(i) for i in summary["flagged_turns"]) or "none"
        lines.append(f"turns flagged for risk: {flagged}")
        risk = summary.get("person_risk")
        if risk:
            verdict = "above" if risk["above_threshold"] else "below"
            lines.append(f"C-SSRS head over all the person's turns: P(Ideation or worse) "
                         f"{risk['p_ideation_or_worse']:.2f}, {verdict} the screening threshold "
                         f"{risk['threshold']:.2f} (a screening signal, not an assessment)")
    return "\n".join(lines)
