"""Moderation actions: route posts, open and join review items, flags, claims, decisions, the sweep.

Decisions are guarded updates: an item is closed by `UPDATE ... WHERE status = 'open' AND <the
reviewer may act>`, and only the one transaction whose update changed a row goes on to apply its
effects and write the audit entry. Two reviewers can never both decide one item.
"""

from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum import audit
from forum.admin.services import count_false_positive
from forum.auth.models import AccountStatus, Role, User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import policy
from forum.moderation.models import (
    Flag,
    FlagReason,
    ItemStatus,
    MessageTemplate,
    Queue,
    ReasonKind,
    ReviewItem,
    ReviewReason,
)
from forum.notifications.services import notify, queue_email
from forum.permissions import PermissionDenied, can, require
from forum.qa.models import Post, PostKind, PostStatus

CLOSING_DECISIONS = ("approve", "approve_with_note", "edit_and_approve", "reject")
DEFAULT_TEMPLATES = {
    "reject": (
        "About your post on Hearth",
        "Thank you for posting. A moderator has taken your post down because it didn't fit our "
        "community guidelines: {reason}\n\nYou're still welcome here, and you can post again.",
    ),
    "reach_out": (
        "A message from the Hearth moderators",
        "Hi, we read your post and wanted to check in with you. You don't have to go through this "
        "alone, and you don't have to wait for answers on the forum: people are ready to talk right now.",
    ),
}


class ModerationError(Exception):
    """The action can't be carried out (another reviewer decided or holds the claim); safe to show."""


# --- routing ---------------------------------------------------------------------------------------


def _path(endpoint: str, **values) -> str:
    """A site-relative URL, in a request or not (the sweep and seeding run from the command line)."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build(endpoint, values)


def _item_link(item: ReviewItem) -> str:
    return _path("moderation.item", item_id=item.id)


def open_or_join(
    target_type: str,
    target_id: int,
    *,
    queue: Queue,
    priority: int,
    deadline: timedelta,
    kind: ReasonKind,
    details: dict,
    severity: str = "none",
    categories: tuple[str, ...] = (),
    user_id: int | None = None,
    subject_user_id: int | None = None,
    now: datetime | None = None,
) -> ReviewItem:
    """Add a reason to the target's open item, raising its priority, queue and deadline as needed,
    or open a new item. No commit: it joins the caller's transaction."""
    now = now or utcnow()
    item = _open_item(target_type, target_id)
    if item is None and _insert_open_item(
        target_type=target_type,
        target_id=target_id,
        subject_user_id=subject_user_id,
        queue=queue,
        priority=priority,
        severity=severity,
        categories=sorted(categories),
        deadline_at=now + deadline,
        created_at=now,
    ):
        item = _open_item(target_type, target_id)
        _alert_new_item(item)
    else:
        item = item or _open_item(target_type, target_id)
        raised = priority > item.priority or (queue == Queue.CRISIS and item.queue != Queue.CRISIS)
        item.priority = max(item.priority, priority)
        item.deadline_at = min(item.deadline_at, now + deadline)
        if queue == Queue.CRISIS:
            item.queue = Queue.CRISIS
        if policy.SEVERITY_RANK[severity] > policy.SEVERITY_RANK.get(item.severity, 0):
            item.severity = severity
        item.categories = sorted(set(item.categories) | set(categories))
        if raised:
            _alert_new_item(item)
    db.session.add(ReviewReason(item_id=item.id, kind=kind, details=details, user_id=user_id, created_at=now))
    return item


