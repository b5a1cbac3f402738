"""FHIR R4 Questionnaire / QuestionnaireResponse export, validation and re-import."""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from talkcure.errors import TalkcureError
from talkcure.measures import (
    import_questionnaire_response,
    instrument_ids,
    questionnaire,
    questionnaire_response,
    score,
    validate_resource,
)

WHEN = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)

CASES = [
    ("phq9", [1, 2, 3, 0, 1, 2, 3, 1, 1], True),
    ("phq9", [None, 2, 3, 0, None, 2, 3, 1, 0], True),  # two missing: pro-rated
    ("gad7", [0, 1, 2, 3, 2, 1, 0], True),
    ("gad7", [3, 3, None, 3, 3, 3, 3], True),
    ("rses", [2, 1, 3, 2, 0, 2, 1, 2, 0, 1], True),
    ("rses", [3, None, 3, 3, 0, 0, 3, 0, None, 3], True),
    ("wsas", [2, 4, 6, 8, 0], True),
    ("wsas", [None, 5, 6, 7, 3], False),  # not working: item 1 left out
]


def fhir_models():
    pytest.importorskip("fhir.resources")


@pytest.mark.parametrize("iid", ["phq9", "gad7", "rses", "wsas"])
def test_questionnaire_validates(iid):
    fhir_models()
    q = questionnaire(iid)
    validate_resource(q)
    assert q["resourceType"] == "Questionnaire"
    assert q["url"] == f"urn:talkcure:questionnaire:{iid}"
    choice_items = [i for i in q["item"] if i["type"] == "choice"]
    assert len(choice_items) == {"phq9": 9, "gad7": 7, "rses": 10, "wsas": 5}[iid]
    json.dumps(q)  # plain JSON-serialisable data


def test_phq9_questionnaire_loinc_codes():
    q = questionnaire("PHQ-9")
    assert q["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    items = {i["linkId"]: i for i in q["item"]}
    assert items["phq9-1"]["code"] == [{"system": "http://loinc.org", "code": "44250-9"}]
    assert items["phq9-9"]["code"][0]["code"] == "44260-8"
    assert items["phq9-9"]["required"] is True and items["phq9-1"]["required"] is False
    assert items["phq9-total"]["code"][0]["code"] == "44261-6"
    assert items["phq9-total"]["type"] == "integer"
    codings = [o["valueCoding"] for o in items["phq9-1"]["answerOption"]]
    assert [(c["code"], c["display"]) for c in codings] == [
        ("LA6568-5", "Not at all"),
        ("LA6569-3", "Several days"),
        ("LA6570-1", "More than half the days"),
        ("LA6571-9", "Nearly every day"),
    ]
    assert [c["extension"][0]["valueDecimal"] for c in codings] == [0, 1, 2, 3]


def test_gad7_questionnaire_codes():
    q = questionnaire("gad7")
    assert q["code"][0]["code"] == "69737-5"
    items = {i["linkId"]: i for i in q["item"]}
    assert items["gad7-total"]["code"][0]["code"] == "70274-6"
    assert items["gad7-6"]["code"][0]["code"] == "69689-8"


def test_rses_questionnaire_ordinal_values_follow_reverse_scoring():
    items = {i["linkId"]: i for i in questionnaire("rses")["item"]}
    weights = [
        o["valueCoding"]["extension"][0]["valueDecimal"] for o in items["rses-2"]["answerOption"]
    ]
    # options listed Strongly agree..Strongly disagree; item 2 is reversed: 0, 1, 2, 3
    assert weights == [0, 1, 2, 3]
    weights_1 = [
        o["valueCoding"]["extension"][0]["valueDecimal"] for o in items["rses-1"]["answerOption"]
    ]
    assert weights_1 == [3, 2, 1, 0]
    assert "code" not in items["rses-1"]  # no invented LOINC code


@pytest.mark.parametrize(("iid", "values", "working"), CASES)
def test_response_validates_and_round_trips(iid, values, working):
    original = score(iid, values, working=working)
    qr = questionnaire_response(original, patient_id="pat-1", authored=WHEN, response_id="r1")
    fhir_models()
    validate_resource(qr)
    got_id, answers = import_questionnaire_response(json.dumps(qr))
    assert got_id == iid
    assert answers == original.answers
    again = score(got_id, answers)
    assert (again.total, again.band, again.risk) == (original.total, original.band, original.risk)


def test_round_trip_without_fhir_resources_installed():
    # the export and import themselves need no third-party package
    original = score("phq9", [1, 2, None, 3, 0, 1, 2, 1, 1])  # 11 * 9/8 = 12.375 -> 12
    qr = questionnaire_response(original, patient_id="p1", authored="2024-05-01T10:30:00Z")
    iid, answers = import_questionnaire_response(qr)
    assert score(iid, answers).total == 12


def test_response_content():
    result = score("phq9", [1, 2, None, 3, 0, 1, 2, 1, 1])
    when = datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    qr = questionnaire_response(result, patient_id="p1", authored=when)
    assert qr["subject"] == {"reference": "Patient/p1"}
    assert qr["authored"] == "2024-05-01T10:30:00+02:00"
    assert qr["status"] == "completed"
    assert qr["questionnaire"] == "urn:talkcure:questionnaire:phq9|1"
    links = [i["linkId"] for i in qr["item"]]
    assert links == [f"phq9-{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9)] + ["phq9-total"]
    assert qr["item"][1]["answer"] == [
        {
            "valueCoding": {
                "system": "http://loinc.org",
                "code": "LA6570-1",
                "display": "More than half the days",
            }
        }
    ]
    assert qr["item"][-1]["answer"] == [{"valueInteger": 12}]


def test_export_rejects_bad_ids_and_naive_times():
    result = score("gad7", [0] * 7)
    with pytest.raises(TalkcureError, match="timezone"):
        questionnaire_response(result, patient_id="p1", authored=datetime(2024, 5, 1, 10))
    with pytest.raises(TalkcureError, match="timezone"):
        questionnaire_response(result, patient_id="p1", authored="1 May 2024")
    with pytest.raises(TalkcureError, match="patient id"):
        questionnaire_response(result, patient_id="has space", authored=WHEN)
    with pytest.raises(TalkcureError, match="response id"):
        questionnaire_response(result, patient_id="p1", authored=WHEN, response_id="a/b")


def test_import_loinc_style_response_from_another_system():
    # a LOINC-form response: questionnaire canonical and linkIds are LOINC codes
    codes = [
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
    answer_codes = [
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
        "LA6568-5",
        "LA6569-3",
        "LA6569-3",
        "LA6568-5",
        "LA6568-5",
        "LA6568-5",
    ]  # 1,2,3,0,1,1,0,0,0 = 8
    qr = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://loinc.org/q/44249-1",
        "status": "completed",
        "item": [
            {
                "linkId": "/" + c,
                "answer": [{"valueCoding": {"system": "http://loinc.org", "code": a}}],
            }
            for c, a in zip(codes, answer_codes, strict=True)
        ]
        + [{"linkId": "/69722-7", "answer": [{"valueCoding": {"code": "LA6572-7"}}]}],
    }
    iid, answers = import_questionnaire_response(qr)
    assert iid == "phq9"
    assert score(iid, answers).total == 8


def test_import_accepts_value_integer_and_nested_groups():
    qr = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {
                "linkId": "group",
                "item": [
                    {"linkId": f"gad7-{n}", "answer": [{"valueInteger": 2}]} for n in range(1, 8)
                ],
            }
        ],
    }
    iid, answers = import_questionnaire_response(qr)
    assert iid == "gad7" and score(iid, answers).total == 14  # 7 * 2


