"""Turning the person's words from their point of view to the companion's.

"I feel like my mother never listens to me" -> "you feel like your mother
never listens to you"; and the other way round for words addressed to the
companion: "you never understand me" -> "I never understand you".
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[^\sA-Za-z]+|\s+")

# first person -> second person
_FIRST = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "we": "you",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
}
# second person (addressing the companion) -> first person
_SECOND_OBJECT = {"your": "my", "yours": "mine", "yourself": "myself"}
_SECOND_CONTRACTIONS = {"you're": "I'm", "you've": "I've", "you'd": "I'd", "you'll": "I'll"}
# verb agreement after the swapped subject
_AFTER_I = {"am": "are", "was": "were", "'m": "'re", "are": "are", "were": "were"}
_AFTER_YOU = {"are": "am", "were": "was", "aren't": "am not", "weren't": "wasn't"}
_PREPOSITIONS = {
    "to", "for", "with", "at", "about", "from", "of", "on", "by", "like", "than", "without",
    "into", "around", "against", "towards", "toward", "behind", "beside", "near", "understand",
}
_OBJECT_VERBS = {
    "tell", "told", "help", "helps", "ask", "asked", "understand", "hear", "heard", "know",
    "trust", "see", "saw", "bother", "annoy", "annoys", "let", "want", "need", "thank", "blame",
}
_SUBJECT_TOKENS = {"i", "i'm", "i've", "i'd", "i'll", "we", "we're", "we've", "we'd", "we'll"}


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def flip_person(text: str) -> str:
    """Swap first and second person, keeping verbs in agreement."""
    toks = _TOKEN.findall(text.replace("’", "'"))
    word_idx = [i for i, tok in enumerate(toks) if tok[:1].isalpha()]
    prev_of = {i: (toks[word_idx[n - 1]].lower() if n else "") for n, i in enumerate(word_idx)}
    next_of = {
        i: (toks[word_idx[n + 1]].lower() if n + 1 < len(word_idx) else "")
        for n, i in enumerate(word_idx)
    }
    out = list(toks)
    last_verb_at: int | None = None  # "are"/"were" just before a swapped "you"
    subject: str | None = None  # "I" or "you": the subject just swapped
    for i, tok in enumerate(toks):
        low = tok.lower()
        if not tok[:1].isalpha():
            if tok.strip():
                subject = None
            continue
        repl = None
        new_subject = None
        if low in _FIRST:
            repl = _FIRST[low]
            new_subject = "I" if low in _SUBJECT_TOKENS else None
        elif low == "you":
            before = prev_of[i]
            is_object = before in _PREPOSITIONS or before in _OBJECT_VERBS or (
                bool(before) and not next_of[i] and before not in {"are", "were", "do", "did"}
            )
            repl = "me" if is_object else "I"
            new_subject = None if is_object else "you"
            if repl == "I" and last_verb_at is not None:  # question inversion: "are you" -> "am I"
                verb = toks[last_verb_at].lower()
                out[last_verb_at] = _match_case({"are": "am", "were": "was"}[verb],
                                                toks[last_verb_at])
        elif low in _SECOND_OBJECT:
            repl = _SECOND_OBJECT[low]
        elif low in _SECOND_CONTRACTIONS:
            repl = _SECOND_CONTRACTIONS[low]
        elif subject == "I" and low in _AFTER_I:
            repl = _AFTER_I[low]
        elif subject == "you" and low in _AFTER_YOU:
            repl = _AFTER_YOU[low]
        last_verb_at = i if low in {"are", "were"} else None
        if repl is None:
            if low not in {"really", "just", "never", "always", "still", "even", "also"}:
                subject = None
            continue
        if repl.startswith("I"):
            out[i] = repl
        elif low in _SUBJECT_TOKENS:  # "I" is upper case anywhere; only a first word keeps it
            out[i] = _match_case(repl, tok) if i == word_idx[0] else repl
        else:
            out[i] = _match_case(repl, tok)
        subject = new_subject
    return "".join(out)
