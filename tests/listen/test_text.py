"""Shared text utilities: normalise, sentences, clauses, tokens, negation, experiencer."""

from __future__ import annotations

import pytest

from talkcure.listen.text import (
    OTHER,
    SELF,
    analyse,
    clause_subject,
    clauses,
    expand,
    load_lexicon,
    negated,
    normalize,
    sentences,
    tokens,
)

# esconv/esconv_multiesc_valid_test_dialogues.jsonl (seeker turn, MultiESC spacing)
ESCONV_SPACED = (
    "Yes lots of stress and pressure . I did not , because we didn ' t have such things or at "
    "least I wasn ' t aware . But nobody even pointed that why I ' m failing , they just didn ' t "
    "care ."
)


def _idx(toks, word, nth=0):
    hits = [i for i, t in enumerate(toks) if t.lower == word]
    return hits[nth]


# --------------------------------------------------------------------------- normalize


def test_normalize_joins_multiesc_contractions_and_punctuation():
    assert normalize(ESCONV_SPACED) == (
        "Yes lots of stress and pressure. I did not, because we didn't have such things or at "
        "least I wasn't aware. But nobody even pointed that why I'm failing, they just didn't care."
    )
    assert normalize("I haven ' t slept") == "I haven't slept"
    assert normalize("I ' m fine , you ' re kind") == "I'm fine, you're kind"


def test_normalize_quotes_whitespace_and_line_breaks():
    # goemotions/dev.tsv: "You know the answer man, you are programmed to capture those codes
    # they send you, don’t avoid them!"
    assert "don't avoid" in normalize("they send you, don\u2019t avoid them!")
    assert normalize("\u201cno\u201d   said  she\t ") == '"no" said she'
    assert normalize("first line  \n\n  second") == "first line\nsecond"
    assert normalize("") == ""


def test_analyse_maps_offsets_back_to_the_text_as_written():
    doc = analyse(ESCONV_SPACED)
    i = _idx(doc.tokens, "i'm")
    cue, s, e = doc.cue(doc.tokens[i].start, doc.tokens[i].end)
    assert cue == "I ' m" and ESCONV_SPACED[s:e] == "I ' m"
    j = _idx(doc.tokens, "failing")
    assert doc.cue(doc.tokens[j].start, doc.tokens[j].end)[0] == "failing"
    plain = analyse("I am sad")
    assert plain.cue(5, 8) == ("sad", 5, 8)


# --------------------------------------------------------------------------- sentences, clauses


def test_sentences_and_abbreviations():
    text = "Dr. Smith said no. I cried!! Why? Then\nnothing"
    spans = [text[s:e] for s, e in sentences(text)]
    assert spans == ["Dr. Smith said no.", "I cried!!", "Why?", "Then", "nothing"]


def test_clauses_split_on_but_semicolon_and_subject_and():
    text = "I'm not sad but angry; she left and I stayed, but my mom and dad came"
    got = [text[s:e] for s, e in clauses(text)]
    assert got == ["I'm not sad", "angry", "she left", "I stayed", "my mom and dad came"]


def test_clauses_keep_and_between_adjectives():
    text = "I was tired and sad"
    assert [text[s:e] for s, e in clauses(text)] == ["I was tired and sad"]


# --------------------------------------------------------------------------- tokens


def test_tokens_offsets_apostrophes_hyphens_and_breaks():
    text = "My mother-in-law's cat, isn't it?"
    toks = tokens(text)
    assert [t.text for t in toks] == ["My", "mother-in-law's", "cat", "isn't", "it"]
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert [t.brk for t in toks] == [False, False, False, True, False]


# --------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("I'm not angry", "angry", True),
        ("I don't feel happy", "happy", True),
        ("I don't really feel that happy", "happy", True),
        ("Nothing makes me happy", "happy", True),
        ("I'm not sad, I'm angry", "angry", False),  # the comma ends the negation
        ("I'm not sad but angry", "angry", False),  # "but" starts a new clause
        ("I don't know why I'm so sad", "sad", False),  # too far
        ("I can't stop crying", "crying", False),  # double negative
        ("I've never been this sad in my life!", "sad", False),  # goemotions/dev.tsv
        ("I have never been happier", "happier", False),
        ("No I'm angry", "angry", False),  # interjection
        ("there is no joy in my life", "joy", True),
        ("I have not been happy in months", "happy", True),  # esconv seeker turn
    ],
)
def test_negated(text, word, expected):
    toks = tokens(text)
    assert negated(toks, _idx(toks, word)) is expected


# --------------------------------------------------------------------------- experiencer


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("my mother is angry", "angry", OTHER),
        ("she makes me so angry", "angry", SELF),
        ("I'm angry at her", "angry", SELF),
        ("she is angry at me", "angry", OTHER),
        ("he told me he was sad", "sad", OTHER),
        ("I told my mom I was sad", "sad", SELF),
        ("feeling so lonely", "lonely", SELF),
        ("it's so frustrating", "frustrating", SELF),
        ("I feel like my life is empty", "empty", SELF),
        ("my mom and I are both sad", "sad", SELF),
        ("me and my sister are happy", "happy", SELF),
        ("are you angry with me?", "angry", OTHER),
        ("you just feel so alone when nobody calls", "alone", SELF),  # generic you
        ("do you feel sad?", "sad", OTHER),
        ("[NAME] is so happy", "happy", OTHER),  # goemotions placeholder
        ("my mom is not angry but sad", "sad", OTHER),  # subject carries over "but"
        ("it made her sad", "sad", OTHER),
        ("my boyfriend's anger scares me", "anger", OTHER),
        # counselchat questionText
        ("Every time my partner gets angry for anything, she takes it out on me.", "angry", OTHER),
    ],
)
def test_clause_subject(text, word, expected):
    toks = tokens(text)
    assert clause_subject(toks, _idx(toks, word)) == expected


def test_clause_subject_works_on_a_clause_slice():
    toks = tokens("She was furious. I was scared")
    second = [t for t in toks if t.sent == 1]
    assert clause_subject(second, 2) == SELF


# --------------------------------------------------------------------------- lexicon helpers


def test_expand_alternatives():
    assert expand("(feel|felt) (so |)sad") == ["feel so sad", "feel sad", "felt so sad", "felt sad"]
    assert expand("plain  words") == ["plain words"]


def test_load_lexicon_is_cached():
    assert load_lexicon("affect") is load_lexicon("affect")
