"""Scoring: bands at every boundary, reverse items, missing-item rules, answers."""

import pytest

from talkcure.errors import TalkcureError
from talkcure.measures import MeasureResult, get_instrument, parse_answer, score


def answers_for(total: int, n_items: int, top: int) -> list[int]:
    """Item values (straight-scored) adding up to ``total``: fill items in order."""
    out = []
    for _ in range(n_items):
        value = min(top, total)
        out.append(value)
        total -= value
    assert total == 0
    return out


def rses_answers_for(total: int) -> list[int]:
    """Raw RSES answers whose item scores add up to ``total`` (reverse items: 3 - x)."""
    rses = get_instrument("rses")
    scores = answers_for(total, 10, 3)
    return [3 - s if rses.item(n).reverse else s for n, s in enumerate(scores, start=1)]


# --------------------------------------------------------------------------- bands

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately severe"),
    (19, "moderately severe"),
    (20, "severe"),
    (27, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(total, band):
    values = answers_for(total, 9, 3)
    result = score("phq9", values)
    assert (result.total, result.band, result.max) == (total, band, 27)
    assert result.prorated is False and result.missing == ()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_boundaries(total, band):
    result = score("gad7", answers_for(total, 7, 3))
    assert (result.total, result.band, result.max) == (total, band, 21)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "low self-esteem"),
        (14, "low self-esteem"),
        (15, "normal range"),
        (25, "normal range"),
        (26, "high self-esteem"),
        (30, "high self-esteem"),
    ],
)
def test_rses_band_boundaries(total, band):
    result = score("rses", rses_answers_for(total))
    assert (result.total, result.band, result.max) == (total, band, 30)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "subclinical"),
        (9, "subclinical"),
        (10, "significant impairment"),
        (20, "significant impairment"),
        (21, "moderately severe or worse"),
        (40, "moderately severe or worse"),
    ],
)
def test_wsas_band_boundaries(total, band):
    result = score("wsas", answers_for(total, 5, 8))
    assert (result.total, result.band, result.max) == (total, band, 40)


# --------------------------------------------------------------------------- reverse items


def test_rses_all_strongly_agree_is_15():
    # items 1,3,4,7,10 score 3 each = 15; reversed items 2,5,6,8,9 score 3-3 = 0
    result = score("rses", [3] * 10)
    assert result.total == 15
    assert result.item_scores == {1: 3, 2: 0, 3: 3, 4: 3, 5: 0, 6: 0, 7: 3, 8: 0, 9: 0, 10: 3}


def test_rses_all_strongly_disagree_is_15():
    # straight items 0 each; reversed items 3-0 = 3 each -> 15
    assert score("rses", [0] * 10).total == 15


def test_rses_extremes():
    # agree strongly with positives, disagree strongly with negatives: 5*3 + 5*3 = 30
    best = [3, 0, 3, 3, 0, 0, 3, 0, 0, 3]
    assert score("rses", best).total == 30
    worst = [3 - v for v in best]
    assert score("rses", worst).total == 0


def test_rses_mixed_hand_computed():
    # answers: 1:A(2) 2:D(1) 3:SA(3) 4:A(2) 5:SD(0) 6:A(2) 7:D(1) 8:A(2) 9:SD(0) 10:D(1)
    # scores : 2, 3-1=2, 3, 2, 3-0=3, 3-2=1, 1, 3-2=1, 3-0=3, 1  -> 19
    result = score("rses", [2, 1, 3, 2, 0, 2, 1, 2, 0, 1])
    assert result.total == 19
    assert result.band == "normal range"
    assert any("reverse-scored" in n for n in result.notes)


# --------------------------------------------------------------------------- missing items


def test_phq9_one_missing_is_prorated():
    # answered sum 1+2+3+0+1+2+1+1 = 11 over 8 items; 11 * 9/8 = 12.375 -> 12
    result = score("phq9", [1, 2, None, 3, 0, 1, 2, 1, 1])
    assert (result.total, result.prorated, result.missing, result.raw_sum) == (12, True, (3,), 11)
    assert result.band == "moderate"
    assert "12.375" in result.notes[0]


def test_phq9_two_missing_is_prorated():
    # 3*6 + 0 = 18 over 7 items; 18 * 9/7 = 23.14 -> 23
    result = score("phq9", {3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 0})
    assert (result.total, result.band, result.missing) == (23, "severe", (1, 2))


def test_prorating_rounds_half_up():
    # sum 4 over 8 items: 4 * 9/8 = 4.5 -> 5 (half up; banker's rounding would give 4)
    result = score("phq9", [None, 1, 1, 1, 1, 0, 0, 0, 0])
    assert result.total == 5
    assert result.band == "mild"


def test_phq9_three_missing_is_an_error():
    with pytest.raises(TalkcureError) as err:
        score("phq9", [None, None, None, 1, 1, 1, 1, 1, 0])
    message = str(err.value)
    assert "at least 7 of its 9" in message
    assert "has 6" in message
    assert "1, 2, 3" in message


def test_phq9_item9_missing_is_an_error_even_alone():
    with pytest.raises(TalkcureError) as err:
        score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, None])
    assert "item 9" in str(err.value)
    assert "cannot be skipped" in str(err.value)


def test_gad7_missing_rule():
    # one missing: (3+3+3+3+3+3) = 18 over 6; 18 * 7/6 = 21
    assert score("gad7", [3, 3, 3, None, 3, 3, 3]).total == 21
    with pytest.raises(TalkcureError, match="at least 6 of its 7"):
        score("gad7", [3, 3, None, None, 3, 3, 3])