def _good_qr():
    return questionnaire_response(score("gad7", [1] * 7), patient_id="p1", authored=WHEN)


def _broken(change):
    qr = copy.deepcopy(_good_qr())
    change(qr)
    return qr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "Give a FHIR QuestionnaireResponse"),
        ({"resourceType": "Patient"}, "Give a FHIR QuestionnaireResponse"),
        (_broken(lambda q: q.update(status="in-progress")), "only completed"),
        (_broken(lambda q: q.update(item={"linkId": "x"})), "'item' must be a list"),
        (
            _broken(lambda q: q["item"][0].update(answer=[{"valueCoding": {"code": "LA9999-9"}}])),
            "answer code",
        ),
        (
            _broken(
                lambda q: q["item"][0].update(answer=[{"valueInteger": 1}, {"valueInteger": 2}])
            ),
            "exactly one answer",
        ),
        (_broken(lambda q: q["item"][0].update(answer=[{"valueInteger": 7}])), "from 0 to 3"),
        (
            _broken(lambda q: q["item"][0].update(answer=[{"valueString": "often"}])),
            "valueCoding or valueInteger",
        ),
        (_broken(lambda q: q["item"].append(copy.deepcopy(q["item"][0]))), "appears twice"),
        (
            _broken(
                lambda q: q.update(
                    questionnaire="http://example.org/Q/other",
                    item=[{"linkId": "q1", "answer": [{"valueInteger": 1}]}],
                )
            ),
            "does not say which",
        ),
        (
            _broken(
                lambda q: q.update(item=[{"linkId": "gad7-total", "answer": [{"valueInteger": 7}]}])
            ),
            "no GAD-7 answers",
        ),
    ],
)
def test_import_rejects_malformed_input(data, message):
    with pytest.raises(TalkcureError, match=message):
        import_questionnaire_response(data)


def test_validate_rejects_invalid_resources():
    fhir_models()
    bad = _good_qr()
    bad["authored"] = "2024-05-01T10:30:00"  # FHIR needs a timezone with a time
    with pytest.raises(TalkcureError, match="not valid"):
        validate_resource(bad)
    bad = _good_qr()
    bad["unknownElement"] = 1
    with pytest.raises(TalkcureError, match="not valid"):
        validate_resource(bad)
    with pytest.raises(TalkcureError, match="Only FHIR Questionnaire"):
        validate_resource({"resourceType": "Patient"})


def test_every_instrument_exports():
    for iid in instrument_ids():
        assert questionnaire(iid)["item"][-1]["linkId"] == f"{iid}-total"
