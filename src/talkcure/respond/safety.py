"""The crisis protocol (METHOD §6) and the last check on every outgoing reply.

Pure: no I/O besides reading package data. :class:`CrisisProtocol` is a small
state machine whose whole state is a :class:`CrisisState` (serialisable with
``to_dict``/``from_dict``), so a session can be stored between turns.

Two paths, chosen by the kinds of risk read from the message:

- suicide / self-harm (or a failed risk check): acknowledge, say plainly this is
  a program, give the locale's crisis lines, encourage contacting a person now,
  then ask the C-SSRS screener in order (INSTRUMENTS.md): 1, 2; if 2 is yes, 3,
  4, 5; then 6. Graded: yes to 4, 5 or a recent 6 -> high; yes to 3 (or a 6
  that was clearly long ago) -> moderate; yes to 1-2 only -> low; all no ->
  low, screen negative. Every level gets resources; moderate and high get an
  urgent, direct push to contact emergency help or a crisis line now.
- abuse / harm to others / acute emergency: ask directly whether they are safe
  right now, with the emergency number and the relevant lines.

Imminent risk or an emergency leads with "Please call <emergency> now" and
grades at least high. An unclear answer is asked again, gently, never guessed;
after two unclear answers, or a refusal, the questions stop and the grade is at
least moderate. New risk language in an answer is never ignored: imminent or
emergency language jumps straight to urgent resources. Every crisis reply names
at least one configured contact. Wording lives in ``data/crisis/protocol_en.yaml``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from talkcure.listen.risk import lexicon, normalise
from talkcure.model import RiskAssessment
from talkcure.respond.crisis_resources import LocaleResources, Resource, load_resources

CSSRS = ("cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6")
SAFETY = "safety"
GRADED = "graded"
LEVELS = ("", "low", "moderate", "high")
SCREENED_KINDS = ("suicide", "self_harm", "unknown")
CRISIS_KIND = "crisis"


# Rule cues that mean an overdose was taken or named (the reply says harm can come hours later).
OVERDOSE_CUES = ("took_overdose", "overdose_word", "field_overdose_taken")

@dataclass
class CrisisState:
    active: bool = False
    kinds: list[str] = field(default_factory=list)
    step: str = ""  # the question waiting for an answer: cssrs_1..cssrs_6, safety, graded
    answers: dict[str, bool | None] = field(default_factory=dict)
    level: str = ""  # "" until graded, then low | moderate | high
    attempts_unclear: int = 0  # unclear answers to the current question
    completed: bool = False
    urgent: bool = False  # imminent or emergency language seen: at least high
    overdose: bool = False  # an overdose was mentioned: say that harm can come hours later

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CrisisState:
        names = {f.name for f in fields(cls)}
        state = cls(**{k: v for k, v in (data or {}).items() if k in names})
        state.kinds = list(state.kinds)
        state.answers = dict(state.answers)
        return state


@dataclass
class CrisisReply:
    text: str
    step: str  # what this reply did: start, cssrs_1..cssrs_6, safety, graded
    state: CrisisState
    level: str = ""
    flag_reason: str = ""  # short, for the clinician flag; never patient text
    resources_named: list[str] = field(default_factory=list)


@cache
def _wording() -> dict[str, Any]:
    path = files("talkcure") / "data" / "crisis" / "protocol_en.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _answer_patterns() -> dict[str, re.Pattern[str]]:
    return {k: re.compile(v) for k, v in _wording()["answers"].items()}


def _max_level(*levels: str) -> str:
    return max(levels, key=LEVELS.index)


# --------------------------------------------------------------------------- answers


def interpret(text: str, assessment: RiskAssessment | None = None) -> str:
    """A screening answer as "yes", "no", "unclear" or "refused" (conservative: any yes wins)."""
    pats = _answer_patterns()
    norm = normalise(text or "")
    if pats["refuse"].search(norm):
        return "refused"
    if assessment is not None and assessment.flagged and "suicide" in assessment.kinds:
        return "yes"
    if pats["yes"].search(pats["no_phrases"].sub(" no ", norm)):
        return "yes"
    if pats["unclear"].search(norm) or not norm:
        return "unclear"
    if pats["no"].search(norm) or pats["no_phrases"].search(norm):
        return "no"
    return "unclear"


def interpret_safety(text: str) -> str:
    """An answer to "are you safe right now?": "safe", "unsafe", "unclear" or "refused"."""
    pats = _answer_patterns()
    norm = normalise(text or "")
    if pats["refuse"].search(norm):
        return "refused"
    if pats["unsafe"].search(norm):
        return "unsafe"
    if pats["hedge"].search(norm) or not norm:
        return "unclear"
    if pats["safe"].search(norm):
        return "safe"
    return "unclear"


def _long_ago(text: str) -> bool:
    return lexicon().contexts["remote_past"].search(normalise(text or "")) is not None


# --------------------------------------------------------------------------- protocol


class CrisisProtocol:
    def __init__(self, locale: str = "US", resources: LocaleResources | None = None,
                 seed: int = 0):
        self.resources = resources or load_resources(locale)
        self.locale = self.resources.locale
        self.seed = seed
        self.w = _wording()

    # ------------------------------------------------------------------ helpers

    def _pick(self, options: list[str], *key: str) -> str:
        digest = zlib.crc32("|".join((*key, str(self.seed))).encode("utf-8"))
        return options[digest % len(options)]

    def _fmt(self, template: str, **extra: str) -> str:
        res = self.resources
        return template.format(
            emergency=res.emergency_phrase, action=res.primary.action, name=res.primary.name,
            **extra,
        )

    def _lines(self, kinds: list[str], abuse_first: bool = False) -> list[Resource]:
        abuse = self.resources.abuse if "abuse" in kinds else []
        crisis = list(self.resources.resources)
        return [*abuse, *crisis] if abuse_first else [*crisis, *abuse]

    def _block(self, kinds: list[str], abuse_first: bool = False) -> tuple[str, list[str]]:
        lines = self._lines(kinds, abuse_first)
        text = "\n".join(f"- {r.line()}" for r in lines)
        text += "\n- " + self._fmt(self.w["emergency_line"])
        return text, [r.contact for r in lines] + [self.resources.emergency]

    def _reminder(self) -> tuple[str, list[str]]:
        return self._fmt(self.w["reminder"]), [self.resources.primary.contact]

    def _ack(self, kinds: list[str]) -> str:
        order = ("emergency", "suicide", "self_harm", "abuse", "harm_to_others", "unknown")
        main = next((k for k in order if k in kinds), "unknown")
        return self._pick(self.w["acknowledge"][main], "ack", *kinds)

    def _reply(self, parts: list[str], contacts: list[str], step: str, state: CrisisState,
               reason: str) -> CrisisReply:
        text = "\n\n".join(p for p in parts if p)
        named = [c for c in dict.fromkeys(contacts) if c in text]
        return CrisisReply(text, step, state, state.level, reason, named)

    # ------------------------------------------------------------------ start

    def start(self, assessment: RiskAssessment) -> CrisisReply:
        kinds = [k for k in assessment.kinds if k] or ["unknown"]
        urgent = assessment.imminent or "emergency" in kinds
        overdose = any(c in assessment.cues for c in OVERDOSE_CUES)
        screened = bool(set(kinds) & set(SCREENED_KINDS)) and "emergency" not in kinds
        step = CSSRS[0] if screened else SAFETY
        state = CrisisState(active=True, kinds=kinds, step=step, urgent=urgent, overdose=overdose)
        w = self.w
        parts = []
        if urgent:
            lead = self._fmt(w["call_now"])
            if overdose:
                lead += " " + w["overdose"]
            parts.append(lead)
        parts.append(f"{self._ack(kinds)} {self._fmt(w['program'])}")
        block, contacts = self._block(kinds, abuse_first=not screened)
        parts.append(f"{w['resources_intro']}\n{block}")
        if screened:
            parts.append(w["encourage"])
            intro = w["screen_intro_urgent" if urgent else "screen_intro"]
            parts.append(f"{intro} {w['questions'][step]}")
        else:
            main = next(k for k in ("emergency", "abuse", "harm_to_others") if k in kinds)
            extra = w["safety"]["extra"].get(main, "")
            parts.append(" ".join(p for p in (extra, w["encourage"]) if p))
            parts.append(w["safety"]["questions"][main])
        reason = f"risk language ({', '.join(kinds)}){'; imminent' if urgent else ''}"
        return self._reply(parts, contacts, "start", state, reason)

    # ------------------------------------------------------------------ respond

    def respond(self, state: CrisisState, text: str, assessment: RiskAssessment) -> CrisisReply:
        """Take the answer to the pending question and move the protocol on."""
        if not state.active or state.completed:
            if assessment.flagged:
                return self.start(assessment)
            kinds = tuple(state.kinds) or ("unknown",)
            return self.start(RiskAssessment(flagged=True, kinds=kinds))
        state = CrisisState.from_dict(state.to_dict())
        new = []
        if assessment.flagged:
            new = [k for k in assessment.kinds if k not in state.kinds and k != "unknown"]
            state.kinds.extend(new)
            if any(c in assessment.cues for c in OVERDOSE_CUES):
                state.overdose = True
            if assessment.imminent or "emergency" in assessment.kinds:
                state.urgent = True
                return self._close(state, "urgent")
        if state.step == SAFETY:
            return self._respond_safety(state, text)
        answer = interpret(text, assessment)
        if answer == "refused":
            return self._close(state, "refused")
        if answer == "unclear":
            state.attempts_unclear += 1
            if state.attempts_unclear >= 2:
                return self._close(state, "unclear")
            return self._ask(state, state.step, again=True, new=new)
        state.answers[state.step] = answer == "yes"
        state.attempts_unclear = 0
        if state.step == "cssrs_6" and answer == "yes":
            state.answers["cssrs_6_recent"] = not _long_ago(text)
        nxt = self._next(state)
        if nxt is None:
            return self._close(state, "screened")
        return self._ask(state, nxt, answer=answer, new=new)

    @staticmethod
    def _next(state: CrisisState) -> str | None:
        step = state.step
        if step == "cssrs_2":
            return "cssrs_3" if state.answers.get("cssrs_2") else "cssrs_6"
        if step == "cssrs_6":
            return None
        return CSSRS[CSSRS.index(step) + 1]

    def _ask(self, state: CrisisState, step: str, *, again: bool = False, answer: str = "",
             new: list[str] | None = None) -> CrisisReply:
        w = self.w
        state.step = step
        parts = []
        if again:
            parts.append(w["rephrase"][step])
        else:
            ack = self._pick(w["answer_ack"][answer], "answer", step) if answer else ""
            parts.append(" ".join(p for p in (ack, w["answer_ack"]["next"],
                                              w["questions"][step]) if p))
        contacts: list[str] = []
        for kind in new or ():
            parts.insert(0, w["new_kind"].get(kind, ""))
        if set(new or ()) & {"abuse", "harm_to_others"}:
            block, contacts = self._block(state.kinds, abuse_first="abuse" in (new or ()))
            parts.insert(1, block)
        reminder, more = self._reminder()
        parts.append(reminder)
        return self._reply(parts, contacts + more, step, state, "screening in progress")

    # ------------------------------------------------------------------ safety path

    def _respond_safety(self, state: CrisisState, text: str) -> CrisisReply:
        answer = interpret_safety(text)
        if answer == "unclear":
            state.attempts_unclear += 1
            if state.attempts_unclear < 2:
                reminder, contacts = self._reminder()
                parts = [self.w["safety"]["rephrase"], reminder]
                return self._reply(parts, contacts, SAFETY, state, "safety check in progress")
        state.answers[SAFETY] = answer == "safe" if answer in ("safe", "unsafe") else None
        return self._close(state, answer)

    # ------------------------------------------------------------------ closing

    def _reasons(self, state: CrisisState) -> tuple[str, str]:
        """(level from the screen answers, what the answers showed, in words)."""
        a = state.answers
        said = [k for k in CSSRS[:5] if a.get(k)]
        if a.get("cssrs_6"):
            said.append("cssrs_6_recent" if a.get("cssrs_6_recent", True) else "cssrs_6_past")
        if {"cssrs_4", "cssrs_5", "cssrs_6_recent"} & set(said):
            level = "high"
        elif {"cssrs_3", "cssrs_6_past"} & set(said):
            level = "moderate"
        else:
            level = "low"
        defining = {"high": ("cssrs_4", "cssrs_5", "cssrs_6_recent"),
                    "moderate": ("cssrs_3", "cssrs_6_past"), "low": ("cssrs_2", "cssrs_1")}
        said = [k for k in said if k in defining[level]]  # only what set the level
        if "cssrs_2" in said:
            said = ["cssrs_2"]  # thoughts of killing yourself say more than wishing
        words = [self.w["reasons"][k] for k in said]
        if len(words) > 2:
            return level, ", ".join(words[:-1]) + ", and " + words[-1]
        return level, " and ".join(words)

    def _close(self, state: CrisisState, how: str) -> CrisisReply:
        w = self.w
        c = w["closing"]
        screened = state.step != SAFETY
        level, reasons = self._reasons(state) if screened else ("moderate", "")
        screened_level = level
        if state.urgent:
            level = "high"
        if how in ("refused", "unclear"):
            level = _max_level(level, "moderate")
        if not screened and how == "unsafe":
            level = "high"
        state.level = level
        state.active, state.completed, state.step = False, True, GRADED
        block, contacts = self._block(state.kinds, abuse_first=not screened)
        parts: list[str] = []
        if how == "urgent":
            lead = self._fmt(c["urgent"])
            parts += [lead + (" " + w["overdose"] if state.overdose else ""), block,
                      c["end_urgent"]]
            reason = f"imminent risk language during the {'screen' if screened else 'check'}"
        elif screened and how == "screened":
            key = level if (level != "low" or reasons) else "negative"
            if level == "high" and screened_level != "high":
                key = "high_earlier"  # the answers alone were lower; the first message wasn't
            parts += [self._fmt(c[key], reasons=reasons), block]
            if "self_harm" in state.kinds and level == "low":
                parts.append(c["self_harm_note"])
            parts += [self._fmt(c[k]) for k, kind in (("abuse_note", "abuse"),
                                                       ("harm_note", "harm_to_others"))
                      if kind in state.kinds]
            parts.append(c["end_urgent"] if level == "high" else c["end"])
            reason = f"C-SSRS screen: {level}" + (" (negative)" if key == "negative" else "")
        elif screened:
            parts += [self._fmt(c[how]), block, c["end"]]
            reason = f"C-SSRS screen stopped ({how}): graded {level}"
        else:
            main = next((k for k in ("emergency", "abuse", "harm_to_others")
                         if k in state.kinds), "abuse")
            s = w["safety"]
            if how == "safe":
                lead = self._fmt(s["safe"][main])
            elif how == "unsafe":
                lead = self._fmt(s["unsafe"][main])
            else:
                lead = self._fmt(s[how])
            if state.overdose and how != "safe":
                lead += " " + w["overdose"]
            parts += [lead, block, s["end"]]
            reason = f"safety check: {how}; graded {level}"
        return self._reply(parts, contacts, GRADED, state, reason)


# --------------------------------------------------------------------------- outgoing check

_HUMAN = re.compile(
    r"\b(?:i\s+am|i['’]?m|im)\s+(?:also\s+|just\s+|only\s+)?(?:a\s+|an\s+)?"
    r"(?:real\s+|actual\s+|living\s+|licensed\s+|qualified\s+|trained\s+)?"
    r"(?:human(?:\s+being)?|person|therapist|doctor|psychologist|psychiatrist|counsell?or|"
    r"clinician|nurse|psychotherapist)\b"
    r"|\bas\s+(?:a|your)\s+(?:human|therapist|doctor|psychologist|psychiatrist|counsell?or|"
    r"clinician)\b",
    re.IGNORECASE,
)
_DIAGNOSIS = re.compile(
    r"\byou\s*(?:['’]re|are|have|['’]ve\s+got|have\s+got|suffer\s+from|are\s+suffering\s+from|"
    r"(?:clearly|probably|definitely|obviously|must|likely)\s+(?:have|are))\s+"
    r"(?:a\s+|an\s+)?(?:case\s+of\s+)?(?:clinical(?:ly)?\s+|severe\s+|major\s+|chronic\s+)?"
    r"(?:depression|depressed|bipolar|bpd|borderline|ptsd|c-ptsd|adhd|ocd|schizophreni\w*|"
    r"psychosis|psychotic|autism|autistic|anorexi\w*|bulimi\w*|narcissis\w*|narcissist|"
    r"(?:\w+\s+)?disorder|manic)\b",
    re.IGNORECASE,
)
_CLINICAL_DEPRESSED = re.compile(r"\bclinical(?:ly)?\s+depress", re.IGNORECASE)
_MEDICATION = re.compile(
    r"\b(?:stop|quit|come\s+off|start|increase|decrease|double|halve|reduce|skip|lower|raise|"
    r"up|cut\s+down|cut\s+back\s+on|taper|switch|change)\s+(?:taking\s+)?(?:your|the|those|these)"
    r"\s+(?:\w+\s+)?(?:dose|dosage|meds|medication|medications|medicine|pills|tablets|"
    r"antidepressants?|prescription)\b"
    r"|\bstop\s+taking\s+(?:your|the)\b"
    r"|\b(?:you\s+should|try|start)\s+taking\s+(?:\w+\s+)?(?:\d+\s*mg|pills?|tablets?|"
    r"medication|meds|melatonin|antidepressants?|supplements?|ibuprofen|paracetamol)\b"
    r"|\b(?:take|try)\s+(?:an?\s+extra|more|less|double|\d+\s*(?:mg|milligrams))\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])(\s+)")


def _replacements() -> dict[str, str]:
    return _wording()["outgoing"]


def check_outgoing(text: str, kind: str, resources: LocaleResources | None = None) -> str:
    """The last check on every outgoing reply; returns the text to send.

    Sentences that claim to be human, diagnose, or advise on medication are
    replaced by a safe sentence (once per kind of problem). A crisis reply
    (``kind == "crisis"``) that names no configured contact gets the resources
    appended.
    """
    resources = resources or load_resources("US")
    safe = _replacements()
    pieces = _SENTENCES.split(text or "")
    used: set[str] = set()
    out = []
    for piece in pieces:
        problem = None
        if _HUMAN.search(piece):
            problem = "human"
        elif _DIAGNOSIS.search(piece) or _CLINICAL_DEPRESSED.search(piece):
            problem = "diagnosis"
        elif _MEDICATION.search(piece):
            problem = "medication"
        if problem is None:
            out.append(piece)
        elif problem not in used:
            used.add(problem)
            out.append(safe[problem])
    result = "".join(out).strip()
    if kind == CRISIS_KIND and not any(c in result for c in resources.contacts):
        lines = "\n".join(f"- {r.line()}" for r in resources.resources)
        lines += f"\n- Emergency services: call {resources.emergency_phrase}"
        result = (result + "\n\n" if result else "") + f"{safe['resources_intro']}\n{lines}"
    return result
