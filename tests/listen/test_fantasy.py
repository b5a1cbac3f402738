"""Fantasy component: dreams, daydreams, wishes, "what if"."""

from __future__ import annotations

import pytest

from talkcure.listen.component import Component
from talkcure.listen.fantasy import FantasyComponent, fantasy
from talkcure.model import Annotation, FantasyCue


def kinds(text: str) -> set[str]:
    return {c.kind for c in fantasy(text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # esconv/esconv_multiesc_valid_test_dialogues.jsonl, seeker turns
        ("Yeah , same with me ! I wish I could attend a better univeristy .", {"wish"}),
        (
            "I think you ' re right , but I don ' t know , I ' m still scared about having the "
            "bad dreams . I often wake up 2 - 3 times at night because of them .",
            {"dream"},
        ),
        (
            "That seems like a good idea . But , what if my partner doesn ' t have empathy for "
            "those sort of things . Im worried he will not care .",
            {"what_if"},
        ),
        (
            "It ' s definitely related ! I lost my dream job , went to a lower paying one , and I "
            "gained a lot of weight while working from home . .",
            {"wish"},
        ),
        ("Thanks , I wish you luck in your future endeavours . Bye then ; )", set()),
        ("dystopian fantasy style books . and also historical nonfiction .", set()),
        (
            "I really appreciate this advice . I am feeling better about the exam and feel like I "
            "should envision myself passing and doing well .",
            {"daydream"},
        ),
        # annomi/AnnoMI-simple.csv, client turns
        (
            "-really a little frightened that what if- what if I fall down and-and-and nobody "
            "comes around and I'm lying there for two days, you know. I may have heard about that.",
            {"what_if"},
        ),
        ("Right, I think that's the only thing that I wish I had now.", {"wish"}),
        ("I suppose I could replace it with, um, a low-calorie drink or drink more water.", set()),
        # goemotions/dev.tsv
        (
            "That woman gave me nightmares as a child. Also, you probably know this but she also "
            "plays [NAME] aunt in the third movie!",
            {"dream"},
        ),
        ("That’s nightmare fuel right there", set()),
        ("The stuff nightmares are made of. Those poor poor timelines.", set()),
        ("I, a homosexual, have been fantasizing about sleeping with women... a lot", {"daydream"}),
        (
            "Where about sis this it’s gorgeous. I’d love to have a piece of property with a "
            "creek. That’s my dream.",
            {"wish"},
        ),
        # counselchat questionText (fragment)
        (
            "I find that I imagine things sexually, and I hate it because it puts strain on my "
            "relationship.",
            set(),
        ),
    ],
)
def test_real_sentences(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text, kind",
    [
        ("I dreamt about my mother last night", "dream"),
        ("I dreamed that I was falling", "dream"),
        ("I had a weird dream", "dream"),
        ("in my dream she was alive", "dream"),
        ("I keep having nightmares", "dream"),
        ("I often daydream about quitting", "daydream"),
        ("I picture myself living by the sea", "daydream"),
        ("I fantasise about telling him off", "daydream"),
        ("I wish I could go back", "wish"),
        ("if only she had stayed", "wish"),
        ("I long for a quiet life", "wish"),
        ("I'd love to travel", "wish"),
        ("I want to be a nurse", "wish"),
        ("my dream job is to be a vet", "wish"),
        ("I dream of becoming a doctor", "wish"),
        ("what if he leaves me", "what_if"),
        ("I keep imagining what would happen if I left", "what_if"),
        ("If I had stayed, things would be different", "what_if"),
    ],
)
def test_each_kind(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "in your dreams",
        "it was a dream come true",
        "work is a nightmare",
        "the commute was an absolute nightmare",
        "I can't imagine how hard that is",
        "I don't wish that on anyone",
        "fantasy football starts today",
    ],
)
def test_idioms_and_negation(text):
    assert fantasy(text) == ()


def test_dream_job_is_a_wish_not_a_dream():
    assert fantasy("my dream job is to be a vet") == (FantasyCue("wish", "my dream job"),)


def test_component_contract_and_batch():
    comp = FantasyComponent()
    assert isinstance(comp, Component)
    assert (comp.name, comp.requires, comp.assigns) == ("fantasy", (), ("fantasy",))
    anns = [Annotation(text="What if I fail?"), Annotation(text="ok")]
    comp.annotate(anns)
    assert anns[0].fantasy == (FantasyCue("what_if", "What if"),)
    assert anns[1].fantasy == ()
