"""Outcome-measure definitions, loaded from ``talkcure/data/instruments/*.yaml``.

The YAML files are the single source of truth: items, answer options, bands,
missing-item rules, LOINC codes and the norms used for change, each with its
source. This module only reads them into frozen dataclasses (cached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from talkcure.errors import TalkcureError

INSTRUMENT_IDS: tuple[str, ...] = ("phq9", "gad7", "rses", "wsas")
_DATA_DIR = ("data", "instruments")


@dataclass(frozen=True)
class Coding:
    code: str
    name: str  # a human label for documentation; not emitted as a FHIR display


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str | None  # None for unlabelled points of a scale (WSAS 1, 3, 5, 7)
    code: str  # code in the instrument's answer_system (LOINC LA code or ours)


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    reverse: bool = False
    loinc: str | None = None


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class MissingRule:
    max_missing: int
    required_items: tuple[int, ...]
    rule: str
    source: str
    not_working_item: int | None = None


@dataclass(frozen=True)
class RiskRule:
    item: int
    above: int
    note: str


@dataclass(frozen=True)
class Instrument:
    id: str
    short_title: str
    title: str
    aliases: tuple[str, ...]
    citation: dict[str, Any]
    higher_is_better: bool
    stem: str
    answer_system: str
    value_min: int
    value_max: int
    options: tuple[AnswerOption, ...]
    items: tuple[Item, ...]
    score_min: int
    score_max: int
    bands: tuple[Band, ...]
    bands_source: str
    missing: MissingRule
    change: dict[str, Any]
    risk: RiskRule | None = None
    loinc_panel: Coding | None = None
    loinc_total: Coding | None = None

    @property
    def n_items(self) -> int:
        return len(self.items)

    def item(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise TalkcureError(
            f"{self.short_title} has items 1 to {self.n_items}; item {number} does not exist."
        )

    def option(self, value: int) -> AnswerOption:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.min <= total <= band.max:
                return band
        raise TalkcureError(
            f"A {self.short_title} total must be from {self.score_min} to {self.score_max}."
        )

    def item_score(self, item_number: int, value: int) -> int:
        """The points an answer value contributes (reverse items: max + min - value)."""
        if self.item(item_number).reverse:
            return self.value_max + self.value_min - value
        return value


@dataclass(frozen=True)
class GoalScheme:
    """Goal-based outcomes: up to ``max_goals`` goals, each rated min..max."""

    id: str
    short_title: str
    title: str
    citation: dict[str, Any]
    question: str
    max_goals: int
    rating_min: int
    rating_max: int
    meaningful_change: int
    change_source: str


# --------------------------------------------------------------------------- loading


def _read(name: str) -> dict[str, Any]:
    path = resources.files("talkcure").joinpath(_DATA_DIR[0]).joinpath(_DATA_DIR[1])
    path = path.joinpath(f"{name}.yaml")
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):  # pragma: no cover - packaging error
        raise RuntimeError(f"instrument file {name}.yaml is not a mapping")
    return data


def _coding(raw: dict[str, Any] | None) -> Coding | None:
    if not raw:
        return None
    return Coding(code=str(raw["code"]), name=str(raw["name"]))


def _build(data: dict[str, Any]) -> Instrument:
    missing = data["missing"]
    risk = data.get("risk")
    loinc = data.get("loinc") or {}
    inst = Instrument(
        id=data["id"],
        short_title=data["short_title"],
        title=data["title"],
        aliases=tuple(str(a) for a in data.get("aliases", ())),
        citation=dict(data["citation"]),
        higher_is_better=bool(data["higher_is_better"]),
        stem=" ".join(str(data["stem"]).split()),
        answer_system=str(data["answer_system"]),
        value_min=int(data["values"]["min"]),
        value_max=int(data["values"]["max"]),
        options=tuple(
            AnswerOption(value=int(o["value"]), label=o.get("label"), code=str(o["code"]))
            for o in data["options"]
        ),
        items=tuple(
            Item(
                number=int(i["number"]),
                text=" ".join(str(i["text"]).split()),
                reverse=bool(i.get("reverse", False)),
                loinc=str(i["loinc"]) if i.get("loinc") else None,
            )
            for i in data["items"]
        ),
        score_min=int(data["score"]["min"]),
        score_max=int(data["score"]["max"]),
        bands=tuple(Band(int(b["min"]), int(b["max"]), str(b["label"])) for b in data["bands"]),
        bands_source=" ".join(str(data.get("bands_source", "")).split()),
        missing=MissingRule(
            max_missing=int(missing["max_missing"]),
            required_items=tuple(int(n) for n in missing.get("required_items", ())),
            rule=" ".join(str(missing["rule"]).split()),
            source=str(missing["source"]),
            not_working_item=missing.get("not_working_item"),
        ),
        change=dict(data["change"]),
        risk=RiskRule(int(risk["item"]), int(risk["above"]), str(risk["note"])) if risk else None,
        loinc_panel=_coding(loinc.get("panel")),
        loinc_total=_coding(loinc.get("total")),
    )
    _check(inst)
    return inst


def _check(inst: Instrument) -> None:
    """Internal consistency of a definition; a failure is a packaging bug."""
    numbers = [i.number for i in inst.items]
    assert numbers == list(range(1, len(numbers) + 1)), inst.id
    assert [b.min for b in inst.bands][0] == inst.score_min, inst.id
    assert inst.bands[-1].max == inst.score_max, inst.id
    for lower, upper in zip(inst.bands, inst.bands[1:], strict=False):
        assert upper.min == lower.max + 1, inst.id
    values = sorted(o.value for o in inst.options)
    assert values[0] >= inst.value_min and values[-1] <= inst.value_max, inst.id
    assert inst.score_max == inst.n_items * (inst.value_max - inst.value_min), inst.id


@cache
def _all() -> dict[str, Instrument]:
    return {iid: _build(_read(iid)) for iid in INSTRUMENT_IDS}


def _norm(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


@cache
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for inst in _all().values():
        for alias in (inst.id, inst.short_title, *inst.aliases):
            out[_norm(alias)] = inst.id
    return out


def instrument_ids() -> tuple[str, ...]:
    """The ids of the scored questionnaires, in a stable order."""
    return INSTRUMENT_IDS


def all_instruments() -> tuple[Instrument, ...]:
    return tuple(_all()[iid] for iid in INSTRUMENT_IDS)


def resolve_id(name: str) -> str:
    """Map an id or alias ("PHQ-9", "rosenberg") to the canonical id, or raise."""
    key = _norm(str(name))
    found = _alias_map().get(key)
    if found is None:
        raise TalkcureError(f"Unknown measure '{name}'; use one of: {', '.join(INSTRUMENT_IDS)}.")
    return found


def get_instrument(name: str | Instrument) -> Instrument:
    """The instrument for an id or alias; unknown names raise a TalkcureError."""
    if isinstance(name, Instrument):
        return name
    return _all()[resolve_id(name)]


@cache
def goal_scheme() -> GoalScheme:
    data = _read("gbo")
    return GoalScheme(
        id=data["id"],
        short_title=data["short_title"],
        title=data["title"],
        citation=dict(data["citation"]),
        question=str(data["question"]),
        max_goals=int(data["max_goals"]),
        rating_min=int(data["rating"]["min"]),
        rating_max=int(data["rating"]["max"]),
        meaningful_change=int(data["change"]["meaningful_change"]),
        change_source=str(data["change"]["source"]),
    )
