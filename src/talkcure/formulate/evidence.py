"""Evidence: the utterances a finding rests on (METHOD §1: every inference names them)."""

from __future__ import annotations

from dataclasses import dataclass

from talkcure.listen.text import clauses


@dataclass(frozen=True)
class Mention:
    """One patient utterance behind a finding, with the clause that carried it."""

    turn_id: int
    session: int  # session number in the course
    index: int  # turn index in the session
    quote: str = ""  # the clause that carried it, as written

    def to_dict(self) -> dict:
        return {"session": self.session, "turn": self.turn_id, "quote": self.quote}


def clause_around(text: str, start: int, end: int, max_words: int = 40) -> str:
    """The clause holding text[start:end]; over ``max_words`` words, a window around it."""
    spans = clauses(text)
    lo, hi = next(((a, b) for a, b in spans if a <= start < b), spans[0] if spans else (0, 0))
    clause = text[lo:hi].strip(" ,-")
    words = clause.split()
    if len(words) > max_words:
        cue_word = len(text[lo:start].split())
        first = max(0, min(cue_word - max_words // 2, len(words) - max_words))
        clause = " ".join(words[first : first + max_words])
    return clause
