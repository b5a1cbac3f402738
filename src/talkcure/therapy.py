"""The session service: one call per patient turn.

listen -> remember -> plan -> word (or the crisis protocol) -> safety check ->
store, all of a turn committed in one transaction before the reply is returned.
Patient text is never logged.
"""

from __future__ import annotations

import copy
import logging
import unicodedata
from dataclasses import dataclass, field

from talkcure import settings
from talkcure.errors import TalkcureError
from talkcure.formulate.memory import CourseMemory
from talkcure.listen.pipeline import Pipeline, default_pipeline
from talkcure.listen.risk import assess_risk
from talkcure.measure_flow import course_opening_line
from talkcure.model import (
    Annotation,
    Intervention,
    InterventionKind,
    PatientInfo,
    RiskAssessment,
    SessionInfo,
    Speaker,
)
from talkcure.respond.crisis_resources import load_resources
from talkcure.respond.planner import Planner
from talkcure.respond.safety import CrisisProtocol, CrisisState, check_outgoing
from talkcure.respond.session_text import closing_text, opening_text, summarize
from talkcure.respond.state import CURRENT_TURN, SessionState
from talkcure.respond.wording.templates import TemplateWording
from talkcure.store import Store

log = logging.getLogger(__name__)
CONTEXT_TURNS = 3  # dialogue turns before an utterance that the context heads read


class MessageError(TalkcureError):
    """A message that can't be taken as it is. ``risk`` says whether it held risk language."""

    def __init__(self, message: str, risk: bool = False):
        super().__init__(message)
        self.risk = risk


def validate_message(text: str, limit: int = settings.MAX_MESSAGE_CHARS) -> str:
    """Return the message to use, or raise MessageError with what to do."""
    if text is None or not text.strip():
        raise MessageError("That message was empty; type what's on your mind, or /quit to stop.")
    if len(text) > limit:
        raise MessageError(
            f"That message is too long ({len(text):,} characters; the limit is {limit:,}); "
            "please send it in shorter parts.",
            risk=_risk_in(text),
        )
    bad = [c for c in text if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"}
           and c not in "\n\t"]
    if bad:
        raise MessageError(
            f"That message contains {len(bad)} control character(s) (e.g. U+{ord(bad[0]):04X}), "
            "which usually come from a paste or a terminal key; please type it again as plain "
            "text.",
            risk=_risk_in(text),
        )
    return text.strip()


def _risk_in(text: str) -> bool:
    try:
        return assess_risk(text).flagged
    except Exception:
        return True


@dataclass
class Reply:
    text: str
    plan: Intervention
    annotation: Annotation
    turn_ids: tuple[int, int]


@dataclass
class Conversation:
    """One open session of one person's course."""

    companion: Companion
    patient: PatientInfo
    session: SessionInfo
    state: SessionState
    memory: CourseMemory
    opening: str
    session_anns: list[Annotation] = field(default_factory=list)
    closed: bool = False
    # The session's last turns, (speaker, text), oldest first: the context the
    # defense and client-talk heads read (held in memory only, never logged).
    recent: list[tuple[str, str]] = field(default_factory=list)

    def reply(self, text: str) -> Reply:
        if self.closed:
            raise TalkcureError("This session is closed; start a new one with `talkcure chat`.")
        return self.companion._turn(self, validate_message(text))

    def flag_unsent(self, reason: str) -> None:
        """Flag the session for a message that was refused but held risk language."""
        self.companion.store.add_flag(self.session.id, "risk", "", reason)
        self.state.flagged = True

    def start_crisis(self, reason: str) -> str:
        """Enter the crisis protocol now (e.g. PHQ-9 item 9 above 0), flag the session and
        return the crisis reply; the person's next message continues the protocol."""
        risk = RiskAssessment(flagged=True, kinds=("suicide",), cues=("questionnaire",))
        out = self.companion.crisis.start(risk)
        self.state.crisis = out.state.to_dict()
        self.state.flagged = True
        if out.level:
            self.state.risk_level = out.level
        self.companion.store.add_flag(self.session.id, "risk", out.level or "", reason)
        return check_outgoing(out.text, InterventionKind.CRISIS.value, self.companion.resources)

    def close(self) -> str:
        if self.closed:
            return ""
        crisis = self.state.flagged or bool(self.state.crisis)
        summary = summarize(self.session_anns, self.memory, crisis, self.companion.lang)
        self.companion.store.close_session(self.session.id, summary)
        self.closed = True
        return closing_text(summary, self.companion.resources, self.companion.lang)