def test_rses_missing_rule():
    # items 1 and 2 missing; all others strongly agree:
    # straight 3,4,7,10 -> 12; reversed 5,6,8,9 -> 0; 12 * 10/8 = 15
    result = score("rses", [None, None, 3, 3, 3, 3, 3, 3, 3, 3])
    assert (result.total, result.prorated, result.missing) == (15, True, (1, 2))
    with pytest.raises(TalkcureError, match="at least 8 of its 10"):
        score("rses", [None, None, None, 3, 3, 3, 3, 3, 3, 3])


def test_wsas_not_working_prorates_item_1():
    # items 2-5 = 4 each, sum 16; 16 * 5/4 = 20
    result = score("wsas", [None, 4, 4, 4, 4], working=False)
    assert (result.total, result.band, result.prorated, result.working) == (
        20,
        "significant impairment",
        True,
        False,
    )
    assert result.missing == (1,)
    assert "not working" in result.notes[0] and "0–40" in result.notes[0]
    # items 2-5 = 5 each, sum 20; 20 * 5/4 = 25
    assert score("wsas", [None, 5, 5, 5, 5], working=False).band == "moderately severe or worse"


def test_wsas_not_working_with_item_1_answered_is_an_error():
    with pytest.raises(TalkcureError, match="Leave WSAS item 1"):
        score("wsas", [3, 4, 4, 4, 4], working=False)


def test_wsas_not_working_needs_every_other_item():
    with pytest.raises(TalkcureError, match="every other WSAS item"):
        score("wsas", [None, 4, None, 4, 4], working=False)


def test_wsas_one_missing_when_working_is_prorated():
    # 2+4+6+8 = 20 over 4; 20 * 5/4 = 25
    result = score("wsas", [2, None, 4, 6, 8])
    assert (result.total, result.missing, result.working) == (25, (2,), True)
    with pytest.raises(TalkcureError):
        score("wsas", [2, None, None, 6, 8])


def test_not_working_applies_only_to_wsas():
    with pytest.raises(TalkcureError, match="Only the WSAS"):
        score("phq9", [0] * 9, working=False)


# --------------------------------------------------------------------------- risk


def test_phq9_item9_above_zero_sets_risk_whatever_the_total():
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band, result.risk) == (1, "minimal", True)
    assert any("risk protocol" in n for n in result.notes)
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).risk is False
    assert score("gad7", [3] * 7).risk is False


# --------------------------------------------------------------------------- invalid values


@pytest.mark.parametrize("bad", [4, -1, 2.5, "2", True, 3.0])
def test_out_of_range_or_non_integer_values_are_errors(bad):
    values = [0] * 9
    values[2] = bad
    with pytest.raises(TalkcureError, match="item 3"):
        score("phq9", values)


def test_wrong_length_and_bad_keys_are_errors():
    with pytest.raises(TalkcureError, match="Give 9 answers"):
        score("phq9", [0] * 8)
    with pytest.raises(TalkcureError, match="items 1 to 7"):
        score("gad7", {0: 1, 1: 1})
    with pytest.raises(TalkcureError, match="items 1 to 5"):
        score("wsas", {6: 1})
    with pytest.raises(TalkcureError):
        score("phq9", "012301230")
    with pytest.raises(TalkcureError, match="Unknown measure"):
        score("bdi", [0] * 21)


def test_dict_answers_with_absent_keys_count_as_missing():
    result = score("gad7", {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1})
    # 6 over 6 answered; 6 * 7/6 = 7
    assert (result.total, result.missing) == (7, (7,))


def test_result_round_trips_through_dict():
    result = score("phq9", [1, 2, None, 3, 0, 1, 2, 1, 1])
    assert MeasureResult.from_dict(result.to_dict()) == result


# --------------------------------------------------------------------------- parse_answer


@pytest.mark.parametrize(
    ("instrument", "raw", "value"),
    [
        ("phq9", "0", 0),
        ("phq9", "3", 3),
        ("phq9", " 2 ", 2),
        ("phq9", "not at all", 0),
        ("phq9", "Several days", 1),
        ("phq9", "MORE THAN HALF THE DAYS", 2),
        ("phq9", "nearly  every day.", 3),
        ("gad7", "several days", 1),
        ("rses", "strongly agree", 3),
        ("rses", "Agree", 2),
        ("rses", "disagree", 1),
        ("rses", "Strongly Disagree", 0),
        ("wsas", "8", 8),
        ("wsas", "5", 5),
        ("wsas", "very severely", 8),
        ("wsas", "definitely", 4),
    ],
)
def test_parse_answer_accepts_numbers_and_labels(instrument, raw, value):
    assert parse_answer(instrument, 1, raw) == value


@pytest.mark.parametrize(
    "raw", ["4", "", "   ", "-1", "2.5", "sometimes", "two", "1 or 2", "several", "3 days"]
)
def test_parse_answer_rejects_everything_else(raw):
    with pytest.raises(TalkcureError) as err:
        parse_answer("phq9", 1, raw)
    assert str(err.value) == (
        "Please answer with a number from 0 to 3, or one of: not at all, several days, "
        "more than half the days, nearly every day."
    )


def test_parse_answer_messages_for_other_scales():
    with pytest.raises(TalkcureError) as err:
        parse_answer("wsas", 2, "9")
    assert str(err.value) == (
        "Please answer with a number from 0 to 8, or one of: not at all, slightly, "
        "definitely, markedly, very severely."
    )
    with pytest.raises(TalkcureError, match="strongly agree, agree, disagree, strongly"):
        parse_answer("rses", 2, "yes")


def test_parse_answer_unknown_item():
    with pytest.raises(TalkcureError, match="item 10 does not exist"):
        parse_answer("phq9", 10, "1")
