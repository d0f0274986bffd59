"""Compiles phrase patterns into one word-level automaton, so one pass over a post's words finds them all.

Phrase syntax (matched against the words of the matching stream, see normalise.py; pattern words are
folded the same way):

    kill myself              words; "kiill", "kil" and "k1ll" all match, "l" also matches "i" and the
                             first inner vowel may be censored ("k*ll")
    overdos*                 `*` at the end of a word: any word continuing that prefix
    (kill|end) my life       alternatives; a group followed by `?` is optional: "i (just)? cut"
    want to .. die           `..` up to 3 intervening words, `..5` up to 5 (never a negation word)
    under # cals             `#` a number, in digits or words; `#3` at most three digits, `#2+` at least two
    they'll see $            `$` the end of a clause (punctuation or the end of the text) must follow
    self-harm                a hyphen is a word break, which may be absent in the text
    (he|she) ('s|is)         a word starting with an apostrophe joins the word before it ("he's")

A phrase matches whole words, and may run together inside one word of the text when its first word has
three letters or more ("killmyself", "selfharm"), as spaced-out letters join that way.

How it runs: each pattern becomes a small graph of word steps (a Thompson NFA). The graphs are read as
one deterministic automaton built lazily, state by state, as posts need it, so compiling is cheap. A scan
splits the stream into words, picks the words a match may start at with set operations (see
PhraseMatcher), and walks the automaton from those alone.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice, product
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from .normalise import match_form

# The words of the matching stream: runs of characters between spaces, with each punctuation mark and line
# break a word of its own. A censoring "*" inside a word stays ("k*ll"); at its edges ("**bold**") it is a
# space. (A character class rather than \w, which takes sre three times as long.)
_MARKS = "".join(char for char in string.punctuation if char not in "*_") + "\n"
_WORD = re.compile(f"[^ {re.escape(_MARKS)}]+|[{re.escape(_MARKS)}]")
_STARS = re.compile(r"\*+")
CLAUSE_ENDS = frozenset(".!?,;:\n")


def words_of(text: str) -> list[str]:
    """The words of a matching-stream text, as find() reads them."""
    return _WORD.findall(_without_edge_stars(text))


class Tokens:
    """The words of a matching-stream text, found once per scan and shared by the automata it runs."""

    __slots__ = ("text", "words", "_clean", "_spans", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._clean = _without_edge_stars(text)
        self.words = _WORD.findall(self._clean)
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where each word lies in the text (worked out only when some pattern matched)."""
        if self._spans is None:
            self._spans = [word.span() for word in _WORD.finditer(self._clean)]
        return self._spans

    def within(self, start: int, end: int) -> tuple[int, int]:
        """The indices (first, after last) of the words that start in text[start:end]."""
        if self._starts is None:
            self._starts = [first for first, _ in self.spans]
        return bisect_left(self._starts, start), bisect_left(self._starts, end)


def _without_edge_stars(text: str) -> str:
    """The text with each run of asterisks that does not sit inside a word ("**bold**") made spaces."""
    if "*" not in text:
        return text
    pieces: list[str] = []
    position = 0
    for stars in _STARS.finditer(text):
        start, end = stars.span()
        if start > 0 and end < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[end]):
            continue  # censoring: "k*ll"
        pieces += [text[position:start], " " * (end - start)]
        position = end
    return "".join(pieces) + text[position:] if pieces else text


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# Words a gap may not skip, and number words, both as they appear in the matching stream.
NEGATIONS = frozenset(match_form(word) for word in (
    "not", "never", "no", "nobody", "nothing", "nor", "without", "cannot", "don't", "didn't", "doesn't",
    "won't", "wouldn't", "isn't", "wasn't", "can't", "haven't", "hasn't", "aren't", "shouldn't", "couldn't"))
NUMBER_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "a few", "few", "several", "a couple of",
                "a couple", "couple of")
DEFAULT_GAP = 3
MAX_GAP = 8
COMPOUND_MIN = 3  # letters a first word needs to start a phrase run together in one word of the text
_HEAD = 3  # letters of a word used to find the prefixes (and run-together first words) it may start with
_NUMBER = re.compile(r"\d+")  # a number's point or comma is a word of its own
_VOWELS = frozenset("aeiouy")
_LI_RUN = re.compile("[li]+")
_PATTERN_TOKEN = re.compile(r"\s*(\.\.\d*|[()|?]|[^\s()|?]+)")
_CACHE_LIMIT = 50_000  # words the per-word memo holds before it starts afresh
_STATE_MEMO_LIMIT = 300_000  # (state, word) -> next state entries, over all states, before they start afresh


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


