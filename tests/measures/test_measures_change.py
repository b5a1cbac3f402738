"""Change classification against hand-computed cases (arithmetic in comments)."""

import math

import pytest

from talkcure.errors import TalkcureError
from talkcure.measures import (
    Norm,
    classify_change,
    classify_jacobson_truax,
    classify_talking_therapies,
    classify_talking_therapies_single,
    clinical_cutoff,
    jacobson_truax,
    reliable_change_index,
    score,
    standard_error_of_difference,
)

# --------------------------------------------------------------------------- NHS TT, single


@pytest.mark.parametrize(
    ("pre", "post", "classification", "improved", "deteriorated", "recovered"),
    [
        # 16 -> 9: fall 7 >= 6; 16 >= 10 at start, 9 < 10 at end
        (16, 9, "reliable recovery", True, False, True),
        # 16 -> 10: fall exactly 6 counts; 10 still at caseness
        (16, 10, "reliable improvement", True, False, False),
        # 15 -> 10: fall 5 < 6; still at caseness
        (15, 10, "no reliable change", False, False, False),
        # 11 -> 9: fall 2 < 6 but crosses 10 -> recovery without reliable improvement
        (11, 9, "recovery", False, False, True),
        # 8 -> 14: rise exactly 6
        (8, 14, "reliable deterioration", False, True, False),
        # 8 -> 13: rise 5 < 6
        (8, 13, "no reliable change", False, False, False),
        # 20 -> 26: rise 6 while at caseness throughout
        (20, 26, "reliable deterioration", False, True, False),
    ],
)
def test_phq9_single(pre, post, classification, improved, deteriorated, recovered):
    r = classify_talking_therapies_single("phq9", pre, post)
    assert r.classification == classification
    assert (r.reliable_improvement, r.reliable_deterioration, r.recovered) == (
        improved,
        deteriorated,
        recovered,
    )
    assert (r.pre, r.post, r.diff, r.threshold, r.cutoff) == (pre, post, post - pre, 6, 10)
    assert r.method == "nhs_talking_therapies"
    assert r.rc is None and r.s_diff is None
    assert "NHS Talking Therapies" in r.sources[0]


@pytest.mark.parametrize(
    ("pre", "post", "classification"),
    [
        (12, 8, "reliable improvement"),  # fall 4 >= 4, but 8 >= 8 is still caseness
        (12, 7, "reliable recovery"),  # fall 5, 7 < 8
        (9, 6, "recovery"),  # fall 3 < 4, crosses 8
        (5, 9, "reliable deterioration"),  # rise 4
        (5, 8, "no reliable change"),  # rise 3
    ],
)
def test_gad7_single(pre, post, classification):
    r = classify_talking_therapies_single("gad7", pre, post)
    assert r.classification == classification
    assert (r.threshold, r.cutoff) == (4, 8)


def test_below_caseness_at_start_recovery_does_not_apply():
    # PHQ-9 5 -> 2: not at caseness (5 < 10); fall 3 < 6
    r = classify_talking_therapies_single("phq9", 5, 2)
    assert r.classification == "no reliable change"
    assert r.clinical_at_start is False and r.recovered is False
    assert "recovery does not apply" in r.notes[0]


def test_single_accepts_measure_results():
    pre = score("phq9", [3, 3, 2, 2, 2, 1, 1, 1, 0])  # 15
    post = score("phq9", [1, 1, 1, 1, 1, 1, 1, 0, 0])  # 7
    r = classify_change("phq9", pre, post)
    # 15 -> 7: fall 8 >= 6, 7 < 10
    assert (r.pre, r.post, r.classification) == (15, 7, "reliable recovery")


def test_single_rejects_bad_input():
    with pytest.raises(TalkcureError, match="from 0 to 27"):
        classify_talking_therapies_single("phq9", 28, 3)
    with pytest.raises(TalkcureError, match="gad7 result"):
        classify_talking_therapies_single("phq9", score("gad7", [1] * 7), 3)
    with pytest.raises(TalkcureError, match="PHQ-9 and GAD-7 only"):
        classify_talking_therapies_single("rses", 10, 20)
    with pytest.raises(TalkcureError, match="must be a number"):
        classify_change("phq9", "12", 3)


# --------------------------------------------------------------------------- NHS TT, paired