def _insert_open_item(**values) -> bool:
    """Insert a target's open item unless another transaction has just done so; returns whether this one did.

    The partial unique index (one open item per target) settles the race: two members flagging one
    post at the same moment both end up on the same item instead of one of them getting an error.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ReviewItem.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["target_type", "target_id"], index_where=sql_text("status = 'open'"))
        .returning(ReviewItem.__table__.c.id)
    )
    # RETURNING gives a row only when this statement inserted (rowcount is -1 with RETURNING on psycopg).
    return db.session.execute(statement).scalar() is not None


def _new_member_hold(post: Post, author: User) -> bool:
    config = current_app.config
    if author.role != Role.MEMBER or author.created_at < utcnow() - timedelta(days=config["NEW_MEMBER_DAYS"]):
        return False
    earlier = db.session.scalar(select(func.count()).where(Post.author_id == author.id, Post.id != post.id))
    return earlier < config["NEW_MEMBER_POSTS"]


def route(post: Post, author: User, kind: ReasonKind = ReasonKind.SAFETY) -> ReviewItem | None:
    """Decide a just-saved post's visibility from its stored verdict, and queue it for review if needed.

    Crisis posts are never rejected here: at worst they are held for a trained reviewer, and
    their author is shown help at once (see qa.views). No commit.
    """
    verdict = post.safety or {}
    found = policy.route_for_verdict(verdict)
    item = None
    if found is not None:
        if found.visibility == "held" and post.status == PostStatus.PUBLISHED:
            post.status = PostStatus.HELD
        item = open_or_join(
            "post",
            post.id,
            queue=found.queue,
            priority=found.priority,
            deadline=found.deadline,
            kind=kind,
            severity=verdict["severity"],
            categories=tuple(verdict["categories"]),
            details={"verdict": verdict, "revision": post.revision_count},
            subject_user_id=author.id,
        )
    elif kind == ReasonKind.EDIT and _open_item("post", post.id) is not None:
        item = open_or_join(
            "post",
            post.id,
            queue=Queue.GENERAL,
            priority=0,
            deadline=timedelta(days=1),
            kind=kind,
            details={"verdict": verdict, "revision": post.revision_count},
            subject_user_id=author.id,
        )
    if kind == ReasonKind.SAFETY and author.status == AccountStatus.SILENCED:
        post.status = PostStatus.HELD
        item = _hold_for(post, author, ReasonKind.SILENCED)
    elif kind == ReasonKind.SAFETY and _new_member_hold(post, author):
        post.status = PostStatus.HELD
        item = _hold_for(post, author, ReasonKind.NEW_MEMBER)
    if post.status == PostStatus.HELD:
        _refresh_thread(post)
    return item


def _hold_for(post: Post, author: User, kind: ReasonKind) -> ReviewItem:
    return open_or_join(
        "post",
        post.id,
        queue=Queue.GENERAL,
        priority=policy.NEW_MEMBER_PRIORITY,
        deadline=timedelta(hours=24),
        kind=kind,
        details={"account_created": author.created_at.isoformat()},
        subject_user_id=author.id,
    )


def _open_item(target_type: str, target_id: int) -> ReviewItem | None:
    return db.session.scalar(
        select(ReviewItem).where(
            ReviewItem.target_type == target_type,
            ReviewItem.target_id == target_id,
            ReviewItem.status == ItemStatus.OPEN,
        )
    )


def _refresh_thread(post: Post) -> None:
    if post.kind == PostKind.ANSWER:
        db.session.get(Post, post.question_id).refresh_answer_stats()


def _alert_new_item(item: ReviewItem) -> None:
    """Urgent crisis items reach the crisis reviewers in the app, and imminent ones the on-call by e-mail."""
    if item.queue != Queue.CRISIS or item.priority < policy.PRIORITY["high"]:
        return
    reviewers = db.session.scalars(
        select(User).where(
            or_(User.role == Role.ADMIN, (User.role == Role.MODERATOR) & User.crisis_reviewer.is_(True)),
            User.status == AccountStatus.ACTIVE,
        )
    ).all()
    link = _item_link(item)
    for reviewer in reviewers:
        notify(reviewer.id, "urgent_item", f"Urgent item in the crisis queue ({item.severity}).", link)
    if item.severity == "imminent":
        _email_on_call(
            item,
            f"IMMINENT: crisis item #{item.id} needs a reviewer now",
            f"An item in the crisis queue is marked imminent. Its deadline is {item.deadline_at:%H:%M UTC}.",
        )


def _email_on_call(item: ReviewItem, subject: str, text: str) -> None:
    on_call = db.session.scalars(
        select(User).where(
            User.on_call.is_(True),
            User.email.is_not(None),
            User.status == AccountStatus.ACTIVE,
            or_(User.role == Role.ADMIN, (User.role == Role.MODERATOR) & User.crisis_reviewer.is_(True)),
        )
    ).all()
    link = current_app.config["SITE_URL"].rstrip("/") + _item_link(item)
    for reviewer in on_call:
        queue_email(reviewer.email, subject, f"{text}\n\nOpen it: {link}\n\n(The post itself is not in this e-mail.)")


# --- flags -----------------------------------------------------------------------------------------


def flag_post(flagger: User, post: Post, reason: FlagReason, note: str = "") -> Flag:
    """Record a member's flag and queue the post; K flags from distinct members hide it until reviewed."""
    require(flagger, "post.flag", post)
    if db.session.scalar(select(Flag).where(Flag.post_id == post.id, Flag.user_id == flagger.id)):
        raise ModerationError("You have already flagged this post. Thank you: a moderator will look at it.")
    if reason == FlagReason.OTHER and not note.strip():
        raise ModerationError("Please tell us a little about what is wrong.")
    queue = Queue.CRISIS if reason == FlagReason.AT_RISK else Queue.GENERAL
    item = open_or_join(
        "post",
        post.id,
        queue=queue,
        priority=policy.FLAG_PRIORITY.get(reason.value, policy.DEFAULT_FLAG_PRIORITY),
        deadline=timedelta(hours=1 if reason == FlagReason.AT_RISK else 24),
        kind=ReasonKind.FLAG,
        details={"reason": reason.value, "note": note.strip()},
        user_id=flagger.id,
        subject_user_id=post.author_id,
        categories=("suicide",) if reason == FlagReason.AT_RISK else (),
    )
    flag = Flag(post_id=post.id, user_id=flagger.id, reason=reason, note=note.strip(), item_id=item.id)
    db.session.add(flag)
    db.session.flush()
    # Only flags no moderator has reviewed yet count: a post kept after review isn't hidden again by one more.
    flaggers = db.session.scalar(
        select(func.count(func.distinct(Flag.user_id))).where(Flag.post_id == post.id, Flag.outcome.is_(None))
    )
    if flaggers >= current_app.config["FLAGS_TO_HIDE"] and post.status == PostStatus.PUBLISHED:
        post.status = PostStatus.HELD
        _refresh_thread(post)
    db.session.commit()
    return flag