def parse(pattern: str) -> list[Any]:
    """The items of a phrase pattern, checked, with contractions joined to the word before them."""
    tokens = [m.group(1) for m in _PATTERN_TOKEN.finditer(pattern.strip())]
    if not tokens:
        raise PatternError("empty pattern")
    items, position = _parse_sequence(tokens, 0, top=True)
    if position != len(tokens):
        raise PatternError(f"unexpected {tokens[position]!r}")
    _check(items, top=True)
    if isinstance(items[0], _Group) and any(isinstance(alt[0], _ClauseEnd) for alt in items[0].alternatives):
        raise PatternError("'$' must end a pattern")  # not begin it: "(word|$)" alone
    return _join_contractions(items)


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
            # A plain `#` is a group: digits, or a number word ("took three pills").
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


def _check(items: list[Any], top: bool = False, final: bool = True) -> None:
    """Gaps sit between words, `$` ends the pattern (or an alternative of a group that ends it), and every
    pattern (and alternative) ends with a word."""
    previous = None
    for index, item in enumerate(items):
        last = index == len(items) - 1
        if isinstance(item, _ClauseEnd):
            if not last or not final or (top and previous != "word"):
                raise PatternError("'$' must end a pattern")
            return
        if isinstance(item, _Gap):
            if previous != "word":
                raise PatternError("a gap '..' must sit between two words")
            previous = "gap"
            continue
        if isinstance(item, _Group):
            for alternative in item.alternatives:
                _check(alternative, final=final and last)
        if isinstance(item, _Word) and item.text.startswith("'") and previous is None and not top:
            continue  # a contraction starting an alternative joins the word before the group
        if not item.optional:
            previous = "word"
    if previous != "word" and not (items and _is_contraction(items[0]) and not top):
        raise PatternError("a pattern must end with a word, not a gap or only optional parts")


def _is_contraction(item: Any) -> bool:
    return isinstance(item, _Word) and item.text.startswith("'")


def _join_contractions(items: list[Any], top: bool = True) -> list[Any]:
    """Join "'s", "'ll" and the like to the word before them, as the matching stream does ("he's" is one
    word there): "(he|she) ('s|is)" becomes "(he's|she's|(he|she) is)"."""
    joined: list[Any] = []
    for item in items:
        if isinstance(item, _Group):
            item = _Group([_join_contractions(alternative, top=False) for alternative in item.alternatives],
                          item.optional)
        contracted = (
            [[item]] if _is_contraction(item)
            else [alt for alt in item.alternatives if _is_contraction(alt[0])] if isinstance(item, _Group) else []
        )
        if not contracted or (not joined and not top):  # a group's own contraction waits for the word before it
            joined.append(item)
            continue
        if not joined:  # nothing to join at the start of a pattern: the contraction stands as a word ("d")
            joined.append(_Word(item.text[1:]) if isinstance(item, _Word) else _Group(
                [[_Word(alt[0].text[1:])] + alt[1:] if _is_contraction(alt[0]) else alt for alt in item.alternatives],
                item.optional))
            continue
        before = joined.pop()
        if getattr(before, "optional", False) and joined:  # "(she|he) (said)? ('s got|has)"
            before = _Group([[joined[-1], replace(before, optional=False)], [joined.pop()]])
        if getattr(before, "optional", False) or not isinstance(before, (_Word, _Group)):
            raise PatternError(f"{contracted[0][0].text!r} must follow a word")
        alternatives = [[_with_suffix(before, alternative[0].text[1:])] + alternative[1:] for alternative in contracted]
        if isinstance(item, _Group):
            plain = [alternative for alternative in item.alternatives if not _is_contraction(alternative[0])]
            if plain:
                alternatives.append([before, _Group(plain)])
            if item.optional:
                alternatives.append([before])
        joined.append(_Group(alternatives))
    return joined


def _with_suffix(item: Any, suffix: str) -> Any:
    if isinstance(item, _Word) and not item.optional and not item.text.endswith("*"):
        return _Word(item.text + suffix)
    if isinstance(item, _Group) and not item.optional:
        return _Group([alternative[:-1] + [_with_suffix(alternative[-1], suffix)]
                       for alternative in item.alternatives])
    raise PatternError(f"'{suffix} must follow a word")


