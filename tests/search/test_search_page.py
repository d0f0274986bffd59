"""The search page: ranking, answers ranking their question, the tag filter, escaped snippets, anonymity,
odd input, paging, a fixed query count, and the search box in the header."""

import random
import re

import pytest

from forum import search
from forum.auth.models import Role
from forum.extensions import db
from forum.qa import services
from tests.conftest import count_queries, login
from tests.search import found, page_html


def test_a_title_match_ranks_above_a_body_match(client, member, make_question):
    in_title = make_question(
        member, title="Coping with insomnia after a move", body="We moved house in June.", tags="sleep"
    )
    in_body = make_question(
        member, title="Trouble at work lately", body="My manager says insomnia is my own fault.", tags="work"
    )
    assert found(client, "insomnia") == [in_title.id, in_body.id]


def test_a_match_in_an_answer_finds_its_question_once(client, member, other_member, make_question, make_answer):
    question = make_question(member, title="Where do I even start?", body="Everything feels like too much.")
    first = make_answer(other_member, question, body="A weighted blanket helped me more than anything.")
    second = make_answer(other_member, question, body="Seconding the weighted blanket idea.")
    assert found(client, "weighted blanket") == [question.id]
    html = page_html(client, "weighted blanket")
    thread = f"/questions/{question.id}/where-do-i-even-start"
    assert re.search(rf'href="{thread}#post-({first.id}|{second.id})">From an answer:</a>', html)
    assert html.count("From an answer:") == 1
    assert "<mark>weighted</mark> <mark>blanket</mark>" in html


def test_all_words_must_match_unless_joined_by_or(client, member, make_question):
    both = make_question(member, title="Panic before exams", body="My panic gets worse before every exam.")
    one = make_question(member, title="Panic on the bus", body="It happens on crowded buses.")
    assert found(client, "panic exam") == [both.id]
    assert set(found(client, "panic -exam")) == {one.id}
    assert set(found(client, "exam or bus")) == {both.id, one.id}
    assert found(client, '"panic before exams"') == [both.id]


def test_the_tag_filter_keeps_only_questions_with_that_tag(client, member, make_question):
    sleep = make_question(member, title="Racing thoughts at night", body="I can't switch off.", tags="sleep, anxiety")
    work = make_question(member, title="Racing thoughts in meetings", body="I lose track.", tags="work")
    assert set(found(client, "racing thoughts")) == {sleep.id, work.id}
    assert found(client, "racing thoughts", tag="sleep") == [sleep.id]
    assert found(client, "racing thoughts", tag="WORK") == [work.id]
    assert found(client, "racing thoughts", tag="no-such-tag") == []
    html = page_html(client, "racing thoughts", tag="sleep")
    assert 'with the tag <span class="tag">sleep</span>' in html


def test_stemming_finds_other_forms_of_a_word(client, member, make_question):
    question = make_question(member, title="Sleeping badly since March", body="I wake at four every morning.")
    assert found(client, "sleep") == [question.id]
    assert found(client, "SLEEPS") == [question.id]


def test_post_text_in_snippets_and_titles_is_escaped_and_only_matches_are_marked(client, member, make_question):
    question = make_question(
        member,
        title="<b>Insomnia</b> & <script>alert(1)</script>",
        body="<img src=x onerror=alert(1)> \x02not a match\x03 about insomnia, <i>really</i>",
    )
    html = page_html(client, "insomnia")
    assert found(client, "insomnia") == [question.id]
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Insomnia" not in html
    assert "&lt;b&gt;<mark>Insomnia</mark>&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert html.count("<mark>") == html.count("</mark>") == 2  # the title's and the snippet's "insomnia"
    assert "<mark>not a match</mark>" not in html and "\x02" not in html


def test_the_query_is_escaped_wherever_the_page_shows_it(client, member, make_question):
    make_question(member, title="Feeling low in winter", body="The dark evenings get to me.")
    attack = '"><script>alert(1)</script> winter'
    html = page_html(client, attack, tag='"><img src=x>')
    assert "<script>alert(1)" not in html and "<img src=x>" not in html
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; winter" in html


