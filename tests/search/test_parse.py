"""The query parser and the query text each backend is given: nothing typed can become query syntax."""

import re

import pytest

from forum.search.backends.postgresql import websearch_text
from forum.search.backends.sqlite import match_text
from forum.search.parse import MAX_TERMS, Term, parse, similar_words


def test_words_are_all_required_and_lower_cased():
    query = parse("Sleep ANXIETY")
    assert query.groups == ((Term(("sleep",)), Term(("anxiety",))),)
    assert match_text(query) == '("sleep" AND "anxiety")'
    assert websearch_text(query) == "sleep anxiety"


def test_quotes_make_a_phrase_and_a_minus_leaves_a_term_out():
    query = parse('"panic attack" -medication -"side effects"')
    assert match_text(query) == '("panic attack") NOT ("medication" OR "side effects")'
    assert websearch_text(query) == '"panic attack" -medication -"side effects"'


def test_or_separates_alternatives():
    query = parse("sleep tired or insomnia")
    assert match_text(query) == '("sleep" AND "tired") OR ("insomnia")'
    assert websearch_text(query) == "sleep tired or insomnia"


def test_stop_words_alone_are_dropped_as_postgresql_drops_them():
    assert parse("how to sleep").words() == ["sleep"]
    assert parse("the and of").is_empty


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "AND",
        "OR",
        "NOT",
        "a AND",
        "*",
        "-",
        "--",
        "(",
        ")",
        ":",
        "^",
        "{}:",
        "'",
        "\\",
        "%",
        "_",
        "🙂",
        "",
        "   ",
        None,
        "\x00",
        "\x02\x03",
        "-sleep",
        "- -x",
        "or or",
        "+",
        "don't",
    ],
)
def test_input_without_a_word_to_look_for_is_an_empty_query(text):
    assert parse(text).is_empty


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NEAR(sleep tired)", ["near", "sleep", "tired"]),
        ("sleep*", ["sleep"]),
        ('"sleep', ["sleep"]),
        ("title:sleep", ["title", "sleep"]),
        ("{body} : sleep", ["body", "sleep"]),
        ("C++ AND sleep", ["c", "sleep"]),
        ("sleep^2 OR", ["sleep", "2"]),
        ("café naïve", ["café", "naïve"]),
        ("日本語", ["日本語"]),
    ],
)
def test_operators_and_punctuation_are_plain_text(text, words):
    query = parse(text)
    assert query.words() == words
    fts5 = match_text(query)
    # Every quoted string is letters, digits and spaces; outside them there are only our operators.
    assert all(re.fullmatch(r"[^\W_]+( [^\W_]+)*", quoted) for quoted in re.findall(r'"([^"]*)"', fts5))
    assert set(re.sub(r'"[^"]*"', " ", fts5).split()) <= {"(", ")", "AND", "OR", "NOT"} | {"(", ")"}
    assert set(re.sub(r'"[^"]*"', " ", websearch_text(query)).split()) <= {*words, "or"}


def test_a_query_is_cut_to_a_bounded_number_of_terms():
    query = parse(" ".join(f"word{i}" for i in range(100)))
    assert len(query.words()) == MAX_TERMS


def test_similar_words_skip_stop_words_repeats_and_single_letters():
    assert similar_words("How do I stop my anxiety, anxiety at work? (a question)") == [
        "stop",
        "anxiety",
        "work",
        "question",
    ]
    assert similar_words("") == [] and similar_words(None) == []