@lru_cache(maxsize=16384)
def word_keys(word: str) -> tuple[tuple[str, ...], ...]:
    """The forms a pattern word takes in the matching stream, one tuple per word of the stream it spans
    ("bit.ly" spans three). A word's forms: its matching-stream spelling, with each "l" also read as "i"
    (leetspeak "1" and "|" become "i"), and with the first inner vowel censored ("k*l"). "to" is also "2"."""
    if word == "to":
        return (("to", "2"),)
    parts = words_of(match_form(word))
    if not parts:
        raise PatternError(f"{word!r} has no letters or symbols the matching stream keeps")
    return tuple(_spellings(part) for part in parts)


def _spellings(part: str) -> tuple[str, ...]:
    if not part[0].isalnum():
        return (part,)
    ells = [index for index, char in enumerate(part) if char == "l"][:3]
    forms = []
    for choice in product("li", repeat=len(ells)):
        letters = list(part)
        for index, char in zip(ells, choice, strict=True):
            letters[index] = char
        forms.append("".join(letters))
    vowel = next((index for index, char in enumerate(part) if index and char in _VOWELS), None)
    if vowel is not None and len(part) > 2:
        forms += [form[:vowel] + "*" + form[vowel + 1:] for form in forms]
    if "i" in part or "l" in part:
        forms.append(lossy(part))
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=65536)
def lossy(word: str) -> str:
    """A word with each run of "l" and "i" as one "L", a letter the stream never holds: how a word with
    several leetspeak "1", "!" or "|" in a row ("k!1l", "ki|1") is looked up, as any of them may be either."""
    return _LI_RUN.sub("L", word)


def _needs_lossy(word: str) -> bool:
    return "i" in word and ("l" in word or "ii" in word)  # "ali" for "al1", "kiil" for "k!1l"


class _Node:
    """A step of a pattern's graph: words (or prefixes, numbers, any gap word) lead on to other nodes."""

    __slots__ = ("words", "prefixes", "numbers", "gap", "next", "accepts", "clause_accepts")

    def __init__(self) -> None:
        self.words: dict[str, list[_Node]] = {}
        self.prefixes: list[tuple[str, _Node]] = []
        self.numbers: list[tuple[int, bool, _Node]] = []
        self.gap: _Node | None = None
        self.next: list[_Node] = []  # reached without reading a word
        self.accepts: list[Any] = []  # payloads whose pattern ends here
        self.clause_accepts: list[Any] = []  # payloads whose pattern ends here if a clause ends next


def _build(items: list[Any], start: _Node, payload: Any) -> None:
    node = start
    for index, item in enumerate(items):
        if isinstance(item, _ClauseEnd):
            node.clause_accepts.append(payload)
            return
        node = _build_item(item, node, payload if index == len(items) - 1 else None)
    node.accepts.append(payload)


def _build_item(item: Any, start: _Node, payload: Any = None) -> _Node:
    """The item's steps from `start`; returns the node after it. `payload` is given for the pattern's last
    item, whose alternatives may end with `$`."""
    end = _Node()
    if isinstance(item, _Group):
        for alternative in item.alternatives:
            if isinstance(alternative[-1], _ClauseEnd):
                _build(alternative, start, payload)
                continue
            node = start
            for index, inner in enumerate(alternative):
                node = _build_item(inner, node, payload if index == len(alternative) - 1 else None)
            node.next.append(end)
    elif isinstance(item, _Gap):
        node = start
        for _ in range(item.words):
            node.next.append(end)
            node.gap = _Node()
            node = node.gap
        node.next.append(end)
        return end
    elif isinstance(item, _Number):
        start.numbers.append((item.digits, item.at_least, end))
    else:
        wildcard = item.text.endswith("*") and len(item.text) > 1
        spans = word_keys(item.text[:-1] if wildcard else item.text)
        node = start
        for index, forms in enumerate(spans):
            following = end if index == len(spans) - 1 else _Node()
            for form in forms:
                if wildcard and index == len(spans) - 1:
                    node.prefixes.append((form, following))
                else:
                    node.words.setdefault(form, []).append(following)
            node = following
    if getattr(item, "optional", False):
        start.next.append(end)
    return end


def _closure(nodes: Iterable[_Node]) -> frozenset[_Node]:
    seen: set[_Node] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.next)
    return frozenset(seen)


