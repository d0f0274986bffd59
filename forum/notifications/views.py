"""The member's notifications page; opening it marks them read."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.models import Notification

bp = Blueprint("notifications", __name__)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


@bp.get("/notifications")
@login_required
def index():
    notices = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    unread = {n.id for n in notices if n.read_at is None}
    if unread:
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
    return render_template("notifications/index.html", notices=notices, unread=unread)
