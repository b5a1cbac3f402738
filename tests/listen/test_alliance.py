"""Alliance component: words about the therapy relationship."""

from __future__ import annotations

import pytest

from talkcure.listen.alliance import AllianceComponent, alliance
from talkcure.listen.component import Component
from talkcure.model import AllianceCue, Annotation


def kinds(text: str) -> set[str]:
    return {c.kind for c in alliance(text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # esconv/esconv_multiesc_valid_test_dialogues.jsonl, seeker turns
        ("I think you ' re right ! Do you believe in me ? That I will pass well ?", {"agreement"}),
        (
            "You are right , that ' s exactly what I ' m going to do because the wait is killing "
            "me .",
            {"agreement"},
        ),
        ("Thank you very much , i wholeheartedly appreciate !", {"gratitude"}),
        (
            "This is good advice . I am also not helping because I am arguing back at him . "
            "Something may well have changed within him I do not know about . I will definitely "
            "do this ! You have been very helpful and thank you !",
            {"gratitude"},
        ),
        ("What would you recommend ?", {"expectation"}),
        (
            "i would be open to seeking other employment online ; work from home on the computer "
            ". any suggestions ?",
            {"expectation"},
        ),
        ("okay but is it normal to be upset ?", {"fear_of_judgement"}),
        (
            "Do you think that I am over - reacting ? I do not want to sound over sensitive but "
            "this has been happening for a while .",
            {"fear_of_judgement"},
        ),
        # not about the companion: the pills, the uncle
        ("Yeah , they gave me pills for that but it didn ' t help me .", set()),
        (
            "Yeah I honestly think that ' s what ' s affected my mood , it doesn ' t help that my "
            "uncle recently got diagnosed with covid .",
            set(),
        ),
        ("what is the point of this relationship then ?", set()),
        ("exactly , do you think I should just stop saying yes to them .", {"agreement"}),
        # annomi/AnnoMI-simple.csv, client turns
        ("Yeah, exactly.", {"agreement"}),
        ("Well, what-what for exactly?", set()),
        ("Can you help me make the call?", {"expectation"}),
        ("-you don't care.", {"disappointment"}),
        ("It's a waste of time.", {"rupture"}),
        (
            "Yeah, pretty much. I mean, it's-- It sounds strange, I know, but, uh--",
            {"fear_of_judgement"},
        ),
        ("That sounds bad.", set()),
        # goemotions/dev.tsv
        ("You're right. Sorry for the poor reply.", {"agreement"}),
        ("Thank you. I really appreciate your response", {"gratitude"}),
    ],
)
def test_real_sentences(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text, kind",
    [
        ("I hope you can help me", "expectation"),
        ("I need you to tell me what to do", "expectation"),
        ("this isn't helping", "disappointment"),
        ("you're not helping", "disappointment"),
        ("you don't get it", "disappointment"),
        ("That doesn't help.", "disappointment"),
        ("you'll think I'm crazy", "fear_of_judgement"),
        ("please don't judge me", "fear_of_judgement"),
        ("I'm embarrassed to say this", "fear_of_judgement"),
        ("this might sound stupid but", "fear_of_judgement"),
        ("that's right", "agreement"),
        ("Exactly.", "agreement"),
        ("yes, that's it", "agreement"),
        ("you're right", "agreement"),
        ("that makes sense", "agreement"),
        ("what's the point of talking to a bot", "rupture"),
        ("you're just a program", "rupture"),
        ("stop asking me questions", "rupture"),
        ("you keep saying the same thing", "rupture"),
        ("thank you", "gratitude"),
        ("this helps", "gratitude"),
        ("that helped", "gratitude"),
        ("No thanks, I'm fine", "gratitude"),
    ],
)
def test_each_kind(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I don't think you're right",  # negated agreement
        "I don't know exactly.",  # "exactly" not opening a sentence
        "I don't need your advice",  # negated expectation
        "it's not that it makes sense",
        "my boss keeps saying the same thing",
        "Absolutely terrible day",
    ],
)
def test_no_cue(text):
    assert "agreement" not in kinds(text) and "expectation" not in kinds(text)
    assert "rupture" not in kinds(text)


def test_one_cue_per_kind_in_text_order_with_words_as_written():
    got = alliance("Thank you . You ' re right . Thanks again")
    assert got == (
        AllianceCue("gratitude", "Thank you"),
        AllianceCue("agreement", "You ' re right"),
    )


def test_component_contract_and_batch():
    comp = AllianceComponent()
    assert isinstance(comp, Component)
    assert (comp.name, comp.requires, comp.assigns) == ("alliance", (), ("alliance",))
    anns = [Annotation(text="you don't understand"), Annotation(text="I went home")]
    comp.annotate(anns)
    assert anns[0].alliance == (AllianceCue("disappointment", "you don't understand"),)
    assert anns[1].alliance == ()