def test_anonymous_questions_are_found_but_stay_anonymous(client, member, other_member, make_question, make_answer):
    question = make_question(
        member, title="Telling my family about therapy", body="They think therapy is weak.", anonymous=True
    )
    make_answer(other_member, question, body="My family came round after a year.", anonymous=True)
    html = page_html(client, "therapy family")
    assert found(client, "therapy family") == [question.id]
    assert "Anonymous member" in html
    assert member.username not in html and other_member.username not in html
    assert found(client, member.username) == []  # authors' names are not indexed


def test_comments_are_not_searched(client, member, other_member, make_question):
    question = make_question(member, title="First week of a new job", body="New people everywhere.")
    services.post_comment(other_member, question, "Mindfulness apps helped me with that.")
    assert found(client, "mindfulness") == []


ODD_INPUT = [
    '"',
    '"unterminated sleep',
    "AND",
    "sleep AND",
    "OR sleep",
    "NOT sleep",
    "NEAR(sleep night)",
    "sleep*",
    "*",
    "-",
    "-sleep",
    "(",
    ")",
    "title:sleep",
    "{title body}: sleep",
    "sleep^2",
    "'",
    "\\",
    "%",
    "_",
    "%_%",
    "ünïcödé",
    "日本語のテキスト",
    "🙂 sleep",
    "",
    "   ",
    "x" * 500,
    "sleep " * 100,
    "\x00",
    "sleep\x02\x03",
    "sleep\ttabs\nand newlines",
    "a\u200bb",
    "SELECT * FROM posts; --",
]


@pytest.mark.parametrize("text", ODD_INPUT)
def test_odd_input_never_causes_an_error(client, member, make_question, text):
    make_question(member, title="Sleep and night shifts", body="Night shifts wreck my sleep.")
    assert client.get("/search", query_string={"q": text}).status_code == 200
    assert client.get("/search", query_string={"q": text, "tag": text[:30]}).status_code == 200
    assert client.get("/search", query_string={"q": text, "page": "99999999999999999999"}).status_code == 200
    response = client.get("/search/similar", query_string={"title": text})
    assert response.status_code == 200 and "questions" in response.get_json()


@pytest.mark.parametrize(
    "text",
    [
        '"sleep',
        "sleep*",
        "(sleep)",
        "sleep:",
        "+sleep",
        "SLEEP AND",
        "sleep^",
        "{sleep}",
        "sleep OR",
        "'sleep'",
        "NOT sleep",
        'shifts -"',
        "wreck OR nothing",
    ],
)
def test_a_word_wrapped_in_query_syntax_is_still_found(client, member, make_question, text):
    question = make_question(member, title="Sleep and night shifts", body="Night shifts wreck my sleep.")
    assert found(client, text) == [question.id]


def test_words_in_other_scripts_and_with_accents_are_found(client, member, make_question):
    question = make_question(member, title="Ünïcödé café question", body="Zurück nach Hause, 日本語 テキスト.")
    assert found(client, "café") == [question.id]
    assert found(client, "zurück") == [question.id]
    assert found(client, "日本語") == [question.id]


def test_an_empty_search_shows_the_form_and_no_results(client):
    html = page_html(client, "")
    assert '<input type="search" id="search-q" name="q" value=""' in html
    assert "found" not in html
    html = page_html(client, "the")
    assert "No questions found" in html


def test_results_are_paged(app, client, member, make_question):
    app.config["SEARCH_PER_PAGE"] = 2
    ids = [make_question(member, title=f"Grief question number {i}", body="About loss.").id for i in range(5)]
    first, second, third = (found(client, "grief", page=n) for n in (1, 2, 3))
    assert len(first) == len(second) == 2 and len(third) == 1
    assert sorted(first + second + third) == sorted(ids)
    html = page_html(client, "grief", page=2)
    assert "5 questions found" in html and "Page 2 of 3" in html
    assert 'href="/search?page=3&amp;q=grief"' in html
    assert "past the last page" in page_html(client, "grief", page=4)


