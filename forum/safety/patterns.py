"""Compiles phrase patterns and regexes into one alternation, factored as a trie, so one pass finds them all.

Phrase syntax (matched against the matching stream, see normalise.py; words are folded the same way):

    kill myself              words; "kiill", "kil" and "k1ll" all match, and "l" also matches "i"
    overdos*                 `*` at the end of a word: any word continuing that prefix
    (kill|end) my life       alternatives; a group followed by `?` is optional: "i (just)? cut"
    want to .. die           `..` up to 3 intervening words, `..5` up to 5 (never a negation word)
    under # cals             `#` a number, in digits or words; `#3` at most three digits, `#2+` at least two
    they'll see $            `$` the end of a clause (punctuation or the end of the text) must follow
    self-harm                a hyphen is a word break, which may be absent in the text

Words may also run together in the text ("killmyself"), as spaced-out letters join that way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from .normalise import fold, match_form

SEPARATOR = " ?"  # the matching stream has one space between words (see normalise.single_spaced)
SEPARATOR_REQUIRED = " "
# Words a gap may not skip, and number words, both as they appear in the matching stream.
NEGATIONS = "|".join(match_form(word) for word in (
    "not", "never", "no", "nobody", "nothing", "nor", "without", "cannot", "don't", "didn't", "doesn't",
    "won't", "wouldn't", "isn't", "wasn't", "can't", "haven't", "hasn't", "aren't", "shouldn't", "couldn't"))
NUMBER_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "a few", "few", "several", "a couple of",
                "a couple", "couple of")
DEFAULT_GAP = 3
MAX_GAP = 8
EXPANSION_BUDGET = 30000  # regex characters a group may copy to be spread into separate paths
MIDDLE_EXPANSION_BUDGET = 300  # the same for a group after the first word, which copies more often
MAX_PATHS = 64  # paths one phrase may be spread into
_GAP_WORD = rf" (?!(?:{NEGATIONS})(?!\w))[\w*]+"
_VOWELS = frozenset("aeiouy")
_TOKEN = re.compile(r"\s*(\.\.\d*|[()|?]|[^\s()|?]+)")
_CLAUSE_END = r"(?= ?(?:[.!?,;:\n]|$))"


class PatternError(ValueError):
    """A phrase that cannot be compiled; the caller names the rule."""


@dataclass
class _Word:
    text: str
    optional: bool = False


@dataclass
class _Number:
    digits: int = 0  # with `at_least`, at least this many digits, else at most; 0 for any number (or word)
    at_least: bool = False
    optional: bool = False


@dataclass
class _ClauseEnd:
    optional: bool = False


@dataclass
class _Gap:
    words: int


@dataclass
class _Group:
    alternatives: list[list[Any]]
    optional: bool = False


@dataclass(frozen=True)
class Path:
    """One way through a phrase: its regex pieces and whether it must end at a word boundary."""

    atoms: list[str]
    word_end: bool


def phrase_paths(pattern: str) -> list[Path]:
    """The paths of a phrase for the trie. Each path starts with a single letter, so the trie (and sre's
    quick first-character check) can dispatch on it; see _paths."""
    tokens = [m.group(1) for m in _TOKEN.finditer(pattern.strip())]
    if not tokens:
        raise PatternError("empty pattern")
    items, position = _parse_sequence(tokens, 0, top=True)
    if position != len(tokens):
        raise PatternError(f"unexpected {tokens[position]!r}")
    return [Path(atoms, _ends_with_word_character(items[-1])) for atoms in _paths(items)]


def _paths(items: list[Any], spread: int = MAX_PATHS) -> list[list[str]]:
    """Atoms for a sequence, as one or more paths. A group is spread into one path per alternative
    (prefix + alternative + rest) when the copies of the rest stay small, so that alternatives share
    prefixes in the trie and a longer phrase is tried before a shorter one ("end it all" before "end
    it"). A large leading group is split by the first letter of its alternatives instead ("(kill|end|
    kms) myself" gives "k(?:il|ms) myself" and "e(?:nd) myself"), so every path starts with one letter;
    a large group elsewhere stays one piece."""
    for index, item in enumerate(items):
        if not isinstance(item, _Group):
            continue
        before, rest = items[:index], items[index + 1:]
        if item.optional and not before and not rest:
            raise PatternError("a pattern must not be wholly optional")
        sequences = [before + alternative + rest for alternative in item.alternatives]
        sequences += [before + rest] if item.optional else []
        budget = EXPANSION_BUDGET if index == 0 else MIDDLE_EXPANSION_BUDGET
        if len(sequences) <= spread and len(item.alternatives) * _size(rest) <= budget:
            return [path for sequence in sequences for path in _paths(sequence, spread // len(sequences))]
        if index == 0:
            return _split_by_first_letter(item, rest, spread)
    return [_sequence_atoms(items)]


def _split_by_first_letter(head: _Group, rest: list[Any], spread: int) -> list[list[str]]:
    tails_by_first: dict[str, list[list[str]]] = {}
    for alternative in head.alternatives:
        for atoms in _paths(alternative, spread):
            tails_by_first.setdefault(atoms[0], []).append(atoms[1:])
    rest_atoms = _sequence_atoms(rest, previous="word") if rest else []
    paths = []
    for first, tails in tails_by_first.items():
        middle = Trie()
        for tail in tails:
            middle.add(tail)
        paths.append([first] + ([middle.regex(group=True)] if middle.children else []) + rest_atoms)
    return paths + ([path for path in _paths(rest, spread)] if head.optional else [])


def _size(items: list[Any]) -> int:
    """The length of the regex for some items following a word."""
    return len("".join(_sequence_atoms(items, previous="word"))) if items else 0


def _parse_sequence(tokens: list[str], position: int, top: bool = False) -> tuple[list[Any], int]:
    items: list[Any] = []
    alternatives: list[list[Any]] = []
    while position < len(tokens):
        token = tokens[position]
        if token == ")":
            if top:
                raise PatternError("unbalanced ')'")
            break
        if token == "|":
            alternatives.append(items)
            items = []
            position += 1
            continue
        if token == "(":
            group_items, position = _parse_sequence(tokens, position + 1)
            if position >= len(tokens) or tokens[position] != ")":
                raise PatternError("unbalanced '('")
            position += 1
            group = (
                group_items[0]
                if len(group_items) == 1 and isinstance(group_items[0], _Group)
                else _Group([group_items])
            )
            items.append(group)
        elif token.startswith(".."):
            count = int(token[2:]) if len(token) > 2 else DEFAULT_GAP
            if not 1 <= count <= MAX_GAP:
                raise PatternError(f"gap {token!r} must allow 1 to {MAX_GAP} words")
            items.append(_Gap(count))
            position += 1
        elif token == "?":
            if not items or isinstance(items[-1], _Gap):
                raise PatternError("'?' must follow a word or a group")
            items[-1].optional = True
            position += 1
        elif re.fullmatch(r"#(\d\+?)?", token):
            number = _Number(int(token[1:].rstrip("+") or 0), token.endswith("+"))
            # A plain `#` is a group (digits, or a number word), so the trie can dispatch on its first letter.
            items.append(number if number.digits else _Group([[number]] + [[_Word(word)] for word in NUMBER_WORDS]))
            position += 1
        elif token == "$":
            items.append(_ClauseEnd())
            position += 1
        else:
            items.extend(_Word(part) for part in token.split("-") if part)
            position += 1
    if alternatives:
        alternatives.append(items)
        if any(not alternative for alternative in alternatives):
            raise PatternError("empty alternative")
        return [_Group(alternatives)], position
    return items, position


def _sequence_atoms(items: list[Any], previous: str | None = None) -> list[str]:
    """Atoms for items in order; `previous` is None at the start of a phrase, else "word" or "gap"."""
    atoms: list[str] = []
    for item in items:
        if isinstance(item, _ClauseEnd):
            if previous != "word" or item is not items[-1]:
                raise PatternError("'$' must end a pattern")
            atoms.append(_CLAUSE_END)
            continue
        if isinstance(item, _Gap):
            if previous != "word":
                raise PatternError("a gap '..' must sit between two words")
            atoms.append(f"(?:{_GAP_WORD}){{0,{item.words}}}")
            previous = "gap"
            continue
        separator = "" if previous is None else SEPARATOR_REQUIRED if previous == "gap" else SEPARATOR
        pieces = _item_pieces(item, separator)
        if item.optional:
            fragment = "".join(pieces)
            atoms.append(f"(?:{fragment}{SEPARATOR})?" if previous is None else f"(?:{fragment})?")
            continue
        atoms.extend(pieces)
        previous = "word"
    if previous != "word":
        raise PatternError("a pattern must end with a word, not a gap or only optional parts")
    return atoms


def _ends_with_word_character(item: Any) -> bool:
    """Whether a phrase ending with this item must stop at a word boundary ("kill" not "killer")."""
    if isinstance(item, _ClauseEnd):
        return False
    if isinstance(item, _Group):
        return all(_ends_with_word_character(alternative[-1]) for alternative in item.alternatives)
    if isinstance(item, _Word):
        text = item.text.rstrip("*")
        return item.text.endswith("*") or (bool(text) and (text[-1].isalnum() or text[-1] == "'"))
    return True


def _item_pieces(item: Any, separator: str) -> list[str]:
    """Regex pieces for one item after `separator`: a word one piece per letter (so the trie can share
    prefixes), a group or number as one. A contraction ("'s", "'ll") joins the word before it, as it
    does in the matching stream, so "he's" and "he 's" are one path."""
    lead = [separator] if separator else []
    if isinstance(item, _Number):
        if not item.digits:
            return lead + [r"\d\d*(?:[.,]\d+)?"]  # not "\d+", for the same reason as "[li][li]*" below
        return lead + [rf"[1-9]\d{{{item.digits - 1},}}" if item.at_least else rf"[1-9]\d{{0,{item.digits - 1}}}"]
    if isinstance(item, _Group):
        trie = Trie()
        for alternative in item.alternatives:
            trie.add(([] if _attaches(alternative[0]) else lead) + _sequence_atoms(alternative))
        return [trie.regex(group=True)]
    return ([] if _attaches(item) else lead) + _word_pieces(item.text)


def _attaches(item: Any) -> bool:
    return isinstance(item, _Word) and item.text.startswith("'")


def _word_pieces(word: str) -> list[str]:
    """One regex piece per letter of a word in matching-stream form: doubles and apostrophes folded away;
    "l" also accepts "i" (leetspeak "1", "|"), and the first inner vowel accepts "*" (censoring hides one
    vowel: "k*ll", "s*icide"). The word "to" also accepts "2"."""
    if word == "to":
        return ["(?:to|2)"]  # text-speak: "want 2 die"
    wildcard = word.endswith("*") and len(word) > 1
    text = word[:-1] if wildcard else word
    core = match_form(text) if any(char.isalnum() for char in text) else fold(text)[0]
    censorable = next((index for index, char in enumerate(core) if index and char in _VOWELS), -1)
    pieces: list[str] = []
    for index, char in enumerate(core):
        if char == "l":
            # Leetspeak "1" and "|" read as "i", and may sit beside a real "i" or "l". Spelled with a leading
            # class rather than "[li]+": sre skips a branch that starts with a class without entering it.
            pieces.append("[li][li]*")
        elif index == censorable:
            pieces.append(f"[{char}*]")
        else:
            pieces.append(re.escape(char))
    if wildcard:
        pieces.append(r"\w*")
    return pieces or [re.escape(word)]


_INITIAL_FREQUENCY = {letter: rank for rank, letter in enumerate("tasowihbcmfpdrlengyuvjkqzx")}


@dataclass
class Trie:
    """Regex pieces arranged as a trie; `regex()` renders it as nested alternations."""

    children: dict[str, Trie] = field(default_factory=dict)
    ends: dict[bool, list[Any]] = field(default_factory=dict)  # word-bounded or not -> payloads ending here
    _order: tuple[int, int] | None = field(default=None, repr=False, compare=False)

    def add(self, atoms: list[str], payload: Any = None, bounded: bool = False) -> None:
        node = self
        for atom in atoms:
            node = node.children.setdefault(atom, Trie())
        payloads = node.ends.setdefault(bounded, [])
        if payload is not None and payload not in payloads:
            payloads.append(payload)

    def _rank_and_depth(self, priority: Callable[[Any], int] | None) -> tuple[int, int]:
        """The highest priority of any payload at or below this node, and the longest path below it
        (worked out once per node, as the render asks for every fork)."""
        if self._order is None:
            below = [child._rank_and_depth(priority) for child in self.children.values()]
            own = max((priority(payload) for payloads in self.ends.values() for payload in payloads),
                      default=-1) if priority else 0
            self._order = (max([own] + [rank for rank, _ in below]), 1 + max((d for _, d in below), default=0))
        return self._order

    def regex(self, group: bool = False, markers: dict[str, list[Any]] | None = None,
              priority: Callable[[Any], int] | None = None) -> str:
        """Render the trie as nested alternations. With `markers`, each end of a path gets an empty named
        group naming its payloads. sre takes the first alternative that matches, so at each fork the
        branches leading to higher `priority` payloads come first, then the longer ones; ends come last,
        so a longer phrase wins over its prefix. Single letters exclude each other, so they go last in
        order of how often words start with them, which spares sre most of its checks."""
        def order(pair: tuple[str, Trie]) -> tuple[int, int, int]:
            atom, child = pair
            if atom in _INITIAL_FREQUENCY:
                return (1, _INITIAL_FREQUENCY[atom], 0)
            rank, depth = child._rank_and_depth(priority)
            return (0, -rank, -depth)

        branches = [atom + child.regex(markers=markers, priority=priority)
                    for atom, child in sorted(self.children.items(), key=order)]
        for bounded in sorted(self.ends, reverse=True):
            end = r"(?!\w)" if bounded else ""
            if markers is not None:
                name = f"m{len(markers)}"
                markers[name] = self.ends[bounded]
                end += f"(?P<{name}>)"
            branches.append(end)
        if len(branches) == 1 and not group:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


_CATEGORY_CLASSES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
                     sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}


def first_characters(regex: str) -> str | None:
    """A character class that every match of `regex` starts with, when it is known and selective.

    Reads the regex with the standard library's own parser (re._parser, a private module), so any
    construct it does not recognise simply means "no class"; the class is only an optimisation, and one
    that most words start with (more than three letters) would save nothing.
    """
    try:
        items, nullable = _first(_parser.parse(regex).data)
    except (AttributeError, TypeError, ValueError, re.error):
        return None
    if not items or nullable:
        return None
    letters = sum(26 if "a-z" in item else len(item) == 1 and item.isalpha() for item in items)
    return None if letters > 3 else "[" + "".join(sorted(items)) + "]"


def _first(sequence: list[Any]) -> tuple[set[str] | None, bool]:
    """(class items that can start a match of `sequence`, whether it can match the empty string)."""
    items: set[str] = set()
    for op, argument in sequence:
        first, nullable = _first_of(op, argument)
        if first is None:
            return None, False
        items |= first
        if not nullable:
            return items, False
    return items, True


def _first_of(op: Any, argument: Any) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return {re.escape(chr(argument))}, False
    if op is sre.IN:
        items: set[str] = set()
        for kind, value in argument:
            if kind is sre.LITERAL:
                items.add(re.escape(chr(value)))
            elif kind is sre.RANGE:
                items.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is sre.CATEGORY and value in _CATEGORY_CLASSES:
                items.add(_CATEGORY_CLASSES[value])
            else:
                return None, False
        return items, False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True
    if op is sre.SUBPATTERN:
        return _first(argument[-1])
    if op is sre.BRANCH:
        union: set[str] = set()
        any_nullable = False
        for alternative in argument[1]:
            first, nullable = _first(alternative)
            if first is None:
                return None, False
            union |= first
            any_nullable = any_nullable or nullable
        return union, any_nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, item = argument
        first, nullable = _first(item)
        return first, nullable or low == 0
    return None, False


def unfolded_literal(regex: str) -> str | None:
    """Literal text in a regex that the matching stream never contains (a double letter such as "ll",
    or an apostrophe), or None. Regexes the stdlib parser cannot read are not checked here."""
    try:
        sequence = _parser.parse(regex).data
    except (AttributeError, TypeError, ValueError, re.error):
        return None
    return _unfolded(sequence)


def _unfolded(sequence: Any) -> str | None:
    previous = None
    for op, argument in sequence:
        if op is sre.LITERAL:
            char = chr(argument)
            if char == "'" or (char.isalpha() and char == previous):
                return (previous or "") + char if char != "'" else char
            previous = char
            continue
        previous = None
        nested = []
        if op is sre.SUBPATTERN:
            nested = [argument[-1]]
        elif op is sre.BRANCH:
            nested = argument[1]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            nested = [argument[2]]
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            nested = [argument[1]]
        for inner in nested:
            found = _unfolded(inner)
            if found:
                return found
    return None
