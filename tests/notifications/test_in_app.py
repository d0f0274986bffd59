"""In-app notifications: each member's own list, newest first, read on opening, counted in the header;
urgent crisis items reach the crisis reviewers and admins, decisions reach the author."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import Queue, ReviewItem
from forum.notifications.models import Notification
from forum.notifications.services import notify
from forum.qa.models import Post, PostStatus
from tests.conftest import login

IMMINENT = "I'm going to kill myself tonight, I have the pills ready."
HIGH = "I want to kill myself. I have thought about how I would do it."
ELEVATED = "I have been thinking about suicide a lot lately and I want to die."
TITLE = "Writing this down before anything else"


def _notices(user_id, *messages_and_ages):
    """Notifications for one user; each (message, minutes ago)."""
    now = utcnow()
    for message, minutes in messages_and_ages:
        notify(user_id, "test", message).created_at = now - timedelta(minutes=minutes)
    db.session.commit()


def _page(client, url="/notifications"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _notice_texts(page):
    return [html.unescape(t).strip() for t in re.findall(r'<div class="notice-text">(.*?)</div>', page, re.S)]


def _header_count(page):
    """The unread count the header shows next to "Notifications", or None when it shows none."""
    match = re.search(r'aria-label="(\d+) unread"', page)
    return int(match.group(1)) if match else None


def _client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _ask(client, body, anonymous=False):
    data = {"title": TITLE, "body": body, "tags": "depression"} | ({"anonymous": "y"} if anonymous else {})
    response = client.post("/questions/ask", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    return post, db.session.scalar(select(ReviewItem).where(ReviewItem.target_id == post.id))


def test_notifications_are_listed_newest_first(client, member, login_as):
    _notices(member.id, ("Oldest notice", 90), ("Newest notice", 1), ("Middle notice", 30))
    login_as(member)
    assert _notice_texts(_page(client)) == ["Newest notice", "Middle notice", "Oldest notice"]


def test_the_header_counts_unread_notices_until_the_page_is_opened(client, member, login_as):
    _notices(member.id, ("Your post was approved", 5), ("Thanks for your report", 2))
    login_as(member)
    assert _header_count(_page(client, "/")) == 2

    first_visit = _page(client)
    assert first_visit.count('<span class="badge">new</span>') == 2
    assert _header_count(first_visit) is None  # opening the page read them

    db.session.expire_all()
    assert all(n.read_at is not None for n in db.session.scalars(select(Notification)))
    assert _header_count(_page(client, "/")) is None
    second_visit = _page(client)
    assert '<span class="badge">new</span>' not in second_visit
    assert _notice_texts(second_visit) == ["Thanks for your report", "Your post was approved"]


def test_opening_a_page_of_notices_reads_only_the_notices_on_it(client, member, login_as):
    _notices(member.id, *[(f"Notice {n}", n) for n in range(1, 53)])  # "Notice 1" is the newest
    login_as(member)
    first = _page(client)
    assert len(_notice_texts(first)) == 50 and _notice_texts(first)[0] == "Notice 1"
    assert _header_count(first) == 2  # the two oldest are on the next page, still unread
    assert "2 more unread on older pages." in first
    second = _page(client, "/notifications?page=2")
    assert _notice_texts(second) == ["Notice 51", "Notice 52"]
    assert second.count('<span class="badge">new</span>') == 2
    assert _header_count(second) is None and "more unread" not in second
    assert client.get("/notifications?page=3").status_code == 404


def test_a_member_never_sees_or_reads_another_members_notifications(app, client, member, other_member, login_as):
    _notices(member.id, ("For mina only", 1))
    _notices(other_member.id, ("For otto only", 1))
    login_as(member)
    page = _page(client)
    assert _notice_texts(page) == ["For mina only"]
    assert "For otto only" not in page
    other = _client_for(app, other_member)
    assert _header_count(_page(other, "/")) == 1
    assert _notice_texts(_page(other)) == ["For otto only"]


def test_guests_are_sent_to_sign_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_an_urgent_crisis_item_notifies_crisis_reviewers_and_admins_only(app, client, member, make_user, login_as):
    crisis_reviewer = make_user(Role.MODERATOR, "crisis_cara", crisis_reviewer=True)
    general_moderator = make_user(Role.MODERATOR, "general_gil")
    admin = make_user(Role.ADMIN, "admin_ada")
    bystander = make_user(Role.MEMBER, "bystander_bo")
    login_as(member)
    post, item = _ask(client, IMMINENT, anonymous=True)
    assert item.queue == Queue.CRISIS

    for reviewer in (crisis_reviewer, admin):
        page = _page(_client_for(app, reviewer))
        [notice] = _notice_texts(page)
        assert notice.startswith("Urgent item")
        assert f'href="/mod/items/{item.id}"' in page
        assert IMMINENT not in page and "pills" not in page and member.username not in page
    for nobody in (general_moderator, bystander, member):
        assert _notice_texts(_page(_client_for(app, nobody))) == []


def test_a_high_risk_post_alerts_reviewers_but_an_elevated_one_waits_quietly_in_the_queue(
    app, client, member, moderator, login_as
):
    login_as(member)
    _post, elevated = _ask(client, ELEVATED)
    assert elevated.queue == Queue.CRISIS and elevated.severity == "elevated"
    assert _notice_texts(_page(_client_for(app, moderator))) == []

    _post, high = _ask(client, HIGH)
    assert high.severity == "high"
    page = _page(_client_for(app, moderator))
    assert [n.startswith("Urgent item") for n in _notice_texts(page)] == [True]
    assert f'href="/mod/items/{high.id}"' in page


def test_the_author_is_told_their_held_post_was_approved(app, client, member, moderator, login_as):
    login_as(member)
    post, item = _ask(client, HIGH)
    assert post.status == PostStatus.HELD
    reviewer = _client_for(app, moderator)
    assert reviewer.post(f"/mod/items/{item.id}/decide", data={"decision": "approve"}).status_code == 302
    page = _page(client)
    assert _notice_texts(page) == ["A moderator approved your post; everyone can see it now."]
    assert f'href="/posts/{post.id}"' in page


def test_the_author_of_a_rejected_crisis_post_is_told_why_and_where_to_find_help(
    app, client, member, moderator, login_as
):
    login_as(member)
    post, item = _ask(client, IMMINENT)
    reviewer = _client_for(app, moderator)
    reason = "It describes a plan in detail, which can put other readers at risk."
    response = reviewer.post(f"/mod/items/{item.id}/decide", data={"decision": "reject", "reason": reason})
    assert response.status_code == 302
    assert _header_count(_page(client, "/")) == 1
    [notice] = _notice_texts(_page(client))
    assert reason in notice
    assert "Call or text 988" in notice and "Samaritans" in notice


def test_a_flagger_hears_what_happened_to_the_post_they_reported(
    app, client, member, other_member, moderator, make_question
):
    question = make_question(member, body="Does anyone else find Sunday evenings the hardest part of the week?")
    flagger = _client_for(app, other_member)
    response = flagger.post(f"/posts/{question.id}/flag", data={"reason": "spam", "note": ""})
    assert response.status_code == 302
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.target_id == question.id))
    reviewer = _client_for(app, moderator)
    assert reviewer.post(f"/mod/items/{item.id}/decide", data={"decision": "approve"}).status_code == 302
    assert _notice_texts(_page(flagger)) == [
        "Thanks for your report. A moderator reviewed the post and decided it can stay."
    ]
    assert _notice_texts(_page(_client_for(app, member))) == []
