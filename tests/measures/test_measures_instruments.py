"""Instrument definitions: loading, aliases, codes and stated rules."""

import pytest

from talkcure.errors import TalkcureError
from talkcure.measures import all_instruments, get_instrument, goal_scheme, instrument_ids


def test_all_four_instruments_load_in_order():
    assert instrument_ids() == ("phq9", "gad7", "rses", "wsas")
    assert [i.id for i in all_instruments()] == ["phq9", "gad7", "rses", "wsas"]
    assert [i.n_items for i in all_instruments()] == [9, 7, 10, 5]
    assert [(i.score_min, i.score_max) for i in all_instruments()] == [
        (0, 27),
        (0, 21),
        (0, 30),
        (0, 40),
    ]


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("phq9", "phq9"),
        ("PHQ-9", "phq9"),
        ("  phq 9 ", "phq9"),
        ("gad7", "gad7"),
        ("GAD-7", "gad7"),
        ("rosenberg", "rses"),
        ("RSES", "rses"),
        ("Rosenberg Self-Esteem", "rses"),
        ("wsas", "wsas"),
        ("WSAS", "wsas"),
    ],
)
def test_aliases_resolve(alias, expected):
    assert get_instrument(alias).id == expected


def test_unknown_instrument_lists_the_valid_ids():
    with pytest.raises(TalkcureError) as err:
        get_instrument("bdi-ii")
    message = str(err.value)
    assert "bdi-ii" in message
    assert "phq9, gad7, rses, wsas" in message


def test_definitions_are_cached():
    assert get_instrument("phq9") is get_instrument("PHQ-9")


def test_phq9_loinc_codes():
    phq9 = get_instrument("phq9")
    assert phq9.loinc_panel.code == "44249-1"
    assert phq9.loinc_total.code == "44261-6"
    assert [i.loinc for i in phq9.items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert [o.code for o in phq9.options] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    assert phq9.items[8].text.startswith("Thoughts that you would be better off dead")


def test_gad7_loinc_codes():
    gad7 = get_instrument("gad7")
    assert gad7.loinc_panel.code == "69737-5"
    assert gad7.loinc_total.code == "70274-6"
    assert [i.loinc for i in gad7.items] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


def test_rses_and_wsas_have_no_invented_loinc_codes():
    for iid in ("rses", "wsas"):
        inst = get_instrument(iid)
        assert inst.loinc_panel is None and inst.loinc_total is None
        assert all(i.loinc is None for i in inst.items)


def test_rses_reverse_items_and_answer_values():
    rses = get_instrument("rses")
    assert [i.number for i in rses.items if i.reverse] == [2, 5, 6, 8, 9]
    assert [(o.label, o.value) for o in rses.options] == [
        ("Strongly agree", 3),
        ("Agree", 2),
        ("Disagree", 1),
        ("Strongly disagree", 0),
    ]
    # reversed: 3 - x; straight: x
    assert rses.item_score(2, 3) == 0
    assert rses.item_score(2, 0) == 3
    assert rses.item_score(1, 3) == 3


def test_missing_rules_are_stated_in_the_data():
    phq9, gad7, rses, wsas = all_instruments()
    assert (phq9.missing.max_missing, phq9.missing.required_items) == (2, (9,))
    assert (gad7.missing.max_missing, gad7.missing.required_items) == (1, ())
    assert rses.missing.max_missing == 2
    assert (wsas.missing.max_missing, wsas.missing.not_working_item) == (1, 1)
    for inst in all_instruments():
        assert inst.missing.rule and inst.missing.source
        assert inst.citation["authors"] and inst.citation["year"] and inst.citation["licence"]


def test_band_lookup():
    phq9 = get_instrument("phq9")
    assert phq9.band_for(0).label == "minimal"
    assert phq9.band_for(27).label == "severe"
    with pytest.raises(TalkcureError):
        phq9.band_for(28)


def test_item_lookup_out_of_range():
    with pytest.raises(TalkcureError, match="items 1 to 9"):
        get_instrument("phq9").item(10)


def test_goal_scheme():
    scheme = goal_scheme()
    assert (scheme.max_goals, scheme.rating_min, scheme.rating_max) == (3, 0, 10)
    assert scheme.meaningful_change == 3
    assert "check" in scheme.change_source


def test_change_norms_have_sources():
    for inst in all_instruments():
        change = inst.change
        if change["method"] == "jacobson_truax":
            assert change["sd"]["source"] and change["reliability"]["source"]
            assert change["cutoff"]["source"]
        else:
            assert change["source"]
    wsas = get_instrument("wsas").change
    assert wsas["reliability"]["value"] == 0.73  # Mundt et al. 2002 test-retest
