"""'Hide from search engines': a robots meta tag and an X-Robots-Tag header on the question's page."""

from sqlalchemy import select

from forum.extensions import db
from forum.qa.models import Post
from forum.qa.services import slugify
from tests.conftest import login

QUESTION = {
    "title": "Is it normal to cry after every therapy session?",
    "body": "I leave each session drained and teary and wonder if that means it is working.",
    "tags": "therapy",
}
ROBOTS_META = '<meta name="robots" content="noindex">'


def _url(question: Post) -> str:
    return f"/questions/{question.id}/{slugify(question.title)}"


def test_a_question_hidden_from_search_engines_says_so_in_meta_and_header(client, member):
    login(client, member)
    assert client.post("/questions/ask", data=QUESTION | {"noindex": "y"}).status_code == 302
    question = db.session.scalar(select(Post))
    assert question.noindex is True
    client.post("/logout")
    response = client.get(_url(question))
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert ROBOTS_META in response.get_data(as_text=True)


def test_an_ordinary_question_has_no_robots_restriction(client, member):
    login(client, member)
    client.post("/questions/ask", data=QUESTION)
    question = db.session.scalar(select(Post))
    assert question.noindex is False
    response = client.get(_url(question))
    assert "X-Robots-Tag" not in response.headers
    assert ROBOTS_META not in response.get_data(as_text=True)


def test_the_ask_form_explains_the_checkbox(client, member):
    login(client, member)
    html = client.get("/questions/ask").get_data(as_text=True)
    assert 'name="noindex" type="checkbox"' in html
    assert "Hide this question from search engines" in html
    assert "left out of the site's news feed" in html.replace("&#39;", "'")


def test_the_author_turns_noindex_on_and_off_by_editing_without_a_new_revision(client, member, make_question):
    question = make_question(member)
    login(client, member)
    form = {"title": question.title, "body": question.body_md, "tags": "depression, relationships"}
    assert client.post(f"/posts/{question.id}/edit", data=form | {"noindex": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, question.id).noindex is True
    assert 'checked id="noindex"' in client.get(f"/posts/{question.id}/edit").get_data(as_text=True)
    assert client.get(_url(question)).headers["X-Robots-Tag"] == "noindex"

    assert client.post(f"/posts/{question.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    row = db.session.get(Post, question.id)
    assert row.noindex is False and row.revision_count == 1
    assert "X-Robots-Tag" not in client.get(_url(question)).headers


def test_answers_have_no_search_engine_checkbox(client, member, make_question, make_answer):
    answer = make_answer(member, make_question(member))
    login(client, member)
    html = client.get(f"/posts/{answer.id}/edit").get_data(as_text=True)
    assert 'name="noindex"' not in html
    assert 'name="content_note"' in html


def test_a_noindex_question_stays_listed_on_the_site(client, member):
    login(client, member)
    client.post("/questions/ask", data=QUESTION | {"noindex": "y"})
    assert QUESTION["title"] in client.get("/").get_data(as_text=True)