# --- claims and decisions ---------------------------------------------------------------------------


def _require_queue(reviewer: User, item: ReviewItem) -> None:
    require(reviewer, "moderation.queue", item.queue)


def _may_act(reviewer: User, now: datetime):
    """SQL condition: the item is unclaimed, its claim lapsed, or the reviewer holds it; and it is
    still in a queue the reviewer may work (a flag can move an item to the crisis queue meanwhile)."""
    condition = or_(
        ReviewItem.claimed_by_id.is_(None),
        ReviewItem.claim_expires_at < now,
        ReviewItem.claimed_by_id == reviewer.id,
    )
    if not can(reviewer, "moderation.queue", Queue.CRISIS):
        condition = condition & (ReviewItem.queue != Queue.CRISIS)
    return condition


def claim(reviewer: User, item: ReviewItem, now: datetime | None = None) -> datetime:
    """Claim (or renew a claim on) an open item for CLAIM_MINUTES; returns when the claim lapses."""
    _require_queue(reviewer, item)
    now = now or utcnow()
    expires = now + timedelta(minutes=current_app.config["CLAIM_MINUTES"])
    claimed = db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == ItemStatus.OPEN, _may_act(reviewer, now))
        .values(
            claimed_by_id=reviewer.id,
            claim_expires_at=expires,
            first_action_at=func.coalesce(ReviewItem.first_action_at, now),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise ModerationError("Another reviewer holds this item, or it was already decided.")
    audit.record(
        reviewer,
        "item.claim",
        "review_item",
        item.id,
        until=expires.isoformat(),
        reasons=_reasons_summary(item.id),
        rules=_rules_fired(item.id),
    )
    db.session.commit()
    return expires


def release(reviewer: User, item: ReviewItem) -> None:
    _require_queue(reviewer, item)
    released = db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.claimed_by_id == reviewer.id)
        .values(claimed_by_id=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if released:
        audit.record(reviewer, "item.release", "review_item", item.id)
    db.session.commit()


def _rules_fired(item_id: int) -> list[dict]:
    """Rule ids and versions behind an item, for the audit log."""
    fired = {}
    for details in db.session.scalars(select(ReviewReason.details).where(ReviewReason.item_id == item_id)):
        for hit in (details or {}).get("verdict", {}).get("hits", ()):
            fired[hit["rule"]] = {"rule": hit["rule"], "version": hit["version"]}
    return sorted(fired.values(), key=lambda r: r["rule"])


def _reasons_summary(item_id: int) -> list[str]:
    kinds = db.session.scalars(select(ReviewReason.kind).where(ReviewReason.item_id == item_id))
    return sorted({kind.value for kind in kinds})


def template(key: str) -> tuple[str, str]:
    row = db.session.get(MessageTemplate, key)
    return (row.subject, row.body) if row else DEFAULT_TEMPLATES[key]


def decide(
    reviewer: User,
    item: ReviewItem,
    decision: str,
    *,
    note: str = "",
    reason: str = "",
    body: str | None = None,
    now: datetime | None = None,
) -> None:
    """Close an item: approve, approve with a content note, edit and approve, or reject.

    Raises ModerationError when another reviewer decided first or holds the claim.
    """
    if decision not in CLOSING_DECISIONS:
        raise ModerationError(f"Unknown decision {decision!r}.")
    _require_queue(reviewer, item)
    if decision == "approve_with_note" and not note.strip():
        raise ModerationError("Write the content note readers will see.")
    if decision == "reject" and not reason.strip():
        raise ModerationError("Say why, in words the author will read.")
    if item.target_type == "application" and decision not in ("approve", "reject"):
        raise ModerationError("A practitioner application is approved or rejected.")
    now = now or utcnow()
    closed = db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == ItemStatus.OPEN, _may_act(reviewer, now))
        .values(
            status=ItemStatus.RESOLVED,
            decided_by_id=reviewer.id,
            decided_at=now,
            decision=decision,
            claimed_by_id=None,
            claim_expires_at=None,
            first_action_at=func.coalesce(ReviewItem.first_action_at, now),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        db.session.rollback()
        raise ModerationError("Another reviewer decided this item or holds it. Nothing was changed.")
    db.session.refresh(item)
    post = db.session.get(Post, item.target_id) if item.target_type == "post" else None
    if post is not None:
        _apply_to_post(reviewer, item, post, decision, note=note, reason=reason, body=body)
    elif item.target_type == "application":
        from forum.practitioners import services as practitioners

        practitioners.apply_decision(reviewer, item, decision, reason=reason, now=now)
    audit.record(
        reviewer,
        f"item.{decision}",
        "review_item",
        item.id,
        target=f"{item.target_type}:{item.target_id}",
        reasons=_reasons_summary(item.id),
        rules=_rules_fired(item.id),
        note=note.strip(),
        reason=reason.strip(),
    )
    _tell_flaggers(item, decision)
    db.session.commit()


def _apply_to_post(reviewer, item, post, decision, *, note, reason, body):
    from forum import content

    crisis = bool(set(item.categories) & set(policy.CRISIS_CATEGORIES + ("eating_disorder",)))
    link = _path("qa.post_link", post_id=post.id)
    if decision == "reject":
        post.status = PostStatus.REJECTED
        subject, text = template("reject")
        message = text.format(reason=reason.strip())
        if crisis:
            message += "\n\n" + _resources_text()
        notify(post.author_id, "post_rejected", message, link)
    else:
        was_held = post.status != PostStatus.PUBLISHED
        post.status = PostStatus.PUBLISHED
        if decision == "approve_with_note":
            post.content_note = note.strip()
        if decision == "edit_and_approve" and body is not None and body != post.body_md:
            from forum.qa import services as qa_services

            # Like every save: the revision keeps the question's tags, and the new text is scanned
            # again so the stored verdict (and its highlights) match what is published now.
            db.session.refresh(post, ["tags"])
            post.body_md = body
            post.body_html = content.render(body)
            post.edited_at = utcnow()
            post.revision_count += 1
            qa_services._add_revision(post, reviewer, "Edited by a moderator")
        if was_held:
            notify(post.author_id, "post_approved", "A moderator approved your post; everyone can see it now.", link)
            from forum.community import services as community

            community.after_approve(post)  # the answer, comment and mention notices it held back
            if post.is_question and post.practitioner_requested:
                from forum.practitioners import services as practitioners

                practitioners.notify_matching(post)
    _refresh_thread(post)


def _resources_text() -> str:
    lines = [f"- {r['how']}: {r['name']} ({r['where']})" for r in current_app.config["CRISIS_RESOURCES"]]
    return "If you're struggling right now, you can talk to someone at any time:\n" + "\n".join(lines)


def _tell_flaggers(item: ReviewItem, decision: str) -> None:
    outcome = "removed" if decision == "reject" else "kept"
    text = (
        "Thanks for your report. A moderator reviewed the post and removed it."
        if outcome == "removed"
        else "Thanks for your report. A moderator reviewed the post and decided it can stay."
    )
    for flag in db.session.scalars(select(Flag).where(Flag.item_id == item.id, Flag.outcome.is_(None))):
        flag.outcome = outcome
        notify(flag.user_id, "flag_outcome", text)


# --- actions that leave the item open ---------------------------------------------------------------


def _open_for_action(reviewer: User, item: ReviewItem, now: datetime) -> None:
    _require_queue(reviewer, item)
    touched = db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == ItemStatus.OPEN, _may_act(reviewer, now))
        .values(first_action_at=func.coalesce(ReviewItem.first_action_at, now))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not touched:
        db.session.rollback()
        raise ModerationError("Another reviewer holds this item, or it was already decided.")


