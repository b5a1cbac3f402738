"""The pipeline contract: checked when built, risk can't be removed, fails closed."""

from __future__ import annotations

import logging

import pytest

from talkcure.listen.pipeline import Pipeline, PipelineError, default_pipeline
from talkcure.model import Annotation, RiskAssessment


class Risk:
    name, version, requires, assigns = "risk", "t", (), ("risk",)

    def annotate(self, anns):
        for a in anns:
            a.risk = RiskAssessment(flagged="die" in a.text)


class NeedsPeople:
    name, version, requires, assigns = "alliance", "t", ("people",), ("alliance",)

    def annotate(self, anns):
        pass


class People:
    name, version, requires, assigns = "people", "t", (), ("people",)

    def annotate(self, anns):
        pass


class Broken:
    name, version, requires, assigns = "broken", "t", (), ("fantasy",)

    def annotate(self, anns):
        raise RuntimeError("boom")


class BrokenRisk(Risk):
    def annotate(self, anns):
        raise RuntimeError("boom")


def test_requirements_are_checked_in_order():
    with pytest.raises(PipelineError, match="requires 'people'"):
        Pipeline([Risk(), NeedsPeople(), People()])
    assert Pipeline([Risk(), People(), NeedsPeople()]).names == ["risk", "people", "alliance"]


def test_duplicate_assignment_and_unknown_attribute():
    with pytest.raises(PipelineError, match="already assigned"):
        Pipeline([Risk(), People(), People()])

    class Odd(People):
        assigns = ("mood",)

    with pytest.raises(PipelineError, match="unknown annotation attribute"):
        Pipeline([Risk(), Odd()])


def test_risk_cannot_be_left_out():
    with pytest.raises(PipelineError, match="risk"):
        Pipeline([People()])


def test_risk_component_fails_closed():
    ann = Pipeline([BrokenRisk(), People()]).annotate_one("a calm day")
    assert ann.risk.flagged and ann.risk.error


def test_other_component_failure_is_logged_without_text(caplog):
    caplog.set_level(logging.DEBUG)
    ann = Pipeline([Risk(), Broken()]).annotate_one("I want to die, secret words")
    assert ann.risk.flagged and ann.fantasy == ()
    assert "broken" in caplog.text and "secret words" not in caplog.text


def test_default_pipeline_is_batch_and_records_provenance():
    pipe = default_pipeline()
    assert pipe.names[0] == "risk"
    anns = pipe.annotate(["I feel so lonely since my mum died.", "The weather is nice."])
    assert len(anns) == 2 and isinstance(anns[0], Annotation)
    assigned = {attr for comp in pipe.components for attr in comp.assigns}
    assert set(anns[0].provenance) == assigned >= {"risk", "affects", "people", "time",
                                                     "alliance", "fantasy"}
    assert anns[0].affects and not anns[0].risk.flagged
