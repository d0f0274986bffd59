"""Admins read the audit log, change the routing policy and reword the messages members receive.

The audit log is filtered and paginated at a fixed query cost and never changes; routing and template
changes are validated, audited, and used by moderation from the next post or message on.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from forum import audit
from forum.admin import services
from forum.audit import AuditEntry
from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import policy
from forum.moderation import services as moderation
from forum.moderation.models import FlagReason, MessageTemplate, Queue, ReviewItem, RoutingRule
from forum.qa.models import PostStatus
from tests.conftest import count_queries, csrf_token_from
from tests.moderation import ask, emails_to, notices, open_item, signed_in, text_of


def _entry(actor, action, target_type="review_item", target_id=1, when=None, **details):
    entry = audit.record(actor, action, target_type, target_id, **details)
    if when is not None:
        entry.created_at = when
    return entry


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def admin_browser(client, login_as, admin):
    return login_as(admin)


# --- the audit log ---------------------------------------------------------------------------------


def test_the_audit_log_shows_newest_first_with_actor_action_target_and_readable_details(admin_browser, moderator):
    now = utcnow()
    _entry(moderator, "item.claim", target_id=7, when=now - timedelta(hours=2), until="2024-05-01T10:00:00")
    _entry(moderator, "item.reject", target_id=7, when=now - timedelta(hours=1), target="post:12",
           reason="Advertising", rules=[{"rule": "spam.links", "version": 2}])
    _entry(None, "item.overdue", target_id=9, when=now, minutes_late=16)
    db.session.commit()

    html = text_of(admin_browser.get("/admin/audit"))
    assert html.index("<code>item.overdue<") < html.index("<code>item.reject<") < html.index("<code>item.claim<")
    assert '<span class="muted">system</span>' in html
    assert '<a href="/admin/audit?actor=mod_max">mod_max</a>' in html
    assert 'href="/mod/items/7">review item #7</a>' in html
    assert '<span class="kv-key">reason:</span> Advertising' in html
    assert '<span class="kv-key">minutes late:</span> 16' in html
    assert '<span class="kv-key">rule:</span> spam.links' in html and '<span class="kv-key">version:</span> 2' in html
    assert "{&#34;" not in html and '{"' not in html  # no raw JSON


def test_details_are_escaped(admin_browser, moderator):
    _entry(moderator, "item.reject", reason="<script>alert(1)</script>", **{"<b>key</b>": "x"})
    db.session.commit()
    html = text_of(admin_browser.get("/admin/audit"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "&lt;b&gt;key&lt;/b&gt;" in html


def test_the_audit_log_has_fifty_entries_a_page_and_keeps_the_filters_across_pages(admin_browser, moderator):
    start = utcnow() - timedelta(days=1)
    for i in range(120):
        _entry(moderator, "item.claim", target_id=i + 1, when=start + timedelta(minutes=i))
    _entry(moderator, "rule.add", target_type="rule", target_id=None, when=start + timedelta(hours=5))
    db.session.commit()

    first = text_of(admin_browser.get("/admin/audit?action=item.claim"))
    assert first.count("<code>item.claim</code>") == 50 and "rule.add" not in first
    assert "Page 1 of 3" in first
    assert 'href="/admin/audit?page=2&amp;action=item.claim" rel="next"' in first
    third = text_of(admin_browser.get("/admin/audit?action=item.claim&page=3"))
    assert third.count("<code>item.claim</code>") == 20
    assert 'href="/mod/items/1">' in third and 'href="/mod/items/21">' not in third  # the oldest twenty


def test_filters_by_actor_action_prefix_target_and_dates(admin_browser, moderator, make_user):
    other = make_user(Role.MODERATOR, "mod_nia")
    day = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    _entry(moderator, "item.claim", target_id=12, when=day)
    _entry(moderator, "item.reach_out", target_id=13, when=day + timedelta(days=1))
    _entry(other, "item.reject", target_id=12, when=day + timedelta(days=2))
    _entry(other, "items.odd_name", target_id=14, when=day + timedelta(days=2))
    _entry(other, "user.silenced", target_type="user", target_id=moderator.id, when=day + timedelta(days=3))
    _entry(None, "rule.add", target_type="rule", target_id=None, when=day + timedelta(days=4))
    db.session.commit()

    def actions(query: str) -> list[str]:
        response = admin_browser.get(f"/admin/audit?{query}")
        assert response.status_code == 200
        html = text_of(response)
        return [a for a in ("item.claim", "item.reach_out", "item.reject", "items.odd_name", "user.silenced",
                            "rule.add") if f"<code>{a}</code>" in html]

    assert actions("actor=mod_nia") == ["item.reject", "items.odd_name", "user.silenced"]
    assert actions("actor=MOD_MAX") == ["item.claim", "item.reach_out"]
    assert actions("action=item.") == ["item.claim", "item.reach_out", "item.reject"]
    assert actions("action=item") == []  # no dot: an exact action name
    assert actions("action=item.reject") == ["item.reject"]
    assert actions("target=review_item:12") == ["item.claim", "item.reject"]
    assert actions("target=user") == ["user.silenced"]
    assert actions("target=13") == ["item.reach_out"]
    assert actions("from=2024-03-11&to=2024-03-12") == ["item.reach_out", "item.reject", "items.odd_name"]
    assert actions("to=2024-03-10") == ["item.claim"]
    assert actions("actor=mod_nia&action=item.&from=2024-03-12") == ["item.reject"]
    assert actions("actor=nobody") == []
    html = text_of(admin_browser.get("/admin/audit?target=user"))
    assert 'href="/users/mod_max">user mod_max</a>' in html


@pytest.mark.parametrize(("query", "message"), [
    ("from=2024-13-01", "Not a valid date value."),
    ("from=2024-03-12&to=2024-03-10", "“To” must be on or after “From”."),
    ("target=post:abc", "Write a type, an id or both"),
])
def test_bad_filters_are_explained_and_list_nothing(admin_browser, moderator, query, message):
    _entry(moderator, "item.claim")
    db.session.commit()
    response = admin_browser.get(f"/admin/audit?{query}")
    html = text_of(response)
    assert response.status_code == 400
    assert message in html and "Fix the filters above to see entries." in html
    assert "<code>item.claim</code>" not in html


def test_an_audit_page_costs_the_same_queries_for_5_or_50_entries_by_different_people(admin_browser, make_user):
    def queries_with(n):
        for i in range(n):
            actor = make_user(Role.MODERATOR)
            _entry(actor, "user.silenced", target_type="user", target_id=actor.id, note=f"entry {i}")
        db.session.commit()
        with count_queries() as statements:
            assert admin_browser.get("/admin/audit").status_code == 200
        return len(statements)

    few = queries_with(5)
    assert queries_with(45) == few


def test_audit_entries_can_be_neither_changed_nor_deleted(admin):
    entry = _entry(admin, "routing.change", target_type="routing_rule", target_id=1, note="first")
    db.session.commit()

    entry.details = {"note": "rewritten"}
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).details == {"note": "first"}


def test_postgresql_itself_refuses_to_change_or_delete_audit_entries(admin):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the database trigger is PostgreSQL's; SQLite (development) relies on the ORM's refusal")
    entry = _entry(admin, "routing.change", target_type="routing_rule", target_id=1, note="first")
    db.session.commit()
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.id == entry.id)) == "routing.change"


# --- routing policy --------------------------------------------------------------------------------

SKIPPING_MEALS = "Lately I keep skipping meals and I feel tired all the time, is that normal?"
NEW_ROUTE = {"visibility": "held", "queue": "general", "priority": "70", "deadline_minutes": "120", "note": "trial"}


def test_the_routing_page_lists_every_category_and_severity_with_its_route(admin_browser):
    html = text_of(admin_browser.get("/admin/routing"))
    assert html.count('<tr id="route-') == len(policy.ALL_CATEGORIES) * len(policy.ROUTED_SEVERITIES) == 32
    suicide = html[html.index('id="route-suicide-imminent"'):html.index('id="route-suicide-high"')]
    assert "<td>held</td>" in suicide and "<td>crisis</td>" in suicide and "<td>100</td>" in suicide
    assert "15 min" in suicide and "<td>default</td>" in suicide
    assert 'href="/admin/routing/suicide/imminent"' in suicide


def test_a_changed_route_is_stored_audited_and_used_for_the_next_post(app, admin_browser, admin, member):
    response = admin_browser.post("/admin/routing/eating_disorder/elevated", data=NEW_ROUTE)
    assert response.status_code == 302
    rule = db.session.scalar(select(RoutingRule))
    assert (rule.category, rule.severity, rule.visibility, rule.queue, rule.priority, rule.deadline_minutes) == (
        "eating_disorder", "elevated", "held", "general", 70, 120)
    [entry] = _audit("routing.change")
    assert entry.actor_id == admin.id and entry.target_id == rule.id
    assert entry.details["before"] == {"visibility": "published", "queue": "crisis", "priority": 50,
                                       "deadline_minutes": 1440}
    assert entry.details["after"] == {"visibility": "held", "queue": "general", "priority": 70,
                                      "deadline_minutes": 120}
    assert entry.details["note"] == "trial"
    row = text_of(admin_browser.get(response.headers["Location"]))
    row = row[row.index('id="route-eating_disorder-elevated"'):]
    assert "(default published)" in row and "(default crisis)" in row and "<strong>changed</strong>" in row

    before = utcnow()
    _, post = ask(signed_in(app, member), SKIPPING_MEALS)
    assert post.status == PostStatus.HELD
    item = open_item(post)
    assert (item.queue, item.priority) == (Queue.GENERAL, 70)
    assert before + timedelta(minutes=119) < item.deadline_at <= utcnow() + timedelta(minutes=120)


def test_saving_a_route_again_updates_the_one_override_and_audits_the_change_from_it(admin_browser):
    admin_browser.post("/admin/routing/spam/routine", data=NEW_ROUTE)
    admin_browser.post("/admin/routing/spam/routine", data=NEW_ROUTE | {"priority": "90"})
    assert _count(RoutingRule) == 1 and db.session.scalar(select(RoutingRule.priority)) == 90
    first, second = _audit("routing.change")
    assert second.details["before"] == first.details["after"]
    assert second.details["after"]["priority"] == 90


def test_saving_an_unchanged_route_stores_nothing(admin_browser):
    current = {"visibility": "held", "queue": "general", "priority": "20", "deadline_minutes": "1440"}
    response = admin_browser.post("/admin/routing/spam/routine", data=current)
    assert response.status_code == 400 and "Nothing changed." in text_of(response)
    assert _count(RoutingRule) == 0 and _count(AuditEntry) == 0


def test_reset_to_default_removes_the_override_and_is_audited(app, admin_browser, admin, member):
    admin_browser.post("/admin/routing/eating_disorder/elevated", data=NEW_ROUTE)
    response = admin_browser.post("/admin/routing/eating_disorder/elevated/reset")
    assert response.status_code == 302
    assert _count(RoutingRule) == 0
    [entry] = _audit("routing.reset")
    assert entry.actor_id == admin.id
    assert entry.details["before"]["queue"] == "general" and entry.details["after"]["queue"] == "crisis"
    assert "is back to the default" in text_of(admin_browser.get(response.headers["Location"]))

    _, post = ask(signed_in(app, member), SKIPPING_MEALS)
    assert post.status == PostStatus.PUBLISHED and open_item(post).queue == Queue.CRISIS


def test_resetting_a_route_that_is_already_the_default_says_so(admin_browser):
    response = admin_browser.post("/admin/routing/spam/routine/reset", follow_redirects=True)
    assert "This route already follows the default." in text_of(response)
    assert _count(AuditEntry) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("priority", "5000", "Use a number from 0 to 1000."),
    ("priority", "", "Give a priority from 0 to 1000."),
    ("deadline_minutes", "0", "Use a number of minutes from 1 to 10080 (one week)."),
    ("deadline_minutes", "20000", "Use a number of minutes from 1 to 10080 (one week)."),
    ("deadline_minutes", "soon", "Not a valid integer value."),
    ("visibility", "hidden", "Not a valid choice."),
    ("queue", "urgent", "Not a valid choice."),
])
def test_invalid_route_values_are_shown_in_the_form_and_nothing_is_stored(admin_browser, field, value, message):
    response = admin_browser.post("/admin/routing/spam/routine", data=NEW_ROUTE | {field: value})
    assert response.status_code == 400
    assert message in text_of(response)
    assert _count(RoutingRule) == 0 and _count(AuditEntry) == 0


@pytest.mark.parametrize("category", policy.CRISIS_CATEGORIES)
@pytest.mark.parametrize("severity", ["imminent", "high"])
def test_urgent_crisis_routes_cannot_leave_the_crisis_queue(admin, category, severity):
    with pytest.raises(services.PolicyError, match="must stay in the crisis queue"):
        services.save_route(admin, category, severity, visibility="held", queue="general", priority=100,
                            deadline_minutes=15)
    assert _count(RoutingRule) == 0


def test_the_page_refuses_moving_suicide_at_high_to_the_general_queue_with_a_clear_message(admin_browser):
    response = admin_browser.post("/admin/routing/suicide/high", data=NEW_ROUTE)
    assert response.status_code == 400
    assert ('<p class="error" id="queue-error" role="alert">Suicide at high severity must stay in the crisis queue: '
            "someone may be in danger" in text_of(response))
    assert _count(RoutingRule) == 0 and _count(AuditEntry) == 0


def test_less_urgent_crisis_routes_may_move_to_the_general_queue(admin):
    services.save_route(admin, "suicide", "elevated", visibility="published", queue="general", priority=55,
                        deadline_minutes=600)
    assert policy.current_policy()[("suicide", "elevated")].queue == Queue.GENERAL


def test_an_unknown_category_or_severity_has_no_page(admin_browser):
    assert admin_browser.get("/admin/routing/gossip/high").status_code == 404
    assert admin_browser.post("/admin/routing/suicide/none", data=NEW_ROUTE).status_code == 404


# --- message templates -----------------------------------------------------------------------------

REACH_OUT = {"reach_out-subject": "We're thinking of you",
             "reach_out-body": "Hello from the Hearth team. We noticed your post and we care about how you are."}


def _flagged_item(author, flagger, make_question) -> ReviewItem:
    question = make_question(author)
    moderation.flag_post(flagger, question, FlagReason.AT_RISK)
    return db.session.scalar(select(ReviewItem))


def test_the_templates_page_shows_the_wording_in_use(admin_browser):
    html = text_of(admin_browser.get("/admin/templates"))
    for subject, body in moderation.DEFAULT_TEMPLATES.values():
        assert subject in html
        assert body.replace("'", "&#39;").split("\n")[0] in html
    assert "Reset to the default wording" not in html


def test_an_edited_reach_out_is_what_the_author_receives(app, admin_browser, admin, moderator, member, other_member,
                                                          make_question):
    response = admin_browser.post("/admin/templates/reach_out", data=REACH_OUT)
    assert response.status_code == 302
    stored = db.session.get(MessageTemplate, "reach_out")
    assert (stored.subject, stored.body) == (REACH_OUT["reach_out-subject"], REACH_OUT["reach_out-body"])
    [entry] = _audit("template.change")
    assert entry.actor_id == admin.id and entry.details["key"] == "reach_out"
    assert entry.details["before"]["subject"] == moderation.DEFAULT_TEMPLATES["reach_out"][0]
    assert entry.details["after"]["body"] == REACH_OUT["reach_out-body"]

    item = _flagged_item(member, other_member, make_question)
    reviewer = signed_in(app, moderator)
    assert REACH_OUT["reach_out-body"] in text_of(reviewer.get(f"/mod/items/{item.id}"))
    assert reviewer.post(f"/mod/items/{item.id}/reach-out", data={"message": ""}).status_code == 302
    [notice] = notices(member, "reach_out")
    assert notice.message.startswith(REACH_OUT["reach_out-body"])
    [email] = emails_to(member)
    assert email.subject == REACH_OUT["reach_out-subject"]
    assert email.body.startswith(REACH_OUT["reach_out-body"])


def test_an_edited_rejection_is_sent_with_the_moderators_reason(app, admin_browser, moderator, member, other_member,
                                                                make_question):
    body = "Your post was taken down: {reason}\n\nYou can write to us any time."
    response = admin_browser.post("/admin/templates/reject",
                                  data={"reject-subject": "About your post", "reject-body": body})
    assert response.status_code == 302
    item = _flagged_item(member, other_member, make_question)
    signed_in(app, moderator).post(f"/mod/items/{item.id}/decide",
                                   data={"decision": "reject", "reason": "it named another member"})
    [notice] = notices(member, "post_rejected")
    assert notice.message.startswith("Your post was taken down: it named another member\n\nYou can write to us")


@pytest.mark.parametrize(("body", "message"), [
    ("Your post was removed.", "The rejection message must contain {reason}"),
    ("Removed: {reason}, dear {name}.", "Only {reason} can be filled in."),
    ("Removed: {reason} {", "Only {reason} can be filled in."),
    ("", "Write the message."),
])
def test_a_rejection_text_that_cannot_be_filled_in_is_refused(admin_browser, body, message):
    response = admin_browser.post("/admin/templates/reject", data={"reject-subject": "About your post",
                                                                   "reject-body": body})
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert "About your post" in html  # what the admin typed is kept
    assert db.session.get(MessageTemplate, "reject") is None and _count(AuditEntry) == 0


def test_braces_are_fine_in_a_reach_out_because_it_is_sent_as_written(admin_browser):
    data = {"reach_out-subject": "Checking in", "reach_out-body": "We're here {always} for you."}
    assert admin_browser.post("/admin/templates/reach_out", data=data).status_code == 302
    assert moderation.template("reach_out") == ("Checking in", "We're here {always} for you.")


def test_resetting_a_template_brings_back_the_default_wording_and_is_audited(admin_browser):
    admin_browser.post("/admin/templates/reach_out", data=REACH_OUT)
    assert "Reset to the default wording" in text_of(admin_browser.get("/admin/templates"))
    response = admin_browser.post("/admin/templates/reach_out/reset")
    assert response.status_code == 302
    assert moderation.template("reach_out") == moderation.DEFAULT_TEMPLATES["reach_out"]
    [entry] = _audit("template.reset")
    assert entry.details["before"]["subject"] == REACH_OUT["reach_out-subject"]


def test_an_unknown_template_has_no_page(admin_browser):
    assert admin_browser.post("/admin/templates/welcome", data={"welcome-subject": "Hi", "welcome-body": "Hi"}
                              ).status_code == 404


def test_the_editors_refuse_a_post_without_the_pages_security_token(app, admin_browser):
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin_browser.post("/admin/routing/spam/routine", data=NEW_ROUTE).status_code == 400
    assert admin_browser.post("/admin/templates/reach_out", data=REACH_OUT).status_code == 400
    assert _count(RoutingRule) == 0 and _count(MessageTemplate) == 0

    token = csrf_token_from(text_of(admin_browser.get("/admin/templates")))
    assert admin_browser.post("/admin/templates/reach_out", data=REACH_OUT | {"reach_out-csrf_token": token}
                              ).status_code == 302
    token = csrf_token_from(text_of(admin_browser.get("/admin/routing/spam/routine")))
    assert admin_browser.post("/admin/routing/spam/routine", data=NEW_ROUTE | {"csrf_token": token}).status_code == 302
    assert _count(RoutingRule) == 1 and _count(MessageTemplate) == 1
