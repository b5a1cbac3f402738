"""Time component: past / present / future / childhood, with marker cues."""

from __future__ import annotations

import pytest

from talkcure.listen.component import Component
from talkcure.listen.time import TimeComponent, orientation
from talkcure.model import Annotation, TimeOrientation


def flags(text: str) -> set[str]:
    t = orientation(text)
    return {name for name in ("past", "present", "future", "childhood") if getattr(t, name)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # esconv/esconv_multiesc_valid_test_dialogues.jsonl, seeker turns
        ("Hi . I had problems in the past and somehow right now .", {"past", "present"}),
        (
            "I loved physics and I decided to attend university , but soon after I slowly lost my "
            "interest and became unmotivated .",
            {"past"},
        ),
        (
            "Well with the holidays coming up i have been very stressed and nervous about what i "
            "am going to do .",
            {"present", "future"},
        ),
        (
            "I will try food pantry . my sister goes to the city once a month , we shop for the "
            "month and i stay with my siter .",
            {"future"},
        ),
        # annomi/AnnoMI-simple.csv, client turns
        (
            "I don't know. It's just like-- My dad was really strict on me when I was little, and "
            "I don't want to be like that.",
            {"past", "present", "childhood"},
        ),
        (
            "I smoked when I was young, and I certainly don't want it for her.",
            {"past", "present", "childhood"},
        ),
        # counselchat questionText
        (
            "I know I was molested as a child, but I have no memory of it.",
            {"past", "present", "childhood"},
        ),
        # goemotions/dev.tsv
        (
            "Growing up in Chicago this was my life. Pissed he didn’t make it.",
            {"past", "childhood"},
        ),
        (
            "But that rookie year was sick. Such a Slash fan when I was young.",
            {"past", "childhood"},
        ),
    ],
)
def test_real_sentences(text, expected):
    assert flags(text) == expected


def test_cues_are_marker_words():
    t = orientation("When I was little my dad used to yell at us")
    assert t == TimeOrientation(past=True, childhood=True, cues=("when i was little", "used to"))
    t = orientation("Hi . I had problems in the past and somehow right now .")
    assert t.cues == ("had", "in the past", "right now")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("When I was 12 my parents divorced", {"past", "childhood"}),
        ("When I was 25 I moved to Berlin", {"past"}),
        ("at the age of seven I lost my mother", {"past", "childhood"}),
        ("I was bullied in elementary school", {"past", "childhood"}),
        ("when I was a teenager I ran away", {"past", "childhood"}),
        ("my childhood was lonely", {"past", "childhood"}),
        ("I feel so tired these days", {"present"}),
        ("I'm tired", {"present"}),  # "-ed" after a copula is an adjective
        ("I'm used to it", {"present"}),  # not "used to" (habit in the past)
        ("I've got a lot on", {"present"}),
        ("she yelled at me", {"past"}),
        ("my mom screamed at me last night", {"past"}),
        ("I finally decided", {"past"}),
        ("I'll call her tomorrow", {"future"}),
        ("I'm going to quit", {"present", "future"}),
        ("I'm going to the store", {"present"}),
        ("free will is a myth", {"present"}),
        ("next week is the interview", {"present", "future"}),
        ("someday I'll leave", {"future"}),
        ("ok", set()),
    ],
)
def test_rules(text, expected):
    assert flags(text) == expected


def test_component_contract_and_batch():
    comp = TimeComponent()
    assert isinstance(comp, Component)
    assert (comp.name, comp.requires, comp.assigns) == ("time", (), ("time",))
    anns = [Annotation(text="as a kid I was scared"), Annotation(text="")]
    comp.annotate(anns)
    assert anns[0].time.childhood and anns[0].time.past
    assert anns[1].time == TimeOrientation()
