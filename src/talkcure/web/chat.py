"""Conversations in the web app: the same :class:`~talkcure.therapy.Conversation` as
the CLI, resumed from the store by whichever app server gets the request.

A person has at most one open session; each message goes through
``Conversation.reply`` (listen, plan, word or crisis protocol, safety check,
one transaction). Conversations are cached per process; before a cached one is
used, its state is compared with the stored state and, if another process moved
the session on, it is rebuilt from the store. Turns of one person are handled
one at a time per process (a lock); across processes the store's session row
lock keeps turn indices distinct.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from talkcure.formulate.memory import CourseMemory
from talkcure.measure_flow import course_opening_line
from talkcure.model import InterventionKind, PatientInfo, SessionInfo, Speaker
from talkcure.respond.session_text import opening_text
from talkcure.respond.state import SessionState
from talkcure.store.people import open_session_of, save_state
from talkcure.therapy import CONTEXT_TURNS, Companion, Conversation, MessageError, Reply

MAX_CACHED = 1000


@dataclass
class Exchange:
    """What the web shows after one message."""

    reply: Reply | None
    crisis: bool
    error: str = ""
    risk: bool = False  # a refused message held risk language: show the contacts
    session_id: int = 0


def resume(companion: Companion, patient: PatientInfo, session: SessionInfo) -> Conversation:
    """Rebuild an open session's Conversation from the store (as ``Companion.open`` builds
    a new one): the course memory, this session's annotations and its stored state."""
    store = companion.store
    sessions = [s for s in store.sessions_of(patient.id) if s.number <= session.number]
    memory = CourseMemory()
    anns = []
    recent: list[tuple[str, str]] = []
    for info in sessions:
        for turn in store.turns_of(info.id):
            if turn.speaker == Speaker.PATIENT and turn.annotation is not None:
                memory.add(turn.annotation, turn.id, info.number, turn.index)
                if info.id == session.id:
                    anns.append(turn.annotation)
            if info.id == session.id:
                role = "seeker" if turn.speaker == Speaker.PATIENT else "supporter"
                recent.append((role, turn.text))
    state = SessionState.from_dict(store.session_state(session.id))
    state.session_number = session.number
    previous = [s.summary for s in sessions if s.number < session.number]
    opening = opening_text(
        session.number, previous, companion.resources, companion.seed, companion.lang,
        course_line=course_opening_line(store, patient.id, session.number),
    )
    return Conversation(companion, patient, session, state, memory, opening, anns,
                        recent=recent[-CONTEXT_TURNS:])


def _same_state(conv: Conversation, stored: dict) -> bool:
    mine = json.dumps(conv.state.to_dict(), sort_keys=True)
    return mine == json.dumps(stored, sort_keys=True)


class ChatHub:
    def __init__(self, companion: Companion, max_cached: int = MAX_CACHED):
        self.companion = companion
        self.store = companion.store
        self.max_cached = max_cached
        self._cache: OrderedDict[int, Conversation] = OrderedDict()  # by patient id
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, patient_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(patient_id, threading.Lock())

    def _remember(self, conv: Conversation) -> Conversation:
        with self._guard:
            self._cache[conv.patient.id] = conv
            self._cache.move_to_end(conv.patient.id)
            while len(self._cache) > self.max_cached:
                self._cache.popitem(last=False)
        return conv

    def forget(self, patient_id: int) -> None:
        with self._guard:
            self._cache.pop(patient_id, None)

    def current(self, patient: PatientInfo) -> Conversation | None:
        """The person's open session, up to date with the store; None if there is none."""
        session = open_session_of(self.store, patient.id)
        if session is None:
            self.forget(patient.id)
            return None
        with self._guard:
            conv = self._cache.get(patient.id)
        if (conv is not None and conv.session.id == session.id and not conv.closed
                and _same_state(conv, self.store.session_state(session.id))):
            conv.session = session  # flags may have changed
            return conv
        return self._remember(resume(self.companion, patient, session))

    def start(self, patient: PatientInfo) -> Conversation:
        """The open session, or a new one."""
        conv = self.current(patient)
        if conv is None:
            conv = self._remember(self.companion.open(patient.name))
        return conv

    def send(self, patient: PatientInfo, text: str) -> Exchange:
        """One message of the person, answered like in ``talkcure chat``."""
        with self.lock(patient.id):
            conv = self.start(patient)
            try:
                reply = conv.reply(text)
            except MessageError as err:
                if err.risk:
                    conv.flag_unsent("risk language in a message that could not be accepted")
                    save_state(self.store, conv.session.id, conv.state.to_dict())
                return Exchange(None, err.risk, str(err), err.risk, conv.session.id)
            except BaseException:
                self.forget(patient.id)  # rebuilt from the store next time
                raise
        return Exchange(reply, reply.plan.kind == InterventionKind.CRISIS,
                        session_id=conv.session.id)

    def start_crisis(self, patient: PatientInfo, reason: str) -> str:
        """Begin the crisis protocol in the open (or a new) session and store its state."""
        with self.lock(patient.id):
            conv = self.start(patient)
            text = conv.start_crisis(reason)
            save_state(self.store, conv.session.id, conv.state.to_dict())
        return text

    def close(self, patient: PatientInfo) -> str | None:
        """Close the open session with its summary; None if none was open."""
        with self.lock(patient.id):
            conv = self.current(patient)
            if conv is None:
                return None
            text = conv.close()
            self.forget(patient.id)
        return text
