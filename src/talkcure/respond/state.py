"""What the companion remembers within a session (persisted, encrypted, per turn)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from talkcure.model import EXPRESSIVE_KINDS, InterventionKind

# Stands for "the turn being answered" in Intervention.evidence until it is stored.
CURRENT_TURN = 0


@dataclass
class SessionState:
    session_number: int = 1
    turn: int = 0  # patient turns so far in this session
    kinds: list[str] = field(default_factory=list)  # companion moves, in order
    variants: list[str] = field(default_factory=list)  # template variants used, in order
    crisis: dict[str, Any] | None = None  # CrisisState as a dict while the protocol runs
    interpretations: list[dict[str, Any]] = field(default_factory=list)  # key, turn, response
    rejected: list[str] = field(default_factory=list)  # pattern keys the person turned down
    offered_before: list[str] = field(default_factory=list)  # interpreted in earlier sessions
    used_avoidances: list[int] = field(default_factory=list)  # turn ids already taken up
    explored: list[str] = field(default_factory=list)  # exploration foci used (dynamics.py)
    confronted: list[str] = field(default_factory=list)  # defenses pointed to this session
    flagged: bool = False
    risk_level: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SessionState:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def turns_since(self, kind: InterventionKind) -> int | None:
        """Companion turns since the last move of ``kind`` (None: never this session)."""
        for back, k in enumerate(reversed(self.kinds)):
            if k == kind.value:
                return back
        return None

    @property
    def balance(self) -> dict[str, int]:
        expressive = sum(1 for k in self.kinds if InterventionKind(k) in EXPRESSIVE_KINDS)
        crisis = sum(1 for k in self.kinds if k == InterventionKind.CRISIS.value)
        return {
            "expressive": expressive,
            "supportive": len(self.kinds) - expressive - crisis,
            "crisis": crisis,
        }
