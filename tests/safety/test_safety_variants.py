"""Evasions: disguised spellings of risky phrases still hit the rule the plain phrase hits.

A seeded generator writes each seed phrase with Cyrillic/Greek lookalikes, zero-width characters, spaced,
dotted or dashed letters, leetspeak, fullwidth letters, repeated letters, mixed case, and mixtures.
"""

import random

import pytest

from forum.safety import scan

SEEDS = {
    "kill myself": "suicide.act.kill_myself",
    "killing myself": "suicide.act.kill_myself",
    "end my life": "suicide.act.end_my_life",
    "take my own life": "suicide.act.end_my_life",
    "end it all": "suicide.act.end_it_all",
    "commit suicide": "suicide.act.commit_suicide",
    "suicide": "suicide.word.suicide",
    "suicidal": "suicide.word.suicidal",
    "unalive": "suicide.slang.unalive",
    "unalive myself": "suicide.act.unalive_myself",
    "kms": "suicide.slang.kms",
    "sewerslide": "suicide.slang.sewerslide",
    "want to die": "suicide.passive.want_to_die",
    "wish i was dead": "suicide.passive.wish_dead",
    "better off dead": "suicide.passive.better_off_dead",
    "no reason to live": "suicide.passive.no_reason_to_live",
    "nothing to live for": "suicide.passive.nothing_to_live_for",
    "better off without me": "suicide.burden.better_without_me",
    "hang myself": "suicide.method.hang",
    "slit my wrists": "suicide.method.wrists",
    "goodbye forever": "suicide.goodbye.forever",
    "suicide note": "suicide.goodbye.note",
    "overdose": "medical_emergency.overdose.word",
    "overdosed": "medical_emergency.overdose.word",
    "cut myself": "self_harm.cut.cut_body",
    "cutting myself": "self_harm.cut.cut_body",
    "self harm": "self_harm.word.self_harm",
    "burn myself": "self_harm.burn.burn_self",
    "hurt myself": "self_harm.hurt.hurt_self",
    "kys": "harm_to_others.harass.kys",
    "kill yourself": "harm_to_others.harass.kys",
    "stab him": "harm_to_others.threat.kill_person",
    "purging": "eating_disorder.purge.purging",
    "make myself throw up": "eating_disorder.purge.make_sick",
    "thinspo": "eating_disorder.proana.words",
    "pro ana": "eating_disorder.proana.words",
    "starve myself": "eating_disorder.restrict.starve",
    "raped": "abuse.sexual.raped",
    "sexually abused": "abuse.sexual.raped",
    "strangled me": "abuse.physical.strangle",
    "punched me": "abuse.physical.hits",
    "without prescription": "spam.drugs.no_prescription",
}

LOOKALIKES = {"a": "аα", "c": "сϲ", "e": "е", "i": "іι", "o": "оο", "p": "рρ", "s": "ѕ", "x": "хχ", "y": "уү",
              "k": "кκ", "h": "һ", "j": "ј", "t": "т", "u": "υ", "v": "ν", "m": "м", "n": "п", "w": "ԝ"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1|"}


def homoglyphs(phrase, rng):
    words = []
    for word in phrase.split():
        letters = list(word)
        swappable = [i for i, c in enumerate(letters) if c in LOOKALIKES]
        for i in rng.sample(swappable, k=min(len(swappable), max(1, len(letters) // 2)))[:len(letters) - 1]:
            letters[i] = rng.choice(LOOKALIKES[letters[i]])
        words.append("".join(letters))
    return " ".join(words)


def invisible(phrase, rng):
    return "".join(c + (rng.choice(INVISIBLE) if c.isalpha() and rng.random() < 0.5 else "") for c in phrase)


def separated(separator):
    def spell(phrase, rng):
        return separator.join(phrase.replace(" ", "")) if separator == " " else " ".join(
            separator.join(word) for word in phrase.split())
    return spell


def leetspeak(phrase, rng):
    words = []
    for word in phrase.split():
        letters = list(word)
        inner = [i for i, c in enumerate(letters) if i and c in LEET]
        for i in rng.sample(inner, k=min(len(inner), rng.randint(1, 2))):
            letters[i] = rng.choice(LEET[letters[i]])
        words.append("".join(letters))
    return " ".join(words)


def fullwidth(phrase, rng):
    return "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in phrase)


def repeats(phrase, rng):
    return "".join(c * (rng.randint(3, 6) if c.isalpha() and rng.random() < 0.3 else 1) for c in phrase)


def mixed_case(phrase, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c for c in phrase)


def mixture(phrase, rng):
    return mixed_case(repeats(invisible(leetspeak(phrase, rng), rng), rng), rng)


VARIANTS = [homoglyphs, invisible, separated(" "), separated("."), separated("-"), leetspeak, fullwidth, repeats,
            mixed_case, mixture]


def variants():
    rng = random.Random(20240611)
    return [(seed, rule_id, variant(seed, rng)) for seed, rule_id in SEEDS.items()
            for variant in VARIANTS for _ in range(3)]


@pytest.mark.parametrize(("seed", "rule_id"), SEEDS.items())
def test_each_plain_seed_hits_its_rule(seed, rule_id):
    assert rule_id in [hit.rule for hit in scan(seed).hits]


def test_disguised_seeds_hit_the_same_rule_at_least_98_percent_of_the_time():
    generated = variants()
    misses = [(seed, text) for seed, rule_id, text in generated if rule_id not in [h.rule for h in scan(text).hits]]
    assert len(generated) >= 1000
    assert 1 - len(misses) / len(generated) >= 0.98, misses[:20]


def test_each_kind_of_disguise_is_undone():
    rng = random.Random(7)
    for variant in VARIANTS:
        assert "suicide.act.kill_myself" in [hit.rule for hit in scan(variant("kill myself", rng)).hits], variant
