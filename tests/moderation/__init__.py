"""Moderation tests: routing, flags, decisions, concurrency and the deadline sweep.

Small helpers shared by these modules live here (plain functions; the fixtures are in tests/conftest.py).
"""

import re

from sqlalchemy import func, select

from forum.extensions import db
from forum.moderation.models import ItemStatus, ReviewItem
from forum.notifications.models import Notification, OutboxEmail
from forum.qa.models import Post
from tests.conftest import login

NEUTRAL_TITLE = "Looking for some advice from people here"
ORDINARY = "My therapist suggested journaling and it has helped me sleep a little better this week."
RESOURCES_MARK = 'class="resources"'  # the crisis resources list (the page footer has none)


def signed_in(app, user):
    """A browser of its own for `user`, signed in through the login form."""
    browser = app.test_client()
    login(browser, user)
    return browser


def ask(browser, body: str, title: str = NEUTRAL_TITLE, tags: str = "venting"):
    """Ask through the form; returns (response, the new question)."""
    response = browser.post("/questions/ask", data={"title": title, "body": body, "tags": tags})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response, latest_post()


def answer(browser, question, body: str):
    response = browser.post(f"/questions/{question.id}/answers", data={"body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return latest_post()


def latest_post() -> Post:
    db.session.expire_all()
    return db.session.scalars(select(Post).order_by(Post.id.desc())).first()


def items_for(post) -> list[ReviewItem]:
    db.session.expire_all()
    return db.session.scalars(
        select(ReviewItem).where(ReviewItem.target_type == "post", ReviewItem.target_id == post.id).order_by(
            ReviewItem.id
        )
    ).all()


def open_item(post) -> ReviewItem | None:
    return next((i for i in items_for(post) if i.status == ItemStatus.OPEN), None)


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def notices(user, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query).all()


def emails_to(user) -> list[OutboxEmail]:
    return db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == user.email)).all()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def tag_count(browser, tag: str) -> int:
    """The number of questions the /tags page shows for `tag`."""
    html = text_of(browser.get("/tags"))
    match = re.search(rf">{re.escape(tag)}</a>\s*<span class=\"count\">(\d+) question", html)
    assert match, f"tag {tag} not on /tags"
    return int(match.group(1))


def decide(browser, item, decision: str, **fields):
    """A reviewer's decision through the item page's form; returns the page shown after it."""
    response = browser.post(f"/mod/items/{item.id}/decide", data={"decision": decision, **fields})
    assert response.status_code == 302, text_of(response)
    return text_of(browser.get(response.headers["Location"]))
