"""Pure change classification between two administrations.

* PHQ-9 and GAD-7: NHS Talking Therapies conventions (caseness, reliable
  improvement/deterioration, recovery, reliable recovery), alone or as a pair.
* Any other scale: Jacobson & Truax (1991) reliable change index and clinical
  cut-off, with the norms from the instrument's YAML file.

Every number used is returned in the result, next to its source, so a report
can show how a classification was reached.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.measures.instruments import Instrument, get_instrument
from talkcure.measures.scoring import MeasureResult

Z_CRITICAL = 1.96
JT_SOURCE = (
    "Jacobson NS, Truax P 1991. Clinical significance: a statistical approach to defining "
    "meaningful change in psychotherapy research. J Consult Clin Psychol 59(1):12-19."
)
TT_PAIR_SOURCE = (
    "NHS Talking Therapies for anxiety and depression: caseness PHQ-9 >= 10 or GAD-7 >= 8; "
    "reliable change PHQ-9 6, GAD-7 4; recovery = caseness at start, below both at end."
)

RELIABLE_DETERIORATION = "reliable deterioration"
RELIABLE_RECOVERY = "reliable recovery"
RELIABLE_IMPROVEMENT = "reliable improvement"
RECOVERY = "recovery"
NO_RELIABLE_CHANGE = "no reliable change"


@dataclass(frozen=True)
class Norm:
    """Mean and SD of a reference sample (clinical or non-clinical)."""

    mean: float
    sd: float


@dataclass(frozen=True)
class ChangeResult:
    """One measure's change from ``pre`` to ``post`` and every number behind it."""

    instrument: str
    method: str  # "nhs_talking_therapies" | "jacobson_truax" | "goal_based"
    pre: float
    post: float
    diff: float  # post - pre
    higher_is_better: bool
    threshold: float  # points of change needed (JT: 1.96 * S_diff)
    classification: str
    reliable_improvement: bool
    reliable_deterioration: bool
    recovered: bool  # clinical range at start, non-clinical at end
    reliable_recovery: bool  # recovered and reliably improved
    cutoff: float | None = None
    cutoff_method: str | None = None  # caseness | published | c | a | b
    clinical_at_start: bool | None = None
    clinical_at_end: bool | None = None
    sd: float | None = None
    reliability: float | None = None
    s_diff: float | None = None
    rc: float | None = None
    clinical: Norm | None = None
    nonclinical: Norm | None = None
    goal: str | None = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def provisional(self) -> bool:
        """True when any figure used is marked "check" in its source."""
        return any("check" in s.lower() for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        data["notes"] = list(self.notes)
        data["provisional"] = self.provisional
        return data


@dataclass(frozen=True)
class TalkingTherapiesResult:
    """PHQ-9 and GAD-7 judged together, as NHS Talking Therapies does."""

    phq9: ChangeResult
    gad7: ChangeResult
    caseness_at_start: bool
    caseness_at_end: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    recovered: bool
    reliable_recovery: bool
    classification: str
    sources: tuple[str, ...] = (TT_PAIR_SOURCE,)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["phq9"] = self.phq9.to_dict()
        data["gad7"] = self.gad7.to_dict()
        return data


# --------------------------------------------------------------------------- helpers


def _label(improved: bool, deteriorated: bool, recovered: bool) -> str:
    if deteriorated:
        return RELIABLE_DETERIORATION
    if recovered and improved:
        return RELIABLE_RECOVERY
    if improved:
        return RELIABLE_IMPROVEMENT
    if recovered:
        return RECOVERY
    return NO_RELIABLE_CHANGE


def is_clinical(score: float, cutoff: float, higher_is_better: bool) -> bool:
    """In the clinical range? Higher-is-worse scales: score >= cutoff (PHQ-9 >= 10);
    higher-is-better scales: score < cutoff (RSES below 15)."""
    return score < cutoff if higher_is_better else score >= cutoff


def _total(inst: Instrument, value: float | MeasureResult, which: str) -> float:
    if isinstance(value, MeasureResult):
        if value.instrument != inst.id:
            raise TalkcureError(
                f"The {which} score is a {value.instrument} result; compare two "
                f"{inst.short_title} results."
            )
        return value.total
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise TalkcureError(f"The {which} {inst.short_title} score must be a number.")
    if not inst.score_min <= value <= inst.score_max:
        raise TalkcureError(
            f"A {inst.short_title} total must be from {inst.score_min} to {inst.score_max}; "
            f"the {which} score {value} is not."
        )
    return value


# --------------------------------------------------------------------------- NHS TT


def classify_talking_therapies_single(
    instrument_id: str | Instrument, pre: float | MeasureResult, post: float | MeasureResult
) -> ChangeResult:
    """PHQ-9 or GAD-7 alone, with the NHS Talking Therapies thresholds."""
    inst = get_instrument(instrument_id)
    rules = inst.change
    if rules.get("method") != "nhs_talking_therapies":
        raise TalkcureError(
            f"NHS Talking Therapies thresholds exist for PHQ-9 and GAD-7 only, not the "
            f"{inst.short_title}; use classify_change instead."
        )
    a, b = _total(inst, pre, "first"), _total(inst, post, "last")
    caseness, step = float(rules["caseness"]), float(rules["reliable_change"])
    diff = b - a
    improved, deteriorated = -diff >= step, diff >= step
    start, end = is_clinical(a, caseness, False), is_clinical(b, caseness, False)
    recovered = start and not end
    notes = []
    if not start:
        notes.append(
            f"Below caseness at the start ({inst.short_title} < {rules['caseness']}): "
            "recovery does not apply."
        )
    return ChangeResult(
        instrument=inst.id,
        method="nhs_talking_therapies",
        pre=a,
        post=b,
        diff=diff,
        higher_is_better=False,
        threshold=step,
        classification=_label(improved, deteriorated, recovered),
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=recovered,
        reliable_recovery=recovered and improved,
        cutoff=caseness,
        cutoff_method="caseness",
        clinical_at_start=start,
        clinical_at_end=end,
        sources=(" ".join(str(rules["source"]).split()),),
        notes=tuple(notes),
    )


def classify_talking_therapies(
    phq9_pre: float | MeasureResult,
    phq9_post: float | MeasureResult,
    gad7_pre: float | MeasureResult,
    gad7_post: float | MeasureResult,
) -> TalkingTherapiesResult:
    """The paired PHQ-9 + GAD-7 classification.

    * caseness: PHQ-9 >= 10 or GAD-7 >= 8;
    * reliable improvement: PHQ-9 falls >= 6 or GAD-7 >= 4, and neither reliably
      deteriorates;
    * reliable deterioration: PHQ-9 rises >= 6 or GAD-7 >= 4 (flagged even when the
      other measure reliably improved — a clinician should see it);
    * recovery: at caseness at the start, below both cut-offs at the end;
    * reliable recovery: recovery plus reliable improvement.
    """
    phq = classify_talking_therapies_single("phq9", phq9_pre, phq9_post)
    gad = classify_talking_therapies_single("gad7", gad7_pre, gad7_post)
    start = bool(phq.clinical_at_start or gad.clinical_at_start)
    end = bool(phq.clinical_at_end or gad.clinical_at_end)
    deteriorated = phq.reliable_deterioration or gad.reliable_deterioration
    improved = (phq.reliable_improvement or gad.reliable_improvement) and not deteriorated
    recovered = start and not end
    notes: list[str] = []
    if not start:
        notes.append(
            "Not at caseness at the start (PHQ-9 < 10 and GAD-7 < 8): recovery does not apply."
        )
    if deteriorated and (phq.reliable_improvement or gad.reliable_improvement):
        notes.append(
            "One measure reliably improved while the other reliably deteriorated; "
            "counted as reliable deterioration."
        )
    return TalkingTherapiesResult(
        phq9=phq,
        gad7=gad,
        caseness_at_start=start,
        caseness_at_end=end,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=recovered,
        reliable_recovery=recovered and improved,
        classification=_label(improved, deteriorated, recovered),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- Jacobson–Truax


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = SD * sqrt(2) * sqrt(1 - r)."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("need sd > 0 and 0 <= reliability < 1")
    return sd * math.sqrt(2) * math.sqrt(1 - reliability)


def reliable_change_index(pre: float, post: float, sd: float, reliability: float) -> float:
    """RC = (post - pre) / S_diff; |RC| > 1.96 is reliable change."""
    return (post - pre) / standard_error_of_difference(sd, reliability)


def clinical_cutoff(
    clinical: Norm | None, nonclinical: Norm | None, higher_is_better: bool
) -> tuple[float, str]:
    """Jacobson-Truax cut-off and its criterion.

    c (both norms): (s0*M1 + s1*M0) / (s0 + s1), 0 = clinical, 1 = non-clinical;
    b (non-clinical only): 2 SD from the non-clinical mean towards dysfunction;
    a (clinical only): 2 SD from the clinical mean towards function.
    """
    sign = 1 if higher_is_better else -1  # direction of "better"
    if clinical and nonclinical:
        s0, s1, m0, m1 = clinical.sd, nonclinical.sd, clinical.mean, nonclinical.mean
        return (s0 * m1 + s1 * m0) / (s0 + s1), "c"
    if nonclinical:
        return nonclinical.mean - sign * 2 * nonclinical.sd, "b"
    if clinical:
        return clinical.mean + sign * 2 * clinical.sd, "a"
    raise ValueError("a cut-off needs clinical or non-clinical norms")


def jacobson_truax(
    pre: float,
    post: float,
    *,
    sd: float,
    reliability: float,
    higher_is_better: bool,
    clinical: Norm | None = None,
    nonclinical: Norm | None = None,
    cutoff: float | None = None,
    instrument: str = "custom",
    sources: tuple[str, ...] = (JT_SOURCE,),
) -> ChangeResult:
    """Reliable change and clinical significance for any scale.

    ``cutoff`` (a published threshold) wins over one computed from the norms;
    with neither, only reliable change is judged (recovery is then False).
    """
    s_diff = standard_error_of_difference(sd, reliability)
    rc = (post - pre) / s_diff
    better = rc if higher_is_better else -rc
    improved, deteriorated = better > Z_CRITICAL, -better > Z_CRITICAL
    method: str | None
    if cutoff is not None:
        method = "published"
    elif clinical or nonclinical:
        cutoff, method = clinical_cutoff(clinical, nonclinical, higher_is_better)
    else:
        method = None
    notes: list[str] = []
    start = end = None
    recovered = False
    if cutoff is not None:
        start = is_clinical(pre, cutoff, higher_is_better)
        end = is_clinical(post, cutoff, higher_is_better)
        recovered = start and not end
        if not start:
            notes.append("Not in the clinical range at the start: recovery does not apply.")
    else:
        notes.append("No cut-off on file: only reliable change is judged.")
    return ChangeResult(
        instrument=instrument,
        method="jacobson_truax",
        pre=pre,
        post=post,
        diff=post - pre,
        higher_is_better=higher_is_better,
        threshold=Z_CRITICAL * s_diff,
        classification=_label(improved, deteriorated, recovered),
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=recovered,
        reliable_recovery=recovered and improved,
        cutoff=cutoff,
        cutoff_method=method,
        clinical_at_start=start,
        clinical_at_end=end,
        sd=sd,
        reliability=reliability,
        s_diff=s_diff,
        rc=rc,
        clinical=clinical,
        nonclinical=nonclinical,
        sources=sources,
        notes=tuple(notes),
    )


def _norm(raw: Mapping[str, Any] | None) -> Norm | None:
    if not raw:
        return None
    return Norm(float(raw["mean"]), float(raw["sd"]))


def _src(text: Any) -> str:
    return " ".join(str(text).split())


def classify_jacobson_truax(
    instrument_id: str | Instrument, pre: float | MeasureResult, post: float | MeasureResult
) -> ChangeResult:
    """Jacobson-Truax with the norms recorded in the instrument's YAML file."""
    inst = get_instrument(instrument_id)
    rules = inst.change
    a, b = _total(inst, pre, "first"), _total(inst, post, "last")
    sd, rel = rules.get("sd"), rules.get("reliability")
    if not sd or not rel:
        raise TalkcureError(
            f"No SD and reliability are on file for the {inst.short_title}; add them to its "
            "definition before judging reliable change."
        )
    clinical, nonclinical = _norm(rules.get("clinical")), _norm(rules.get("nonclinical"))
    cutoff = rules.get("cutoff")
    sources = [
        JT_SOURCE,
        f"SD {sd['value']}: {_src(sd['source'])}",
        f"r {rel['value']}: {_src(rel['source'])}",
    ]
    for name, norm in (
        ("clinical", rules.get("clinical")),
        ("non-clinical", rules.get("nonclinical")),
    ):
        if norm:
            sources.append(f"{name} M {norm['mean']}, SD {norm['sd']}: {_src(norm['source'])}")
    if rules.get("clinical_source"):
        sources.append(_src(rules["clinical_source"]))
    if cutoff:
        sources.append(f"cut-off {cutoff['value']}: {_src(cutoff['source'])}")
    return jacobson_truax(
        a,
        b,
        sd=float(sd["value"]),
        reliability=float(rel["value"]),
        higher_is_better=inst.higher_is_better,
        clinical=clinical,
        nonclinical=nonclinical,
        cutoff=float(cutoff["value"]) if cutoff else None,
        instrument=inst.id,
        sources=tuple(sources),
    )


def classify_change(
    instrument_id: str | Instrument, pre: float | MeasureResult, post: float | MeasureResult
) -> ChangeResult:
    """The right method for the instrument: NHS TT for PHQ-9/GAD-7, else Jacobson-Truax."""
    inst = get_instrument(instrument_id)
    if inst.change.get("method") == "nhs_talking_therapies":
        return classify_talking_therapies_single(inst, pre, post)
    return classify_jacobson_truax(inst, pre, post)
