import pytest

from talkcure.respond.wording.pronouns import flip_person

CASES = [
    ("I feel like my mother never listens to me", "You feel like your mother never listens to you"),
    ("I am so tired of myself", "You are so tired of yourself"),
    ("I'm scared that you will judge me", "You're scared that I will judge you"),
    ("My boss told me I was useless", "Your boss told you you were useless"),
    ("Are you even listening to me?", "Am I even listening to you?"),
    ("you never understand me", "I never understand you"),
    ("I was angry at you", "You were angry at me"),
    ("My mom and I fight a lot", "Your mom and you fight a lot"),
    ("I've lost my job and I don't know what to do", "You've lost your job and you don't know "
     "what to do"),
    ("I really am lost", "You really are lost"),
    ("nobody cares about me", "nobody cares about you"),
    ("she said I'd never amount to anything", "she said you'd never amount to anything"),
    ("It's mine, not yours", "It's yours, not mine"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_flip(text, expected):
    assert flip_person(text) == expected


def test_curly_apostrophe():
    assert flip_person("I’m fine") == "You're fine"
