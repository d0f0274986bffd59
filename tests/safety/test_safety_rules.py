"""Rules as data: the phrase syntax, regex rules, states, overrides, fingerprints and the errors for bad rules."""

import pytest

from forum.safety import (
    CATEGORIES,
    Rule,
    RuleError,
    compile_ruleset,
    load_default_rules,
    merge_rules,
    scan,
)
from forum.safety.patterns import first_characters
from forum.safety.rules import parse_rules


def rule(pattern, kind="phrase", category="suicide", severity="elevated", **fields):
    return Rule(id=fields.pop("id", "test.rule"), pattern=pattern, kind=kind, category=category,
                severity=severity, **fields)


def hit_rules(text, *rules):
    return [hit.rule for hit in scan(text, compile_ruleset(rules)).hits]


def test_a_gap_allows_up_to_three_words_by_default_and_never_skips_a_negation():
    gap = rule("want to .. die")
    assert hit_rules("i want to just die", gap) == ["test.rule"]
    assert hit_rules("i want to really really really die", gap) == ["test.rule"]
    assert hit_rules("i want to really really really really die", gap) == []
    assert hit_rules("i want to not die", gap) == []


def test_a_gap_can_name_its_length():
    assert hit_rules("want to lie down in the dark and die", rule("want to ..6 die")) == ["test.rule"]


def test_a_star_ends_a_word_prefix():
    prefix = rule("overdos*")
    assert hit_rules("she overdosed", prefix) == hit_rules("overdosing", prefix) == ["test.rule"]
    assert hit_rules("overdo it", prefix) == []


def test_alternatives_and_optional_groups():
    life = rule("(kill|end) my (own)? life")
    for text in ("end my life", "end my own life", "kill my life"):
        assert hit_rules(text, life) == ["test.rule"]
    assert hit_rules("end my long life", life) == []


def test_words_must_stand_alone_but_may_run_together():
    assert hit_rules("skill myself", rule("kill myself")) == []
    assert hit_rules("killmyself", rule("kill myself")) == ["test.rule"]
    assert hit_rules("contractions like i'm and im match", rule("i'm")) == ["test.rule"] * 2


def test_number_tokens():
    calories = rule("under #3 (cals|calories)", category="eating_disorder")
    assert hit_rules("staying under 500 cals", calories) == ["test.rule"]
    assert hit_rules("staying under 1500 cals", calories) == []
    pills = rule("took #2+ pills")
    assert hit_rules("took 30 pills", pills) == ["test.rule"]
    assert hit_rules("took 2 pills", pills) == []
    assert hit_rules("took three pills", rule("took # pills")) == ["test.rule"]


def test_the_word_to_also_matches_its_text_speak_digit():
    assert hit_rules("i want 2 die", rule("want to die")) == ["test.rule"]


def test_a_dollar_requires_the_end_of_a_clause():
    pay = rule("is going to pay $", category="harm_to_others")
    assert hit_rules("he is going to pay.", pay) == ["test.rule"]
    assert hit_rules("he is going to pay the rent", pay) == []


@pytest.mark.parametrize(("text", "rule_id"), [
    ("text me on (555) 201-7734", "personal_info.phone.us"),
    ("her mobile is 07700 900461", "personal_info.phone.uk_mobile"),
    ("email jo.bloggs@example.com", "personal_info.email"),
    ("she lives at 14 Birchwood Lane now", "personal_info.address.street"),
])
def test_regex_rules_find_contact_details(text, rule_id):
    verdict = scan(text)
    assert rule_id in [hit.rule for hit in verdict.hits]
    assert verdict.categories == ("personal_info",)


@pytest.mark.parametrize("text", [
    "Call or text 988 any time", "Text HOME to 741741", "Samaritans are on 116 123", "Shout is 85258",
    "In Germany ring 0800 111 0 111", "Ring 111 for advice or 999 in an emergency", "Call 1-800-273-8255",
])
def test_hotline_numbers_are_resources_not_personal_information(text):
    verdict = scan(text)
    assert verdict.action == "allow"
    assert "personal_info" not in verdict.categories


def test_hotline_numbers_can_be_added_when_compiling():
    phone = rule(r"\d{4} \d{3} \d{4}", kind="regex", category="personal_info", severity="routine")
    ruleset = compile_ruleset([phone], hotlines=["0300 123 3393"])
    assert scan("Mind's infoline is 0300 123 3393", ruleset).action == "allow"
    assert scan("my number is 0300 123 4567", ruleset).action == "review"


def test_log_only_hits_are_reported_but_never_change_the_verdict():
    verdict = scan("a purple elephant protocol", compile_ruleset([rule("purple elephant", state="log_only")]))
    assert verdict.action == "allow"
    assert [(hit.rule, hit.log_only) for hit in verdict.hits] == [("test.rule", True)]