def test_guests_and_members_can_search(client, member, make_question):
    question = make_question(member, title="Journaling for beginners", body="Where do I begin?")
    assert found(client, "journaling") == [question.id]
    login(client, member)
    assert found(client, "journaling") == [question.id]


def test_every_page_has_a_search_box_in_the_header(client):
    html = client.get("/").get_data(as_text=True)
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert '<form class="site-search" method="get" action="/search" role="search" aria-label="Site search">' in header
    assert '<label class="visually-hidden" for="site-search-q">Search questions</label>' in header


def test_the_search_page_is_rate_limited(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "3 per minute"
    assert [client.get("/search?q=sleep").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_search_page_asks_search_engines_not_to_index_it(client):
    assert '<meta name="robots" content="noindex">' in page_html(client, "sleep")


def _results_with(make_user, make_question, make_answer, n: int) -> None:
    """n questions about "hope": every third matched through an answer, a third anonymous, all tagged."""
    authors = [make_user(Role.PRACTITIONER if i % 4 == 0 else Role.MEMBER) for i in range(4)]
    for i in range(n):
        author = authors[i % 4]
        if i % 3 == 0:
            question = make_question(
                author, title=f"Question {i} about the future", body="Some days are long.", tags=f"tag{i % 7}, general"
            )
            make_answer(authors[(i + 1) % 4], question, body=f"There is hope, number {i}.", anonymous=i % 2 == 0)
        else:
            make_question(
                author,
                title=f"Hope number {i}",
                body="Looking for hope.",
                tags=f"tag{i % 7}, general",
                anonymous=i % 3 == 1,
            )


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "member"])
@pytest.mark.parametrize("params", [{}, {"tag": "general"}], ids=["all", "tagged"])
def test_the_search_page_costs_the_same_queries_with_5_or_50_results(
    app, client, make_user, make_question, make_answer, signed_in, params
):
    app.config["SEARCH_PER_PAGE"] = 50
    if signed_in:
        login(client, make_user(Role.MEMBER))
    _results_with(make_user, make_question, make_answer, 5)
    assert len(found(client, "hope", **params)) == 5
    db.session.expunge_all()
    with count_queries() as five:
        client.get("/search", query_string={"q": "hope", **params})
    _results_with(make_user, make_question, make_answer, 45)
    assert len(found(client, "hope", **params)) == 50
    db.session.expunge_all()
    with count_queries() as fifty:
        client.get("/search", query_string={"q": "hope", **params})
    assert len(fifty) == len(five)
    assert len(five) <= (6 if signed_in else 4) + (1 if params else 0)


def test_search_returns_questions_with_marked_snippets_and_ranks(member, make_question):
    question = make_question(member, title="Loneliness at university", body="Everyone else seems to have friends.")
    results = search.search("loneliness friends")
    [hit] = results.items
    assert (hit.question.id, hit.post.id, results.total, hit.via_answer) == (question.id, question.id, 1, False)
    assert str(hit.title) == "<mark>Loneliness</mark> at university"
    assert "<mark>friends</mark>" in str(hit.snippet)
    assert hit.rank > 0


def test_random_input_never_causes_an_error(member, make_question):
    question = make_question(member, title="Sleep and night shifts", body="Night shifts wreck my sleep.")
    rng = random.Random(20240611)
    alphabet = "abcsleepnight \"'*-+():^{}[]<>&|!~@#$%_.,;/\\\t\n\x00\x02\x03ñüßçé日本語テкирилλα١٢٣🙂\u200b\u0301"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        found = [hit.question.id for hit in search.search(text).items]
        assert found in ([], [question.id])
        assert search.search(text, tag="sleep", page=rng.randint(1, 3)).total <= 1
        assert len(search.similar(text)) <= 1
