"""Template wording: turns a planned Intervention into text.

Variants live in ``data/templates/<lang>.yaml``. A variant is eligible when
every slot it needs can be filled from the person's own material and its focus
matches the plan; variants used in the last few turns are skipped; the choice
among the rest is deterministic for a given seed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from talkcure.errors import TalkcureError
from talkcure.model import Intervention, InterventionKind
from talkcure.respond.wording.pronouns import flip_person

RECENT_VARIANTS = 8  # a variant is not reused within this many companion turns
_SLOT = re.compile(r"\{(\w+)\}")
_LEADING_FILLER = re.compile(
    r"^(?:(?:and|but|so|because|cause|cuz|like|well|um+|uh+|hmm+|also|then|just|oh|ok|okay|"
    r"yeah|yea|ya|yep|yes|no|nah|honestly|basically|actually|anyway|though)\b[\s,]*)+",
    re.IGNORECASE,
)
_INTENSIFIERS = {"so", "very", "really", "extremely", "too", "quite", "a", "bit", "little",
                 "kind", "of", "sort", "pretty", "totally", "completely", "super", "feel",
                 "feeling", "felt", "am", "i'm", "im", "been", "just", "more", "most", "always"}
_ROLE_PHRASES = {"parents": "your parents", "ex": "your ex", "family": "your family",
                 "kids": "your kids", "children": "your children", "team": "your team",
                 "friends": "your friends", "in-laws": "your in-laws"}


@dataclass(frozen=True)
class Variant:
    id: str
    kind: str
    text: str
    needs: tuple[str, ...]
    focus: str | None

    @property
    def slots(self) -> set[str]:
        return set(_SLOT.findall(self.text))


@cache
def load_templates(lang: str = "en") -> dict[str, Any]:
    path = files("talkcure") / "data" / "templates" / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TalkcureError(f"No reply templates for language {lang!r}; use 'en'.") from None
    variants: dict[str, list[Variant]] = {}
    for kind, items in data["kinds"].items():
        variants[kind] = [
            Variant(v["id"], kind, v["text"].strip(), tuple(v.get("needs") or ()), v.get("focus"))
            for v in items
        ]
    data["variants"] = variants
    data["accepted_feelings"] = set(data["feelings"]["accepted"])
    return data


def stable_index(n: int, *parts: object) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def feeling_word(cue: str, emotion: str | None, lang: str = "en") -> str:
    """The person's own word for a feeling when it reads well after "feeling"."""
    data = load_templates(lang)
    words = [w for w in re.findall(r"[a-z'-]+", cue.lower()) if w not in _INTENSIFIERS]
    candidate = " ".join(words)
    forms = data["feelings"].get("forms", {})
    for form in (cue.lower().strip(), candidate, *words):
        if form in forms:
            return forms[form]
    if candidate in data["accepted_feelings"]:
        return candidate
    if words and words[-1] in data["accepted_feelings"]:
        return words[-1]
    if emotion and emotion in data["feelings"]["default"]:
        return data["feelings"]["default"][emotion]
    return candidate or "this way"


def person_phrase(role: str, plural: bool = False) -> str:
    if role in _ROLE_PHRASES:
        return _ROLE_PHRASES[role]
    if plural:
        return f"your {_IRREGULAR_PLURALS.get(role, role + 's')}"
    return f"your {role}"


_IRREGULAR_PLURALS = {"child": "children", "boss": "bosses", "wife": "wives",
                      "sister-in-law": "sisters-in-law", "brother-in-law": "brothers-in-law"}
# A quote must read as a clause of its own: it starts with a subject.
_SUBJECT_START = re.compile(
    r"^(?:you|you're|you've|you'd|you'll|your|I|I'm|I've|he|he's|she|she's|they|they're|it|"
    r"it's|we|we're|nobody|no one|everyone|everybody|someone|people|there|this|that|things|"
    r"life|work|my|our|his|her|their)\b",
)
_QUESTION_START = re.compile(
    r"^(?:what|why|how|when|where|who|which|do|does|did|is|are|was|were|can|could|would|will|"
    r"should|have|has)\b", re.IGNORECASE,
)