def test_disabled_rules_do_not_match():
    assert scan("purple elephant", compile_ruleset([rule("purple elephant", state="disabled")])).hits == ()


def test_an_override_replaces_the_default_rule_with_its_id_and_new_rules_are_added():
    defaults = [rule("first", id="a"), rule("second", id="b")]
    merged = merge_rules(defaults, [rule("second", id="b", version=2, state="disabled"), rule("third", id="c")])
    assert [(r.id, r.version, r.state) for r in merged] == [("a", 1, "active"), ("b", 2, "disabled"),
                                                            ("c", 1, "active")]


def test_the_fingerprint_follows_rule_ids_versions_and_states():
    base = compile_ruleset([rule("purple elephant")])
    assert compile_ruleset([rule("purple elephant")]).fingerprint == base.fingerprint
    assert compile_ruleset([rule("purple elephant", version=2)]).fingerprint != base.fingerprint
    assert compile_ruleset([rule("purple elephant", state="log_only")]).fingerprint != base.fingerprint


def test_compiling_the_same_rules_again_reuses_the_ruleset():
    assert compile_ruleset([rule("purple elephant")]) is compile_ruleset([rule("purple elephant")])


@pytest.mark.parametrize(("bad", "message"), [
    (rule("(unclosed", kind="regex"), "bad regex"),
    (rule("(kill|end myself"), "unbalanced"),
    (rule(".. die"), "gap"),
    (rule("die $ now"), r"'\$' must end"),
    (rule(""), "empty"),
    (rule(r"(?P<name>x)", kind="regex"), "named groups"),
    (rule(r"kill\s+myself", kind="regex"), "'ll'"),
    (rule("x", category="grief"), "category"),
    (rule("x", severity="catastrophic"), "severity"),
    (rule("x", state="paused"), "state"),
    (rule("x", kind="glob"), "kind"),
])
def test_a_bad_rule_raises_a_rule_error_naming_it(bad, message):
    with pytest.raises(RuleError, match=message) as error:
        compile_ruleset([bad])
    assert "test.rule" in str(error.value)


def test_the_same_id_twice_is_refused():
    with pytest.raises(RuleError, match="twice"):
        compile_ruleset([rule("x"), rule("y")])


def test_rule_files_have_a_header_macros_and_comments():
    text = ("# a comment\n@define PET (cat|dog)\nid\tversion\tkind\tcategory\tseverity\tstate\tpattern\n"
            "test.pet\t3\tphrase\tspam\troutine\tlog_only\tbuy a {PET}\n")
    [parsed] = parse_rules(text)
    assert parsed == Rule(id="test.pet", version=3, kind="phrase", category="spam", severity="routine",
                          state="log_only", pattern="buy a ((cat|dog))")
    with pytest.raises(RuleError, match="line 2: .*unknown macro"):
        parse_rules("id\tversion\tkind\tcategory\tseverity\tstate\tpattern\nx\t1\tphrase\tspam\troutine\tactive\t{NO}\n")


def test_the_shipped_rules_cover_every_category_with_several_hundred_rules():
    rules = load_default_rules()
    assert len(rules) >= 300
    assert {r.category for r in rules} == set(CATEGORIES)
    assert len({r.id for r in rules}) == len(rules)
    ids = {r.id for r in rules}
    assert {"suicide.slang.unalive", "suicide.slang.kms", "suicide.slang.sewerslide", "harm_to_others.harass.kys",
            "eating_disorder.purge.purging", "spam.link.shortener", "personal_info.email"} <= ids


@pytest.mark.parametrize(("text", "rule_id", "category"), [
    ("gonna unalive myself", "suicide.act.unalive_myself", "suicide"),
    ("sometimes i think about kms", "suicide.passive.thoughts_of", "suicide"),
    ("planning my sewerslide", "suicide.plan.planning", "suicide"),
    ("lol just kys", "harm_to_others.harass.kys", "harm_to_others"),
    ("taking laxatives after every meal", "eating_disorder.purge.laxatives", "eating_disorder"),
    ("buy xanax without prescription, fast shipping", "spam.drugs.buy", "spam"),
    ("join us at bit.ly/abc123 now", "spam.link.shortener", "spam"),
    ("my 10x returns crypto group", "spam.crypto.group", "spam"),
])
def test_shipped_rules_cover_slang_and_evasions(text, rule_id, category):
    verdict = scan(text)
    assert rule_id in [hit.rule for hit in verdict.hits]
    assert category in verdict.categories


def test_a_regex_gets_a_first_character_guard_only_when_it_is_selective():
    assert first_characters(r"(?:down|get|reach) to \d+") == "[dgr]"
    assert first_characters(r"\+?\d{3}") == r"[\+\d]"
    for broad in (r"[a-z]+@\w+", r"[b-y]x", r"\w+ing", r"(?:x)?y*"):  # most letters, or can match nothing first
        assert first_characters(broad) is None
