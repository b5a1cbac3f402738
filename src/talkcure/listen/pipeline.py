"""The listening pipeline: an ordered list of components, checked when built.

Building fails (``PipelineError``) when a component requires an attribute no
earlier component assigns, when two components assign the same attribute, or
when the risk component is missing: risk can't be switched off. At run time
the risk component fails closed (an error in it reads as risk); an error in
any other component is logged (its name and the error type, never the text)
and leaves that component's attributes empty.

``annotate(texts, context=...)`` takes the dialogue turns before ``texts[0]``
(``(speaker, text)`` pairs, oldest first): components that read context (their
``uses_context`` is true: the defense and client-talk heads) get it; a
transcript given in order is its own context after its first utterance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from talkcure.listen.component import Component
from talkcure.model import Annotation, RiskAssessment

log = logging.getLogger(__name__)


class PipelineError(ValueError):
    """The pipeline's components don't fit together."""


class Pipeline:
    def __init__(self, components: Sequence[Component]):
        self.components: tuple[Component, ...] = tuple(components)
        self._check()

    def _check(self) -> None:
        assigned: dict[str, str] = {}
        for comp in self.components:
            for attr in (*comp.requires, *comp.assigns):
                if attr not in Annotation.SIGNALS:
                    raise PipelineError(f"{comp.name}: unknown annotation attribute {attr!r}")
            for attr in comp.requires:
                if attr not in assigned:
                    raise PipelineError(
                        f"{comp.name} requires {attr!r}, which no earlier component assigns; "
                        f"put a component that assigns it before {comp.name}"
                    )
            for attr in comp.assigns:
                if attr in assigned:
                    raise PipelineError(
                        f"{comp.name} assigns {attr!r}, already assigned by {assigned[attr]}"
                    )
                assigned[attr] = comp.name
        if "risk" not in assigned:
            raise PipelineError("the risk component can't be left out of the pipeline")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def annotate(self, texts: Iterable[str],
                 context: Sequence[tuple[str, str]] = ()) -> list[Annotation]:
        annotations = [Annotation(text=t) for t in texts]
        for comp in self.components:
            try:
                if getattr(comp, "uses_context", False):
                    comp.annotate(annotations, context=context)
                else:
                    comp.annotate(annotations)
            except Exception as exc:  # one failing analyzer must not silence the others
                log.error("listening component %s failed: %s", comp.name, type(exc).__name__)
                if "risk" in comp.assigns:  # fail closed: an error reads as risk
                    for ann in annotations:
                        ann.risk = RiskAssessment(flagged=True, kinds=("unknown",), error=True)
            for ann in annotations:
                for attr in comp.assigns:
                    ann.provenance[attr] = f"{comp.name}@{comp.version}"
        return annotations

    def annotate_one(self, text: str, context: Sequence[tuple[str, str]] = ()) -> Annotation:
        return self.annotate([text], context=context)[0]


def default_pipeline() -> Pipeline:
    """The shipped pipeline: the learned heads over the shared encoder, with the rules
    and lexicons as their floor (see :func:`talkcure.listen.models_pipeline.model_pipeline`)."""
    from talkcure.listen.models_pipeline import model_pipeline

    return model_pipeline()


def rules_pipeline() -> Pipeline:
    """Rules and lexicons only (no learned heads, no encoder): risk rules, affect lexicon,
    people, time, alliance and fantasy. For comparisons and rule-level tests."""
    from talkcure.listen.affect import AffectComponent
    from talkcure.listen.alliance import AllianceComponent
    from talkcure.listen.fantasy import FantasyComponent
    from talkcure.listen.people import PeopleComponent
    from talkcure.listen.risk import RiskComponent
    from talkcure.listen.time import TimeComponent

    return Pipeline([RiskComponent(), AffectComponent(), PeopleComponent(), TimeComponent(),
                     AllianceComponent(), FantasyComponent()])
