"""People component: roles, categories, plural, possessives, the companion as addressee."""

from __future__ import annotations

import pytest

from talkcure.listen.component import Component
from talkcure.listen.people import PeopleComponent, people
from talkcure.model import Annotation


def roles(text: str) -> list[tuple[str, str, bool]]:
    return [(p.role, p.category, p.plural) for p in people(text)]


def role_names(text: str) -> list[str]:
    return [p.role for p in people(text)]


# --------------------------------------------------------------------------- real sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        # esconv/esconv_multiesc_valid_test_dialogues.jsonl, seeker turns
        (
            "hi , I ' m in depression because my kids not listen to me .",
            [("children", "family", True)],
        ),
        (
            "i try to keep my personal life away from my coworkers . i ' ve talked to a few "
            "friends . i ' m actually going out tonight to meet some up for happy hour .",
            [("coworker", "work", True), ("friend", "friend", True)],
        ),
        ("they are my childhood friends . why ?", [("friend", "friend", True)]),
        (
            "Yes . I recently lost my childhood best friend to covid 19 .",
            [("friend", "friend", False)],
        ),
        # goemotions/dev.tsv
        (
            "These stories make me glad that I have a job that doesn't require social interaction "
            "besides my boss and coworkers.",
            [("boss", "work", False), ("coworker", "work", True)],
        ),
        # counselchat questionText
        (
            "Ever since my ex-boyfriend and I broke up, I can't seem to get close to anyone else. "
            "I know I'm completely over him, but I just can't break down my walls and let someone "
            "new into my life.",
            [("ex", "partner", False)],
        ),
        (
            "My husband and I got into a huge dispute. He said he wanted a divorce, and I left. I "
            "still come home a lot and see my kids, and he has not filed yet even though he still "
            "said he is. What does that mean for our marriage?",
            [("husband", "partner", False), ("children", "family", True)],
        ),
        (
            "As a child, my parents injured my brother, so they went to prison. I was there when "
            "he had gotten hurt, but I can't seem to remember. I also can't remember being with "
            "them quite well. It's a blur.",
            [("parents", "family", True), ("brother", "family", False)],
        ),
        (
            "My girlfriend was abused as a child. Now, if I hug or touch her in any kind of way "
            "she says she feels as if she is being abused as a child. What might be going on?",
            [("girlfriend", "partner", False)],
        ),
    ],
)
def test_real_sentences(text, expected):
    assert roles(text) == expected


def test_cue_includes_the_determiner_and_offsets_match_the_text():
    text = "hi , I ' m in depression because my kids not listen to me ."
    (p,) = people(text)
    assert p.cue == "my kids" and text[p.start : p.end] == "my kids"
    (q,) = people("my older sister Anna called")
    assert q.cue == "my older sister" and q.role == "sister"


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "text, role, category, plural",
    [
        ("my mum called", "mother", "family", False),
        ("my Mom and I argued", "mother", "family", False),
        ("my bf forgot", "boyfriend", "partner", False),
        ("my hubby is away", "husband", "partner", False),
        ("my other half left", "partner", "partner", False),
        ("my stepmom hates me", "stepmother", "family", False),
        ("my folks are old", "parents", "family", True),
        ("my fiancée is overseas", "fiance", "partner", False),
        ("my ex texted", "ex", "partner", False),
        ("my mother-in-law visits", "mother-in-law", "family", False),
        ("my grandma raised me", "grandmother", "family", False),
        ("my professor failed me", "teacher", "work", False),  # school counts as work
        ("my colleagues ignore me", "coworker", "work", True),
        ("my roommate is loud", "roommate", "friend", False),
        ("I told my therapist", "therapist", "professional", False),
        ("the doctor said so", "doctor", "professional", False),
    ],
)
def test_role_normalisation(text, role, category, plural):
    assert roles(text)[0] == (role, category, plural)


def test_shared_determiner_and_two_roles():
    got = people("My mom and dad are getting divorced")
    assert [p.role for p in got] == ["mother", "father"]


def test_someone_elses_relations_are_role_other():
    assert roles("his mom hates me") == [("other", "other", False)]
    assert role_names("my friend's dad died") == ["friend", "other"]
    assert role_names("Anna's husband is rude") == ["other"]


# --------------------------------------------------------------------------- false positives


@pytest.mark.parametrize(
    "text",
    [
        "I speak my mother tongue at home",
        "Mother Nature is cruel",
        "the boss fight took an hour",
        "I got a friend request",
        "she is very friendly",
        "our partner company went bankrupt",
        "when I was a kid I was bullied",
        "I'm a mother of two",
        "as a teacher I see this a lot",
        "ex. the first one",
        "baby steps",
    ],
)
def test_not_people(text):
    assert [p for p in people(text) if p.role != "companion"] == []


# --------------------------------------------------------------------------- the companion
# Decision: only "you" that addresses the companion counts; generic "you" does not.


@pytest.mark.parametrize(
    "text",
    [
        # esconv seeker turns
        "Thank you . I hope you have a nice evening too !",
        "yes . you have been of tremendous help in helping me move around my thoughts .",
        "I also have another question . What do you do if the friends need you again ? Do you "
        "ignore them or just talk with them ?",
        "I love music , it helps me disconnect from the world . You know , you help me a lot to "
        "release some stress , thank you .",
        # hand-written
        "you don't understand",
        "are you even listening?",
        "I like talking to you",
        "this app is useless",
        "you're just a program",
        "Can you help me?",
        "what's your advice?",
    ],
)
def test_companion_addressed(text):
    assert "companion" in role_names(text)


@pytest.mark.parametrize(
    "text",
    [
        # annomi client turn
        "No. It's just overwhelming when you see them everything they're, you know?",
        # goemotions/dev.tsv
        "You know he only follows NSFW subs",
        # esconv seeker turn
        "I think it ' s because I like anime . Maybe people hate me for it . You know , they call "
        'us " weebs " and make fun of us . . .',
        # hand-written generic "you"
        "you feel like you're drowning and nobody notices",
        "if you think about it, it's stupid",
        "when you lose a job you lose everything",
    ],
)
def test_generic_you_is_not_the_companion(text):
    assert "companion" not in role_names(text)


def test_companion_mention_fields():
    (p,) = [p for p in people("Thank you for listening") if p.role == "companion"]
    assert (p.category, p.plural, p.cue) == ("companion", False, "Thank you for listening")


# --------------------------------------------------------------------------- component


def test_component_contract_and_batch():
    comp = PeopleComponent()
    assert isinstance(comp, Component)
    assert (comp.name, comp.requires, comp.assigns) == ("people", (), ("people",))
    anns = [Annotation(text="my mum and my boss"), Annotation(text="nothing here")]
    comp.annotate(anns)
    assert [p.role for p in anns[0].people] == ["mother", "boss"]
    assert anns[1].people == ()
