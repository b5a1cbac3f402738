"""Hand-built annotations and one service-like turn, shared by the planner tests."""

from __future__ import annotations

from talkcure.model import Affect, Annotation, PersonMention, RiskAssessment, TimeOrientation

SAFE = RiskAssessment.none()


def ann(text, feeling=None, group="sadness", intensity=0.6, person=None, category="family",
        risk=SAFE, childhood=False, **kw):
    """An annotation as the listening pipeline would fill it: the feeling and the person
    with their spans in ``text``; other attributes (``defense``, ``talk``...) by keyword."""
    affects = ()
    if feeling:
        i = text.lower().find(feeling)
        emotion = kw.pop("emotion", group)
        affects = (Affect(emotion, group, intensity, feeling, i, i + len(feeling)),)
    people = ()
    if person:
        i = text.lower().find(person)
        people = (PersonMention(person, category, person, i, i + len(person)),)
    time = TimeOrientation(past=childhood, childhood=childhood)
    return Annotation(text=text, risk=risk, affects=affects, people=people, time=time, **kw)


def run(planner, memory, state, a, turn_id):
    """One turn as the service runs it: count it, remember it, plan it."""
    state.turn += 1
    planner.record_response(a, state)
    memory.add(a, turn_id, state.session_number, state.turn * 2 - 1)
    plan = planner.plan(a, memory, state)
    state.kinds.append(plan.kind.value)
    return plan