def quote_phrase(raw: str, max_words: int = 16) -> str | None:
    """A clause of the person's, turned to "you", or None when it won't read well."""
    raw = " ".join(raw.split())
    if raw.rstrip().endswith("?"):
        return None  # a question is answered, not quoted back
    text = raw.strip(" .,;:!-\"'")
    text = _LEADING_FILLER.sub("", text).strip(" ,")
    words = text.split()
    if len(words) < 3 or len(words) > max_words or _QUESTION_START.match(text):
        return None
    flipped = flip_person(text)
    if not flipped.startswith("I ") and not flipped.startswith("I'"):
        flipped = flipped[:1].lower() + flipped[1:]
    if not _SUBJECT_START.match(flipped):
        return None
    return flipped


class TemplateWording:
    """The default, deterministic wording backend."""

    def __init__(self, lang: str = "en", seed: int = 0):
        self.lang = lang
        self.seed = seed
        self.data = load_templates(lang)

    def slots(self, plan: Intervention) -> dict[str, str]:
        m = plan.material
        slots: dict[str, str] = {}
        if m.get("feeling"):
            slots["feeling"] = feeling_word(m["feeling"], m.get("emotion"), self.lang)
        if m.get("person_word"):
            slots["person"] = f"your {m['person_word']}"
        elif m.get("person"):
            slots["person"] = person_phrase(m["person"], m.get("person_plural") == "yes")
        if m.get("past_person"):
            slots["past_person"] = person_phrase(m["past_person"])
        if m.get("other_person"):
            slots["other_person"] = person_phrase(m["other_person"])
        if m.get("session_material"):
            slots["session_material"] = m["session_material"]
        for key in ("wish", "response_other", "response_self", "defense_move"):
            if m.get(key):  # plain phrases from the formulation (data/ccrt, data/defenses)
                slots[key] = m[key]
        for key in ("quote", "quote_then", "quote_now"):
            if m.get(key):
                q = quote_phrase(m[key])
                if q:
                    slots[key] = q
        if slots.get("quote_then") and slots.get("quote_then") == slots.get("quote_now"):
            del slots["quote_now"]
        return slots

    def candidates(self, plan: Intervention, slots: dict[str, str]) -> list[Variant]:
        variants = self.data["variants"].get(plan.kind.value, [])
        focus = plan.material.get("focus")
        fitting = [v for v in variants if v.slots <= set(slots) and set(v.needs) <= set(slots)]
        focused = [v for v in fitting if focus and v.focus == focus]
        return focused or [v for v in fitting if v.focus is None]

    def word(self, plan: Intervention, recent: list[str], turn: object = 0) -> tuple[str, str]:
        """Return (text, variant id) for a plan; ``recent`` lists variant ids already used."""
        slots = self.slots(plan)
        pool = self.candidates(plan, slots)
        if not pool:  # never fail a turn for want of words: drop the focus and the material
            pool = self.candidates(Intervention(plan.kind, plan.reasons), {})
        if not pool:  # a move that can't be made without material becomes an open question
            plan.reasons.append(
                f"not enough of the person's own material to word a {plan.kind.value}: "
                "an open question instead"
            )
            plan.kind = InterventionKind.ELABORATION
            plan.material = {}
            pool = self.candidates(plan, {})
        window = set(recent[-RECENT_VARIANTS:])
        fresh = [v for v in pool if v.id not in window]
        if fresh:
            # prefer the variants that use the most of the person's own material
            richest = max(len(v.slots) for v in fresh)
            pool = [v for v in fresh if len(v.slots) == richest]
        else:  # every fitting variant was used lately: take the least recent
            order = {vid: i for i, vid in enumerate(recent)}
            pool = [min(pool, key=lambda v: order.get(v.id, -1))]
        variant = pool[stable_index(len(pool), self.seed, turn, plan.kind.value)]
        return _finish(variant.text.format(**slots)), variant.id


def _finish(text: str) -> str:
    text = re.sub(r"\s+([,.?!])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text)
    return text[:1].upper() + text[1:]
