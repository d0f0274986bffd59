"""Admins manage safety rules in the database: versioned, audited, live in every worker."""

import multiprocessing
import os

import pytest
from sqlalchemy import select

from forum.admin import services
from forum.admin.models import RulesetGeneration, SafetyRule, SafetyRuleRevision, SafetyRuleStat
from forum.admin.queries import effective_ruleset
from forum.audit import AuditEntry
from forum.extensions import db
from forum.qa.models import Post
from forum.safety import RuleError, load_default_rules

PHRASE = "purple elephant protocol"
NEW_RULE = {"rule_id": "test.purple_elephant", "kind": "phrase", "pattern": PHRASE, "category": "spam",
            "severity": "routine", "state": "active", "note": "seen in a spam wave"}


def _question_about(client, text):
    response = client.post("/questions/ask", data={"title": "A question about an odd phrase I saw",
                                                   "body": f"Someone told me about the {text} today.",
                                                   "tags": "therapy"})
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalars(select(Post).order_by(Post.id.desc())).first()


def test_admin_adds_a_rule_through_the_page_and_new_posts_are_flagged_by_it(client, login_as, admin, member):
    login_as(admin)
    response = client.post("/admin/rules/new", data=NEW_RULE)
    assert response.status_code == 302
    row = db.session.scalar(select(SafetyRule))
    assert (row.rule_id, row.version, row.state) == ("test.purple_elephant", 1, "active")
    assert db.session.scalar(select(SafetyRuleRevision.version)) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule.add"))
    assert entry.actor_id == admin.id and entry.details["rule"] == "test.purple_elephant"
    listing = client.get("/admin/rules?q=purple").get_data(as_text=True)
    assert "test.purple_elephant" in listing and PHRASE in listing

    client.post("/logout")
    login_as(member)
    post = _question_about(client, PHRASE)
    assert post.safety["action"] == "review"
    assert [h["rule"] for h in post.safety["hits"]] == ["test.purple_elephant"]
    assert db.session.get(SafetyRuleStat, "test.purple_elephant").hits == 1


def test_disabling_and_log_only_change_the_verdict_and_keep_every_version(client, login_as, admin, member):
    services.save_rule(admin, **NEW_RULE)
    login_as(admin)
    assert client.post("/admin/rules/test.purple_elephant/state", data={"state": "log_only"}).status_code == 302
    post = _question_about(client, PHRASE)
    assert post.safety["action"] == "allow"
    assert post.safety["hits"][0]["log_only"] is True

    client.post("/admin/rules/test.purple_elephant/state", data={"state": "disabled"})
    post = _question_about(client, PHRASE)
    assert post.safety["hits"] == []
    versions = db.session.scalars(select(SafetyRuleRevision.state).order_by(SafetyRuleRevision.version)).all()
    assert versions == ["active", "log_only", "disabled"]
    assert db.session.scalar(select(RulesetGeneration.generation)) == 3


def test_overriding_a_shipped_rule_makes_a_new_version_of_it(admin):
    shipped = load_default_rules()[0]
    rule = services.set_rule_state(admin, shipped.id, "disabled")
    assert rule.version == shipped.version + 1
    assert shipped.id not in {r.id for r in effective_ruleset().rules if r.state != "disabled"}


def test_a_bad_pattern_is_refused_with_the_engines_message_and_nothing_is_stored(client, login_as, admin):
    login_as(admin)
    response = client.post("/admin/rules/new", data=NEW_RULE | {"kind": "regex", "pattern": "(unclosed"})
    assert response.status_code == 400
    assert "test.purple_elephant" in response.get_data(as_text=True)
    assert db.session.scalar(select(SafetyRule)) is None
    assert db.session.scalar(select(AuditEntry)) is None
    with pytest.raises(RuleError):
        services.save_rule(admin, **NEW_RULE | {"severity": "catastrophic"})


def test_test_box_shows_the_verdict_with_the_matched_words_highlighted(client, login_as, admin):
    login_as(admin)
    page = client.post("/admin/rules/test", data={"text": "I want to kill myself tonight, the pills are here."})
    html = page.get_data(as_text=True)
    assert "Action: urgent" in html
    assert "<mark>" in html
    live = client.post("/admin/rules/test", data={"text": "Had a calm day at the beach."},
                       headers={"Accept": "application/json"})
    assert live.get_json()["verdict"]["action"] == "allow"


def test_members_and_moderators_cannot_reach_the_rules(client, login_as, member, moderator):
    for user in (member, moderator):
        login_as(user)
        assert client.get("/admin/rules").status_code == 403
        assert client.post("/admin/rules/new", data=NEW_RULE).status_code == 403
        client.post("/logout")
    assert db.session.scalar(select(SafetyRule)) is None


def _worker(url, inbox, outbox):
    """A second worker process with its own app and rules cache, scanning what it is sent."""
    from config import TestConfig
    from forum import create_app, safety
    from forum.admin.queries import effective_ruleset

    class WorkerConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(WorkerConfig)
    with app.app_context():
        for text in iter(inbox.get, None):
            outbox.put(safety.scan(text, effective_ruleset()).action)
            db.session.remove()


def test_a_rule_change_reaches_another_running_worker_without_a_restart(app, admin):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    context = multiprocessing.get_context("spawn")
    inbox, outbox = context.Queue(), context.Queue()
    worker = context.Process(target=_worker, args=(url, inbox, outbox), daemon=True)
    worker.start()
    try:
        inbox.put(f"the {PHRASE} again")
        assert outbox.get(timeout=60) == "allow"
        services.save_rule(admin, **NEW_RULE)
        inbox.put(f"the {PHRASE} again")
        assert outbox.get(timeout=60) == "review"
    finally:
        inbox.put(None)
        worker.join(timeout=30)
    assert worker.exitcode == 0, os.environ.get("FORUM_TEST_DATABASE_URL")
