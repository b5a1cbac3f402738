"""Semantic-field reading for the risk component (see ``talkcure.listen.risk``).

The phrase rules in ``risk.yaml`` know particular wordings. This module reads
*meaning* instead, so that wordings nobody wrote down still reach the crisis
protocol. Its vocabulary lives in ``data/lexicons/risk_fields.yaml``.

1. Each word (or longest matching phrase) of the normalised message is read as
   the set of *fields* it belongs to: ``SELF`` (I, me, myself), ``OTHER`` (he,
   my mum), ``THING`` (my phone, the exam), ``NEG`` (not, never, can't, tired
   of), ``TRIG`` (want, going to, thinking about, ready to, would rather),
   ``DEATH`` (die, stop breathing, sleep forever), ``ALIVE`` (live, exist, wake
   up, go on), ``WEAK`` (disappear, my exit), ``FINAL`` (forever, for good),
   ``MEANS`` (rope, gun), ``PILLS``, ``INJURE``, ``BODY``, ``PURPOSE`` and so on.
   Idioms ("dying to", "dead tired", "die my hair") are guards: read as no field.
   A phrase marked ``~`` is not read when a preposition, determiner or object
   follows it ("disappear *into a book*", "wake up *early*"); one marked ``$``
   counts only at the end of its clause or before an adverb or filler ("I can't
   go on", not "go on holiday").
2. Each distinct set of fields is one private-use character, so a message
   becomes a short string, one character a word ("_" for a word in no field,
   "," and "|" for clause and sentence ends). Combinations (``combos``) are
   regular expressions over that string, where a field name stands for any
   character whose set holds it: e.g. a wish whose subject is the speaker (or
   unstated) followed by a death term with no negation or third party between;
   or a negated life term ("I don't want to *live*", "no reason to *go on*").
   Negation is read from the clause start, so a denial in one clause never
   cancels another clause.
3. Message rules combine what was found anywhere in the message: two
   independent weak signals (farewell + hopelessness, preparation + "when I'm
   not around"...) make a suicide flag.

Combos never cross a sentence: each distinct sentence is read once, and a combo
runs only on sentences that hold one of its ``gate`` fields. Every expression
uses bounded repetition, so the reading stays linear on very long input.
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


# --------------------------------------------------------------------------- text


def without_clauses(clausal: str) -> tuple[str, list[int]]:
    """The text without its clause marks, and where each mark stood (offsets in that text)."""
    words: list[str] = []
    marks: list[int] = []
    pos = 0
    for word in clausal.split(" "):
        if word == ",":
            marks.append(pos)
        elif word:
            words.append(word)
            pos += len(word) + 1
    return " ".join(words), marks


def with_clauses(norm: str, marks: list[int]) -> str:
    """Put the clause marks back (norm may have had words blanked, which keeps offsets)."""
    pieces, prev = [], 0
    for at in marks:
        pieces.append(norm[prev:at])
        pieces.append(", ")
        prev = at
    pieces.append(norm[prev:])
    return "".join(pieces)


# --------------------------------------------------------------------------- spelling


def respell(norm: str, lex: Fields | None = None) -> str:
    """Replace words one edit away from a key word ("sucidal", "myslef", "overdsoe")."""
    lex = lex or fields()
    targets = lex.respell_targets
    fixes: dict[str, str] = {}
    for word in set(norm.split(" ")):
        if len(word) < 5 or word in lex.keep:
            continue
        for size in (len(word) - 1, len(word), len(word) + 1):
            for target in targets.get((word[0], size), ()):
                if word != target and within_one_edit(word, target):
                    fixes[word] = target
                    break
            if word in fixes:
                break
    if not fixes:
        return norm
    return " ".join(fixes.get(w, w) for w in norm.split(" "))


# --------------------------------------------------------------------------- tagging


def _longer(tokens: list[str], i: int, lex: Fields) -> tuple[Phrase, ...]:
    """Phrases of two or more words that match at tokens[i], longest first."""
    if i + 1 >= len(tokens):
        return ()
    word, nxt = tokens[i], tokens[i + 1]
    longer = lex.pairs.get((word, nxt), ())
    if nxt not in (SENTENCE, CLAUSE) and (word, WILD) in lex.pairs:
        longer = tuple(sorted(longer + lex.pairs[(word, WILD)], key=lambda e: -len(e[0])))
    return tuple(
        (words, tag, mode) for words, tag, mode in longer
        if len(tokens) - i >= len(words) and all(
            w == t or (w == WILD and t not in (SENTENCE, CLAUSE))
            for w, t in zip(words, tokens[i : i + len(words)], strict=True)
        )
    )


def _starts_final(tokens: list[str], i: int, lex: Fields) -> bool:
    """Whether a FINAL phrase ("forever", "for good") starts at tokens[i]."""
    if i >= len(tokens):
        return False
    return any(t == "FINAL" for _, t, _ in _longer(tokens, i, lex)) or any(
        t == "FINAL" for t, _ in lex.singles.get(tokens[i], ())
    )


def _word(token: str, lex: Fields) -> str:
    """A token as the lexicon's word: 10-999 -> "manynum", 3rd/30th -> "nth", and a dropped
    g put back when only the -ing form is a lexicon word ("endin", "dyin" -> "ending", "dying")."""
    if token[:1].isdigit():
        if token.isdigit():
            return "manynum" if 10 <= int(token) < 1000 else token
        if token[-2:] in ("st", "nd", "rd", "th") and token[:-2].isdigit():
            return "nth"
    elif token[-2:] == "in" and token not in lex.vocabulary and token + "g" in lex.vocabulary:
        return token + "g"
    return token


def tag(tokens: list[str], lex: Fields) -> tuple[list[frozenset[str] | str], list[int]]:
    """The fields of each word or phrase (a set, or "_", "," or "|"), and where it starts.

    At each word the longest phrase wins and carries every field it belongs to; a
    phrase whose mode (~ or $) rules it out at this place gives way to the next
    one; a guard (an idiom) makes its words "_"; a word in no field is "_".
    """
    tags: list[frozenset[str] | str] = []
    at: list[int] = []
    i, n = 0, len(tokens)
    starts, singles, marks = lex.starts, lex.singles, (SENTENCE, CLAUSE)
    while i < n:
        word = tokens[i]
        at.append(i)
        if word not in starts:
            tags.append(word if word in marks else UNTAGGED)
            i += 1
            continue
        size, names = 0, set()
        for words, name, mode in _longer(tokens, i, lex):
            length = len(words)
            if size and length < size:
                break
            if mode and _ruled_out(tokens, i + length, mode, lex):
                continue
            size = length
            names.add(name)
        if not size:
            for name, mode in singles.get(word, ()):
                if mode and _ruled_out(tokens, i + 1, mode, lex):
                    continue
                size = 1
                names.add(name)
        if not size:
            tags.append(UNTAGGED)
            i += 1
        else:
            tags.append(UNTAGGED if UNTAGGED in names else frozenset(names))
            i += size
    return tags, at


def _ruled_out(tokens: list[str], nxt: int, mode: str, lex: Fields) -> bool:
    """Whether a phrase with this mode is not read when tokens[nxt] follows it."""
    if nxt >= len(tokens):
        return False
    word = tokens[nxt]
    if word in (SENTENCE, CLAUSE):
        return False
    if mode == "~" and word not in lex.continuations:
        return False
    if mode == "$" and word in lex.tails:
        return False
    return not _starts_final(tokens, nxt, lex)


# --------------------------------------------------------------------------- reading


def _read_sentence(sentence: str, lex: Fields, gated: bool) -> list[tuple[int, int, int]]:
    """(combo index, first word, last word) of the first acceptable match of each combo."""
    book = lex.codebook
    chars = set(sentence)
    present: set[str] = set()
    for c in chars:
        present |= book.fields_of.get(c, frozenset())
    found = []
    for k, combo in enumerate(lex.combos):
        if gated and combo.gate and present.isdisjoint(combo.gate):
            continue
        if book.needs[k] and chars.isdisjoint(book.needs[k]):
            continue
        m = book.regexes[k].search(sentence)
        if m is None:
            continue
        if book.unless[k] and not chars.isdisjoint(book.unless[k]) and (
            chars.isdisjoint(book.override[k])
        ):
            continue  # the whole sentence is excused (an accident, a game...)
        found.append((k, m.start(), max(m.start(), m.end() - 1)))
    return found


def _tag_sentences(tokens: list[str], lex: Fields) -> tuple[list, list[int]]:
    """tag() sentence by sentence (no phrase crosses a sentence), each distinct one once."""
    tags: list[frozenset[str] | str] = []
    at: list[int] = []
    cache: dict[tuple[str, ...], tuple[list, list[int]]] = {}
    first, n = 0, len(tokens)
    while first < n:
        try:
            last = tokens.index(SENTENCE, first)
        except ValueError:
            last = n
        words = tuple(tokens[first:last])
        if words not in cache:
            cache[words] = tag(list(words), lex)
        these, where = cache[words]
        tags.extend(these)
        at.extend(first + i for i in where)
        if last < n:
            tags.append(SENTENCE)
            at.append(last)
        first = last + 1
    return tags, at


def encode(tags: list[frozenset[str] | str], lex: Fields) -> str:
    """The message as one character a word (see Codebook)."""
    code = lex.codebook.code
    return "".join(t if isinstance(t, str) else code(t) for t in tags)


def read(norm: str, lex: Fields | None = None, gated: bool = True) -> list[Hit]:
    """Field-combination hits in a normalised message (clause marks "," and "|")."""
    lex = lex or fields()
    raw: list[str] = []
    offsets: list[int] = []
    pos = 0
    for token in norm.split(" "):  # blanked denials leave runs of spaces: skip them
        if token:
            raw.append(token)
            offsets.append(pos)
        pos += len(token) + 1
    if not raw:
        return []
    tokens = [_word(t, lex) for t in raw]
    tags, at = _tag_sentences(tokens, lex)
    text = encode(tags, lex)
    present: set[str] = set()
    for c in set(text):
        present |= lex.codebook.fields_of.get(c, frozenset())
    fired: set[str] = set()
    hits: list[Hit] = []
    per_combo: dict[int, int] = defaultdict(int)
    cache: dict[str, list[tuple[int, int, int]]] = {}
    first = 0
    while first < len(text):
        last = text.find(SENTENCE, first)
        last = len(text) if last == -1 else last
        sentence = text[first:last]
        if sentence.strip(UNTAGGED + CLAUSE):
            if sentence not in cache:
                cache[sentence] = _read_sentence(sentence, lex, gated)
            for k, lo, hi in cache[sentence]:
                combo = lex.combos[k]
                fired.add(combo.name)
                if combo.category:
                    fired.add(combo.category)
                if combo.kind == "signal" or per_combo[k] >= 3:
                    continue
                per_combo[k] += 1
                hi += first
                last_tok = at[hi + 1] - 1 if hi + 1 < len(at) else len(tokens) - 1
                hits.append(Hit(combo.name, combo.kind, combo.imminent, offsets[at[first + lo]],
                                offsets[last_tok] + len(raw[last_tok])))
        first = last + 1
    for rule in lex.messages:
        if rule.all_of and not all(x in present or x in fired for x in rule.all_of):
            continue
        if rule.two_of and sum(c in fired for c in rule.two_of) < 2:
            continue
        hits.append(Hit(rule.name, rule.kind, rule.imminent, 0, len(norm)))
    return hits


def rule_names(lex: Fields | None = None) -> set[str]:
    """Every cue this module can report."""
    lex = lex or fields()
    return {c.name for c in lex.combos if c.kind != "signal"} | {m.name for m in lex.messages}


def describe(norm: str, lex: Fields | None = None) -> str:
    """The words of a normalised message with their fields (for reading the lexicon)."""
    lex = lex or fields()
    tokens = [_word(t, lex) for t in norm.split()]
    tags, at = tag(tokens, lex)
    return " ".join(
        tokens[i] if isinstance(t, str) and t == UNTAGGED else
        t if isinstance(t, str) else f"{tokens[i]}:{'+'.join(sorted(t))}"
        for t, i in zip(tags, at, strict=True)
    )