def escalate(reviewer: User, item: ReviewItem, note: str = "") -> None:
    """Hand the item up: top priority, the claim released, admins and the on-call told."""
    now = utcnow()
    _open_for_action(reviewer, item, now)
    db.session.refresh(item)
    item.priority = max(item.priority, policy.PRIORITY["imminent"]) + 10
    item.escalated_at = now
    item.claimed_by_id = item.claim_expires_at = None
    link = _item_link(item)
    for admin_id in db.session.scalars(select(User.id).where(User.role == Role.ADMIN)):
        notify(admin_id, "escalated", f"Item #{item.id} was escalated: {note.strip() or 'no note'}", link)
    _email_on_call(item, f"Escalated: review item #{item.id}", f"A reviewer escalated this item. {note.strip()}")
    audit.record(reviewer, "item.escalate", "review_item", item.id, note=note.strip(), rules=_rules_fired(item.id))
    db.session.commit()


def reach_out(reviewer: User, item: ReviewItem, message: str = "") -> None:
    """Send the author a private, supportive message with the crisis resources; the item stays open."""
    now = utcnow()
    _open_for_action(reviewer, item, now)
    db.session.refresh(item)
    if item.subject_user_id is None:
        raise ModerationError("This item has no author to write to.")
    subject, text = template("reach_out")
    body = (message.strip() or text) + "\n\n" + _resources_text()
    notify(item.subject_user_id, "reach_out", body)
    author = db.session.get(User, item.subject_user_id)
    if author.email:
        queue_email(author.email, subject, body)
    audit.record(
        reviewer, "item.reach_out", "review_item", item.id, author_id=item.subject_user_id, rules=_rules_fired(item.id)
    )
    db.session.commit()