@pytest.mark.parametrize(
    ("phq", "gad", "classification", "start", "end", "recovered"),
    [
        # PHQ 16->8 (-8, improved), GAD 12->6 (-6, improved); both below cut-offs at end
        ((16, 8), (12, 6), "reliable recovery", True, False, True),
        # PHQ 14->12 (-2), GAD 10->5 (-5 >= 4 improved); PHQ 12 >= 10 still caseness
        ((14, 12), (10, 5), "reliable improvement", True, True, False),
        # PHQ 12->9 (-3), GAD 9->7 (-2): no reliable change, but below both at end
        ((12, 9), (9, 7), "recovery", True, False, True),
        # PHQ 7->5, GAD 6->3: not at caseness (7 < 10, 6 < 8); changes -2, -3
        ((7, 5), (6, 3), "no reliable change", False, False, False),
        # PHQ 9->2 (-7 improved), GAD 7->2: improvement but no caseness to recover from
        ((9, 2), (7, 2), "reliable improvement", False, False, False),
        # PHQ 12->6 (-6), GAD 5->9 (+4): deterioration wins; 9 >= 8 is caseness at end
        ((12, 6), (5, 9), "reliable deterioration", True, True, False),
        # PHQ 18->10 (-8 improved), GAD 6->11 (+5 deteriorated)
        ((18, 10), (6, 11), "reliable deterioration", True, True, False),
    ],
)
def test_paired_classification(phq, gad, classification, start, end, recovered):
    r = classify_talking_therapies(phq[0], phq[1], gad[0], gad[1])
    assert r.classification == classification
    assert (r.caseness_at_start, r.caseness_at_end, r.recovered) == (start, end, recovered)
    assert r.reliable_recovery == (classification == "reliable recovery")
    assert r.phq9.pre == phq[0] and r.gad7.post == gad[1]


def test_paired_mixed_change_is_explained():
    r = classify_talking_therapies(18, 10, 6, 11)
    assert r.reliable_improvement is False and r.reliable_deterioration is True
    assert any("One measure reliably improved" in n for n in r.notes)
    assert r.to_dict()["phq9"]["classification"] == "reliable improvement"


# --------------------------------------------------------------------------- Jacobson–Truax


def test_s_diff_and_rc_formulas():
    # SD 5, r 0.8: S_diff = 5 * sqrt(2) * sqrt(0.2) = 5 * sqrt(0.4) = sqrt(10) = 3.16228
    assert standard_error_of_difference(5, 0.8) == pytest.approx(math.sqrt(10))
    # RC = (12 - 22) / sqrt(10) = -3.16228
    assert reliable_change_index(22, 12, 5, 0.8) == pytest.approx(-math.sqrt(10))
    with pytest.raises(ValueError):
        standard_error_of_difference(0, 0.8)
    with pytest.raises(ValueError):
        standard_error_of_difference(5, 1.0)


def test_cutoff_criteria():
    clinical, normal = Norm(mean=20, sd=5), Norm(mean=10, sd=4)
    # c = (s0*M1 + s1*M0)/(s0+s1) = (5*10 + 4*20)/9 = 130/9 = 14.444
    assert clinical_cutoff(clinical, normal, False) == (pytest.approx(130 / 9), "c")
    # b (higher is worse): M1 + 2*s1 = 10 + 8 = 18; higher is better: 10 - 8 = 2
    assert clinical_cutoff(None, normal, False) == (18, "b")
    assert clinical_cutoff(None, normal, True) == (2, "b")
    # a (higher is worse): M0 - 2*s0 = 20 - 10 = 10; higher is better: 30
    assert clinical_cutoff(clinical, None, False) == (10, "a")
    assert clinical_cutoff(clinical, None, True) == (30, "a")


def test_jacobson_truax_generic_with_criterion_c():
    r = jacobson_truax(
        22,
        12,
        sd=5,
        reliability=0.8,
        higher_is_better=False,
        clinical=Norm(20, 5),
        nonclinical=Norm(10, 4),
    )
    # RC = -10 / 3.16228 = -3.162 < -1.96 (improvement); 22 >= 14.44 -> 12 < 14.44
    assert r.rc == pytest.approx(-3.16228, abs=1e-5)
    assert r.threshold == pytest.approx(1.96 * math.sqrt(10))  # 6.198 points
    assert (r.cutoff_method, r.classification) == ("c", "reliable recovery")
    assert r.cutoff == pytest.approx(14.4444, abs=1e-4)