class _State:
    """A set of graph nodes the automaton may be at, with their steps merged; built on first use."""

    __slots__ = ("words", "prefixes", "numbers", "gap", "accepts", "clause_accepts", "reads_any", "leaf", "memo",
                 "by_letter", "openings")

    def __init__(self, nodes: frozenset[_Node], priority: Callable[[Any], int]) -> None:
        words: dict[str, set[_Node]] = {}
        for node in nodes:
            for word, targets in node.words.items():
                words.setdefault(word, set()).update(targets)
        self.words = words
        self.prefixes = [pair for node in nodes for pair in node.prefixes]
        self.numbers = [step for node in nodes for step in node.numbers]
        self.gap = frozenset(node.gap for node in nodes if node.gap is not None)
        by_priority = lambda payloads: tuple(sorted(dict.fromkeys(payloads), key=priority, reverse=True))  # noqa: E731
        self.accepts = by_priority(payload for node in nodes for payload in node.accepts)
        self.clause_accepts = by_priority(payload for node in nodes for payload in node.clause_accepts)
        self.reads_any = bool(self.prefixes or self.numbers or self.gap)
        self.leaf = not (words or self.reads_any or self.clause_accepts)  # nothing more to read
        self.memo: dict[str, _State | None] = {}  # word -> the state after it
        self.by_letter: dict[str, list[tuple[str, set[_Node]]]] | None = None  # words by first letter
        self.openings: frozenset[str] | None = None  # see _openings


@dataclass(frozen=True)
class Match:
    start: int  # index of the first word
    end: int  # index after the last word
    payloads: tuple[Any, ...]


