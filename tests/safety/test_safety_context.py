"""Context around a hit: what lowers it (negation, idioms, resources, history) and what raises it."""

import pytest

from forum.safety import scan


def cues_of(verdict, rule_prefix=""):
    return {cue for hit in verdict.hits if hit.rule.startswith(rule_prefix) for cue in hit.cues}


@pytest.mark.parametrize("text", [
    "I'm not suicidal, just exhausted.", "I would never kill myself.", "No thoughts of hurting myself at all.",
    "I don't want to die, I want my life to be different.", "I no longer want to die.",
])
def test_a_negated_mention_is_allowed(text):
    verdict = scan(text)
    assert verdict.action == "allow"
    assert "negated" in cues_of(verdict)


def test_a_negation_does_not_reach_past_the_end_of_its_clause():
    assert scan("I'm not okay, I want to die").action == "review"
    assert scan("I can't sleep and I want to die").action == "review"


def test_an_answer_after_the_question_negates_it():
    assert scan("My GP asked if I've had suicidal thoughts and I said no.").action == "allow"


def test_pseudo_negations_do_not_negate():
    assert scan("Not sure why but I just want to die.").action == "review"
    assert scan("No one would miss me.").action == "review"


@pytest.mark.parametrize("text", [
    "Absolutely killed it at my presentation!", "I'm dying to know how it ends.", "Dead tired after work.",
    "Just killing time before therapy.", "That cake is to die for.", "Dead on my feet today.",
    "Kill the lights and breathe slowly.", "Shoot me a message if you want to talk.", "I was killing myself laughing.",
    "I could murder a cup of tea.", "This heat is killing me.", "My phone is dying.",
])
def test_idioms_are_allowed(text):
    assert scan(text).action == "allow"


def test_an_idiom_that_covers_a_rule_hit_is_reported_as_the_reason():
    verdict = scan("I was killing myself laughing at that film.")
    assert "idiom" in cues_of(verdict)


def test_a_rule_that_spells_out_more_than_an_idiom_holds_keeps_its_hit():
    assert scan("I got hit by a car on my bike last week.").action == "allow"
    assert scan("I wouldn't care if I got hit by a bus.").action == "review"


def test_resources_and_general_explanations_are_allowed():
    assert "resource" in cues_of(scan("We raised money for a suicide prevention charity."))
    assert scan("Therapist here. Self-harm is often a way of managing overwhelming feelings.").action == "allow"
    assert scan("If someone tells you they want to die, take it seriously.").action == "allow"
    assert scan("I read a book about suicide for my psychology course.").action == "allow"


def test_framing_never_hides_the_writer_speaking_for_themselves():
    assert scan("If anyone cares, I want to die.").action == "review"


def test_history_lowers_a_tier_unless_the_struggle_is_current():
    past = scan("I used to cut myself in high school.")
    assert past.severity == "routine" and "historical" in cues_of(past)
    current = scan("I used to cut myself in high school and lately the urges are back.")
    assert current.severity == "elevated"


def test_someone_elses_past_and_a_recovery_are_allowed():
    assert scan("My grandfather died by suicide before I was born.").action == "allow"
    assert scan("Eight years ago I survived an overdose. I'm doing well now and I'm a nurse.").action == "allow"
    assert scan("I used to self-harm. I've been free of it for a decade.").action == "allow"


def test_another_person_at_risk_keeps_the_tier():
    verdict = scan("My sister says she'll end her life tonight.")
    assert verdict.action == "urgent"
    assert "other_person" in cues_of(verdict)


def test_intent_right_before_ideation_raises_it():
    assert scan("sometimes i think about kms").action == "review"
    intended = scan("gonna kms")
    assert intended.severity == "high" and "intent" in cues_of(intended)


def test_immediacy_raises_ideation_to_urgent():
    verdict = scan("I just want to die right now.")
    assert verdict.severity == "high" and "immediacy" in cues_of(verdict)


def test_a_time_frame_in_the_same_sentence_raises_ideation():
    assert scan("I'll be gone by the weekend, everyone will be better off without me this weekend.").action == "urgent"


def test_intent_with_means_and_time_is_imminent():
    verdict = scan("I'm going to kill myself tonight, the pills are on my desk.")
    assert verdict.severity == "imminent"
    assert {"immediacy", "means"} <= cues_of(verdict)


def test_a_plan_raises_ideation():
    verdict = scan("Everyone would be better off without me. I have a plan and I've decided.")
    assert verdict.action == "urgent" and "plan" in cues_of(verdict)


def test_protective_factors_keep_ideation_for_review():
    text = "Lately the suicidal thoughts are back, but I have a safety plan and I'm seeing my GP on Tuesday."
    assert scan(text).action == "review"


def test_an_accident_explains_an_injury():
    assert scan("My son fell off his bike and needed stitches.").action == "allow"
    assert scan("I cut myself and I think it needs stitches.").action == "urgent"


def test_weak_indicators_only_count_in_pairs():
    assert scan("DM me if you want to chat about CBT books.").action == "allow"
    assert scan("Only $299 for my full coaching program, DM me!").action == "review"


def test_corroborated_warning_signs_with_a_plan_and_a_date_are_urgent():
    assert scan("I gave away my guitar to my nephew.").action == "allow"
    verdict = scan("I've given away my guitar, written a will, and I'm at peace with it. Saturday is the day.")
    assert verdict.action == "urgent"
    assert "plan" in cues_of(verdict) and cues_of(verdict) & {"timing", "immediacy"}  # "Saturday is the day"


def test_a_lone_warning_sign_with_two_kinds_of_signal_around_it_is_urgent():
    assert scan("I've written the letters.").action == "allow"
    verdict = scan("I've written the letters. Tonight I'm taking the rope to the woods.")
    assert verdict.action == "urgent"
    assert {"immediacy", "means"} <= cues_of(verdict)
    assert scan("My husband is kicking the bedroom door right now and he said when he gets in I'm dead.").action \
        == "urgent"


def test_third_person_reports_of_imminent_risk_are_urgent():
    assert scan("My friend just texted that she's going to jump off the bridge, she's there now.").action == "urgent"


def test_abuse_its_own_sentence_says_is_happening_now_is_urgent():
    habitual = "My stepdad gets drunk and smashes things."  # two indicators: review
    assert scan(habitual).action == "review"
    verdict = scan("My stepdad is drunk and throwing stuff around the kitchen right now.")
    assert verdict.action == "urgent"
    assert "immediacy" in cues_of(verdict, "abuse.")
    # "Now" in another sentence does not make the abuse current.
    assert scan(habitual + " I'm at my gran's now, it's calmer here.").action == "review"


def test_a_hotline_number_inside_an_address_or_a_longer_number_is_not_a_resource():
    assert scan("Samaritans are on 116 123, any time, day or night.").action == "allow"
    assert scan("Could someone check on her? She's at 112 Larkspur Avenue.").action == "review"
    assert scan("My number is +44 116 123 4567, text me.").action == "review"


@pytest.mark.parametrize("text", [
    "My ex hit me years ago, I told my therapist just now.",  # the past
    "My stepdad gets drunk and smashes things, can anyone help?",  # asking now is not abuse now
    "He hits me and he's home right now but I have a safety plan and my counsellor is with me.",  # protected
])
def test_abuse_that_is_past_asked_about_now_or_met_with_protection_is_not_urgent(text):
    assert scan(text).action == "review"
