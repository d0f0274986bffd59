"""A crisis post end to end in Chromium: the author is shown help at once, a crisis reviewer finds it first in
the queue, claims it, reaches out and approves it, and the author then sees the outcome; axe scans of the
moderation pages."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from forum import safety
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import FlagReason, ItemStatus, Queue, ReviewItem
from forum.qa import services as qa
from forum.qa.models import Post, PostStatus
from tests.browser.conftest import sign_in, sign_out
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

CRISIS_TITLE = "I can't keep going"
CRISIS_BODY = "I'm going to kill myself tonight. I've got the pills ready."
ELEVATED_TITLE = "Thinking about self-harm again"
FLAGGED_TITLE = "Everything feels pointless lately"
HOTLINES = ("988", "741741", "116 123")
REACH_OUT_OPENING = "Hi, we read your post and wanted to check in with you."


def fresh(statement):
    """Read what the server has committed (ends this session's snapshot first)."""
    db.session.rollback()
    return db.session.scalars(statement)


def backdate(post: Post, *, created_ago: timedelta, deadline_in: timedelta) -> None:
    """Make the post's review item older than the one about to be opened, with the given deadline."""
    now = utcnow()
    item = db.session.scalar(
        select(ReviewItem).where(ReviewItem.target_type == "post", ReviewItem.target_id == post.id)
    )
    item.created_at = now - created_ago
    item.deadline_at = now + deadline_in
    db.session.commit()


@pytest.fixture
def people(make_user):
    """The asker, a crisis reviewer, and two members whose older posts already wait in the crisis queue."""
    asker = make_user("member", "rowan")
    reviewer = make_user("moderator", "rev_rosa", crisis_reviewer=True)
    writer = make_user("member", "sam")
    flagger = make_user("member", "flo")
    return {"asker": asker, "reviewer": reviewer, "writer": writer, "flagger": flagger}


@pytest.fixture
def older_crisis_items(people):
    """Two lower-priority items already in the crisis queue: an elevated post and a post flagged "at risk".

    Both are older than the urgent post the test adds, and the flagged one is already past its deadline,
    so only the priority puts the urgent post above them (not age, not the deadline)."""
    elevated = qa.ask_question(
        people["writer"],
        ELEVATED_TITLE,
        "Lately I have been thinking about self-harm again and I feel hopeless.",
        "self-harm",
    )
    flagged = qa.ask_question(
        people["writer"],
        FLAGGED_TITLE,
        "I stopped going to my classes and I sleep all day. Nobody has noticed.",
        "depression",
    )
    moderation.flag_post(people["flagger"], flagged, FlagReason.AT_RISK, "They sound very low.")
    backdate(elevated, created_ago=timedelta(hours=3), deadline_in=timedelta(hours=9))
    backdate(flagged, created_ago=timedelta(hours=2), deadline_in=-timedelta(minutes=5))

    items = fresh(select(ReviewItem).order_by(ReviewItem.id)).all()
    assert [(i.queue, i.status, i.severity) for i in items] == [
        (Queue.CRISIS, ItemStatus.OPEN, "elevated"),
        (Queue.CRISIS, ItemStatus.OPEN, "none"),
    ]
    assert all(i.priority < 100 for i in items)
    return {"elevated": elevated, "flagged": flagged}


def ask_through_the_form(page, title: str, body: str) -> None:
    page.get_by_role("link", name="Ask a question").first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your question").fill(body)
    page.get_by_label("Tags").fill("depression")
    page.get_by_role("button", name="Post your question").click()


def test_the_engine_rates_the_test_post_urgent_and_the_older_posts_lower():
    urgent = safety.scan(f"{CRISIS_TITLE}\n\n{CRISIS_BODY}")
    assert (urgent.action, urgent.severity, urgent.categories) == ("urgent", "imminent", ("suicide",))
    assert safety.scan(FLAGGED_TITLE).severity == "none"
    assert safety.scan(ELEVATED_TITLE).severity == "elevated"


def test_a_crisis_post_is_reviewed_first_and_the_author_sees_help_then_the_outcome(
    live_server, page, new_context, people, older_crisis_items
):
    guest = new_context().new_page()
    guest.set_default_timeout(5000)

    # The member posts; the engine holds the post for a crisis reviewer and shows help at once.
    sign_in(page, "rowan")
    ask_through_the_form(page, CRISIS_TITLE, CRISIS_BODY)
    expect(page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    thread_url = page.url
    panel = page.get_by_role("region", name="Thank you for telling us. You don't have to wait for an answer.")
    expect(panel).to_be_visible()
    for number in HOTLINES:
        expect(panel.locator(".resources")).to_contain_text(number)
    question = page.locator("article.post-question")
    expect(question.locator(".notice-held")).to_contain_text(
        "This question is waiting for a moderator. Until then only you and the moderators can see it."
    )
    for number in HOTLINES:
        expect(question.locator(".notice-held .resources")).to_contain_text(number)
    (urgent,) = fresh(select(Post).where(Post.title == CRISIS_TITLE)).all()
    assert urgent.status == PostStatus.HELD
    assert guest.goto(thread_url).status == 404
    sign_out(page)

    # The crisis reviewer finds it at the top of the crisis queue, above the older items.
    sign_in(page, "rev_rosa")
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisis queue")
    rows = page.locator(".queue-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("kill myself tonight")
    expect(rows.nth(0)).to_contain_text("imminent")
    expect(rows.nth(1)).to_contain_text(FLAGGED_TITLE)
    expect(rows.nth(1)).to_contain_text("Overdue by")
    expect(rows.nth(2)).to_contain_text(ELEVATED_TITLE)

    rows.nth(0).locator("a.queue-title").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review item #")
    expect(page.locator(".tested-text")).to_contain_text(CRISIS_BODY)
    page.get_by_role("button", name="Claim this item").click()
    expect(page.locator(".item-summary")).to_contain_text("You hold this item until")
    expect(page.get_by_role("button", name="Release")).to_be_visible()

    message = page.get_by_label("A private message from the moderation team")
    expect(message).to_have_value(re.compile("^" + re.escape(REACH_OUT_OPENING)))
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Your message was sent to the author, with the crisis resources."
    )

    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Decided: approve.")
    expect(page.locator(".item-summary")).to_contain_text("Decided: approve")
    (item,) = fresh(select(ReviewItem).where(ReviewItem.target_id == urgent.id)).all()
    assert (item.status, item.decision, item.decided_by_id) == (ItemStatus.RESOLVED, "approve", people["reviewer"].id)
    assert db.session.get(Post, urgent.id).status == PostStatus.PUBLISHED
    sign_out(page)

    # The author sees the outcome: two unread notifications, the message with the resources, the approval.
    sign_in(page, "rowan")
    expect(page.locator(".site-header .count")).to_have_text("2")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    notices = page.locator(".notice-item")
    expect(notices).to_have_count(2)
    reach_out = notices.filter(has_text=REACH_OUT_OPENING)
    for number in HOTLINES:
        expect(reach_out).to_contain_text(number)
    approval = notices.filter(has_text="A moderator approved your post; everyone can see it now.")
    expect(approval).to_have_count(1)
    expect(page.locator(".site-header .count")).to_have_count(0)

    approval.get_by_role("link", name="open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    expect(page.locator("article.post-question .post-body")).to_have_text(CRISIS_BODY)
    expect(page.locator(".notice-held")).to_have_count(0)

    guest.goto(thread_url)
    expect(guest.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    expect(guest.locator("article.post-question .post-body")).to_have_text(CRISIS_BODY)
    expect(guest.locator(".notice-held")).to_have_count(0)


def test_crisis_queue_and_item_pages_have_no_serious_violations(live_server, page, people, older_crisis_items):
    qa.ask_question(people["asker"], CRISIS_TITLE, CRISIS_BODY, "depression")
    sign_in(page, "rev_rosa")
    page.goto("/mod/queue/crisis")
    expect(page.locator(".queue-row")).to_have_count(3)
    expect(page.locator(".site-header .count")).to_be_visible()
    assert blocking_violations(page) == []

    page.locator(".queue-row a.queue-title").first.click()
    page.get_by_role("button", name="Claim this item").click()
    expect(page.get_by_role("button", name="Send message")).to_be_visible()
    assert blocking_violations(page) == []
