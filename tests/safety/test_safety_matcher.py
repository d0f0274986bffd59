"""The word automaton behind phrase rules: what it matches, and that its start filter never loses a match."""

import json
import random
from pathlib import Path

import pytest

from forum.safety import Rule, compile_ruleset, default_ruleset, normalise, scan
from forum.safety.patterns import Tokens
from forum.safety.rules import Cue

from .test_safety_variants import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [ROOT.parent / "shared" / "safety" / "dev_corpus.jsonl", ROOT / "tests" / "safety" / "holdout_corpus.jsonl"]


def rule(pattern, rule_id="test.rule", **fields):
    return Rule(id=rule_id, pattern=pattern, category=fields.pop("category", "suicide"),
                severity=fields.pop("severity", "elevated"), **fields)


def hits(text, *rules):
    return [hit.rule for hit in scan(text, compile_ruleset(rules)).hits]


def corpus_texts():
    texts = [json.loads(line)["text"] for path in CORPORA if path.exists()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(3)
    disguised = [variant(text, rng) for text in texts[:60] for variant in VARIANTS]
    return texts + disguised + [" ".join(rng.sample(texts, 8)) for _ in range(20)]


def test_the_start_filter_finds_every_match_that_walking_from_every_word_finds():
    ruleset = default_ruleset()
    texts = corpus_texts()
    assert len(texts) > 300
    for automaton in (ruleset.active, ruleset.cues):
        for text in texts:
            words = Tokens(normalise(text).match_text).words
            assert automaton.phrases.find(words) == automaton.phrases.find(words, everywhere=True), text


@pytest.mark.parametrize("text", ["killmyself", "k i l l m y s e l f", "#endmylife", "selfharm again"])
def test_a_phrase_may_run_together_in_one_word_from_its_first_word(text):
    rules = [rule("kill myself", "a"), rule("end my life", "b"), rule("self harm", "c"), rule("kill the lights", "d")]
    assert len(hits(text, *rules)) == 1


def test_a_run_together_phrase_needs_its_words_whole():
    assert hits("killmyselfie", rule("kill myself")) == []
    assert hits("skillmyself", rule("kill myself")) == []


@pytest.mark.parametrize("text", ["k!1l myself", "ki|1 myself", "end it al1", "kil|ing myself"])
def test_runs_of_leetspeak_l_and_i_are_read_either_way(text):
    assert hits(text, rule("(kill|killing) myself", "a"), rule("end it all", "b"))


def test_a_contraction_in_a_group_joins_the_word_before_it_even_past_an_optional_word():
    threat = rule("(she|he) (said)? ('s got|has) a (gun|knife)")
    for text in ("she's got a knife", "he has a gun", "she said's got a gun", "she said he has a knife"):
        assert hits(text, threat) == ["test.rule"], text
    assert hits("she got a knife", threat) == []


def test_a_dollar_may_end_an_alternative_of_the_last_group():
    last = rule("this is my last (day|night|$)")
    assert hits("this is my last day", last) == hits("this is my last.", last) == ["test.rule"]
    assert hits("this is my last chance to apply", last) == []


def test_of_two_rules_from_one_word_the_more_severe_is_reported():
    mild, severe = rule("end it", "mild", severity="routine"), rule("end it all", "severe", severity="high")
    assert hits("i want to end it all", mild, severe) == ["severe"]


def test_a_cue_that_starts_with_a_negation_is_read_whole():
    # "not answering" is a sign of danger (immediacy), not a negation: the longest cue from a word wins.
    threat = rule("(she|he) (said)? (will|would) (hurt|kill) (herself|himself)")
    ruleset = compile_ruleset([threat], cues=[Cue("negated", "not"), Cue("immediacy", "not answering")])
    verdict = scan("She is not answering her phone. She said she would hurt herself.", ruleset)
    assert verdict.action == "urgent"
    assert "immediacy" in verdict.hits[0].cues


def test_every_cue_from_one_word_is_reported():
    ruleset = compile_ruleset([rule("kill myself")], cues=[Cue("negated", "not"), Cue("immediacy", "not answering")])
    assert [kinds for _, _, kinds in ruleset.cues.find(Tokens("not answering"))] == [("negated",), ("immediacy",)]


def test_an_urgent_phrase_inside_a_longer_indicator_is_kept_but_a_milder_one_inside_a_phrase_is_not():
    indicator = rule("the gun is loaded and in the drawer", "indicator", severity="none")
    loaded = rule("gun is loaded", "loaded", severity="high")
    assert hits("the gun is loaded and in the drawer", indicator, loaded) == ["indicator", "loaded"]
    survived = rule("survived an overdose", "survived", severity="routine", category="medical_emergency")
    overdose = rule("overdose", "overdose", severity="elevated", category="medical_emergency")
    assert hits("i survived an overdose", survived, overdose) == ["survived"]


def test_a_longer_hit_hides_a_shorter_one_of_its_own_category_only():
    spam = rule("whatsapp me on # #", "spam.contact", category="spam", severity="routine")
    phone = rule("555 #", "phone", category="personal_info", severity="routine")
    assert hits("whatsapp me on 555 0182", spam, phone) == ["spam.contact", "phone"]


def test_two_indicators_corroborate_only_on_different_words():
    rope = rule("the rope", "rope", severity="none")
    rope_in_car = rule("rope in the car", "rope_in_car", severity="none")
    goodbye = rule("look after mum", "goodbye", severity="none")
    assert scan("the rope in the car", compile_ruleset([rope, rope_in_car])).action == "allow"
    assert scan("the rope is ready. look after mum", compile_ruleset([rope, goodbye])).action == "review"


def test_an_indicator_inside_a_longer_indicator_of_its_category_does_not_count_twice():
    url = rule("https example org", "url", category="spam", severity="none")
    domain = rule("example org", "domain", category="spam", severity="none")
    assert scan("see https://example.org and https://example.org", compile_ruleset([url, domain])).action == "allow"