class PhraseMatcher:
    """All phrase patterns of a ruleset (or the cue lexicon) as one automaton over words.

    Walking the automaton from every word would cost too much in Python, so a scan first picks the words
    a match may start at, mostly with set operations that run in C: where a pattern's first two words
    stand side by side (most patterns), where a one-word pattern's word stands, and a few words before
    the anchor of any other pattern (a word every match of it holds, see _anchor)."""

    def __init__(self, entries: Iterable[tuple[list[Any], Any]], priority: Callable[[Any], int],
                 every: bool = False) -> None:
        """`entries` are (parsed items, payload) pairs. Of the patterns matching from one word, those whose
        payload has the highest `priority` win and of them the longest (see _best); with `every`, each
        match is reported ("not answering" and the "not" in it)."""
        self._priority = priority
        self._every = every
        self._states: dict[frozenset[_Node], _State] = {}
        self._pairs: set[tuple[str, str]] = set()  # first two words of patterns that start with two words
        # Anchor word -> how many words before it a match may start, and the words such a match starts with
        # (None: any word some pattern starts with).
        self._reaches: dict[str, _Reach] = {}
        self._anchor_prefixes: dict[str, list[tuple[str, _Reach]]] = {}
        self._digits: _Reach | None = None
        starts = []
        for items, payload in entries:
            start = _Node()
            _build(items, start, payload)
            starts.append(start)
            opening = _closure([start])
            if not self._add_pairs(opening):
                self._add_anchor(_anchor(items) or _Anchor(), _first_words(opening))
        root = self._state(_closure(starts))
        self._first: dict[str, Any] = dict(root.words)  # word -> node set, replaced by its state on first use
        # Prefixes (and first words of phrases that may run together, "killmyself") by their first letters;
        # the states after run-together first words are only made when a word of a post needs them.
        self._by_head: dict[str, list[tuple[str, bool, Any]]] = {}
        for prefix, node in root.prefixes:
            self._by_head.setdefault(prefix[:_HEAD], []).append((prefix, True, self._state(_closure([node]))))
        for word in root.words:
            if len(word) >= COMPOUND_MIN and word.isalpha():
                self._by_head.setdefault(word[:_HEAD], []).append((word, False, None))
        self._root_numbers = root.numbers
        self._seconds = {second for _, second in self._pairs}
        self._heads = [slice(0, _HEAD)] + [slice(0, 1), slice(0, 2)] * any(len(head) < _HEAD for head in self._by_head)
        self._memo: dict[str, tuple[tuple[_Reach, ...], tuple[tuple[_State, int, int], ...]]] = {}
        self._remembered = 0  # entries in the states' memos

    def _add_pairs(self, opening: frozenset[_Node]) -> bool:
        """Note the first two words of a pattern (its `opening` nodes) that starts with two plain words (or
        is one word), and say whether it does."""
        if any(node.prefixes or node.numbers for node in opening):
            return False
        pairs: set[tuple[str, str]] = set()
        singles: set[str] = set()
        for node in opening:
            for word, targets in node.words.items():
                following = _closure(targets)
                if any(node.prefixes or node.numbers or node.gap for node in following):
                    return False
                if any(node.accepts or node.clause_accepts for node in following):
                    singles.add(word)
                pairs.update((word, after) for node in following for after in node.words)
        self._pairs |= pairs
        for word in singles:
            self._reaches[word] = _merge(self._reaches.get(word), (0, None))
        return True

    def _add_anchor(self, anchor: _Anchor, firsts: _Firsts) -> None:
        reach = (anchor.before, firsts)
        for word in anchor.words:
            self._reaches[word] = _merge(self._reaches.get(word), reach)
        for prefix in anchor.prefixes:
            self._anchor_prefixes.setdefault(prefix[:_HEAD], []).append((prefix, reach))
        if anchor.digits:
            self._digits = _merge(self._digits, reach)

    def _state(self, nodes: frozenset[_Node]) -> _State:
        state = self._states.get(nodes)
        if state is None:
            state = self._states[nodes] = _State(nodes, self._priority)
        return state

    def find(self, words: list[str], everywhere: bool = False) -> list[Match]:
        """The best match starting at each word, in order (see _best). With `everywhere`, walks from every
        word instead of those the filter picks; the results must be the same (the tests check)."""
        starts = range(len(words)) if everywhere else self._starts(words)
        memo = self._memo
        found: list[Match] = []
        for index in starts:
            ends: list[tuple[int, tuple[Any, ...]]] = []
            for state, advance, offset in (memo.get(words[index]) or self._learn(words[index]))[1]:
                if state.leaf and not offset:  # a one-word pattern: nothing more to read
                    ends += [(index + advance, state.accepts)] if state.accepts else []
                else:
                    self._walk(words, state, index + advance, offset, ends)
            if len(ends) == 1 and ends[0][1]:
                found.append(Match(index, *ends[0]))
            elif ends and self._every:
                found += [Match(index, end, payloads) for end, payloads in _by_end(ends, self._priority)]
            elif ends:
                found.append(self._best(index, ends))
        return found

    def _starts(self, words: list[str]) -> list[int]:
        """The words a match may start at, in order: where the first two words of a pattern stand side by
        side, and, within an anchor's reach before it, the words its patterns start with."""
        memo = self._memo
        pairs = set(zip(words, islice(words, 1, None), strict=False)) & self._pairs
        starts = {index for index, pair in enumerate(zip(words, islice(words, 1, None), strict=False))
                  if pair in pairs} if pairs else set()
        reaches: dict[str, tuple[_Reach, ...]] = {}
        for word in set(words):
            known = memo.get(word) or self._learn(word)
            if known[0]:
                reaches[word] = known[0]
        for index in [index for index, word in enumerate(words) if word in reaches] if reaches else ():
            for before, firsts in reaches[words[index]]:
                if not before:
                    starts.add(index)
                    continue
                admit = firsts.admit if firsts is not None else self._starts_something
                starts.update(position for position in range(max(index - before, 0), index + 1)
                              if position not in starts and admit(words[position]))
        return sorted(starts)

    def _first_state(self, word: str) -> _State:
        """The state after a first word (made on first use)."""
        nodes = self._first[word]
        if not isinstance(nodes, _State):
            nodes = self._first[word] = self._state(_closure(nodes))
        return nodes

    def _starts_something(self, word: str) -> bool:
        return bool((self._memo.get(word) or self._learn(word))[1])

    def _learn(self, word: str) -> tuple[tuple[_Reach, ...], tuple[tuple[_State, int, int], ...]]:
        """Remember, for a word: the reaches of the anchors it is (empty if none), and the steps a match
        starting at it begins with: (state, words used up, offset inside the next)."""
        if len(self._memo) >= _CACHE_LIMIT:
            self._memo.clear()
        steps: list[tuple[_State, int, int]] = []
        nodes = self._first.get(word)
        if nodes is None and _needs_lossy(word):
            word_key = lossy(word)
            nodes = self._first.get(word_key)
        else:
            word_key = word
        if nodes is not None:
            steps.append((self._first_state(word_key), 1, 0))
        reaches = [self._reaches.get(word)]
        if word_key != word or (_needs_lossy(word) and word not in self._seconds and lossy(word) in self._seconds):
            reaches.append((1, None))  # leetspeak ("end it al1"): the pair filter knows only the plain spelling
        if _needs_lossy(word):
            reaches.append(self._reaches.get(lossy(word)))
        heads = [word[part] for part in self._heads]
        for text, is_prefix, state in (head for key in heads for head in self._by_head.get(key, ())):
            if not word.startswith(text):
                continue
            if is_prefix:
                steps.append((state, 1, 0))
                continue
            if len(word) > len(text):
                state = self._first_state(text)
                if word[len(text):len(text) + 2] in _openings(state):
                    steps.append((state, 0, len(text)))
                    reaches.append((0, None))
        reaches += [reach for key in heads for prefix, reach in self._anchor_prefixes.get(key, ())
                    if word.startswith(prefix)]
        if word[0].isdigit():
            steps += [(self._state(_closure([target])), int(at == 0), at)
                      for target, at in _numbers(self._root_numbers, word, 0)]
            unit = word.lstrip("0123456789")  # "48kg": the unit may anchor a pattern too
            reaches += [self._digits, self._reaches.get(unit) if unit else None]
        self._memo[word] = known = (tuple(reach for reach in reaches if reach is not None), tuple(steps))
        return known

    def _best(self, index: int, ends: list[tuple[int, tuple[Any, ...]]]) -> Match:
        """The match from words[index]: the highest-priority payloads, and of them the longest ("end it all"
        over "end it"); payloads of other patterns ending there too come along."""
        priority = self._priority
        end = max(ends, key=lambda found: (priority(found[1][0]), found[0]))[0]
        return Match(index, end, dict(_by_end(ends, priority))[end])

    def _walk(self, words: list[str], state: _State, index: int, offset: int,
              ends: list[tuple[int, tuple[Any, ...]]]) -> None:
        """Follow the automaton from `state`, about to read words[index][offset:], noting where patterns end."""
        stack = [(state, index, offset)]
        count = len(words)
        while stack:
            state, index, offset = stack.pop()
            if offset:
                stack += [(following, index + (at == 0), at)
                          for following, at in self._within(state, words[index], offset)]
                continue
            if state.accepts:
                ends.append((index, state.accepts))
            if state.clause_accepts and (index == count or words[index] in CLAUSE_ENDS):
                ends.append((index, state.clause_accepts))
            if index == count or state.leaf:
                continue
            word = words[index]
            following = state.memo.get(word, _UNSEEN)
            if following is _UNSEEN:
                known = word in state.words or (_needs_lossy(word) and lossy(word) in state.words)
                following = self._read(state, word) if state.reads_any or known else None
                self._remembered += 1
                if self._remembered > _STATE_MEMO_LIMIT:  # all states' memos together: a bound on memory
                    for known_state in list(self._states.values()):
                        known_state.memo.clear()
                    self._remembered = 1
                state.memo[word] = following
            if following is not None:
                stack.append((following, index + 1, 0))
            if state.numbers and word[0].isdigit():
                stack += [(self._state(_closure([target])), index, at)
                          for target, at in _numbers(state.numbers, word, 0) if at]

    def _read(self, state: _State, word: str) -> _State | None:
        """The state after reading all of `word`."""
        nodes = set(state.words.get(word, ()))
        if _needs_lossy(word):
            nodes.update(state.words.get(lossy(word), ()))
        nodes.update(node for prefix, node in state.prefixes if word.startswith(prefix))
        if state.gap and (word[0].isalnum() or word[0] == "_") and word not in NEGATIONS:
            nodes |= state.gap
        if state.numbers and word[0].isdigit():
            nodes.update(target for target, at in _numbers(state.numbers, word, 0) if not at)
        return self._state(_closure(nodes)) if nodes else None

    def _within(self, state: _State, word: str, offset: int) -> list[tuple[_State, int]]:
        """Steps that read on from inside a word: a word of the phrase run together with what follows it,
        a prefix, or a number with its unit ("48kg"). Offset 0 after a step means the word was used up."""
        rest = word[offset:]
        if state.by_letter is None:
            state.by_letter = {}
            for text, nodes in state.words.items():
                state.by_letter.setdefault(text[0], []).append((text, nodes))
        steps = [(self._state(_closure(nodes)), 0 if len(text) == len(rest) else offset + len(text))
                 for text, nodes in state.by_letter.get(rest[0], ()) if rest.startswith(text)]
        steps += [(self._state(_closure([node])), 0) for prefix, node in state.prefixes if rest.startswith(prefix)]
        steps += [(self._state(_closure([target])), at) for target, at in _numbers(state.numbers, word, offset)]
        return steps


