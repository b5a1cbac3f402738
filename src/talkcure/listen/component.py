"""The contract every listening component follows (spaCy-style).

A component declares the :class:`~talkcure.model.Annotation` attributes it
``requires`` (set by an earlier component) and the ones it ``assigns``. It is
configured in ``__init__`` and applied in batch with :meth:`annotate`, which
fills its attributes on each annotation in place.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from talkcure.model import Annotation


@runtime_checkable
class Component(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    assigns: ClassVar[tuple[str, ...]]

    def annotate(self, annotations: list[Annotation]) -> None:
        """Fill ``assigns`` on every annotation, in place."""
        ...
