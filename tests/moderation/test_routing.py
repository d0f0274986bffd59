"""Routing: each default (category, severity) end to end, one open item per target, admin overrides, new members.

Every default is driven through the real pages: a member posts a text the engine really classifies
that way, the post is held or published, its item lands in the right queue with the right deadline,
a moderator decides, and guests, members, the author and the moderator see what they should.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import ItemStatus, Queue, ReasonKind, ReviewItem, ReviewReason, RoutingRule
from forum.moderation.policy import PRIORITY
from forum.qa.models import PostStatus
from forum.safety import scan
from tests.moderation import (
    NEUTRAL_TITLE,
    ORDINARY,
    RESOURCES_MARK,
    answer,
    ask,
    decide,
    items_for,
    notices,
    open_item,
    reload,
    signed_in,
    tag_count,
    text_of,
)


@dataclass(frozen=True)
class Default:
    category: str
    severity: str
    body: str
    visibility: str
    queue: Queue
    deadline: timedelta

    @property
    def crisis(self) -> bool:
        return self.category not in ("spam", "personal_info")


MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DEFAULTS = [
    Default("suicide", "imminent", "I have the pills here and I am going to kill myself tonight. Goodbye everyone.",
            "held", Queue.CRISIS, 15 * MIN),
    Default("suicide", "high", "I keep thinking I want to kill myself. I don't know what to do.",
            "held", Queue.CRISIS, 60 * MIN),
    Default("suicide", "elevated", "I don't want to live anymore, everything feels heavy and pointless.",
            "published", Queue.CRISIS, 12 * HOUR),
    Default("self_harm", "imminent", "I am cutting myself right now and I can't stop.",
            "held", Queue.CRISIS, 15 * MIN),
    Default("self_harm", "high", "My cuts won't stop bleeding and I don't know what to do.",
            "held", Queue.CRISIS, 60 * MIN),
    Default("self_harm", "elevated", "I have been cutting myself again and I don't know how to stop.",
            "published", Queue.CRISIS, 12 * HOUR),
    Default("medical_emergency", "imminent", "I just took the whole bottle of my sleeping pills a few minutes ago.",
            "held", Queue.CRISIS, 15 * MIN),
    Default("medical_emergency", "high", "I think I swallowed too many of my sleeping pills, what should I do?",
            "held", Queue.CRISIS, 60 * MIN),
    Default("medical_emergency", "elevated", "I'm scared of an accidental overdose because I mix up my medication.",
            "published", Queue.CRISIS, 12 * HOUR),
    Default("abuse", "imminent", "My husband threatened to kill me tonight and he's on his way home now.",
            "held", Queue.CRISIS, 15 * MIN),
    Default("abuse", "high", "My partner threatens to hurt me if I leave. Is that normal in a relationship?",
            "held", Queue.CRISIS, 60 * MIN),
    Default("abuse", "elevated", "He calls me worthless all the time and I'm starting to believe him.",
            "published", Queue.CRISIS, 12 * HOUR),
    Default("harm_to_others", "imminent", "I'm going to kill my stepdad tonight, I can't take what he does anymore.",
            "held", Queue.CRISIS, 15 * MIN),
    Default("harm_to_others", "high", "I'm bringing my dad's gun to school, they won't laugh at me again.",
            "held", Queue.CRISIS, 60 * MIN),
    Default("harm_to_others", "elevated", "I keep having violent thoughts about my neighbour and I don't know why.",
            "published", Queue.CRISIS, 12 * HOUR),
    Default("eating_disorder", "elevated",
            "I've been skipping meals for weeks and making myself throw up after eating.",
            "published", Queue.CRISIS, 24 * HOUR),
    Default("spam", "routine", "Cheap xanax without prescription, contact me on telegram for prices.",
            "held", Queue.GENERAL, 24 * HOUR),
    Default("personal_info", "routine", "My number is 07700 900123 and I live at 14 Elm Street.",
            "held", Queue.GENERAL, 24 * HOUR),
]


def _visible_to(browser, post, thread_url) -> bool:
    """Whether `browser` sees the question: its thread page, the list, and the tag page."""
    status = browser.get(thread_url).status_code
    listed = f"/questions/{post.id}/" in text_of(browser.get("/"))
    tagged = f"/questions/{post.id}/" in text_of(browser.get("/tags/venting"))
    assert status in (200, 404)
    assert (status == 200) == listed == tagged
    return status == 200


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("case", DEFAULTS, ids=lambda c: f"{c.category}-{c.severity}")
def test_each_routing_default_from_post_to_decision(app, make_user, moderator, case, decision):
    verdict = scan(f"{NEUTRAL_TITLE}\n\n{case.body}")
    assert (verdict.severity, verdict.categories) == (case.severity, (case.category,)), "engine no longer agrees"
    author, reader = make_user("member"), make_user("member")
    writer, guest, member, mod = (signed_in(app, author), app.test_client(), signed_in(app, reader),
                                  signed_in(app, moderator))

    response, post = ask(writer, case.body)
    thread_url = response.headers["Location"]
    writer.get(thread_url)  # the one-off crisis panel right after posting
    assert post.status.value == case.visibility
    item = open_item(post)
    assert item.queue == case.queue
    assert item.deadline_at - item.created_at == case.deadline
    assert (item.severity, item.categories, item.priority) == (case.severity, [case.category], PRIORITY[case.severity])

    own_page = text_of(writer.get(thread_url))
    held = case.visibility == "held"
    assert ("is waiting for a moderator" in own_page) is held
    if held:
        assert (RESOURCES_MARK in own_page) is case.crisis
    for browser in (guest, member):
        assert _visible_to(browser, post, thread_url) is not held
    assert tag_count(guest, "venting") == (0 if held else 1)
    assert mod.get(thread_url).status_code == 200
    assert f"#{item.id} · {case.severity}" in text_of(mod.get(f"/mod/queue/{case.queue.value}"))

    reason = "It shares things that could put someone at risk."
    page = decide(mod, item, decision, **({"reason": reason} if decision == "reject" else {}))
    assert "Decided" in page
    post = reload(post)
    if decision == "approve":
        assert post.status == PostStatus.PUBLISHED
        for browser in (guest, member, writer, mod):
            assert _visible_to(browser, post, thread_url)
        assert "is waiting for a moderator" not in text_of(writer.get(thread_url))
        assert tag_count(guest, "venting") == 1
        assert bool(notices(author, "post_approved")) is held
    else:
        assert post.status == PostStatus.REJECTED
        for browser in (guest, member):
            assert not _visible_to(browser, post, thread_url)
        assert "A moderator took this question down" in text_of(writer.get(thread_url))
        assert tag_count(guest, "venting") == 0
        [message] = notices(author, "post_rejected")
        assert reason in message.message
        assert ("Call or text 988" in message.message) is case.crisis
        assert reason in text_of(writer.get("/notifications"))
    assert reload(item).status.value == "resolved"


def test_a_held_answer_is_hidden_from_readers_and_counts_until_approved(app, make_user, moderator, make_question):
    asker, author = make_user("member"), make_user("member")
    question = make_question(asker, tags="venting")
    writer, guest, mod = signed_in(app, author), app.test_client(), signed_in(app, moderator)
    held = answer(writer, question, DEFAULTS[0].body)
    url = f"/posts/{question.id}"
    thread_url = guest.get(url).headers["Location"]
    assert held.status == PostStatus.HELD
    assert f'id="post-{held.id}"' not in text_of(guest.get(thread_url))
    assert f'id="post-{held.id}"' not in text_of(signed_in(app, asker).get(thread_url))
    own = text_of(writer.get(thread_url))
    assert f'id="post-{held.id}"' in own and "This answer is waiting for a moderator" in own and RESOURCES_MARK in own
    assert reload(question).answer_count == 0
    assert "0 votes, 0 answers" in text_of(guest.get("/"))

    decide(mod, open_item(held), "approve")
    assert f'id="post-{held.id}"' in text_of(guest.get(thread_url))
    assert reload(question).answer_count == 1


def test_a_new_verdict_on_an_edit_joins_the_open_item_and_raises_it(app, member):
    writer = signed_in(app, member)
    _, post = ask(writer, DEFAULTS[-2].body)  # spam: held, general, 24 h
    item = open_item(post)
    assert (item.queue, item.priority) == (Queue.GENERAL, PRIORITY["routine"])
    before = utcnow()
    response = writer.post(f"/posts/{post.id}/edit", data={
        "title": NEUTRAL_TITLE, "tags": "venting", "body": DEFAULTS[0].body})
    assert response.status_code == 302
    [joined] = items_for(post)
    assert joined.id == item.id
    assert (joined.queue, joined.priority, joined.severity) == (Queue.CRISIS, PRIORITY["imminent"], "imminent")
    assert before + 14 * MIN < joined.deadline_at <= utcnow() + 15 * MIN
    assert joined.categories == ["spam", "suicide"]
    kinds = db.session.scalars(select(ReviewReason.kind).where(ReviewReason.item_id == item.id)).all()
    assert kinds == [ReasonKind.SAFETY, ReasonKind.EDIT]


def test_a_harmless_edit_of_a_post_under_review_joins_its_item_without_lowering_it(app, member):
    writer = signed_in(app, member)
    _, post = ask(writer, DEFAULTS[1].body)  # suicide high: crisis, 60 min
    item = open_item(post)
    writer.post(f"/posts/{post.id}/edit", data={"title": NEUTRAL_TITLE, "tags": "venting", "body": ORDINARY})
    [joined] = items_for(post)
    assert (joined.queue, joined.priority, joined.deadline_at) == (item.queue, item.priority, item.deadline_at)
    assert reload(post).status == PostStatus.HELD
    assert [r.kind for r in db.session.scalars(select(ReviewReason).where(ReviewReason.item_id == item.id))] == [
        ReasonKind.SAFETY, ReasonKind.EDIT]


def test_the_database_refuses_a_second_open_item_for_one_target(app, member):
    _, post = ask(signed_in(app, member), DEFAULTS[-1].body)
    first = open_item(post)
    db.session.add(ReviewItem(target_type="post", target_id=post.id, queue=Queue.GENERAL,
                              deadline_at=first.deadline_at))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    first.status = ItemStatus.RESOLVED
    db.session.add(ReviewItem(target_type="post", target_id=post.id, queue=Queue.GENERAL,
                              deadline_at=first.deadline_at))
    db.session.commit()
    assert len(items_for(post)) == 2


def test_an_admin_routing_rule_overrides_the_default(app, member):
    db.session.add(RoutingRule(category="spam", severity="routine", visibility="published", queue="general",
                               priority=5, deadline_minutes=7 * 24 * 60))
    db.session.commit()
    response, post = ask(signed_in(app, member), DEFAULTS[-2].body)
    assert post.status == PostStatus.PUBLISHED
    assert app.test_client().get(response.headers["Location"]).status_code == 200
    item = open_item(post)
    assert (item.queue, item.priority, item.deadline_at - item.created_at) == (Queue.GENERAL, 5, timedelta(days=7))
    _, other = ask(signed_in(app, member), DEFAULTS[-1].body)
    assert other.status == PostStatus.HELD  # personal information keeps its default


def test_a_new_members_first_posts_wait_in_the_general_queue(app, make_user):
    app.config.update(NEW_MEMBER_POSTS=2, NEW_MEMBER_DAYS=3)
    newcomer = make_user("member")
    writer = signed_in(app, newcomer)
    posts = [ask(writer, ORDINARY, title=f"{NEUTRAL_TITLE} number {n}")[1] for n in range(3)]
    assert [p.status for p in posts] == [PostStatus.HELD, PostStatus.HELD, PostStatus.PUBLISHED]
    for post in posts[:2]:
        item = open_item(post)
        assert item.queue == Queue.GENERAL
        assert [r.kind for r in db.session.scalars(select(ReviewReason).where(ReviewReason.item_id == item.id))] == [
            ReasonKind.NEW_MEMBER]
    assert open_item(posts[2]) is None
    assert "is waiting for a moderator" in text_of(writer.get(f"/posts/{posts[0].id}", follow_redirects=True))


def test_an_account_older_than_the_new_member_window_is_not_held(app, make_user):
    app.config.update(NEW_MEMBER_POSTS=2, NEW_MEMBER_DAYS=3)
    veteran = make_user("member")
    veteran.created_at = utcnow() - timedelta(days=3, hours=1)
    db.session.commit()
    _, post = ask(signed_in(app, veteran), ORDINARY)
    assert post.status == PostStatus.PUBLISHED
    assert items_for(post) == []
