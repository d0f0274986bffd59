"""Compiled rulesets: all active rules as one automaton over the normalised text, the cue lexicon as another.

A Ruleset is immutable; its fingerprint changes whenever a rule id, version or state (or the hotline list)
changes, so the app can cache one per fingerprint and recompile when admins edit rules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .patterns import PatternError, PhraseMatcher, Tokens, first_characters, parse, unfolded_literal
from .rules import SEVERITIES, Cue, Rule, RuleError, load_default_cues, load_default_rules

# Crisis and emergency lines: resources, never personal information. compile_ruleset(hotlines=...) adds more.
DEFAULT_HOTLINES = (
    "988",
    "741741",
    "116 123",
    "85258",
    "0800 111 0 111",
    "0800 111 0 222",
    "111",
    "999",
    "911",
    "112",
    "1-800-273-8255",
    "0800 1111",
    "0808 2000 247",
    "1-800-799-7233",
    "116 111",
    "13 11 14",
)
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@dataclass(frozen=True)
class Automaton:
    """Phrase patterns as one word automaton, regexes as one alternation: `find` runs each once."""

    phrases: PhraseMatcher | None
    every: bool  # report every match (cues), or one per starting position (rules)
    regex: re.Pattern[str] | None  # consumes the non-word character before each candidate start
    markers: dict[str, tuple[Any, ...]]  # the regex's marker group -> payloads

    def find(self, tokens: Tokens, start: int = 0, end: int | None = None) -> list[tuple[int, int, tuple[Any, ...]]]:
        """(start, end, payloads) for the matches in the text's [start:end], in order: every match, or
        one per starting position (where a phrase and a regex start together, the phrase)."""
        text = tokens.text
        stop = len(text) if end is None else end
        found: list[tuple[int, int, tuple[Any, ...]]] = []
        if self.phrases is not None:
            first, last = (0, len(tokens.words)) if start == 0 and stop == len(text) else tokens.within(start, stop)
            matches = self.phrases.find(tokens.words[first:last] if last - first < len(tokens.words) else tokens.words)
            if matches:
                spans = tokens.spans
                found = [(spans[first + match.start][0], spans[first + match.end - 1][1], match.payloads)
                         for match in matches]
        if self.regex is not None:
            taken = set() if self.every else {position for position, _, _ in found}
            found += [(match.start(), match.end(match.lastgroup) - 1, self.markers[match.lastgroup])
                      for match in self.regex.finditer(" " + text, start, stop + 1) if match.start() not in taken]
            found.sort(key=lambda hit: (hit[0], hit[1]))
        return found


@dataclass(frozen=True)
class Ruleset:
    """Rules compiled for scanning. Build with compile_ruleset; never mutated afterwards."""

    rules: tuple[Rule, ...]
    fingerprint: str
    hotlines: frozenset[str]  # digits only
    active: Automaton  # rules in state "active": decide the verdict
    shadow: Automaton  # rules in state "log_only": reported, never decide
    cues: Automaton


def compile_ruleset(rules: Iterable[Rule], hotlines: Iterable[str] | None = None,
                    cues: Iterable[Cue] | None = None) -> Ruleset:
    """Compile rules (disabled ones are left out) with the default cue lexicon unless `cues` is given.

    Raises RuleError naming the rule when a field or a pattern is bad. `hotlines` adds numbers to
    DEFAULT_HOTLINES; all of them are resources, never personal information. Compiling takes seconds,
    so the last few results are kept: the same rules (patterns and all) give back the same Ruleset.
    """
    return _compile(tuple(rules), tuple(hotlines or ()), None if cues is None else tuple(cues))


@lru_cache(maxsize=4)
def _compile(rules: tuple[Rule, ...], hotlines: tuple[str, ...], cues: tuple[Cue, ...] | None) -> Ruleset:
    seen: set[str] = set()
    for rule in rules:
        rule.check()
        if rule.id in seen:
            raise RuleError(f"rule {rule.id!r} is given twice; merge_rules() lays overrides over defaults")
        seen.add(rule.id)
    numbers = DEFAULT_HOTLINES + hotlines
    hotline_digits = frozenset(re.sub(r"\D", "", number) for number in numbers) - {""}
    return Ruleset(
        rules=rules,
        fingerprint=_fingerprint(rules, hotline_digits),
        hotlines=hotline_digits,
        active=_automaton([(rule, rule.kind, rule.pattern, f"rule {rule.id!r}") for rule in rules
                           if rule.state == "active"]),
        shadow=_automaton([(rule, rule.kind, rule.pattern, f"rule {rule.id!r}") for rule in rules
                           if rule.state == "log_only"]),
        cues=_cue_automaton(load_default_cues() if cues is None else cues, numbers),
    )


@lru_cache(maxsize=8)
def _cue_automaton(cues: tuple[Cue, ...], hotlines: tuple[str, ...]) -> Automaton:
    """The cue lexicon compiled, hotline numbers included as resources; shared by rulesets that differ
    only in their rules, as the app's recompiled rulesets usually do."""
    entries = [(cue.kind, "regex" if cue.regex else "phrase", cue.pattern, f"{cue.kind} cue {cue.pattern!r}")
               for cue in cues + tuple(Cue("resource", number) for number in hotlines)]
    return _automaton(entries, every=True)  # "not answering" (immediacy) and the "not" in it (negated)


