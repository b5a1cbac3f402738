"""Pure scoring: answers in, a :class:`MeasureResult` out.

Answers are the *raw answer values* as the person chose them (for the RSES,
"Strongly agree" is 3 on every item); reverse-scoring happens here. Nothing is
guessed: an answer that is not a listed number or label, an out-of-range value
or more missing items than the instrument's rule allows raises a
:class:`TalkcureError` whose message says what to do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.measures.instruments import Instrument, get_instrument

Answers = Mapping[int, int | None] | Sequence[int | None]


@dataclass(frozen=True)
class MeasureResult:
    """One scored administration of an instrument."""

    instrument: str  # canonical id, e.g. "phq9"
    total: int  # pro-rated and rounded half up when items are missing
    max: int
    band: str  # severity band label, e.g. "moderately severe"
    answers: dict[int, int | None]  # item number -> raw answer value (None = missing)
    item_scores: dict[int, int]  # item number -> points after reverse-scoring (answered only)
    prorated: bool
    missing: tuple[int, ...]  # items without an answer (incl. a WSAS item 1 left out)
    risk: bool  # PHQ-9 item 9 > 0: start the risk protocol
    notes: tuple[str, ...]
    min: int = 0
    raw_sum: int = 0  # sum of item_scores before pro-rating
    working: bool = True  # WSAS only: False when item 1 (work) was left out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answers"] = {str(k): v for k, v in self.answers.items()}
        data["item_scores"] = {str(k): v for k, v in self.item_scores.items()}
        data["missing"] = list(self.missing)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasureResult:
        values = dict(data)
        values["answers"] = {int(k): v for k, v in data["answers"].items()}
        values["item_scores"] = {int(k): v for k, v in data["item_scores"].items()}
        values["missing"] = tuple(data["missing"])
        values["notes"] = tuple(data["notes"])
        return cls(**values)


# --------------------------------------------------------------------------- answers


def clean_text(text: str) -> str:
    """Lower-case, single-spaced, without surrounding punctuation."""
    text = " ".join(str(text).lower().split())
    return text.strip(" .,;:!'\"")


def answer_help(instrument: str | Instrument) -> str:
    """The one-sentence prompt listing what counts as an answer."""
    inst = get_instrument(instrument)
    labels = ", ".join(o.label.lower() for o in inst.options if o.label)
    return (
        f"Please answer with a number from {inst.value_min} to {inst.value_max}, "
        f"or one of: {labels}."
    )


def parse_answer(instrument: str | Instrument, item: int, raw: str) -> int:
    """The answer value for ``raw``: the number itself or an answer label.

    Labels match case-insensitively ("several days", "Strongly agree"). Anything
    else — "", "-1", "2.5", "4" on a 0-3 item, free text — raises TalkcureError.
    """
    inst = get_instrument(instrument)
    inst.item(item)  # an unknown item number is an error too
    text = clean_text(raw) if raw is not None else ""
    if re.fullmatch(r"[0-9]{1,3}", text):
        value = int(text)
        if inst.value_min <= value <= inst.value_max:
            return value
    for option in inst.options:
        if option.label and clean_text(option.label) == text:
            return option.value
    raise TalkcureError(answer_help(inst))


def _value(inst: Instrument, number: int, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TalkcureError(
            f"{inst.short_title} item {number} needs a whole number from {inst.value_min} "
            f"to {inst.value_max}, not {value!r}."
        )
    if not inst.value_min <= value <= inst.value_max:
        raise TalkcureError(
            f"{inst.short_title} item {number} must be from {inst.value_min} to "
            f"{inst.value_max}; {value} is out of range."
        )
    return value


def _is_item_number(key: object, n: int) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and 1 <= key <= n


def normalise_answers(inst: Instrument, answers: Answers) -> dict[int, int | None]:
    """Answers as {item number: value or None} for every item, validated."""
    n = inst.n_items
    if isinstance(answers, Mapping):
        extra = sorted((k for k in answers if not _is_item_number(k, n)), key=str)
        if extra:
            raise TalkcureError(
                f"{inst.short_title} has items 1 to {n}; remove the answer(s) for {extra}."
            )
        raw = {k: answers.get(k) for k in range(1, n + 1)}
    elif isinstance(answers, Sequence) and not isinstance(answers, str | bytes):
        if len(answers) != n:
            raise TalkcureError(
                f"Give {n} answers for the {inst.short_title}, one per item in order "
                f"(None for an unanswered item); {len(answers)} were given."
            )
        raw = {i + 1: v for i, v in enumerate(answers)}
    else:
        raise TalkcureError(
            f"Give the {inst.short_title} answers as a list or as {{item number: value}}."
        )
    return {k: _value(inst, k, v) for k, v in raw.items()}


# --------------------------------------------------------------------------- scoring


def _round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def _fmt(x: Fraction) -> str:
    return f"{float(x):.3f}".rstrip("0").rstrip(".")


def _items_list(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def score(
    instrument_id: str | Instrument, answers: Answers, *, working: bool = True
) -> MeasureResult:
    """Score one administration, applying the instrument's missing-item rule.

    ``working=False`` (WSAS only) leaves item 1 (work) out for someone not working
    for reasons unrelated to the problem; the total is then pro-rated to 0-40.
    """
    inst = get_instrument(instrument_id)
    values = normalise_answers(inst, answers)
    rule = inst.missing
    notes: list[str] = []

    left_out: list[int] = []
    if not working:
        if rule.not_working_item is None:
            raise TalkcureError(
                f"Only the WSAS has a work item to leave out; score the {inst.short_title} "
                "without the not-working option."
            )
        item_no = rule.not_working_item
        if values[item_no] is not None:
            raise TalkcureError(
                f"Leave {inst.short_title} item {item_no} (work) unanswered for someone not "
                "working, or score it as working."
            )
        left_out.append(item_no)

    for number in rule.required_items:
        if values[number] is None:
            text = inst.item(number).text[0].lower() + inst.item(number).text[1:]
            raise TalkcureError(
                f"Please ask {inst.short_title} item {number} ({text}) again: it is a safety "
                "question and cannot be skipped or pro-rated."
            )

    missing = [k for k, v in values.items() if v is None and k not in left_out]
    allowed = rule.max_missing - len(left_out)
    if len(missing) > allowed and left_out:
        raise TalkcureError(
            f"When item {left_out[0]} (work) is left out, every other {inst.short_title} item "
            f"must be answered; please ask item(s) {_items_list(missing)} again."
        )
    if len(missing) > allowed:
        needed = inst.n_items - rule.max_missing
        answered = inst.n_items - len(missing) - len(left_out)
        raise TalkcureError(
            f"The {inst.short_title} needs at least {needed} of its {inst.n_items} answers "
            f"to be scored but has {answered}; please ask item(s) "
            f"{_items_list(missing)} again."
        )

    item_scores = {k: inst.item_score(k, v) for k, v in values.items() if v is not None}
    raw_sum = sum(item_scores.values())
    answered = len(item_scores)
    prorated = answered < inst.n_items
    if prorated:
        exact = Fraction(raw_sum * inst.n_items, answered)
        total = _round_half_up(exact)
        how = f"{raw_sum} × {inst.n_items}/{answered} = {_fmt(exact)}, rounded to {total}"
        if left_out:
            notes.append(
                f"Item {left_out[0]} (work) left out: not working for reasons unrelated to "
                f"the problem; total pro-rated from {answered} items to the "
                f"{inst.score_min}–{inst.score_max} range ({how})."
            )
        else:
            notes.append(
                f"Pro-rated: {answered} of {inst.n_items} items answered (missing: "
                f"{_items_list(missing)}); {how}."
            )
    else:
        total = raw_sum
    reversed_items = [i.number for i in inst.items if i.reverse]
    if reversed_items:
        notes.append(f"Items {_items_list(reversed_items)} are reverse-scored.")

    risk = False
    if inst.risk is not None:
        answer = values[inst.risk.item]
        risk = answer is not None and answer > inst.risk.above
        if risk:
            notes.append(inst.risk.note)

    return MeasureResult(
        instrument=inst.id,
        total=total,
        max=inst.score_max,
        band=inst.band_for(total).label,
        answers=values,
        item_scores=item_scores,
        prorated=prorated,
        missing=tuple(sorted(missing + left_out)),
        risk=risk,
        notes=tuple(notes),
        min=inst.score_min,
        raw_sum=raw_sum,
        working=working,
    )
