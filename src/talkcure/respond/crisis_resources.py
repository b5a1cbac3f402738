"""Crisis resources per locale: who to contact, and how.

The shipped list is package data (``data/crisis/resources.yaml``). A deployment
can replace or add locales with a YAML file of the same shape, named by the
environment variable ``TALKCURE_CRISIS_RESOURCES`` (or passed as
``override_path``); a locale in the override replaces the shipped one whole.
A malformed override raises :class:`~talkcure.errors.TalkcureError` saying
what to fix: running without crisis resources is never an option.

Locales are ISO country codes. ``UK``, ``en_US``, ``en-GB``, ``fr_CA.UTF-8``
and the like are understood; anything unknown falls back to ``INTL``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from talkcure.errors import TalkcureError

ENV = "TALKCURE_CRISIS_RESOURCES"
FALLBACK = "INTL"


@dataclass(frozen=True)
class Resource:
    name: str
    contact: str  # the number, short code or web address, as it is dialled or typed
    how: str  # "call", "call or text", "text HOME", "visit"
    action_template: str = ""  # e.g. "text HOME to {contact}"; default "{how} {contact}"
    note: str = ""

    @property
    def action(self) -> str:
        """The instruction, e.g. "call or text 988" or "text HOME to 741741"."""
        if self.action_template:
            return self.action_template.format(contact=self.contact)
        return f"{self.how} {self.contact}"

    def line(self) -> str:
        """One list line: "988 Suicide & Crisis Lifeline: call or text 988 (free, 24/7)"."""
        note = f" ({self.note})" if self.note else ""
        return f"{self.name}: {self.action}{note}"


@dataclass
class LocaleResources:
    locale: str
    name: str
    emergency: str  # e.g. "911"
    resources: list[Resource] = field(default_factory=list)
    abuse: list[Resource] = field(default_factory=list)
    emergency_text: str = ""  # how to say it in "call ... now"; default: the number

    @property
    def emergency_phrase(self) -> str:
        return self.emergency_text or self.emergency

    @property
    def primary(self) -> Resource:
        return self.resources[0]

    @property
    def contacts(self) -> list[str]:
        """Every contact string this locale names, emergency number first."""
        return [self.emergency, *(r.contact for r in self.resources + self.abuse)]


# --------------------------------------------------------------------------- parsing


def _bad(source: str, problem: str) -> TalkcureError:
    if source == "package":
        return TalkcureError(f"The shipped crisis resources are broken ({problem}); reinstall.")
    return TalkcureError(
        f"The crisis resources file {source} is not valid: {problem}; fix it or unset {ENV}."
    )


def _text(value: Any, where: str, source: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # an unquoted 988 or 112 in YAML
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(source, f"{where} must be a non-empty text")
    return value.strip()


def _resource(item: Any, where: str, source: str) -> Resource:
    if not isinstance(item, dict):
        raise _bad(source, f"{where} must be a mapping with name, contact and how")
    template = _text(item.get("action"), f"{where} 'action'", source, required=False)
    if template and "{contact}" not in template:
        raise _bad(source, f"{where} 'action' must contain {{contact}}")
    return Resource(
        name=_text(item.get("name"), f"{where} 'name'", source),
        contact=_text(item.get("contact"), f"{where} 'contact'", source),
        how=_text(item.get("how"), f"{where} 'how'", source),
        action_template=template,
        note=_text(item.get("note"), f"{where} 'note'", source, required=False),
    )


def _locale(code: str, data: Any, source: str) -> LocaleResources:
    where = f"locale {code!r}"
    if not isinstance(data, dict):
        raise _bad(source, f"{where} must be a mapping with emergency and resources")
    resources = data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise _bad(source, f"{where} needs a non-empty 'resources' list")
    abuse = data.get("abuse") or []
    if not isinstance(abuse, list):
        raise _bad(source, f"{where} 'abuse' must be a list")
    return LocaleResources(
        locale=code,
        name=_text(data.get("name", code), f"{where} 'name'", source),
        emergency=_text(data.get("emergency"), f"{where} 'emergency'", source),
        resources=[
            _resource(r, f"{where} resource {i}", source) for i, r in enumerate(resources, 1)
        ],
        abuse=[_resource(r, f"{where} abuse line {i}", source) for i, r in enumerate(abuse, 1)],
        emergency_text=_text(data.get("emergency_text"), f"{where} 'emergency_text'", source,
                             required=False),
    )


def parse_resources(text: str, source: str) -> tuple[dict[str, LocaleResources], dict[str, str]]:
    """Locales and aliases from YAML text; ``source`` names the file in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise _bad(source, f"it is not readable YAML{at}") from None
    if not isinstance(data, dict) or not isinstance(data.get("locales"), dict):
        raise _bad(source, "it needs a top-level 'locales' mapping of country codes")
    locales = {}
    for code, body in data["locales"].items():
        key = str(code).upper()
        locales[key] = _locale(key, body, source)
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise _bad(source, "'aliases' must map names to country codes")
    return locales, {str(k).upper(): str(v).upper() for k, v in aliases.items()}


@cache
def _shipped() -> tuple[dict[str, LocaleResources], dict[str, str]]:
    path = files("talkcure") / "data" / "crisis" / "resources.yaml"
    return parse_resources(path.read_text(encoding="utf-8"), "package")


def _override(path: str | Path) -> tuple[dict[str, LocaleResources], dict[str, str]]:
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise TalkcureError(
            f"The crisis resources file {p} can't be read ({err.strerror or err}); "
            f"fix the path or unset {ENV}."
        ) from None
    return parse_resources(text, str(p))


# --------------------------------------------------------------------------- lookup


def canonical_locale(locale: str | None, aliases: dict[str, str] | None = None) -> str:
    """"en_US.UTF-8" -> "US", "en-GB" -> "GB", "UK" -> "GB"; unknown codes stay as given."""
    aliases = _shipped()[1] if aliases is None else aliases
    raw = (locale or "").strip().split(".")[0].split("@")[0].replace("-", "_").upper()
    if not raw:
        return FALLBACK
    if raw in aliases:
        return aliases[raw]
    parts = [p for p in raw.split("_") if p]
    code = parts[-1] if len(parts) > 1 else raw
    return aliases.get(code, code)


def available_locales(override_path: str | Path | None = None) -> list[str]:
    locales, _ = _merged(override_path)
    return sorted(locales)


def _merged(override_path):
    locales, aliases = _shipped()
    locales, aliases = dict(locales), dict(aliases)
    path = override_path if override_path is not None else os.environ.get(ENV)
    if path:
        extra, extra_aliases = _override(path)
        locales.update(extra)
        aliases.update(extra_aliases)
    return locales, aliases


def load_resources(locale: str, override_path: str | Path | None = None) -> LocaleResources:
    """The crisis resources for ``locale`` (falls back to INTL for unknown locales).

    ``override_path`` (or else $TALKCURE_CRISIS_RESOURCES) names a YAML file of
    the same shape as the shipped one whose locales replace or extend it.
    """
    locales, aliases = _merged(override_path)
    code = canonical_locale(locale, aliases)
    return locales.get(code) or locales[FALLBACK]
