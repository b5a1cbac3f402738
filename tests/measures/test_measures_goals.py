"""Goal-based outcomes: up to three named goals rated 0-10; a 3-point change matters."""

import pytest

from talkcure.errors import TalkcureError
from talkcure.measures import classify_goal, classify_goals, parse_goal_rating, score_goals


def test_score_goals():
    result = score_goals({"Go back to work": 2, "Sleep through the night": 5})
    assert [(g.name, g.rating) for g in result.goals] == [
        ("Go back to work", 2),
        ("Sleep through the night", 5),
    ]
    assert result.mean == 3.5  # (2 + 5) / 2
    assert result.rating("go back to WORK") == 2


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({}, "at least one goal"),
        ({"a": 1, "b": 1, "c": 1, "d": 1}, "at most 3 goals"),
        ({"a": 11}, "from 0 to 10"),
        ({"a": -1}, "from 0 to 10"),
        ({"a": 2.5}, "from 0 to 10"),
        ({"  ": 3}, "name"),
        ([("Sleep", 3), ("sleep", 4)], "listed twice"),
    ],
)
def test_score_goals_rejects(ratings, message):
    with pytest.raises(TalkcureError, match=message):
        score_goals(ratings)


def test_parse_goal_rating():
    assert parse_goal_rating("7") == 7
    assert parse_goal_rating(" 10 ") == 10
    for bad in ("11", "-1", "seven", "", "6.5"):
        with pytest.raises(TalkcureError, match="whole number from 0"):
            parse_goal_rating(bad)


@pytest.mark.parametrize(
    ("pre", "post", "classification"),
    [
        (2, 5, "meaningful improvement"),  # +3
        (2, 4, "no meaningful change"),  # +2
        (8, 5, "meaningful deterioration"),  # -3
        (8, 6, "no meaningful change"),  # -2
    ],
)
def test_classify_goal(pre, post, classification):
    r = classify_goal(pre, post, goal="Sleep")
    assert (r.classification, r.diff, r.threshold, r.goal) == (
        classification,
        post - pre,
        3,
        "Sleep",
    )
    assert r.provisional is True  # the 3-point rule is marked "check"


def test_classify_goals_matches_by_name():
    pre = score_goals({"Work": 2, "Sleep": 6})
    post = score_goals({"sleep": 7, "work": 6})
    results = classify_goals(pre, post)
    assert [(r.goal, r.diff, r.classification) for r in results] == [
        ("Work", 4, "meaningful improvement"),
        ("Sleep", 1, "no meaningful change"),
    ]
    with pytest.raises(TalkcureError, match="no goal named"):
        classify_goals(pre, score_goals({"Work": 3}))


def test_classify_goal_rejects_out_of_range():
    with pytest.raises(TalkcureError, match="first goal rating"):
        classify_goal(11, 3)
