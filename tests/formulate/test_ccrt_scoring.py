"""CCRT scoring of single utterances, on real seeker sentences.

Sentences are quoted from CounselChat questions (../shared/data/counselchat,
question ids given) and ESConv seeker turns (../shared/data/esconv, conv ids
given), CC BY-NC 4.0 / research use; AnnoMI client turns where noted.
"""

from __future__ import annotations

import pytest

from talkcure.formulate.ccrt import Person, label, lexicon, score_utterance
from talkcure.listen.pipeline import default_pipeline

PIPE = default_pipeline()


def read(text, context=()):
    return score_utterance(PIPE.annotate_one(text), list(context))


def found(reading, stated_only=False):
    return {(c.kind, c.cluster) for c in reading.components
            if not (stated_only and c.inferred)}


HUSBAND = Person("husband", "partner")
MOTHER = Person("mother", "family")
FATHER = Person("father", "family")


@pytest.mark.parametrize("text, context, expected, main", [
    # CounselChat 656
    ("I'm always listening to my husband, but it feels like he never listens to me.", (),
     {("RS", "helpful"), ("RO", "rejecting_opposing"), ("W", "loved_understood")}, "husband"),
    # CounselChat 11
    ("I tried telling my husband I was depressed, and he ignored me.", (),
     {("RS", "disappointed_depressed"), ("RO", "rejecting_opposing")}, "husband"),
    # CounselChat 11 (a wish: nothing has happened yet, so no response of other)
    ("How can I get through to him so he will take me seriously?", (HUSBAND,),
     {("W", "loved_understood")}, "husband"),
    # CounselChat 625
    ("However, more times than not, I'm afraid to tell her anything personal because she either "
     "doesn't listen, she turns it around and makes everything about her, or she ignores "
     "things.", (MOTHER,),
     {("RS", "anxious_ashamed"), ("RO", "rejecting_opposing"), ("W", "loved_understood")},
     "mother"),
    # CounselChat 598
    ("She's way too controlling. She decides things for me, disregarding whatever I say.",
     (MOTHER,), {("RO", "controlling")}, "mother"),
    ("I tried explaining my side to her calmly, but she eventually gets angry and doesn't wish "
     "to listen to me regardless of how I speak to her.", (MOTHER,),
     {("RS", "self_controlled_confident"), ("RO", "upset"), ("RO", "rejecting_opposing"),
      ("W", "loved_understood")}, "mother"),
    # CounselChat 227
    ("My dad refuses to acknowledge my anxieties about going to parties, dinners, etc.", (),
     {("RO", "rejecting_opposing"), ("RS", "anxious_ashamed")}, "father"),
    ("He tells me to grow a pair and get over it.", (FATHER,),
     {("RO", "rejecting_opposing")}, "father"),
    ("I feel invalidated by my dad.", (),
     {("RO", "rejecting_opposing"), ("RS", "disappointed_depressed")}, "father"),
    ("Whenever I have an opinion it gets shut down.", (),
     {("RO", "rejecting_opposing")}, None),
    # CounselChat 533
    ("I've told him how I feel for years, and he swears he loves me and wants to make me happy, "
     "but I still have to literally beg for sex and affection.", (HUSBAND,),
     {("RS", "self_controlled_confident"), ("RO", "likes_me"), ("RS", "helpless")}, "husband"),
    ("My self-esteem is gone, and I feel so alone.", (),
     {("RS", "disappointed_depressed")}, None),
    # CounselChat 699
    ("My girlfriend is so distant.", (), {("RO", "rejecting_opposing")}, "girlfriend"),
    # CounselChat 567
    ("I've shut down completely and closed everyone out.", (), {("RS", "unreceptive")}, None),
    # ESConv valid_0191
    ("I decided to leave my husband, he keeps snapping at me and won't listen to me or let me "
     "do anything.", (),
     {("RO", "upset"), ("RO", "rejecting_opposing"), ("W", "loved_understood")}, "husband"),
    # ESConv (test_0093): "he threw me away so easily" -> nothing scored; "he lied" -> bad
    ("he promised me he would never do that but ofcourse he lied.", (Person("ex", "partner"),),
     set(), "ex"),
    # CounselChat 48
    ("I feel that they do not take me seriously whenever I talk about a serious event in my "
     "life.", (Person("parents", "family", True),),
     {("RO", "rejecting_opposing"), ("W", "loved_understood")}, "parents"),
    ("I know they have their own problems, which I do my best to help with.",
     (Person("friends", "friend", True),), {("RS", "helpful")}, "friends"),
])
def test_real_sentences(text, context, expected, main):
    reading = read(text, context)
    assert found(reading) == expected, [(c.kind, c.cluster, c.cue) for c in reading.components]
    assert (reading.main.role if reading.main else None) == main


def test_negated_positive_response_implies_a_wish_marked_inferred():
    # CounselChat 643
    reading = read("No matter how often I try to tell him this, he never listens.", (FATHER,))
    ro = [c for c in reading.components if c.kind == "RO"]
    w = [c for c in reading.components if c.kind == "W"]
    assert [c.cluster for c in ro] == ["rejecting_opposing"]
    assert w and all(c.inferred for c in w) and w[0].cluster == "loved_understood"
    assert ("RS", "helpless") in found(reading)  # "no matter how often I"


def test_a_wished_response_is_not_a_response():
    reading = read("I wish my mom would just listen to me for once.")
    assert found(reading) == {("W", "loved_understood")}
    assert not reading.of("RO")


def test_negated_wish_to_fight_is_a_wish_to_avoid_conflict():
    reading = read("I don't want to fight with her anymore.", (MOTHER,))
    assert found(reading) == {("W", "distant_avoid_conflict")}


def test_questions_and_modals_are_not_responses_that_happened():
    # ESConv: "How are you going to help me study?" / "I think a friend will help me out"
    assert not read("How are you going to help me study?").of("RO")
    assert not read("I think a friend will help me out when he's not busy.").of("RO")
    assert read("My friend won't help me.").of("RO")[0].cluster == "rejecting_opposing"


def test_the_companion_and_the_self_as_the_other():
    # ESConv: thanks for listening -> the companion understands
    reading = read("Thank you for listening to my ranting.")
    assert reading.main.role == "companion"
    assert found(reading) == {("RO", "understanding")}
    reading = read("You don't really get it either, do you?")
    assert reading.main.role == "companion"
    assert ("RO", "rejecting_opposing") in found(reading)
    # ESConv valid_0190: "I am sometimes hard on myself."
    reading = read("I am sometimes hard on myself.")
    assert reading.main.role == "self" and ("RO", "rejecting_opposing") in found(reading)


def test_pronouns_follow_the_last_person_named_whose_role_fits():
    reading = read("She ignores me and he says nothing.", (MOTHER, HUSBAND))
    ro = reading.of("RO")
    assert ro and ro[0].object == "mother"


def test_every_cluster_has_a_label_phrase_and_cues():
    lex = lexicon()
    for kind in ("W", "RO", "RS"):
        assert len(lex.clusters[kind]) == 8
        assert sorted(c.number for c in lex.clusters[kind].values()) == list(range(1, 9))
        for cl in lex.clusters[kind].values():
            assert cl.phrase and cl.label and cl.pattern.pattern
    assert label("W", "loved_understood") == "to be loved and understood"
    assert label("RO", "rejecting_opposing") == "rejecting and opposing"
    assert label("RS", "unreceptive") == "unreceptive"