def test_rc_must_exceed_196():
    # S_diff = 1 * sqrt(2) * sqrt(0.5) = 1; change of 1.9 -> RC 1.9 (not reliable), 2.0 -> 2.0
    r1 = jacobson_truax(10, 11.9, sd=1, reliability=0.5, higher_is_better=True)
    r2 = jacobson_truax(10, 12.0, sd=1, reliability=0.5, higher_is_better=True)
    assert r1.classification == "no reliable change"
    assert r2.classification == "reliable improvement"
    assert r1.cutoff is None and "No cut-off" in r1.notes[0]


RSES_SDIFF = 5.80 * math.sqrt(2) * math.sqrt(1 - 0.88)  # = 2.841408


@pytest.mark.parametrize(
    ("pre", "post", "rc", "classification"),
    [
        # +10 / 2.841408 = 3.519 > 1.96; 10 < 15 (low) -> 20 >= 15
        (10, 20, 3.519382, "reliable recovery"),
        # +5 / 2.841408 = 1.760 (not reliable); crosses 15
        (12, 17, 1.759691, "recovery"),
        # -6 / 2.841408 = -2.112: self-esteem fell reliably (higher is better)
        (20, 14, -2.111629, "reliable deterioration"),
        # +6: reliable, but 18 was not in the low range
        (18, 24, 2.111629, "reliable improvement"),
    ],
)
def test_rses_jacobson_truax(pre, post, rc, classification):
    r = classify_change("rses", pre, post)
    assert r.method == "jacobson_truax"
    assert r.s_diff == pytest.approx(2.841408, abs=1e-6)
    assert r.s_diff == pytest.approx(RSES_SDIFF)
    assert r.threshold == pytest.approx(5.569160, abs=1e-6)  # 1.96 * 2.841408
    assert r.rc == pytest.approx(rc, abs=1e-6)
    assert r.classification == classification
    assert (r.sd, r.reliability, r.cutoff, r.cutoff_method) == (5.8, 0.88, 15, "published")
    assert r.nonclinical == Norm(22.62, 5.80) and r.clinical is None
    assert r.provisional is True  # the RSES norms are marked "check"
    assert any("Gray-Little" in s for s in r.sources)


WSAS_SDIFF = 9.0 * math.sqrt(2) * math.sqrt(1 - 0.73)  # = 6.613622


@pytest.mark.parametrize(
    ("pre", "post", "rc", "classification"),
    [
        # -20 / 6.613622 = -3.024; 28 >= 10 -> 8 < 10
        (28, 8, -3.024061, "reliable recovery"),
        # -12 / 6.613622 = -1.814 (not reliable); 13 still >= 10
        (25, 13, -1.814437, "no reliable change"),
        # -3: not reliable but crosses 10
        (12, 9, -0.453609, "recovery"),
        # +14 / 6.613622 = 2.117: impairment rose reliably
        (10, 24, 2.116843, "reliable deterioration"),
    ],
)
def test_wsas_jacobson_truax(pre, post, rc, classification):
    r = classify_jacobson_truax("wsas", pre, post)
    assert r.s_diff == pytest.approx(WSAS_SDIFF)
    assert r.s_diff == pytest.approx(6.613622, abs=1e-6)
    assert r.threshold == pytest.approx(12.962699, abs=1e-6)
    assert r.rc == pytest.approx(rc, abs=1e-6)
    assert r.classification == classification
    assert (r.cutoff, r.higher_is_better) == (10, False)
    assert any("Mundt" in s and "0.73" in s for s in r.sources)


def test_classify_change_dispatches_by_instrument():
    assert classify_change("PHQ-9", 16, 9).method == "nhs_talking_therapies"
    assert classify_change("gad7", 12, 7).method == "nhs_talking_therapies"
    assert classify_change("rosenberg", 10, 20).method == "jacobson_truax"
    assert classify_change("wsas", 28, 8).method == "jacobson_truax"
    with pytest.raises(TalkcureError, match="from 0 to 40"):
        classify_change("wsas", 41, 8)


def test_change_result_to_dict_carries_every_number():
    data = classify_change("rses", 10, 20).to_dict()
    for key in (
        "pre",
        "post",
        "diff",
        "threshold",
        "s_diff",
        "rc",
        "cutoff",
        "sd",
        "reliability",
        "classification",
        "sources",
        "provisional",
    ):
        assert key in data
    assert data["diff"] == 10
