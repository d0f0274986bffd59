"""Working the queue: queue pages, access, filters, claims, every decision and action, and the audit trail."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.admin.models import SafetyRuleStat
from forum.audit import AuditEntry
from forum.auth.models import AccountStatus
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services
from forum.moderation.models import ItemStatus, Queue, ReasonKind, ReviewItem, ReviewReason
from forum.qa.models import Post, PostStatus, Revision
from tests.moderation import (
    NEUTRAL_TITLE,
    ORDINARY,
    ask,
    count,
    decide,
    emails_to,
    notices,
    open_item,
    reload,
    signed_in,
    text_of,
)

IMMINENT = "I have the pills here and I am going to kill myself tonight. Goodbye everyone."
ELEVATED = "I don't want to live anymore, everything feels heavy and pointless."
HIGH = "I keep thinking I want to kill myself. I don't know what to do."
SPAM = "Cheap xanax without prescription, contact me on telegram for prices."
PHONE = "My number is 07700 900123 and I live at 14 Elm Street."


@pytest.fixture
def general_mod(make_user):
    """A moderator who is not trained for the crisis queue."""
    return make_user("moderator", "mod_gen")


def _held(app, author, body, title=NEUTRAL_TITLE, **kw):
    response, post = ask(signed_in(app, author), body, title=title, **kw)
    return response.headers["Location"], post, open_item(post)


def _audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="queue-title" href="/mod/items/(\d+)"', html)]


def _flash_after(browser, url, data=None):
    response = browser.post(url, data=data or {})
    assert response.status_code == 302, text_of(response)
    return text_of(browser.get(response.headers["Location"]))


# --- queue pages -------------------------------------------------------------------------------------


def test_a_queue_lists_the_highest_priority_first_then_the_nearest_deadline(app, member, make_question, moderator):
    now = utcnow()
    ids = {}
    for name, priority, hours in [("low", 20, 2), ("mid_late", 50, 12), ("mid_soon", 50, 1), ("top", 100, 3)]:
        post = make_question(member, title=f"A question about routines, {name}", body=ORDINARY)
        item = services.open_or_join("post", post.id, queue=Queue.GENERAL, priority=priority,
                                     deadline=timedelta(hours=hours), kind=ReasonKind.NEW_MEMBER, details={},
                                     subject_user_id=member.id, now=now)
        ids[name] = item.id
    db.session.commit()
    html = text_of(signed_in(app, moderator).get("/mod/queue/general"))
    assert _row_ids(html) == [ids["top"], ids["mid_soon"], ids["mid_late"], ids["low"]]


@pytest.mark.parametrize(
    ("who", "crisis", "general"),
    [("member", 403, 403), ("general_mod", 403, 200), ("moderator", 200, 200), ("admin", 200, 200)],
)
def test_the_crisis_queue_is_only_for_crisis_reviewers_and_admins(app, request, member, who, crisis, general):
    _, _, item = _held(app, member, IMMINENT)
    browser = signed_in(app, request.getfixturevalue(who))
    assert browser.get("/mod/queue/crisis").status_code == crisis
    assert browser.get("/mod/queue/general").status_code == general
    assert browser.get(f"/mod/items/{item.id}").status_code == crisis
    assert browser.post(f"/mod/items/{item.id}/claim").status_code == (302 if crisis == 200 else 403)
    assert (reload(item).claimed_by_id is not None) is (crisis == 200)


def test_a_guest_is_sent_to_sign_in_from_the_queues(app, client):
    assert client.get("/mod/queue/crisis").status_code == 302
    assert "/login" in client.get("/mod/queue/crisis").headers["Location"]


def test_queue_filters_by_status_and_category(app, member, other_member, moderator):
    _, _, spam = _held(app, member, SPAM)
    _, _, phone = _held(app, other_member, PHONE)
    _, _, done = _held(app, member, PHONE, title="Another question asked here by me")
    mod = signed_in(app, moderator)
    decide(mod, done, "approve")
    assert set(_row_ids(text_of(mod.get("/mod/queue/general")))) == {spam.id, phone.id}
    assert _row_ids(text_of(mod.get("/mod/queue/general?status=resolved"))) == [done.id]
    assert _row_ids(text_of(mod.get("/mod/queue/general?category=spam"))) == [spam.id]
    assert _row_ids(text_of(mod.get("/mod/queue/general?category=personal_info"))) == [phone.id]
    assert "Nothing open in this queue for self harm" in text_of(mod.get("/mod/queue/general?category=self_harm"))


def test_an_overdue_item_says_by_how_much(app, member, other_member, moderator):
    _, _, late = _held(app, member, SPAM)
    _, _, on_time = _held(app, other_member, PHONE)
    late.deadline_at = utcnow() - timedelta(hours=1, minutes=30, seconds=20)
    db.session.commit()
    mod = signed_in(app, moderator)
    html = text_of(mod.get("/mod/queue/general"))
    assert html.count("Overdue by") == 1
    assert re.search(rf'/mod/items/{late.id}".*?Overdue by 1 h 3[01] min', html, re.S)
    assert re.search(r"2[34] h( \d+ min)? left", html)
    assert "Overdue by 1 h 3" in text_of(mod.get(f"/mod/items/{late.id}"))
    assert "Overdue by" not in text_of(mod.get(f"/mod/items/{on_time.id}"))


def test_a_queue_row_shows_what_a_reviewer_needs_to_triage(app, member, moderator):
    _held(app, member, SPAM)  # the author's earlier item
    _, _, item = _held(app, member, IMMINENT, title="Writing this down before I lose my nerve")
    mod = signed_in(app, moderator)
    mod.post(f"/mod/items/{item.id}/claim")
    html = text_of(mod.get("/mod/queue/crisis"))
    row = html[html.index(f'href="/mod/items/{item.id}"'):]
    row = row[: row.index("</li>")]
    assert f"#{item.id} · imminent · suicide" in row
    assert "<mark>kill myself</mark>" in row and "<mark>have the pills here</mark>" in row
    assert "Reasons: safety" in row
    assert "author&#39;s earlier items: 1" in row or "author's earlier items: 1" in row
    assert "claimed by mod_max" in row


def test_the_item_page_shows_the_rules_that_fired_and_the_authors_history(app, member, moderator):
    _, _, earlier = _held(app, member, SPAM)
    _, post, item = _held(app, member, IMMINENT, title="Writing this down before I lose my nerve")
    html = text_of(signed_in(app, moderator).get(f"/mod/items/{item.id}"))
    assert "<code>suicide.act.kill_myself</code> v1" in html
    assert "<mark>kill myself</mark>" in html
    assert f'href="/mod/items/{earlier.id}"' in html
    assert "Claim this item" in html


# --- claims ------------------------------------------------------------------------------------------


def test_a_claim_lasts_claim_minutes_and_can_be_renewed(app, member, moderator):
    app.config["CLAIM_MINUTES"] = 10
    _, _, item = _held(app, member, IMMINENT)
    mod = signed_in(app, moderator)
    before = utcnow()
    page = _flash_after(mod, f"/mod/items/{item.id}/claim")
    assert "You hold this item for 10 minutes." in page and "Renew claim" in page
    item = reload(item)
    assert item.claimed_by_id == moderator.id
    assert before + timedelta(minutes=10) <= item.claim_expires_at <= utcnow() + timedelta(minutes=10)

    later = utcnow() + timedelta(minutes=8)
    renewed = services.claim(reload(moderator), reload(item), now=later)
    assert renewed == later + timedelta(minutes=10)
    assert reload(item).claim_expires_at == renewed


def test_while_a_claim_holds_only_the_claimer_decides(app, member, moderator, make_user):
    other = make_user("moderator", "mod_eve", crisis_reviewer=True)
    url, post, item = _held(app, member, IMMINENT)
    holder, rival = signed_in(app, moderator), signed_in(app, other)
    holder.post(f"/mod/items/{item.id}/claim")

    page = text_of(rival.get(f"/mod/items/{item.id}"))
    assert "Claimed by mod_max" in page and 'value="approve"' not in page
    page = _flash_after(rival, f"/mod/items/{item.id}/decide", {"decision": "approve"})
    assert "Another reviewer decided this item or holds it. Nothing was changed." in page
    for action in ("claim", "escalate", "reach-out"):
        page = _flash_after(rival, f"/mod/items/{item.id}/{action}", {"message": "Checking in."})
        assert "Another reviewer holds this item, or it was already decided." in page
    item = reload(item)
    assert (item.status, item.claimed_by_id, item.priority) == (ItemStatus.OPEN, moderator.id, 100)
    assert reload(post).status == PostStatus.HELD
    assert notices(member, "reach_out") == [] and _audit("item.approve") == []

    page = decide(holder, item, "approve")
    assert "Decided: approve." in page
    assert reload(post).status == PostStatus.PUBLISHED


def test_after_a_claim_lapses_another_reviewer_can_claim_and_decide(app, member, moderator, make_user):
    other = make_user("moderator", "mod_eve", crisis_reviewer=True)
    _, post, item = _held(app, member, IMMINENT)
    first, second = signed_in(app, moderator), signed_in(app, other)
    first.post(f"/mod/items/{item.id}/claim")
    item = reload(item)
    item.claim_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "Unclaimed" in text_of(second.get(f"/mod/items/{item.id}"))
    assert "You hold this item" in _flash_after(second, f"/mod/items/{item.id}/claim")
    assert reload(item).claimed_by_id == other.id
    page = _flash_after(first, f"/mod/items/{item.id}/decide", {"decision": "reject", "reason": "Not safe to show."})
    assert "Nothing was changed" in page
    decide(second, item, "reject", reason="Not safe to show.")
    assert reload(post).status == PostStatus.REJECTED


# --- decisions ---------------------------------------------------------------------------------------


def test_approve_with_a_content_note_shows_readers_the_note_first(app, member, moderator):
    url, post, item = _held(app, member, HIGH)
    mod = signed_in(app, moderator)
    page = _flash_after(mod, f"/mod/items/{item.id}/decide", {"decision": "approve_with_note", "note": " "})
    assert "Write the content note readers will see." in page
    assert reload(item).status == ItemStatus.OPEN

    decide(mod, item, "approve_with_note", note="mentions suicidal thoughts")
    html = text_of(app.test_client().get(url))
    details = re.search(r'<details class="content-note">\s*<summary>(.*?)</summary>(.*?)</details>', html, re.S)
    assert details and "Content note: mentions suicidal thoughts" in details.group(1)
    assert "kill myself" in details.group(2)
    assert reload(post).content_note == "mentions suicidal thoughts"


def test_edit_and_approve_redacts_the_post_as_a_moderators_revision(app, member, moderator):
    url, post, item = _held(app, member, PHONE, tags="loneliness")
    redacted = "My number is [removed by a moderator] and I live at [removed by a moderator]."
    mod = signed_in(app, moderator)
    assert PHONE in text_of(mod.get(f"/mod/items/{item.id}"))  # the edit box starts with the text
    decide(mod, item, "edit_and_approve", body=redacted)

    post = reload(post)
    assert post.status == PostStatus.PUBLISHED and post.body_md == redacted
    revisions = db.session.scalars(select(Revision).where(Revision.post_id == post.id).order_by(Revision.number)).all()
    assert [(r.number, r.editor_id) for r in revisions] == [(1, member.id), (2, moderator.id)]
    assert revisions[1].body_md == redacted and revisions[1].tags == revisions[0].tags == "loneliness"
    assert post.safety["revision"] == 2 and "personal_info" not in post.safety["categories"]
    guest = app.test_client()
    assert "07700" not in text_of(guest.get(url)) and "removed by a moderator" in text_of(guest.get(url))
    history = text_of(guest.get(f"/posts/{post.id}/revisions"))
    assert "By a moderator" in history and "07700" not in history and "Elm Street" not in history
    assert "07700" in text_of(mod.get(f"/posts/{post.id}/revisions"))  # staff still see what was removed


def test_reject_keeps_the_row_and_tells_the_author_why(app, member, moderator):
    url, post, item = _held(app, member, SPAM)
    mod = signed_in(app, moderator)
    page = _flash_after(mod, f"/mod/items/{item.id}/decide", {"decision": "reject", "reason": ""})
    assert "Say why, in words the author will read." in page and reload(item).status == ItemStatus.OPEN
    decide(mod, item, "reject", reason="Selling medication isn't allowed here.")
    assert db.session.get(Post, post.id).status == PostStatus.REJECTED
    [message] = notices(member, "post_rejected")
    assert "Selling medication isn" in message.message and "988" not in message.message
    assert "A moderator took this question down" in text_of(signed_in(app, member).get(url))
    assert app.test_client().get(url).status_code == 404


def test_escalate_raises_priority_tells_admins_and_releases_the_claim(app, member, moderator, admin):
    _, post, item = _held(app, member, HIGH)
    mod = signed_in(app, moderator)
    mod.post(f"/mod/items/{item.id}/claim")
    page = _flash_after(mod, f"/mod/items/{item.id}/escalate", {"message": "Mentions a date; needs a senior look."})
    assert "Escalated to the admins" in page
    item = reload(item)
    assert item.status == ItemStatus.OPEN and item.priority > 100 and item.escalated_at is not None
    assert item.claimed_by_id is None
    [notice] = notices(admin, "escalated")
    assert "needs a senior look" in notice.message and notice.link == f"/mod/items/{item.id}"
    assert reload(post).status == PostStatus.HELD


def test_reach_out_messages_the_author_with_resources_and_leaves_the_item_open(app, member, moderator):
    _, _, item = _held(app, member, HIGH)
    page = _flash_after(signed_in(app, moderator), f"/mod/items/{item.id}/reach-out",
                        {"message": "We read your post and we're glad you wrote it."})
    assert "Your message was sent to the author" in page
    [notice] = notices(member, "reach_out")
    assert "glad you wrote it" in notice.message and "Call or text 988" in notice.message
    [email] = emails_to(member)
    assert "glad you wrote it" in email.body and "Call or text 988" in email.body
    assert "glad you wrote it" in text_of(signed_in(app, member).get("/notifications"))
    assert reload(item).status == ItemStatus.OPEN


def test_a_silenced_members_next_post_waits_for_review(app, member, other_member, moderator):
    _, _, item = _held(app, member, SPAM)
    page = _flash_after(signed_in(app, moderator), f"/mod/items/{item.id}/restrict", {"status": "silenced"})
    assert "The author's account is now silenced." in page or "account is now silenced" in page
    assert reload(member).status == AccountStatus.SILENCED
    assert notices(member, "account_status")
    _, post = ask(signed_in(app, member), ORDINARY, title="A calmer question about sleep")
    assert post.status == PostStatus.HELD
    held = open_item(post)
    assert held.queue == Queue.GENERAL
    assert db.session.scalars(select(ReviewReason.kind).where(ReviewReason.item_id == held.id)).all() == [
        ReasonKind.SILENCED]
    _, fine = ask(signed_in(app, other_member), ORDINARY, title="Another question about sleep")
    assert fine.status == PostStatus.PUBLISHED


def test_a_suspended_member_reads_but_only_writes_to_the_moderators(
    app, member, other_member, moderator, make_question
):
    thread = make_question(other_member, body=ORDINARY)
    _, _, item = _held(app, member, SPAM)
    mod = signed_in(app, moderator)
    _flash_after(mod, f"/mod/items/{item.id}/restrict", {"status": "suspended"})
    assert reload(member).status == AccountStatus.SUSPENDED
    suspended = signed_in(app, member)
    assert suspended.get("/questions/ask").status_code == 403
    assert suspended.post("/questions/ask", data={"title": NEUTRAL_TITLE, "body": ORDINARY, "tags": "x1"}
                          ).status_code == 403
    assert suspended.post(f"/questions/{thread.id}/answers", data={"body": ORDINARY}).status_code == 403
    assert suspended.get(f"/posts/{thread.id}", follow_redirects=True).status_code == 200
    before = count(Post)

    response = suspended.post("/contact-moderators", data={"text": "Why was my account suspended? I'd like to talk."})
    assert response.status_code == 302 and count(Post) == before
    message = db.session.scalars(select(ReviewItem).where(ReviewItem.target_type == "user")).one()
    assert (message.queue, message.target_id, message.subject_user_id) == (Queue.GENERAL, member.id, member.id)
    assert "I&#39;d like to talk" in text_of(mod.get("/mod/queue/general")) or "like to talk" in text_of(
        mod.get("/mod/queue/general"))
    page = text_of(mod.get(f"/mod/items/{message.id}"))
    assert "like to talk" in page and 'name="decision"' in page  # the reviewer can close it once handled
    decide(mod, message, "approve")
    assert reload(message).status == ItemStatus.RESOLVED


def test_a_rule_hit_marked_false_positive_is_counted_on_the_rules_page(app, member, moderator, admin):
    _, post, item = _held(app, member, SPAM)
    rule = "spam.contact.messenger"
    mod = signed_in(app, moderator)
    page = _flash_after(mod, f"/mod/items/{item.id}/false-positive", {"rule": rule})
    assert f"Counted a false positive for {rule}." in page
    stat = db.session.get(SafetyRuleStat, rule)
    db.session.refresh(stat)
    assert (stat.hits, stat.false_positives) == (1, 1)
    page = _flash_after(mod, f"/mod/items/{item.id}/false-positive", {"rule": "suicide.act.kill_myself"})
    assert "That rule did not fire on this item." in page
    assert db.session.get(SafetyRuleStat, "suicide.act.kill_myself") is None
    html = text_of(signed_in(app, admin).get(f"/admin/rules?q={rule}"))
    assert re.search(rf">{re.escape(rule)}</a>.*?<td>1</td>\s*<td>1</td>", html, re.S)
    assert reload(item).status == ItemStatus.OPEN
    [entry] = _audit("rule.false_positive")
    assert (entry.actor_id, entry.details["rule"], entry.details["version"]) == (moderator.id, rule, 1)


# --- audit -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "fields"),
    [
        ("approve", {}),
        ("approve_with_note", {"note": "mentions suicide"}),
        ("edit_and_approve", {"body": "Everything feels heavy lately and I don't know who to talk to."}),
        ("reject", {"reason": "Not safe to show as it is."}),
    ],
)
def test_every_decision_is_audited_with_reviewer_reasons_and_rules(app, member, other_member, moderator,
                                                                    decision, fields):
    _, post, item = _held(app, member, ELEVATED)  # published, so a member can flag it too
    assert signed_in(app, other_member).post(f"/posts/{post.id}/flag", data={"reason": "at_risk"}).status_code == 302
    decide(signed_in(app, moderator), item, decision, **fields)
    [entry] = _audit(f"item.{decision}")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (moderator.id, "review_item", item.id)
    assert entry.details["reasons"] == ["flag", "safety"]
    assert entry.details["rules"] == [{"rule": "suicide.passive.dont_want_to_live", "version": 1}]
    assert entry.details["target"] == f"post:{post.id}"


def test_claims_and_reveals_of_an_anonymous_author_are_audited(app, member, moderator):
    _, post, item = _held(app, member, HIGH)
    post.anonymous = True
    db.session.commit()
    mod = signed_in(app, moderator)
    mod.post(f"/mod/items/{item.id}/claim")
    [claim] = _audit("item.claim")
    assert (claim.actor_id, claim.target_id) == (moderator.id, item.id)
    assert claim.details["reasons"] == ["safety"]
    assert claim.details["rules"] == [{"rule": "suicide.act.kill_myself", "version": 1}]
    assert "who wrote this? (logged)" in text_of(mod.get(f"/mod/items/{item.id}"))
    assert _audit("identity.view") == []
    assert member.username in text_of(mod.get(f"/posts/{post.id}/author"))
    [reveal] = _audit("identity.view")
    assert (reveal.actor_id, reveal.target_type, reveal.target_id, reveal.details["author_id"]) == (
        moderator.id, "post", post.id, member.id)
