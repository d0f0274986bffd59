"""The e-mail outbox against a real SMTP server (aiosmtpd on 127.0.0.1): nothing is lost while SMTP is down,
nothing is sent twice, retries back off up to a cap, and crisis alerts carry a link but never the post."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, update

from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import Queue, ReviewItem
from forum.notifications.models import OutboxEmail
from forum.notifications.services import queue_email, send_pending
from forum.qa.models import Post, PostStatus
from tests.conftest import login

SITE = "https://hearth.example"
TITLE = "Writing this down before anything else"
IMMINENT = "I'm going to kill myself tonight, I have the pills ready."


class Recorder:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class LocalSMTP:
    """An SMTP server on a port reserved for the test; until start() nothing listens, so connects are refused."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.recorder = Recorder()
        self.controller = None

    def start(self, **smtp_options):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **smtp_options)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return [message_from_bytes(e.original_content, policy=email_policy.default) for e in self.recorder.envelopes]


@pytest.fixture
def smtp(app):
    server = LocalSMTP()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USERNAME=None,
                      SITE_URL=SITE)
    yield server
    server.stop()


@pytest.fixture
def on_call(make_user):
    reviewer = make_user(Role.MODERATOR, "oncall_olga", crisis_reviewer=True)
    reviewer.on_call = True
    db.session.commit()
    return reviewer


def _ask_imminent(client, member, anonymous=True):
    login(client, member)
    data = {"title": TITLE, "body": IMMINENT, "tags": "depression"} | ({"anonymous": "y"} if anonymous else {})
    response = client.post("/questions/ask", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.target_id == post.id))
    assert post.status == PostStatus.HELD and item.queue == Queue.CRISIS and item.severity == "imminent"
    return post, item


def _outbox():
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _send(app):
    return app.test_cli_runner().invoke(args=["notifications", "send"])


def test_the_on_call_alert_waits_out_an_smtp_outage_and_is_then_sent_exactly_once(
    app, client, smtp, on_call, member, make_user
):
    make_user(Role.MODERATOR, "offduty_omar", crisis_reviewer=True)  # a crisis reviewer who is not on call
    _ask_imminent(client, member)
    [alert] = _outbox()
    assert alert.recipient == on_call.email and alert.sent_at is None and alert.attempts == 0

    down = _send(app)
    assert down.exit_code == 1
    assert "sent 0, failed 1" in down.output
    [alert] = _outbox()
    assert alert.sent_at is None and alert.attempts == 1
    assert alert.last_error
    assert alert.next_attempt_at > utcnow()

    smtp.start()
    too_early = _send(app)
    assert too_early.exit_code == 0 and "sent 0, failed 0" in too_early.output
    assert smtp.messages == []
    [alert] = _outbox()
    assert alert.attempts == 1 and alert.sent_at is None

    # The back-off runs out: move the retry time into the past, as the clock would.
    db.session.execute(update(OutboxEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    due = _send(app)
    assert due.exit_code == 0 and "sent 1, failed 0" in due.output
    [alert] = _outbox()
    assert alert.sent_at is not None and alert.attempts == 2
    assert [m["To"] for m in smtp.messages] == [on_call.email]

    again = _send(app)
    assert "sent 0, failed 0" in again.output
    assert len(smtp.messages) == 1


def test_retries_back_off_doubling_from_30_seconds_up_to_one_hour(app, smtp):
    queue_email("someone@example.com", "Hello", "A message that has to wait.")
    db.session.commit()
    clock = utcnow()
    waits = []
    for _ in range(10):
        assert send_pending(now=clock - timedelta(seconds=1)) == (0, 0)  # not due yet: untouched
        assert send_pending(now=clock) == (0, 1)
        [email] = _outbox()
        waits.append(email.next_attempt_at - clock)
        clock = email.next_attempt_at
    assert [w.total_seconds() for w in waits] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert email.attempts == 10 and email.sent_at is None


def test_a_message_failing_for_days_still_gets_an_hourly_retry(app, smtp):
    email = queue_email("someone@example.com", "Hello", "A message that has waited a long time.")
    email.attempts = 80
    db.session.commit()
    clock = utcnow()
    assert send_pending(now=clock) == (0, 1)
    [email] = _outbox()
    assert email.attempts == 81
    assert email.next_attempt_at == clock + timedelta(hours=1)


def test_a_rejected_smtp_login_keeps_the_mail_queued_with_the_error(app, smtp):
    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    smtp.start(authenticator=refuse, auth_require_tls=False)
    app.config.update(MAIL_USERNAME="hearth", MAIL_PASSWORD="wrong password")
    queue_email("someone@example.com", "Hello", "Sent once the login works.")
    db.session.commit()
    result = _send(app)
    assert result.exit_code == 1 and "sent 0, failed 1" in result.output
    [email] = _outbox()
    assert email.sent_at is None and email.attempts == 1 and email.last_error
    assert email.next_attempt_at > utcnow()
    assert smtp.messages == []


def test_the_alert_links_to_the_item_and_holds_none_of_the_post(app, client, smtp, on_call, member):
    post, item = _ask_imminent(client, member)
    smtp.start()
    assert send_pending() == (1, 0)
    [message] = smtp.messages
    text = message["Subject"] + "\n" + message.get_content()
    assert f"{SITE}/mod/items/{item.id}" in text
    assert message["To"] == on_call.email
    for secret in (TITLE, IMMINENT, "pills", "kill myself", member.username, member.email):
        assert secret not in text


def test_a_password_reset_mail_goes_through_the_outbox_and_its_link_works(app, client, smtp, member):
    response = client.post("/reset", data={"email": member.email})
    assert response.status_code == 302
    [queued] = _outbox()
    assert queued.recipient == member.email and queued.sent_at is None
    smtp.start()
    assert send_pending() == (1, 0)
    [message] = smtp.messages
    assert message["To"] == member.email and message["Subject"] == "Reset your Hearth password"
    link = re.search(rf"{re.escape(SITE)}/reset/\S+", message.get_content()).group(0)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "New password" in page.get_data(as_text=True)
    assert _outbox()[0].sent_at is not None


def test_a_reach_out_mail_goes_through_the_outbox_with_the_crisis_resources(
    app, client, smtp, on_call, member
):
    _post, item = _ask_imminent(client, member)
    reviewer = app.test_client()
    login(reviewer, on_call)
    note = "We read your post and we are here with you tonight."
    response = reviewer.post(f"/mod/items/{item.id}/reach-out", data={"message": note})
    assert response.status_code == 302
    to_author = [e for e in _outbox() if e.recipient == member.email]
    assert len(to_author) == 1 and to_author[0].sent_at is None
    smtp.start()
    sent, failed = send_pending()
    assert failed == 0 and sent == len(_outbox())
    [message] = [m for m in smtp.messages if m["To"] == member.email]
    body = message.get_content()
    assert note in body
    assert "Call or text 988" in body
    assert "Samaritans" in body
