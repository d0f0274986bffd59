"""The member's notifications page; opening a page of it marks the notices on it read."""

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.models import Notification
from forum.permissions import can
from forum.qa.models import Post

bp = Blueprint("notifications", __name__)


def unread_count(user) -> int:
    """The member's unread notices, counted once per request (the header and the notifications page both
    show it; the page asks only after marking its notices read)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if "unread_count" not in g:
        g.unread_count = db.session.scalar(
            select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
    return g.unread_count


@dataclass(frozen=True)
class Row:
    """A notice as the page shows it, copied out of the ORM before the commit that marks it read (which
    would otherwise expire every row and reload it one query at a time). The thread's title and the
    link are given only while the viewer may see them."""

    message: str
    created_at: datetime
    unread: bool
    title: str | None
    link: str | None
    about_a_post: bool


def _row(notice: Notification, viewer) -> Row:
    post = notice.post
    title, link = None, notice.link or None
    if post is not None:
        question = post if post.is_question else post.question
        thread_visible = question is not None and not question.is_deleted and can(viewer, "post.view", question)
        title = question.title if thread_visible else None
        link = notice.link if thread_visible and can(viewer, "post.view", post) else None
    return Row(notice.message, notice.created_at, notice.read_at is None, title, link, post is not None)


PER_PAGE = 50


@bp.get("/notifications")
@login_required
def index():
    """The member's notices, newest first, a page at a time, each with the post it is about and that post's
    question loaded in the same query, so a page costs the same few queries whatever it holds. Opening a
    page marks the notices on it read, and only those."""
    page = db.paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .options(joinedload(Notification.post).joinedload(Post.question))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=max(request.args.get("page", 1, type=int) or 1, 1),
        per_page=PER_PAGE,
        error_out=False,
    )
    if not page.items and page.page > 1:
        abort(404)
    rows = [_row(notice, current_user) for notice in page.items]
    unread = [notice.id for notice in page.items if notice.read_at is None]
    if unread:
        db.session.execute(update(Notification).where(Notification.id.in_(unread)).values(read_at=utcnow()))
        db.session.commit()
    remaining = unread_count(current_user)  # those on other pages, as the header shows too
    return render_template("notifications/index.html", rows=rows, page=page, unread_elsewhere=remaining)