@lru_cache(maxsize=1)
def default_ruleset() -> Ruleset:
    """The shipped rules, compiled once per process."""
    return compile_ruleset(load_default_rules())


def _fingerprint(rules: Sequence[Rule], hotlines: frozenset[str]) -> str:
    lines = sorted(f"{rule.id}\t{rule.version}\t{rule.state}" for rule in rules)
    lines += sorted(f"hotline\t{number}" for number in hotlines)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _automaton(entries: list[tuple[Any, str, str, str]], every: bool = False) -> Automaton:
    """Phrases into one PhraseMatcher, regexes into one alternation (see Automaton)."""
    phrases: list[tuple[list[Any], Any]] = []
    regexes: list[tuple[str, Any]] = []
    for payload, kind, pattern, name in entries:
        if kind == "regex":
            regexes.append((_checked_regex(pattern, name), payload))
            continue
        try:
            phrases.append((parse(pattern), payload))
        except PatternError as error:
            raise RuleError(f"{name}: bad phrase pattern {pattern!r}: {error}") from None
    markers: dict[str, list[Any]] = {}
    branches = []
    # A regex that starts with a digit or a symbol sits behind one shared guard, which most positions (at
    # a letter) fail at once; the others are tried as they are.
    symbol_first: list[tuple[str, str]] = []
    for regex, payload in regexes:
        name = f"m{len(markers)}"
        markers[name] = [payload]
        guard = first_characters(regex)
        branch = f"(?:{regex})(?P<{name}>)"
        if guard and not any(char.isalpha() for char in guard.replace("\\d", "").replace("\\s", "")):
            symbol_first.append((guard, branch))
        else:
            branches.append(_guarded(guard, branch) if guard else branch)
    if symbol_first:
        union = "[" + "".join(guard[1:-1] for guard, _ in symbol_first) + "]"
        branches.append(_guarded(union, "|".join(branch for _, branch in symbol_first)))
    return Automaton(
        PhraseMatcher(phrases, _priority, every) if phrases else None,
        every,
        re.compile(r"[^\w](?=" + "|".join(branches) + ")") if branches else None,
        {name: tuple(payloads) for name, payloads in markers.items()},
    )


def _guarded(guard: str, branch: str) -> str:
    """The branch behind a one-character guard: sre checks a leading character class almost for free, and
    the lookbehind then runs the branch from that same character."""
    return f"{guard}(?<=(?=(?:{branch})){guard})"


def _priority(payload: Any) -> int:
    """Where rules from one word end differently, the most severe wins (cues are all reported)."""
    return SEVERITIES.index(payload.severity) if isinstance(payload, Rule) else 0


def _checked_regex(pattern: str, name: str) -> str:
    """Check a regex rule alone first, so a mistake is reported against its rule."""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise RuleError(f"{name}: bad regex {pattern!r}: {error}") from None
    if compiled.groupindex or _BACKREFERENCE.search(pattern):
        raise RuleError(f"{name}: regex {pattern!r} must not use named groups or backreferences")
    if compiled.match(""):
        raise RuleError(f"{name}: regex {pattern!r} matches empty text")
    folded = unfolded_literal(pattern)
    if folded:
        raise RuleError(f"{name}: regex {pattern!r} expects {folded!r}, which never appears in the matching "
                        "stream (double letters are single there and apostrophes are gone; write e.g. 'l+')")
    return pattern