class Companion:
    def __init__(
        self,
        store: Store,
        *,
        pipeline: Pipeline | None = None,
        planner: Planner | None = None,
        locale: str | None = None,
        seed: int | None = None,
        lang: str = "en",
    ):
        self.store = store
        self.pipeline = pipeline or default_pipeline()
        self.planner = planner or Planner()
        self.locale = locale or settings.locale()
        self.seed = settings.seed() if seed is None else seed
        self.lang = lang
        self.resources = load_resources(self.locale)
        self.wording = TemplateWording(lang, self.seed)
        self.crisis = CrisisProtocol(self.locale, self.resources)

    # ------------------------------------------------------------------ sessions

    def open(self, patient_name: str) -> Conversation:
        name = " ".join((patient_name or "").split())
        if not name or len(name) > 100:
            raise TalkcureError("Give a name of 1 to 100 characters with --patient NAME.")
        patient = self.store.get_or_create_patient(name, self.locale)
        previous = self.store.sessions_of(patient.id)
        memory = CourseMemory()
        for info in previous:
            for turn in self.store.turns_of(info.id):
                if turn.speaker == Speaker.PATIENT and turn.annotation is not None:
                    memory.add(turn.annotation, turn.id, info.number, turn.index)
        state = SessionState(session_number=len(previous) + 1)
        for info in previous:
            old = SessionState.from_dict(self.store.session_state(info.id))
            state.rejected.extend(k for k in old.rejected if k not in state.rejected)
            for i in old.interpretations:  # with the keys of patterns sharing its components
                state.offered_before.extend(k for k in [i["key"], *i.get("related", ())]
                                            if k not in state.offered_before)
        session = self.store.start_session(patient.id, state.to_dict())
        state.session_number = session.number
        opening = opening_text(
            session.number, [s.summary for s in previous], self.resources, self.seed, self.lang,
            course_line=course_opening_line(self.store, patient.id, session.number),
        )
        return Conversation(self, patient, session, state, memory, opening)

    # ------------------------------------------------------------------ one turn

    def _turn(self, conv: Conversation, text: str) -> Reply:
        state = copy.deepcopy(conv.state)  # committed only once the turn is stored
        state.turn += 1
        index = state.turn * 2 - 1
        ann = self.pipeline.annotate_one(text, context=conv.recent[-CONTEXT_TURNS:])
        self.planner.record_response(ann, state)
        memory = conv.memory
        memory.add(ann, CURRENT_TURN, state.session_number, index)
        try:
            plan = self.planner.plan(ann, memory, state)
            flag = None
            if plan.kind == InterventionKind.CRISIS:
                reply_text, flag = self._crisis(plan, ann, text, state)
            else:
                reply_text, variant = self.wording.word(
                    plan, state.variants, (self.seed, state.session_number, state.turn)
                )
                state.variants.append(variant)
            reply_text = check_outgoing(reply_text, plan.kind.value, self.resources)
            state.kinds.append(plan.kind.value)
            ids = self.store.record_exchange(
                conv.session.id, text, ann, plan, reply_text, state.to_dict(), flag
            )
        except BaseException:
            memory.forget(CURRENT_TURN)
            raise
        memory.relabel(CURRENT_TURN, ids[0])
        plan.evidence = [ids[0] if e == CURRENT_TURN else e for e in plan.evidence]
        conv.state = state
        conv.session_anns.append(ann)
        conv.recent = [*conv.recent, ("seeker", text), ("supporter", reply_text)][-CONTEXT_TURNS:]
        log.info("turn %s of session %s: %s", state.turn, conv.session.id, plan.kind.value)
        return Reply(reply_text, plan, ann, ids)

    def _crisis(self, plan: Intervention, ann: Annotation, text: str, state: SessionState):
        risk = ann.risk or assess_risk(text)
        current = CrisisState.from_dict(state.crisis) if state.crisis else None
        if current is not None and current.active:
            out = self.crisis.respond(current, text, risk)
        else:
            out = self.crisis.start(risk)
        state.crisis = out.state.to_dict()
        state.flagged = True
        if out.level:
            state.risk_level = out.level
        plan.crisis_step = out.step
        plan.reasons.append(f"crisis protocol step: {out.step}")
        if out.level:
            plan.reasons.append(f"risk graded {out.level} from the screening answers")
        flag = {
            "kind": "risk",
            "level": out.level or "",
            "reason": out.flag_reason or "risk language; crisis protocol started",
        }
        return out.text, flag