def _openings(state: _State) -> frozenset[str]:
    """How a word that may come next in `state` starts: its first two letters (all of a shorter word).
    A gap is not run together: "killmyself", but not "takeallmypills" for "take .. pills"."""
    if state.openings is None:
        openings = {text[:2] for text in state.words} | {prefix[:2] for prefix, _ in state.prefixes}
        if state.numbers:
            openings |= {str(digit) for digit in range(10)} | {f"{a}{b}" for a in range(10) for b in range(10)}
        state.openings = frozenset(openings)
    return state.openings


# Words too common to anchor a pattern on when it holds a rarer one (see _anchor), in matching-stream form.
_COMMON_WORDS = (
    "a about after again all also am an and any are as at back be because been before being but by can can't "
    "cannot could couldn't day did didn't do does doesn't don't down even every feel felt for from get go going "
    "gonna got had has have having he her here him his how i i'd i'll i'm i've if in into is isn't it it's its "
    "just know like made make me more much my need no not now of off on one only or our out over people really "
    "said say see she should so some still take than that the their them then there they thing things think "
    "this time to too took up us very want wanted was wasn't way we well were what when where which who why will "
    "with won't would you your")
_COMMON = frozenset(match_form(word) for word in _COMMON_WORDS.split())


@dataclass(frozen=True)
class _Anchor:
    words: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    digits: bool = False
    before: int = 0  # words of the text that may come before it in a match

    def score(self) -> tuple[int, int, int]:
        """Lower is better: fewer common words (a number or a short prefix counts as one) times the words a
        scan looks back from each (how many starts it costs), then fewer of those, then longer words."""
        lengths = [len(word) for word in self.words | self.prefixes] or [0]
        common = self.digits + len(self.words & _COMMON) + sum(len(prefix) < 4 for prefix in self.prefixes)
        return common * (self.before + 1), self.before, -min(lengths)


