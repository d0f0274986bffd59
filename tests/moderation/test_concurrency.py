"""Two reviewers acting on one item at the same instant: real threads, each with its own app context and session.

A barrier releases both threads together so their guarded UPDATEs really race (on SQLite the file
database in WAL mode with a busy timeout, on PostgreSQL row locks). Exactly one may win each race.
"""

import threading

from sqlalchemy import select

from forum.audit import AuditEntry
from forum.auth.models import User
from forum.extensions import db
from forum.moderation import services
from forum.moderation.models import Flag, FlagReason, ItemStatus, ReviewItem, ReviewReason
from forum.notifications.models import Notification
from forum.qa.models import Post, PostStatus
from tests.moderation import count, open_item

ROUNDS = 10
CRISIS = "I have the pills here and I am going to kill myself tonight. Goodbye everyone."


def _race(app, item_id: int | None, actions: list[tuple[int, object]]) -> list[object]:
    """Run each (reviewer id, action) in its own thread at the same moment; returns each result or error."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, reviewer_id: int, action) -> None:
        with app.app_context():
            reviewer = db.session.get(User, reviewer_id)
            item = db.session.get(ReviewItem, item_id) if item_id else None
            barrier.wait(timeout=10)
            try:
                results[index] = ("ok", action(reviewer, item))
            except services.ModerationError as exc:
                results[index] = ("refused", str(exc))
            except Exception as exc:  # noqa: BLE001 - any other failure is reported by the test
                results[index] = ("error", repr(exc))

    threads = [threading.Thread(target=run, args=(i, uid, act)) for i, (uid, act) in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def _items(make_question, author, rounds: int) -> list[tuple[int, int]]:
    posts = [make_question(author, title=f"Writing this before I lose my nerve, {n}", body=CRISIS)
             for n in range(rounds)]
    pairs = [(open_item(p).id, p.id) for p in posts]
    db.session.commit()
    db.session.close()  # the test's own session holds nothing while the threads race
    return pairs


def test_two_reviewers_deciding_at_once_make_exactly_one_decision(app, make_user, member, make_question):
    first = make_user("moderator", "mod_ann", crisis_reviewer=True)
    second = make_user("moderator", "mod_bob", crisis_reviewer=True)
    ids, author_id = (first.id, second.id), member.id
    for item_id, post_id in _items(make_question, member, ROUNDS):
        results = _race(app, item_id, [
            (ids[0], lambda r, i: services.decide(r, i, "approve")),
            (ids[1], lambda r, i: services.decide(r, i, "reject", reason="Not safe to publish as it is.")),
        ])
        assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
        winner = [kind for kind, _ in results].index("ok")
        db.session.expire_all()
        item = db.session.get(ReviewItem, item_id)
        assert item.status == ItemStatus.RESOLVED
        assert (item.decided_by_id, item.decision) == (ids[winner], ("approve", "reject")[winner])
        assert db.session.get(Post, post_id).status == (PostStatus.PUBLISHED, PostStatus.REJECTED)[winner]
        decisions = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.target_type == "review_item", AuditEntry.target_id == item_id,
                AuditEntry.action.like("item.%"),
            )
        ).all()
        assert decisions == [f"item.{item.decision}"]
        told = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == author_id, Notification.link.like(f"%/{post_id}"))
        ).all()
        assert len([k for k in told if k in ("post_approved", "post_rejected")]) == 1
        db.session.close()


def test_two_reviewers_claiming_at_once_get_one_claim(app, make_user, member, make_question):
    first = make_user("moderator", "mod_ann", crisis_reviewer=True)
    second = make_user("moderator", "mod_bob", crisis_reviewer=True)
    ids = (first.id, second.id)
    for item_id, _ in _items(make_question, member, ROUNDS):
        results = _race(app, item_id, [(uid, lambda r, i: services.claim(r, i)) for uid in ids])
        assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
        winner = [kind for kind, _ in results].index("ok")
        db.session.expire_all()
        item = db.session.get(ReviewItem, item_id)
        assert item.claimed_by_id == ids[winner] and item.claim_expires_at == results[winner][1]
        claims = db.session.scalars(
            select(AuditEntry.actor_id).where(AuditEntry.action == "item.claim", AuditEntry.target_id == item_id)
        ).all()
        assert claims == [ids[winner]]
        db.session.close()


def test_two_members_flagging_one_post_at_once_share_one_item(app, make_user, member, make_question):
    flaggers = [make_user("member").id for _ in range(2)]
    posts = [make_question(member, title=f"A question about sleep and routines, {n}",
                           body="My therapist suggested journaling and it has helped me sleep a little better.").id
             for n in range(ROUNDS)]
    db.session.close()
    for post_id in posts:
        def flag(user, _item, post_id=post_id):
            return services.flag_post(user, db.session.get(Post, post_id), FlagReason.AT_RISK).id

        results = _race(app, None, [(uid, flag) for uid in flaggers])
        assert [kind for kind, _ in results] == ["ok", "ok"], results
        items = db.session.scalars(
            select(ReviewItem).where(ReviewItem.target_type == "post", ReviewItem.target_id == post_id)
        ).all()
        assert len(items) == 1
        assert count(Flag, Flag.post_id == post_id, Flag.item_id == items[0].id) == 2
        assert count(ReviewReason, ReviewReason.item_id == items[0].id) == 2
        db.session.close()