def restrict_author(reviewer: User, item: ReviewItem, status: AccountStatus, note: str = "") -> None:
    """Silence (every post waits for review) or suspend (read and write to moderators only) the author."""
    if status not in (AccountStatus.SILENCED, AccountStatus.SUSPENDED, AccountStatus.ACTIVE):
        raise ModerationError("Unknown account state.")
    now = utcnow()
    _open_for_action(reviewer, item, now)
    db.session.refresh(item)
    author = db.session.get(User, item.subject_user_id)
    if author is None or author.is_staff:
        raise PermissionDenied("restrict staff")
    author.status = status
    words = {
        AccountStatus.SILENCED: "Your posts will wait for a moderator before others see them.",
        AccountStatus.SUSPENDED: "You can still read the forum and write to the moderators.",
        AccountStatus.ACTIVE: "Your account is back to normal.",
    }
    notify(author.id, "account_status", f"Your account is now {status.value}. {words[status]}")
    audit.record(reviewer, f"user.{status.value}", "user", author.id, item=item.id, note=note.strip())
    db.session.commit()


def mark_false_positive(reviewer: User, item: ReviewItem, rule_id: str) -> None:
    """Count a rule hit as wrong (shown on the rules page); the item stays open for a decision."""
    now = utcnow()
    _open_for_action(reviewer, item, now)
    fired = {r["rule"]: r for r in _rules_fired(item.id)}
    if rule_id not in fired:
        raise ModerationError("That rule did not fire on this item.")
    count_false_positive([rule_id])
    audit.record(
        reviewer, "rule.false_positive", "review_item", item.id, rule=rule_id, version=fired[rule_id]["version"]
    )
    db.session.commit()


