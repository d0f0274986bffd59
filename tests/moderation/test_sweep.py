"""The deadline sweep: overdue items escalate and alert admins and the on-call, once per period, and never close."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.audit import AuditEntry
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services
from forum.moderation.models import ItemStatus, Queue
from forum.notifications.models import OutboxEmail
from forum.qa.models import PostStatus
from tests.moderation import notices, open_item, reload

CRISIS = "I have the pills here and I am going to kill myself tonight. Goodbye everyone."
SPAM = "Cheap xanax without prescription, contact me on telegram for prices."


@pytest.fixture
def staff(make_user, admin):
    on_call = make_user("moderator", "mod_oncall", crisis_reviewer=True)
    on_call.on_call = True
    bystander = make_user("moderator", "mod_general")
    db.session.commit()
    return admin, on_call, bystander


def _overdue_mail(user) -> list[OutboxEmail]:
    return db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.recipient == user.email, OutboxEmail.subject.like("Overdue%"))
    ).all()


def test_an_overdue_crisis_item_escalates_and_alerts_admins_and_the_on_call(app, member, make_question, staff):
    admin, on_call, bystander = staff
    post = make_question(member, body=CRISIS)
    item = open_item(post)
    start_priority, deadline = item.priority, item.deadline_at
    assert services.sweep(now=deadline - timedelta(seconds=1)) == 0
    assert notices(admin, "overdue") == []

    assert services.sweep(now=deadline + timedelta(minutes=5)) == 1
    item = reload(item)
    assert item.priority == start_priority + 10 and item.escalated_at is not None
    for user in (admin, on_call):
        [alert] = notices(user, "overdue")
        assert "Overdue by 5 min" in alert.message and alert.link == f"/mod/items/{item.id}"
    assert notices(bystander, "overdue") == []
    [mail] = _overdue_mail(on_call)
    assert f"/mod/items/{item.id}" in mail.body and "kill myself" not in mail.body
    assert _overdue_mail(admin) == []
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "item.overdue")).all()
    assert (entry.actor_id, entry.target_id, entry.details["minutes_late"]) == (None, item.id, 5)
    assert (item.status, reload(post).status) == (ItemStatus.OPEN, PostStatus.HELD)


def test_the_sweep_alerts_once_per_overdue_period(app, member, make_question, staff):
    admin, on_call, _ = staff
    item = open_item(make_question(member, body=CRISIS))  # a 15 minute deadline
    late = item.deadline_at + timedelta(minutes=3)
    assert services.sweep(now=late) == 1
    priority = reload(item).priority
    assert services.sweep(now=late) == 0
    assert services.sweep(now=late + timedelta(minutes=10)) == 0  # still inside the first overdue period
    assert len(notices(admin, "overdue")) == 1 and len(_overdue_mail(on_call)) == 1
    assert reload(item).priority == priority

    assert services.sweep(now=late + timedelta(minutes=13)) == 1  # a second period: alert again
    assert len(notices(admin, "overdue")) == 2 and len(_overdue_mail(on_call)) == 2
    assert reload(item).priority == priority + 10


def test_an_overdue_general_item_alerts_admins_without_e_mailing_the_on_call(app, member, make_question, staff):
    admin, on_call, _ = staff
    item = open_item(make_question(member, body=SPAM))
    assert item.queue == Queue.GENERAL
    assert services.sweep(now=item.deadline_at + timedelta(hours=1)) == 1
    assert len(notices(admin, "overdue")) == 1
    assert notices(on_call, "overdue") == [] and _overdue_mail(on_call) == []


def test_the_sweep_never_closes_or_rejects_an_item_however_late(app, member, make_question, staff):
    post = make_question(member, body=CRISIS)
    item = open_item(post)
    for days in (1, 7, 60):
        services.sweep(now=item.deadline_at + timedelta(days=days))
    item = reload(item)
    assert (item.status, item.decision, item.decided_at) == (ItemStatus.OPEN, None, None)
    assert reload(post).status == PostStatus.HELD


def test_a_decided_item_is_not_swept(app, member, make_question, staff, moderator):
    item = open_item(make_question(member, body=CRISIS))
    services.decide(moderator, item, "approve")
    assert services.sweep(now=item.deadline_at + timedelta(hours=1)) == 0
    assert notices(staff[0], "overdue") == []


def test_the_sweep_command_runs_from_the_command_line(app, member, make_question, staff):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["moderation", "sweep"])
    assert result.exit_code == 0, result.output
    assert "escalated 0 overdue item(s)" in result.output

    item = open_item(make_question(member, body=CRISIS))
    item.deadline_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    result = runner.invoke(args=["moderation", "sweep"])
    assert result.exit_code == 0, result.output
    assert "escalated 1 overdue item(s)" in result.output
    assert len(notices(staff[0], "overdue")) == 1
    assert reload(item).status == ItemStatus.OPEN
