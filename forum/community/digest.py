"""The daily e-mail digest: one message per opted-in member with their unread notifications of the last day.

Run `flask --app wsgi notifications digest` once a day from cron. An e-mail can be read by others than
its owner, so the digest says less than the notifications page: it quotes only community notices
(whose text names a person or "Anonymous member", never a post's words), names a question only when
it is public and nothing involved is anonymous, leaves out posts that are no longer public, and only
counts moderation and account notices without quoting them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from forum.auth.models import INACTIVE_STATUSES, User
from forum.community.services import KINDS
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.models import Notification
from forum.notifications.services import queue_email
from forum.qa.models import Post

WINDOW = timedelta(hours=24)
# A run a little more than a day after the last one (cron started late) still covers everything since it.
SLACK = timedelta(hours=1)


@dataclass
class Digest:
    subject: str
    body: str


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest for every opted-in member who has unread notices and got none yet today (UTC).

    Each member's e-mail is queued and their `last_digest_at` set in one commit, behind a guarded
    UPDATE: two runs at once, or a second run the same day, never send a member two digests. A notice
    goes into one digest at most: each digest starts where the member's last one ended (or a day ago).
    Returns how many digests were queued.
    """
    now = now or utcnow()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    not_today = or_(User.last_digest_at.is_(None), User.last_digest_at < day_start)
    members = db.session.scalars(
        select(User)
        .where(
            User.digest_opt_in.is_(True),
            User.email.is_not(None),
            User.status.not_in(INACTIVE_STATUSES),
            not_today,
        )
        .order_by(User.id)
    ).all()
    queued = 0
    for member in members:
        since = max(now - WINDOW - SLACK, member.last_digest_at or now - WINDOW)
        digest = build_digest(member, _unread_since(member, since, now))
        if digest is None:
            continue
        claimed = db.session.execute(
            update(User)
            .where(User.id == member.id, not_today)
            .values(last_digest_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            db.session.rollback()
            continue
        queue_email(member.email, digest.subject, digest.body)
        db.session.commit()
        queued += 1
    return queued


def _unread_since(member: User, since: datetime, now: datetime) -> list[Notification]:
    return db.session.scalars(
        select(Notification)
        .where(
            Notification.user_id == member.id,
            Notification.read_at.is_(None),
            Notification.created_at > since,
            Notification.created_at <= now,
        )
        .options(joinedload(Notification.post).joinedload(Post.question))
        .order_by(Notification.created_at, Notification.id)
    ).all()


def build_digest(member: User, notices: list[Notification]) -> Digest | None:
    """The e-mail for these notices, or None when there is nothing to say."""
    if not notices:
        return None
    site = current_app.config["SITE_URL"].rstrip("/")
    inbox = f"{site}/notifications"
    parents = _parents(notices)
    lines, others = [], 0
    for notice in notices:
        line = _line(notice, parents, site) if notice.kind in KINDS else None
        if line is None:
            others += 1
        else:
            lines.append(line)
    total = len(notices)
    body = [f"Hello {member.username},", "", "Here is what happened on Hearth for you in the last day:", ""]
    for text, link in lines:
        body += [f"- {text}", f"  {link or inbox}"]
    if others:
        body += [
            f"- {others} other notification{'' if others == 1 else 's'} (from the moderators, or about your account"
            f" or a post that is no longer public): read {'it' if others == 1 else 'them'} on Hearth.",
            f"  {inbox}",
        ]
    body += [
        "",
        f"All your notifications: {inbox}",
        "",
        f"You get this e-mail once a day because you turned on the daily digest. Turn it off: {site}/settings",
    ]
    subject = f"Your Hearth digest: {total} new notification{'' if total == 1 else 's'}"
    return Digest(subject=subject, body="\n".join(body))


def _parents(notices: list[Notification]) -> dict[int, Post]:
    """The posts that the notices' comments reply to, in one query (an anonymous answer may be the parent)."""
    ids = {n.post.parent_id for n in notices if n.post is not None and n.post.parent_id is not None}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(ids)))}


def _line(notice: Notification, parents: dict[int, Post], site: str) -> tuple[str, str | None] | None:
    """(text, link) for a community notice, or None to count it among the others (its post is hidden)."""
    post = notice.post
    if post is None:
        return notice.message, None
    question = post if post.is_question else post.question
    parent = parents.get(post.parent_id, question) if post.parent_id else question
    involved = {post, question, parent}
    if not all(p.is_public for p in involved):
        return None
    if any(p.anonymous for p in involved):
        # Neither the title nor a link: together with this address they could tie the reader to the post.
        return notice.message, None
    return f"{notice.message.rstrip('.')}: “{question.title}”", f"{site}{notice.link}"
