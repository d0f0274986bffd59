"""The daily e-mail digest: opt-in from /settings, queued through the outbox by `notifications digest`,
at most once a day per member, with unread notices of the last day, and without post text, anonymous
threads' titles or links, hidden posts, or the words of moderation notices."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from forum.auth.models import AccountStatus, Role, User
from forum.community.digest import send_digests
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import FlagReason
from forum.moderation.services import decide, flag_post
from forum.notifications.models import Notification, OutboxEmail
from forum.notifications.services import notify
from forum.qa import services
from forum.qa.models import Post, PostStatus
from tests.community.helpers import open_item, page

SITE = "https://hearth.example"
TITLE = "How do I talk to my partner about feeling low?"
ANSWER_TEXT = "What helped me most was choosing a quiet evening and starting with how I felt."
SECRET_TITLE = "My therapist and I and something I have never told anyone"


def _opt_in(*users):
    for user in users:
        user.digest_opt_in = True
    db.session.commit()


def _outbox() -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _digest_for(user) -> OutboxEmail:
    [email] = [e for e in _outbox() if e.recipient == user.email]
    return email


def _run(app):
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


def _checked(page_html: str) -> bool:
    [box] = re.findall(r'<input[^>]*id="dg-digest"[^>]*>', page_html)
    return " checked" in box


def test_a_member_turns_the_digest_on_and_off_in_settings(client, member, login_as):
    login_as(member)
    assert not _checked(page(client, "/settings"))
    response = client.post("/settings", data={"dg-digest": "y", "dg-submit": "Save e-mail preference"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).digest_opt_in is True
    assert _checked(page(client, "/settings"))
    # Another settings form's POST (no digest box in it) leaves the choice alone.
    client.post("/settings", data={"em-email": "not an address", "em-password": "x", "em-submit": "Change e-mail"})
    db.session.expire_all()
    assert db.session.get(User, member.id).digest_opt_in is True

    assert client.post("/settings", data={"dg-submit": "Save e-mail preference"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).digest_opt_in is False
    assert not _checked(page(client, "/settings"))


def test_only_members_who_opted_in_get_a_digest_and_only_once_a_day(
    app, member, other_member, practitioner, make_user, make_question, make_answer
):
    app.config["SITE_URL"] = SITE
    silent = make_user(Role.MEMBER, "silent")
    for asker in (member, other_member, silent):
        make_answer(practitioner, make_question(asker, title=TITLE))
    _opt_in(member, other_member)

    assert "queued 2 digest(s)" in _run(app)
    assert sorted(e.recipient for e in _outbox()) == sorted([member.email, other_member.email])
    assert _digest_for(member).sent_at is None  # waiting for `notifications send`
    assert "queued 0 digest(s)" in _run(app)
    assert len(_outbox()) == 2

    # A new notice the same day waits for tomorrow's digest, which carries only what is new.
    make_answer(make_user(Role.MEMBER, "helper"), db.session.get(Post, _question_of(member).id),
                body="Another angle that might help: write it down first.")
    tomorrow = utcnow() + timedelta(days=1)
    assert send_digests(now=tomorrow) == 1
    latest = _outbox()[-1]
    assert latest.recipient == member.email
    assert "helper answered your question" in latest.body and "dr_pia answered" not in latest.body


def _question_of(user) -> Post:
    return db.session.scalar(select(Post).where(Post.author_id == user.id, Post.title.is_not(None)))


def test_a_digest_holds_only_unread_notices_of_the_last_day_and_none_is_sent_without_any(
    app, member, other_member, make_user
):
    _opt_in(member, other_member)
    now = utcnow()
    for message, hours_ago, read in (("Fresh and unread", 2, False), ("Too old", 25, False), ("Already read", 1, True)):
        notice = notify(member.id, "new_comment", message)
        notice.created_at = now - timedelta(hours=hours_ago)
        notice.read_at = now if read else None
    notify(other_member.id, "new_comment", "Read already").read_at = now
    db.session.commit()
    assert send_digests(now=now) == 1
    [email] = _outbox()
    assert email.recipient == member.email
    assert "Fresh and unread" in email.body
    assert "Too old" not in email.body and "Already read" not in email.body
    assert email.subject == "Your Hearth digest: 1 new notification"


def test_two_runs_around_midnight_never_put_a_notice_in_two_digests(app, member):
    _opt_in(member)
    late = utcnow().replace(hour=23, minute=50, second=0, microsecond=0) - timedelta(days=1)
    notify(member.id, "new_comment", "Before midnight").created_at = late - timedelta(minutes=5)
    db.session.commit()
    assert send_digests(now=late) == 1
    assert send_digests(now=late + timedelta(minutes=20)) == 0  # a new day, but nothing new since
    notify(member.id, "new_comment", "After midnight").created_at = late + timedelta(minutes=25)
    db.session.commit()
    assert send_digests(now=late + timedelta(minutes=30)) == 1
    assert send_digests(now=late + timedelta(minutes=40)) == 0  # same day as the last one
    bodies = [e.body for e in _outbox()]
    assert ["Before midnight" in b for b in bodies] == [True, False]
    assert ["After midnight" in b for b in bodies] == [False, True]


def test_the_digest_quotes_no_post_text_and_says_nothing_that_ties_the_reader_to_an_anonymous_post(
    app, member, other_member, practitioner, moderator, make_question, make_answer
):
    app.config["SITE_URL"] = SITE
    public = make_question(member, title=TITLE)
    answer = make_answer(practitioner, public, body=ANSWER_TEXT)
    secret = make_question(member, title=SECRET_TITLE, anonymous=True)
    make_answer(other_member, secret, body=ANSWER_TEXT)
    services.post_comment(other_member, answer, "Anonymous or not, @mina, you are not alone in this.")
    hidden = make_answer(other_member, public, body="A second answer that a moderator will take down later.")
    hidden.status = PostStatus.HELD  # held after its notice went out
    db.session.commit()
    rejected = make_question(member, title="A question the moderators took down")
    flag_post(moderator, rejected, FlagReason.PERSONAL_INFO)
    decide(moderator, open_item(rejected), "reject", reason="It named a clinic and a doctor.")
    _opt_in(member)

    assert send_digests() == 1
    email = _digest_for(member)
    text = email.subject + "\n" + email.body
    assert f"dr_pia answered your question: “{TITLE}”\n  {SITE}/posts/{answer.id}" in text
    assert "otto answered your question.\n  " + f"{SITE}/notifications" in text
    assert SECRET_TITLE not in text and f"/posts/{secret.id}" not in text
    assert ANSWER_TEXT not in text and "not alone" not in text
    assert f"/posts/{hidden.id}" not in text
    assert "It named a clinic" not in text
    assert f"otto mentioned you in a comment: “{TITLE}”" in text
    assert "2 other notifications" in text  # the hidden answer's notice and the rejection
    assert "Your Hearth digest: 5 new notifications" in text


def test_deleted_and_opted_out_accounts_get_no_digest(app, member, other_member):
    _opt_in(member, other_member)
    for user in (member, other_member):
        notify(user.id, "new_comment", "Someone commented")
    other_member.digest_opt_in = False
    db.session.execute(update(User).where(User.id == member.id).values(status=AccountStatus.DELETED, email=None))
    db.session.commit()
    assert send_digests() == 0
    assert _outbox() == []
    assert db.session.scalar(select(Notification.id).limit(1)) is not None