def _anchor(items: list[Any]) -> _Anchor | None:
    """The rarest required item of a sequence, as an anchor (None if it has none, as "$" alone)."""
    best: _Anchor | None = None
    before = 0
    for item in items:
        if not getattr(item, "optional", False):
            found = _item_anchor(item)
            if found is not None:
                found = _Anchor(found.words, found.prefixes, found.digits, found.before + before)
                if best is None or found.score() < best.score():
                    best = found
        before += _span(item)
    return best


def _item_anchor(item: Any) -> _Anchor | None:
    if isinstance(item, _Word):
        wildcard = item.text.endswith("*") and len(item.text) > 1
        forms = word_keys(item.text[:-1] if wildcard else item.text)[0]
        if wildcard and len(word_keys(item.text[:-1])) == 1:
            return _Anchor(prefixes=frozenset(forms))
        return _Anchor(words=frozenset(forms))
    if isinstance(item, _Number):
        return _Anchor(digits=True)
    if isinstance(item, _Group):
        found = [_anchor(alternative) for alternative in item.alternatives]
        if None in found:
            return None
        return _Anchor(frozenset().union(*(anchor.words for anchor in found)),
                       frozenset().union(*(anchor.prefixes for anchor in found)),
                       any(anchor.digits for anchor in found), max(anchor.before for anchor in found))
    return None


def _span(item: Any) -> int:
    """The most words of the text an item may take."""
    if isinstance(item, _Word):
        return len(word_keys(item.text.rstrip("*") or item.text))
    if isinstance(item, _Group):
        return max(sum(_span(inner) for inner in alternative) for alternative in item.alternatives)
    if isinstance(item, _Gap):
        return item.words
    return 0 if isinstance(item, _ClauseEnd) else 1


