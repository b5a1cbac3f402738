"""Goal-based outcomes: up to three goals the person names, each rated 0-10.

A rating is "how close are you to reaching it"; a change of at least 3 points
between two reviews counts as meaningful (source in ``data/instruments/gbo.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from talkcure.errors import TalkcureError
from talkcure.measures.change import ChangeResult
from talkcure.measures.instruments import goal_scheme
from talkcure.measures.scoring import clean_text


@dataclass(frozen=True)
class GoalRating:
    name: str
    rating: int


@dataclass(frozen=True)
class GoalsResult:
    """Goal-based outcomes at one review: each goal with its 0-10 rating."""

    goals: tuple[GoalRating, ...]
    mean: float

    def rating(self, name: str) -> int:
        for goal in self.goals:
            if clean_text(goal.name) == clean_text(name):
                return goal.rating
        raise TalkcureError(f"There is no goal named '{name}'; check the goal's wording.")


def parse_goal_rating(raw: str) -> int:
    """A goal rating typed by the person: a whole number from 0 to 10."""
    scheme = goal_scheme()
    text = clean_text(raw) if raw is not None else ""
    if re.fullmatch(r"[0-9]{1,2}", text):
        value = int(text)
        if scheme.rating_min <= value <= scheme.rating_max:
            return value
    raise TalkcureError(
        f"Please rate the goal with a whole number from {scheme.rating_min} "
        f"(not at all close) to {scheme.rating_max} (reached it)."
    )


def score_goals(ratings: Mapping[str, int] | Sequence[tuple[str, int]]) -> GoalsResult:
    """Validate up to three named goals rated 0-10; the mean is for charts only."""
    scheme = goal_scheme()
    pairs = list(ratings.items()) if isinstance(ratings, Mapping) else list(ratings)
    if not pairs:
        raise TalkcureError("Name at least one goal and rate it from 0 to 10.")
    if len(pairs) > scheme.max_goals:
        raise TalkcureError(f"Choose at most {scheme.max_goals} goals; {len(pairs)} were given.")
    seen: set[str] = set()
    goals: list[GoalRating] = []
    for name, rating in pairs:
        clean_name = " ".join(str(name).split())
        if not clean_name:
            raise TalkcureError("Give each goal a name in a few words.")
        if clean_text(clean_name) in seen:
            raise TalkcureError(f"The goal '{clean_name}' is listed twice; keep it once.")
        seen.add(clean_text(clean_name))
        if (
            isinstance(rating, bool)
            or not isinstance(rating, int)
            or not (scheme.rating_min <= rating <= scheme.rating_max)
        ):
            raise TalkcureError(
                f"Rate the goal '{clean_name}' with a whole number from {scheme.rating_min} "
                f"to {scheme.rating_max}."
            )
        goals.append(GoalRating(clean_name, rating))
    return GoalsResult(goals=tuple(goals), mean=sum(g.rating for g in goals) / len(goals))


def classify_goal(pre: int, post: int, *, goal: str | None = None) -> ChangeResult:
    """A goal's 0-10 rating from ``pre`` to ``post``: >= 3 points is meaningful."""
    scheme = goal_scheme()
    for which, value in (("first", pre), ("last", post)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (scheme.rating_min <= value <= scheme.rating_max)
        ):
            raise TalkcureError(
                f"The {which} goal rating must be a whole number from {scheme.rating_min} "
                f"to {scheme.rating_max}."
            )
    diff = post - pre
    step = scheme.meaningful_change
    improved, deteriorated = diff >= step, -diff >= step
    if improved:
        label = "meaningful improvement"
    elif deteriorated:
        label = "meaningful deterioration"
    else:
        label = "no meaningful change"
    return ChangeResult(
        instrument=scheme.id,
        method="goal_based",
        pre=pre,
        post=post,
        diff=diff,
        higher_is_better=True,
        threshold=step,
        classification=label,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        recovered=False,
        reliable_recovery=False,
        goal=goal,
        sources=(scheme.change_source,),
    )


def classify_goals(pre: GoalsResult, post: GoalsResult) -> tuple[ChangeResult, ...]:
    """Each goal rated at both times, matched by name (case-insensitive)."""
    return tuple(classify_goal(g.rating, post.rating(g.name), goal=g.name) for g in pre.goals)
