"""Small helpers shared by the community tests: reading a member's notices from the database and the page."""

import html
import re

from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import ItemStatus, ReviewItem
from forum.notifications.models import Notification
from tests.conftest import login


def notices(user) -> list[tuple[str, str]]:
    """(kind, message) of every notice the member has, oldest first."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Notification.kind, Notification.message)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows]


def community_notices(user) -> list[tuple[str, str]]:
    """The member's notices without the moderation ones (post approved, rejected, flag outcomes)."""
    from forum.community.services import KINDS

    return [n for n in notices(user) if n[0] in KINDS]


def client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def notice_texts(page_html: str) -> list[str]:
    return [html.unescape(t).strip() for t in re.findall(r'<div class="notice-text">(.*?)</div>', page_html, re.S)]


def open_item(post) -> ReviewItem:
    return db.session.scalar(
        select(ReviewItem).where(
            ReviewItem.target_type == "post", ReviewItem.target_id == post.id, ReviewItem.status == ItemStatus.OPEN
        )
    )
