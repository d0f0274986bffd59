"""What a member typed into the search box, parsed once into words, phrases, exclusions and alternatives.

Both backends build their query from this parse, never from the raw text, so nothing a member types can
be a syntax error (FTS5's MATCH language is strict; PostgreSQL's websearch_to_tsquery is lenient but
different) and both databases read a query the same way:

    sleep anxiety            both words (AND)
    "panic attack"           the words next to each other, in this order
    -medication              leave out posts with this word (needs at least one word to look for)
    sleep or insomnia        either side (OR binds loosest: `a b or c` is `(a AND b) OR c`)

A word is a run of letters and digits in any script; every other character only separates words,
so `don't`, `C++`, `NEAR(a b)`, `*` or `AND` are plain text here. A term made only of English stop words
is dropped (PostgreSQL's english configuration ignores them too), so both databases agree.
"""

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
MAX_SIMILAR_WORDS = 10
WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

# PostgreSQL's english.stop (Snowball), so SQLite drops the same words PostgreSQL does.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several words in order; `excluded` for a leading minus."""

    words: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class Query:
    """Alternatives (OR) of groups whose terms must all match (AND); excluded terms never match."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def words(self) -> list[str]:
        """Every word looked for (not the excluded ones), once each, in order."""
        seen: list[str] = []
        for group in self.groups:
            for term in group:
                for word in term.words:
                    if not term.excluded and word not in seen:
                        seen.append(word)
        return seen


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in WORD.findall(text))


def parse(text: str | None) -> Query:
    """Parse free text into a Query; anything unusable is dropped, never an error."""
    groups: list[tuple[Term, ...]] = []
    current: list[Term] = []
    count = 0

    def close() -> None:
        # A group that excludes without including would match (nearly) everything: drop it.
        if any(not t.excluded for t in current):
            groups.append(tuple(current))
        current.clear()

    for match in TOKEN.finditer((text or "")[:MAX_QUERY_LENGTH]):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            close()
            continue
        if bare is not None:
            excluded = bare.startswith("-") and len(bare) > 1
            words = _words(bare)
        else:
            excluded = minus == "-"
            words = _words(phrase)
        if all(w in STOP_WORDS for w in words):
            continue
        if words and count < MAX_TERMS:
            current.append(Term(words, excluded))
            count += 1
    close()
    return Query(tuple(groups))


def similar_words(title: str | None) -> list[str]:
    """The words of a title worth matching other titles on: no stop words, no repeats, at most ten."""
    words: list[str] = []
    for word in _words((title or "")[:MAX_QUERY_LENGTH]):
        if word not in STOP_WORDS and word not in words and (len(word) > 1 or word.isdigit()):
            words.append(word)
    return words[:MAX_SIMILAR_WORDS]
