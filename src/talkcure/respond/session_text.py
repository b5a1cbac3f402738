"""Session openings and closings: the summary for the person and what carries forward."""

from __future__ import annotations

from collections import Counter

from talkcure.formulate.memory import CourseMemory, clause_around
from talkcure.model import NEGATIVE_GROUPS, Annotation, SessionSummary
from talkcure.respond.wording.templates import (
    feeling_word,
    load_templates,
    person_phrase,
    quote_phrase,
    stable_index,
)

# GoEmotions labels that are stances or wants rather than feelings to hand back to a person
NOT_FEELINGS = frozenset({"desire", "curiosity", "approval", "realization", "admiration",
                          "caring"})


def join_words(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def resources_phrase(resources) -> str:
    """"988 (call or text) or emergency services on 911" from LocaleResources."""
    parts = []
    for res in list(getattr(resources, "resources", []))[:2]:
        parts.append(f"{res.name} ({res.contact})")
    emergency = getattr(resources, "emergency", "")
    if emergency:
        parts.append(f"emergency services ({emergency})")
    return join_words(parts) if parts else "your local emergency number"


def summarize(session_anns: list[Annotation], memory: CourseMemory, crisis: bool,
              lang: str = "en") -> SessionSummary:
    """What the person said this session, in words ready to show them."""
    feelings: Counter[str] = Counter()
    strongest: dict[str, tuple[float, str]] = {}
    people: Counter[str] = Counter()
    quotes: list[tuple[float, str]] = []
    for ann in session_anns:
        for a in ann.affects:  # feelings the person named (not only inferred by a head)
            if a.emotion in NOT_FEELINGS or not a.stated:
                continue
            word = feeling_word(a.cue, a.emotion, lang)
            feelings[word] += 1
            strongest[word] = max(strongest.get(word, (0.0, "")), (a.intensity, a.group))
        for p in ann.people:
            if p.category != "companion":
                people[p.role] += 1
        negative = [a for a in ann.affects if a.group in NEGATIVE_GROUPS and a.stated]
        if negative:
            a = max(negative, key=lambda x: x.intensity)
            q = quote_phrase(clause_around(ann.text, a.start, a.end), max_words=14)
            if q:
                quotes.append((a.intensity + 0.2 * bool(ann.people), q))
    roles_now = set(people)
    themes = [
        person_phrase(t.label) if t.key.startswith("person:") else t.label
        for t in memory.recurring()
        if (t.key.startswith("person:") and t.label in roles_now)
        or (t.key.startswith("feeling:") and feeling_word(t.label, t.key[8:], lang) in feelings)
    ][:3]
    quotes.sort(key=lambda x: -x[0])
    summary = SessionSummary(
        feelings=[w for w, _ in feelings.most_common(4)],
        people=[r for r, _ in people.most_common(4)],
        themes=themes,
        quotes=[q for _, q in quotes[:2]],
        crisis=crisis,
    )
    summary.carry_forward = carry_forward(summary, strongest, lang)
    return summary


def carry_forward(summary: SessionSummary, strongest: dict[str, tuple[float, str]],
                  lang: str = "en") -> str:
    t = load_templates(lang)["sessions"]
    negative = [w for w in summary.feelings if strongest.get(w, (0, ""))[1] in NEGATIVE_GROUPS]
    feeling = negative[0] if negative else (summary.feelings[0] if summary.feelings else "")
    if feeling and summary.people:
        return t["carry_pattern"].format(feeling=feeling, person=person_phrase(summary.people[0]))
    if feeling:
        return t["carry_feeling"].format(feeling=feeling)
    if summary.people:
        return t["carry_person"].format(person=person_phrase(summary.people[0]))
    return t["carry_plain"]


def closing_text(summary: SessionSummary, resources, lang: str = "en") -> str:
    t = load_templates(lang)["sessions"]
    lines = [t["closing_intro"]]
    if summary.feelings:
        lines.append(t["closing_feelings"].format(feelings=join_words(summary.feelings)))
    if summary.people:
        lines.append(t["closing_people"].format(
            people=join_words([person_phrase(p) for p in summary.people])))
    if summary.themes:
        lines.append(t["closing_themes"].format(themes=join_words(summary.themes)))
    if not (summary.feelings or summary.people):
        lines.append(t["closing_none"])
    lines.append(summary.carry_forward)
    if summary.crisis:
        lines.append(t["crisis_closing_note"].format(resources=resources_phrase(resources)))
    lines.append(t["closing_end"].format(resources=resources_phrase(resources)))
    return "\n".join(lines)


def opening_text(number: int, previous: list[SessionSummary | None], resources,
                 seed: int = 0, lang: str = "en", course_line: str = "") -> str:
    """The greeting; from the second session on it refers back to earlier sessions.
    ``course_line`` (where the treatment course stands, what is due) goes before the
    closing question."""
    text = _opening(number, previous, resources, seed, lang)
    if not course_line:
        return text
    lines = text.split("\n")
    return "\n".join([*lines[:-1], course_line, lines[-1]])


def _opening(number: int, previous: list[SessionSummary | None], resources,
             seed: int = 0, lang: str = "en") -> str:
    t = load_templates(lang)["sessions"]
    res = resources_phrase(resources)
    if number == 1 or not any(previous):
        return t["first_opening"].format(resources=res).strip()
    lines = [t["returning_opening"].format(number=number, resources=res).strip()]
    last = previous[-1]
    if last is not None:
        material = _material_phrase(last)
        if material:
            lines.append(t["recall_last"].format(last_material=material))
    first = previous[0]
    if number >= 3 and first is not None:
        if first.quotes:
            lines.append(t["recall_first"].format(first_quote=first.quotes[0]))
        elif _material_phrase(first):
            lines.append(f"In our first conversation you talked about {_material_phrase(first)}.")
    questions = t["returning_question"]
    lines.append(questions[stable_index(len(questions), seed, number)])
    return "\n".join(lines)


def _material_phrase(summary: SessionSummary) -> str:
    parts = []
    if summary.people:
        parts.append(join_words([person_phrase(p) for p in summary.people[:2]]))
    if summary.feelings:
        parts.append("feeling " + join_words(summary.feelings[:2]))
    return ", and ".join(parts)
