"""The field lexicon of the risk reader: loading and compiling ``risk_fields.yaml``.

How the fields, combinations and message rules are read is described in
:mod:`talkcure.listen.risk_fields`; this module turns the YAML into a compiled
:class:`Fields` (phrase index, codebook of field sets, combo and message-rule
expressions) and caches the shipped one (:func:`fields`).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import combinations

import yaml

LEXICON = "risk_fields.yaml"
SENTENCE, CLAUSE, UNTAGGED, WILD = "|", ",", "_", "*"
_FIRST_CODE = 0xE000  # private-use characters stand for sets of fields
_MACRO = re.compile(r"\{([A-Za-z_]+)\}")
_TAG_NAME = re.compile(r"^[A-Z][A-Z0-9]*$")
_FIELD_REF = re.compile(r"(?<![{\w])([A-Z][A-Z0-9]+)(?![}\w])")  # a bare field in a combo
_CLASS = re.compile(r"<(\^?)([A-Z0-9|]+)>")  # <A|B>: a word in A or B; <^A|B>: in neither

Phrase = tuple[tuple[str, ...], str, str]  # words, field, mode


@dataclass(frozen=True)
class Combo:
    name: str
    kind: str  # a risk kind, or "signal" (only feeds message rules)
    pattern: str  # over field classes, before compiling (see Codebook)
    imminent: bool = False
    category: str = ""  # for signals: the category counted by `two_of`
    unless: tuple[str, ...] = ()  # fields that cancel a match in its sentence...
    override: tuple[str, ...] = ()  # ...unless one of these is in the sentence too
    needs: tuple[str, ...] = ()  # the sentence must hold one of these fields (e.g. the speaker)
    gate: frozenset[str] = frozenset()  # the sentence must hold one of these, or it is skipped


@dataclass(frozen=True)
class MessageRule:
    name: str
    kind: str
    imminent: bool
    all_of: tuple[str, ...] = ()  # field names or combo names, all present
    two_of: tuple[str, ...] = ()  # signal categories: at least two distinct ones present


@dataclass(frozen=True)
class Hit:
    name: str
    kind: str
    imminent: bool
    start: int  # character offsets in the normalised text
    end: int


class Codebook:
    """One character for each set of fields, and the combos compiled over them."""

    def __init__(self, sets, combos: tuple[Combo, ...]):
        self._lock = threading.Lock()
        self.codes: dict[frozenset[str], str] = {}
        self.fields_of: dict[str, frozenset[str]] = {}
        self._combos = combos
        for fieldset in sorted(sets, key=sorted):
            self._add(fieldset)
        self._compile()

    def _add(self, fieldset: frozenset[str]) -> str:
        code = chr(_FIRST_CODE + len(self.codes))
        self.codes[fieldset] = code
        self.fields_of[code] = fieldset
        return code

    def code(self, fieldset: frozenset[str]) -> str:
        found = self.codes.get(fieldset)
        if found is None:  # not foreseen at load time: register it and recompile
            with self._lock:
                found = self.codes.get(fieldset)
                if found is None:
                    found = self._add(fieldset)
                    self._compile()
        return found

    def chars(self, names) -> str:
        names = set(names)
        return "".join(c for c, fs in self.fields_of.items() if not names.isdisjoint(fs))

    def _class(self, m: re.Match[str]) -> str:
        chars = self.chars(m.group(2).split("|"))
        if m.group(1):
            return f"[^|,{chars}]"
        return f"[{chars}]" if chars else "(?!)"

    def _compile(self) -> None:
        regexes, unless, override, needs = [], [], [], []
        for combo in self._combos:
            try:
                regexes.append(re.compile(_CLASS.sub(self._class, combo.pattern)))
            except re.error as err:
                raise ValueError(f"risk fields: combo {combo.name!r}: {err}") from None
            unless.append(frozenset(self.chars(combo.unless)))
            override.append(frozenset(self.chars(combo.override)))
            needs.append(frozenset(self.chars(combo.needs)))
        self.regexes, self.unless, self.override = tuple(regexes), tuple(unless), tuple(override)
        self.needs = tuple(needs)


@dataclass(frozen=True)
class Fields:
    starts: frozenset[str]  # first words of all phrases
    singles: dict[str, tuple[tuple[str, str], ...]]  # word -> (field, mode) of one-word phrases
    pairs: dict[tuple[str, str], tuple[Phrase, ...]]  # first two words -> longer phrases
    continuations: frozenset[str]
    tails: frozenset[str]
    combos: tuple[Combo, ...]
    messages: tuple[MessageRule, ...]
    respell_targets: dict[tuple[str, int], tuple[str, ...]]  # (first letter, length) -> words
    keep: frozenset[str]  # real words never respelt
    vocabulary: frozenset[str]  # every word of every phrase ("endin" -> "ending" if only that is)
    codebook: Codebook = field(compare=False, repr=False, default=None)  # type: ignore[assignment]


# --------------------------------------------------------------------------- loading


def expand(phrase: str) -> list[str]:
    """All wordings of a phrase pattern: "(a|b c) [d] e" -> a e, a d e, b c e, b c d e."""
    depth, start = 0, -1
    for i, ch in enumerate(phrase):
        if ch in "([":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                inner = phrase[start + 1 : i]
                alts, level, cut = [], 0, 0
                for j, c in enumerate(inner):
                    level += c in "(["
                    level -= c in ")]"
                    if c == "|" and level == 0:
                        alts.append(inner[cut:j])
                        cut = j + 1
                alts.append(inner[cut:])
                if phrase[start] == "[":
                    alts.append("")
                out: list[str] = []
                for alt in alts:
                    out.extend(expand(phrase[:start] + " " + alt + " " + phrase[i + 1 :]))
                return out
    if depth:
        raise ValueError(f"risk fields: unbalanced phrase {phrase!r}")
    return [" ".join(phrase.split())]


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la < lb:
        a, b = b, a
    return any(a[:i] + a[i + 1 :] == b for i in range(len(a)))


def _lines(value) -> list[str]:
    """A YAML list, or a block of text with one item a line (# starts a comment)."""
    if value is None:
        return []
    if isinstance(value, str):
        items = (line.split("#", 1)[0].strip() for line in value.splitlines())
        return [item for item in items if item]
    return [str(v) for v in value]


def _fieldsets(phrases: list[Phrase]) -> set[frozenset[str]]:
    """Every set of fields one word can carry: subsets of the fields of phrases that can
    match the same words (a phrase ruled out by its mode drops its field)."""
    groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    wild = [(w, t) for w, t, _ in phrases if WILD in w]
    for words, tag, _ in phrases:
        groups[words].add(tag)
    # index the wildcard phrases by (length, position, word) so each group meets only the
    # wildcard phrases that can match it, instead of all of them
    by_slot: dict[tuple[int, int, str], set[int]] = defaultdict(set)
    for n, (other, _) in enumerate(wild):
        for pos, word in enumerate(other):
            by_slot[(len(other), pos, word)].add(n)
    for words, tags in groups.items():
        size = len(words)
        fits: set[int] | None = None
        for pos, word in enumerate(words):
            here = by_slot.get((size, pos, WILD), set())
            if word == WILD:  # a wildcard word in the group meets any word of a wild phrase
                here = {n for n, (other, _) in enumerate(wild) if len(other) == size}
            else:
                here = here | by_slot.get((size, pos, word), set())
            fits = here if fits is None else fits & here
            if not fits:
                break
        for n in fits or ():
            tags.add(wild[n][1])
    sets: set[frozenset[str]] = set()
    for tags in groups.values():
        if UNTAGGED in tags:
            continue
        for k in range(1, len(tags) + 1):
            sets.update(frozenset(c) for c in combinations(sorted(tags), k))
    return sets


def load_fields(text: str) -> Fields:
    """Compile a semantic-field lexicon from its YAML text (see data/lexicons/risk_fields.yaml)."""
    data = yaml.safe_load(text)
    nps = data.get("noun_phrases") or {}
    tag_names = set(data["tags"]) | set(nps)
    entries: list[tuple[str, str]] = [(UNTAGGED, p) for p in _lines(data.get("guards"))]
    for tag, spec in nps.items():
        dets = "|".join(_lines(spec["determiners"]))
        for noun in _lines(spec["nouns"]):
            entries.append((tag, f"({dets}) ({noun}|{noun}s)"))
    for tag, phrases in data["tags"].items():
        if not _TAG_NAME.match(tag):
            raise ValueError(f"risk fields: bad field name {tag!r}")
        entries.extend((tag, p) for p in _lines(phrases))
    phrases: list[Phrase] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for tag, pattern in entries:  # in definition order: guards first
        mode = pattern[-1] if pattern[-1] in "~$" else ""
        for wording in expand(pattern.rstrip("~$")):
            words = tuple(wording.split())
            if not words or (words, tag) in seen:
                continue
            if words[0] == WILD:
                raise ValueError(f"risk fields: phrase {pattern!r} starts with a wildcard")
            seen.add((words, tag))
            phrases.append((words, tag, mode))
    macros = {k: str(v) for k, v in (data.get("macros") or {}).items()}

    def prepare(pattern: str, name: str) -> str:
        refs = set(_FIELD_REF.findall(_CLASS.sub(" ", pattern))) | {
            f for m in _CLASS.finditer(pattern) for f in m.group(2).split("|")
        }
        if refs - tag_names:
            unknown = sorted(refs - tag_names)
            raise ValueError(f"risk fields: combo {name!r}: unknown fields {unknown}")
        parts = re.split(r"(<\^?[A-Z0-9|]+>)", pattern)  # bare names outside <...> -> <NAME>
        body = "".join(p if p[:1] == "<" else _FIELD_REF.sub(r"<\1>", p) for p in parts)
        for _ in range(4):
            body = _MACRO.sub(lambda m: macros[m.group(1)], body)
        return body.replace(" ", "")

    combos = []
    for item in data["combos"]:
        name = str(item["name"])
        listed = set(item.get("unless") or ()) | set(item.get("override") or ())
        listed |= set(item.get("needs") or ())
        listed |= set(item.get("gate") or ())
        if listed - tag_names:
            raise ValueError(f"risk fields: combo {name!r}: unknown fields {listed - tag_names}")
        combos.append(Combo(
            name=name, kind=str(item["kind"]), pattern=prepare(str(item["pattern"]), name),
            imminent=bool(item.get("imminent", False)), category=str(item.get("category", "")),
            unless=tuple(item.get("unless") or ()), override=tuple(item.get("override") or ()),
            needs=tuple(item.get("needs") or ()), gate=frozenset(item.get("gate") or ()),
        ))
    names = {c.name for c in combos}
    messages = []
    for item in data.get("messages") or ():
        all_of = tuple(item.get("all_of") or ())
        if set(all_of) - tag_names - names:
            raise ValueError(f"risk fields: message rule {item['name']!r}: unknown {all_of}")
        messages.append(MessageRule(
            name=str(item["name"]), kind=str(item["kind"]),
            imminent=bool(item.get("imminent", False)),
            all_of=all_of, two_of=tuple(item.get("two_of") or ()),
        ))
    singles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[Phrase]] = defaultdict(list)
    for words, tag, mode in phrases:
        if len(words) == 1:
            singles[words[0]].append((tag, mode))
        else:
            pairs[(words[0], words[1])].append((words, tag, mode))
    spelling = data.get("spelling") or {}
    targets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in _lines(spelling.get("targets")):
        targets[(word[0], len(word))].append(word)
    combos_t = tuple(combos)
    return Fields(
        starts=frozenset(w[0] for w, _, _ in phrases),
        singles={k: tuple(v) for k, v in singles.items()},
        pairs={k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in pairs.items()},  # stable
        continuations=frozenset(_lines(data.get("continuations"))),
        tails=frozenset(_lines(data.get("tails"))),
        combos=combos_t,
        messages=tuple(messages),
        respell_targets={k: tuple(v) for k, v in targets.items()},
        keep=frozenset(_lines(spelling.get("keep"))),
        vocabulary=frozenset(w for words, _, _ in phrases for w in words),
        codebook=Codebook(_fieldsets(phrases), combos_t),
    )


@cache
def fields() -> Fields:
    """The shipped field lexicon, loaded and compiled once per process."""
    path = files("talkcure") / "data" / "lexicons" / LEXICON
    return load_fields(path.read_text(encoding="utf-8"))


