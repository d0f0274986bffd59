"""Queue e-mail in the outbox and drain it to SMTP with retries, so no message is lost while SMTP is down."""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.models import Notification, OutboxEmail

MAX_BACKOFF = timedelta(hours=1)


def queue_email(recipient: str, subject: str, body: str) -> OutboxEmail:
    """Add a message to the caller's transaction; it is sent only if that transaction commits."""
    email = OutboxEmail(recipient=recipient, subject=subject, body=body)
    db.session.add(email)
    return email


def unsent(limit: int) -> list[OutboxEmail]:
    """The newest `limit` messages not yet sent, oldest first."""
    newest = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id.desc()).limit(limit)
    ).all()
    return newest[::-1]


def _backoff(attempts: int) -> timedelta:
    # The exponent is capped before the timedelta is built: 30 s * 2**42 no longer fits in one.
    return min(timedelta(seconds=30 * 2 ** min(attempts - 1, 20)), MAX_BACKOFF)


def send_pending(limit: int = 100, now: datetime | None = None) -> tuple[int, int]:
    """Send due messages; a failure is kept with a later retry time. Returns (sent, failed).

    Each message is marked sent in its own commit right after SMTP accepts it, so a crash
    between messages never sends one twice. `now` is the clock for due times and back-off.
    """
    config = current_app.config
    now = now or utcnow()
    due = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    if not due:
        return sent, failed
    smtp = None
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except OSError as exc:  # smtplib.SMTPException is an OSError too (refused TLS, bad login)
        if smtp is not None:
            smtp.close()
        for email in due:
            _mark_failed(email, exc, now)
        db.session.commit()
        return 0, len(due)
    with smtp:
        for email in due:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = email.recipient
            message["Subject"] = email.subject
            message.set_content(email.body)
            try:
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError) as exc:
                _mark_failed(email, exc, now)
                failed += 1
            else:
                email.sent_at = utcnow()
                email.attempts += 1
                sent += 1
            db.session.commit()
    return sent, failed


def _mark_failed(email: OutboxEmail, exc: Exception, now: datetime) -> None:
    email.attempts += 1
    email.last_error = str(exc)[:500]
    email.next_attempt_at = now + _backoff(email.attempts)


def notify(user_id: int, kind: str, message: str, link: str = "", post_id: int | None = None) -> Notification:
    """Add an in-app notification to the caller's transaction; `post_id` is the post it is about, if any."""
    notification = Notification(user_id=user_id, kind=kind, message=message, link=link, post_id=post_id)
    db.session.add(notification)
    return notification