@dataclass(frozen=True)
class _Firsts:
    """How the matches of some patterns may start: with one of these words or prefixes, or a number."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    digits: bool = False

    def __post_init__(self) -> None:
        heads: dict[str, list[str]] = {}
        for prefix in self.prefixes:
            heads.setdefault(prefix[:_HEAD], []).append(prefix)
        object.__setattr__(self, "_heads", heads)
        object.__setattr__(self, "_short", any(len(prefix) < _HEAD for prefix in self.prefixes))
        object.__setattr__(self, "_admitted", {})

    def admit(self, word: str) -> bool:
        """Whether a match may start with `word` (remembered per word)."""
        admitted: dict[str, bool] = self._admitted  # type: ignore[attr-defined]
        known = admitted.get(word)
        if known is None:
            if len(admitted) >= _CACHE_LIMIT:
                admitted.clear()
            known = admitted[word] = self._admit(word)
        return known

    def _admit(self, word: str) -> bool:
        if word in self.words or (self.digits and word[0].isdigit()):
            return True
        if _needs_lossy(word) and lossy(word) in self.words:
            return True
        heads = self._heads  # type: ignore[attr-defined]
        candidates = heads.get(word[:_HEAD], ())
        if self._short:  # type: ignore[attr-defined]
            candidates = [*candidates, *heads.get(word[:1], ()), *heads.get(word[:2], ())]
        return any(word.startswith(prefix) for prefix in candidates)

    def __or__(self, other: _Firsts) -> _Firsts:
        return _Firsts(self.words | other.words, tuple(dict.fromkeys(self.prefixes + other.prefixes)),
                       self.digits or other.digits)


def _by_end(ends: list[tuple[int, tuple[Any, ...]]],
            priority: Callable[[Any], int]) -> list[tuple[int, tuple[Any, ...]]]:
    """(end, payloads) for each place where matches end, shortest first, payloads by priority."""
    merged: dict[int, dict[Any, None]] = {}
    for end, payloads in ends:
        merged.setdefault(end, {}).update(dict.fromkeys(payloads))
    return [(end, tuple(sorted(merged[end], key=priority, reverse=True))) for end in sorted(merged)]


_Reach = tuple[int, "_Firsts | None"]  # words before the anchor a match may start, and how (None: any way)


def _merge(reach: _Reach | None, other: _Reach) -> _Reach:
    """Two reaches of one anchor as one: the longer, starting in the ways of both."""
    if reach is None:
        return other
    firsts = None if reach[1] is None or other[1] is None else reach[1] | other[1]
    return max(reach[0], other[0]), firsts


def _first_words(opening: frozenset[_Node]) -> _Firsts:
    """How a pattern's matches may start, from its opening nodes."""
    return _Firsts(frozenset(word for node in opening for word in node.words),
                   tuple(prefix for node in opening for prefix, _ in node.prefixes),
                   any(node.numbers for node in opening))


_UNSEEN = object()


def _numbers(steps: list[tuple[int, bool, _Node]], word: str, offset: int) -> list[tuple[_Node, int]]:
    """(target, offset after the number, 0 if it ends the word) for each number step `word` satisfies at
    `offset`: any number, at most `digits` digits, or with `at_least` at least that many."""
    found = _NUMBER.match(word, offset)
    if not found:
        return []
    integer = found.group()
    after = 0 if found.end() == len(word) else found.end()
    return [(target, after) for digits, at_least, target in steps
            if not digits or (integer[0] != "0" and (len(integer) >= digits if at_least else len(integer) <= digits))]


_CATEGORY_CLASSES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
                     sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}


FIRST_LETTERS_MOST = 13


def first_characters(regex: str) -> str | None:
    """A character class that every match of `regex` starts with, when it is known and selective.

    Reads the regex with the standard library's own parser (re._parser, a private module), so any
    construct it does not recognise simply means "no class"; the class is only an optimisation. One of up
    to half the alphabet still pays: most words fail it at once instead of trying the whole regex (the cue
    regexes, mostly led by lists of words, ran a quarter faster than with at most three letters).
    """
    try:
        items, nullable = _first(_parser.parse(regex).data)
    except (AttributeError, TypeError, ValueError, re.error):
        return None
    if not items or nullable:
        return None
    return None if sum(map(_letters, items)) > FIRST_LETTERS_MOST else "[" + "".join(sorted(items)) + "]"


def _letters(item: str) -> int:
    """How many of the 26 letters a class item (as _first gives them) admits."""
    if item in ("\\w", "\\W", "\\S", "\\D"):
        return 26
    if len(item) == 3 and item[1] == "-" and item[0].isalpha() and item[2].isalpha():
        return ord(item[2]) - ord(item[0]) + 1
    return int(len(item) == 1 and item.isalpha())


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