def message_moderators(author: User, text: str) -> ReviewItem:
    """A member (even a suspended one) writes to the moderators: it becomes a general-queue item."""
    require(author, "moderation.contact")
    item = open_or_join(
        "user",
        author.id,
        queue=Queue.GENERAL,
        priority=policy.DEFAULT_FLAG_PRIORITY,
        deadline=timedelta(hours=24),
        kind=ReasonKind.MESSAGE,
        details={"text": text.strip()},
        user_id=author.id,
        subject_user_id=author.id,
    )
    db.session.commit()
    return item


# --- deadlines --------------------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> int:
    """Escalate open items past their deadline: raise priority, tell admins and the on-call.

    Each overdue item is alerted once per deadline period it stays overdue. Items never expire
    and are never rejected here. Returns how many items were escalated.
    """
    now = now or utcnow()
    overdue = db.session.scalars(
        select(ReviewItem).where(ReviewItem.status == ItemStatus.OPEN, ReviewItem.deadline_at < now)
    ).all()
    count = 0
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN)).all()
    for item in overdue:
        period = max(item.deadline_at - item.created_at, timedelta(minutes=15))
        periods_late = int((now - item.deadline_at) / period) + 1
        if periods_late <= item.overdue_alerts:
            continue
        item.overdue_alerts = periods_late
        item.priority += 10
        item.escalated_at = item.escalated_at or now
        minutes = int((now - item.deadline_at).total_seconds() // 60)
        text = f"Overdue by {minutes} min: {item.queue.value} item #{item.id} ({item.severity})."
        link = _item_link(item)
        recipients = set(admins)
        if item.queue == Queue.CRISIS:
            recipients |= set(db.session.scalars(select(User.id).where(User.on_call.is_(True))))
            _email_on_call(item, f"Overdue crisis item #{item.id}", text)
        for user_id in recipients:
            notify(user_id, "overdue", text, link)
        audit.record(None, "item.overdue", "review_item", item.id, minutes_late=minutes, priority=item.priority)
        count += 1
    db.session.commit()
    return count
