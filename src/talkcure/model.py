"""The conversation model: plain, typed dataclasses shared by every layer.

No I/O here and no imports from the rest of talkcure. Everything is
serialisable with :func:`to_dict` / the ``from_dict`` class methods so the
store can persist it (encrypted) and ``talkcure show`` can print it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class Speaker(StrEnum):
    PATIENT = "patient"
    COMPANION = "companion"


class InterventionKind(StrEnum):
    """METHOD §4: the expressive–supportive continuum, plus the crisis protocol.

    Ordered from most expressive to most supportive; ``CRISIS`` stands apart.
    """

    INTERPRETATION = "interpretation"
    CONFRONTATION = "confrontation"
    CLARIFICATION = "clarification"
    ELABORATION = "elaboration"
    VALIDATION = "validation"
    GUIDANCE = "guidance"  # psychoeducation, advice, coping skills
    AFFIRMATION = "affirmation"
    CRISIS = "crisis"

    @property
    def expressive(self) -> bool:
        return self in EXPRESSIVE_KINDS


EXPRESSIVE_KINDS = frozenset(
    {
        InterventionKind.INTERPRETATION,
        InterventionKind.CONFRONTATION,
        InterventionKind.CLARIFICATION,
        InterventionKind.ELABORATION,
    }
)


# --------------------------------------------------------------------------- annotations


@dataclass(frozen=True)
class Affect:
    """One emotion the speaker expresses about themself (GoEmotions label)."""

    emotion: str  # GoEmotions label, e.g. "sadness"
    group: str  # Ekman group: anger, disgust, fear, joy, sadness, surprise, neutral
    intensity: float  # 0..1
    cue: str  # the words that carried it, as written
    start: int = 0
    end: int = 0

    @property
    def stated(self) -> bool:
        """Said in the person's own words (the cue is a span of the text), not only
        inferred from the whole utterance by a learned head."""
        return self.end > self.start


@dataclass(frozen=True)
class PersonMention:
    """A significant other the patient speaks of."""

    role: str  # "mother", "partner", "boss", "companion", ...
    category: str  # family | partner | work | friend | companion | professional | other
    cue: str
    start: int = 0
    end: int = 0
    plural: bool = False


@dataclass(frozen=True)
class TimeOrientation:
    past: bool = False
    present: bool = False
    future: bool = False
    childhood: bool = False
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllianceCue:
    """Words about the therapy relationship (the companion, this conversation)."""

    kind: str  # expectation | disappointment | fear_of_judgement | agreement | rupture | gratitude
    cue: str


@dataclass(frozen=True)
class FantasyCue:
    kind: str  # dream | daydream | wish | what_if
    cue: str


@dataclass(frozen=True)
class RiskAssessment:
    """Output of the risk component. ``flagged`` routes the reply to the crisis protocol."""

    flagged: bool
    kinds: tuple[str, ...] = ()  # suicide | self_harm | harm_to_others | abuse | emergency
    cues: tuple[str, ...] = ()  # matched phrasings (rule names, not patient text)
    imminent: bool = False  # plan, means at hand, attempt in progress, "tonight"
    error: bool = False  # the component failed and failed closed

    @classmethod
    def none(cls) -> RiskAssessment:
        return cls(flagged=False)


@dataclass(frozen=True)
class DefenseReading:
    """DMRS defense level of a patient utterance (PsyDefConv head, with context)."""

    level: int  # 0 none, 1 action ... 7 high-adaptive (mature), 8 needs more information
    label: str  # e.g. "7 high-adaptive"
    confidence: float  # the head's probability for ``level``


@dataclass(frozen=True)
class TalkReading:
    """Motivational-interviewing client talk type (AnnoMI head)."""

    kind: str  # change | neutral | sustain
    confidence: float


@dataclass
class Annotation:
    """Everything the listening pipeline read from one utterance.

    Components fill the attributes they declare in ``assigns``; ``provenance``
    records which component (and version) set each attribute.
    """

    text: str
    risk: RiskAssessment | None = None
    affects: tuple[Affect, ...] = ()
    people: tuple[PersonMention, ...] = ()
    time: TimeOrientation | None = None
    alliance: tuple[AllianceCue, ...] = ()
    fantasy: tuple[FantasyCue, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)
    defense: DefenseReading | None = None
    talk: TalkReading | None = None

    # The attribute names a pipeline component may declare in requires/assigns.
    SIGNALS = ("risk", "affects", "people", "time", "alliance", "fantasy", "defense", "talk")

    @property
    def distress(self) -> float:
        """Highest intensity of a negative affect (0 when none)."""
        negative = [a.intensity for a in self.affects if a.group in NEGATIVE_GROUPS]
        return max(negative, default=0.0)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        data = {
            "risk": asdict(self.risk) if self.risk else None,
            "affects": [asdict(a) for a in self.affects],
            "people": [asdict(p) for p in self.people],
            "time": asdict(self.time) if self.time else None,
            "alliance": [asdict(a) for a in self.alliance],
            "fantasy": [asdict(f) for f in self.fantasy],
            "provenance": dict(self.provenance),
            "defense": asdict(self.defense) if self.defense else None,
            "talk": asdict(self.talk) if self.talk else None,
        }
        if include_text:
            data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], text: str = "") -> Annotation:
        def tup(klass, items):
            return tuple(_build(klass, i) for i in items or ())

        return cls(
            text=data.get("text", text),
            risk=_build(RiskAssessment, data["risk"]) if data.get("risk") else None,
            affects=tup(Affect, data.get("affects")),
            people=tup(PersonMention, data.get("people")),
            time=_build(TimeOrientation, data["time"]) if data.get("time") else None,
            alliance=tup(AllianceCue, data.get("alliance")),
            fantasy=tup(FantasyCue, data.get("fantasy")),
            provenance=dict(data.get("provenance") or {}),
            defense=_build(DefenseReading, data["defense"]) if data.get("defense") else None,
            talk=_build(TalkReading, data["talk"]) if data.get("talk") else None,
        )


NEGATIVE_GROUPS = frozenset({"anger", "disgust", "fear", "sadness"})


def _build(klass, data: dict[str, Any]):
    names = {f.name for f in fields(klass)}
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
    return klass(**kwargs)


# --------------------------------------------------------------------------- interventions


@dataclass
class Intervention:
    """A planned reply: one kind of move, why it was chosen, and what it draws on.

    ``material`` holds the patient's own words the wording may use (feeling,
    person, quote, theme); ``evidence`` the ids of the turns it rests on.
    """

    kind: InterventionKind
    reasons: list[str]
    material: dict[str, str] = field(default_factory=dict)
    evidence: list[int] = field(default_factory=list)
    rule: str = ""  # the planner rule that decided
    crisis_step: str = ""  # for CRISIS: which step of the protocol

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intervention:
        data = dict(data)
        data["kind"] = InterventionKind(data["kind"])
        return cls(**{k: v for k, v in data.items() if k in {f.name for f in fields(cls)}})


# --------------------------------------------------------------------------- course records


@dataclass
class Turn:
    id: int | None
    session_id: int
    index: int
    speaker: Speaker
    text: str
    annotation: Annotation | None = None
    plan: Intervention | None = None


@dataclass
class SessionSummary:
    """What a closed session leaves for the person and for the next session."""

    feelings: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # short patient quotes, already "you"-form
    carry_forward: str = ""
    crisis: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionSummary:
        return cls(**{k: v for k, v in data.items() if k in {f.name for f in fields(cls)}})


@dataclass
class SessionInfo:
    id: int
    patient_id: int
    number: int  # 1-based position in the patient's course
    started_at: str
    ended_at: str | None = None
    flagged: bool = False
    flag_reason: str = ""
    summary: SessionSummary | None = None


@dataclass
class PatientInfo:
    id: int
    name: str
    locale: str = "US"
