"""Asking questions: what the asker and readers see, and what the database keeps."""

from sqlalchemy import select

from forum.extensions import db
from forum.qa.models import Post, Revision, Tag


def test_member_asks_and_lands_on_the_thread_with_their_words(login_as, member):
    client = login_as(member)
    response = client.post(
        "/questions/ask",
        data={
            "title": "How do I tell my partner I am depressed?",
            "body": "We have been together **three years** and I have never said it out loud.",
            "tags": "depression, relationships",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "How do I tell my partner I am depressed?" in html
    assert "<strong>three years</strong>" in html
    question = db.session.scalar(select(Post))
    assert [t.name for t in db.session.scalars(select(Tag).order_by(Tag.name))] == ["depression", "relationships"]
    assert db.session.scalar(select(Revision).where(Revision.post_id == question.id)).number == 1


def test_too_many_tags_is_refused_and_nothing_is_stored(login_as, member):
    client = login_as(member)
    response = client.post(
        "/questions/ask",
        data={"title": "A question with far too many tags", "body": "x" * 40, "tags": "a1 b2 c3 d4 e5 f6"},
    )
    assert response.status_code == 400
    assert "Use at most 5 tags." in response.get_data(as_text=True)
    assert db.session.scalar(select(Post)) is None


def test_preview_button_shows_rendered_text_without_saving(login_as, member):
    client = login_as(member)
    response = client.post(
        "/questions/ask",
        data={"title": "Previewing before I post this", "body": "Is *this* how it looks?", "tags": "therapy",
              "preview": "Preview"},
    )
    assert response.status_code == 200
    assert "Is <em>this</em> how it looks?" in response.get_data(as_text=True)
    assert db.session.scalar(select(Post)) is None
