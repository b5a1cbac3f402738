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

from collections import defaultdict

from talkcure.listen.risk_fields_lexicon import (  # noqa: F401 (re-exported)
    CLAUSE,
    LEXICON,
    SENTENCE,
    UNTAGGED,
    WILD,
    Codebook,
    Combo,
    Fields,
    Hit,
    MessageRule,
    Phrase,
    expand,
    fields,
    load_fields,
    within_one_edit,
)

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
