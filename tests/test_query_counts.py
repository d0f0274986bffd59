"""A page's SQL query count does not grow with its size (no N+1)."""

import pytest

from forum.auth.models import Role, User
from forum.extensions import db
from forum.qa import services
from tests.conftest import count_queries, login


def _thread(make_user, make_question, answers: int):
    asker = make_user(Role.MEMBER)
    writers = [make_user(Role.PRACTITIONER if i % 3 == 0 else Role.MEMBER) for i in range(4)]
    question = make_question(asker)
    for i in range(answers):
        answer = services.post_answer(writers[i % 4], question, f"Answer number {i} with some kind words for you.",
                                      anonymous=i % 5 == 0)
        services.post_comment(writers[(i + 1) % 4], answer, f"A comment on answer {i}.")
        if i % 2:
            services.vote(asker, answer, 1)
    services.post_comment(writers[0], question, "A comment on the question.")
    return question


def _queries_for(client, url):
    # The suite's requests share the test's session; empty it so each request loads what it
    # needs, as a request in production does with its own session.
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "member"])
def test_thread_costs_the_same_queries_with_3_or_60_answers(client, make_user, make_question, signed_in):
    small = _thread(make_user, make_question, 3)
    big = _thread(make_user, make_question, 60)
    if signed_in:
        login(client, make_user(Role.MEMBER))
    # follow the canonical-slug redirect once so both measurements are of the page itself
    small_url = client.get(f"/questions/{small.id}").headers["Location"]
    big_url = client.get(f"/questions/{big.id}").headers["Location"]
    small_statements = _queries_for(client, small_url)
    big_statements = _queries_for(client, big_url)
    small_count, big_count = len(small_statements), len(big_statements)
    assert big_count == small_count
    assert small_count <= 6


@pytest.mark.parametrize("url", ["/", "/?sort=newest", "/?sort=top", "/?sort=unanswered", "/tags/depression"])
def test_question_list_costs_the_same_queries_with_5_or_50_rows(app, client, make_user, make_question, url):
    app.config["QUESTIONS_PER_PAGE"] = 50
    try:
        authors = [make_user(Role.MEMBER) for _ in range(5)]
        for i in range(5):
            make_question(authors[i], title=f"Question number {i} about feeling low", tags="depression, sleep")
        author_ids = [a.id for a in authors]
        five = len(_queries_for(client, url))
        authors = [db.session.get(User, i) for i in author_ids]
        for i in range(45):
            make_question(authors[i % 5], title=f"Another question {i} about feeling low",
                          tags=f"depression, tag{i % 7}", anonymous=i % 4 == 0)
        fifty = len(_queries_for(client, url))
    finally:
        app.config["QUESTIONS_PER_PAGE"] = 20
    assert fifty == five
    assert five <= 4
