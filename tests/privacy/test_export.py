"""A member downloads their data: everything they wrote and did, and nothing of who anyone else is."""

import json

import pytest

from forum.auth.models import User
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import FlagReason
from forum.notifications.services import notify
from forum.qa import queries, services
from forum.qa.models import PostStatus
from tests.conftest import login


def _export(client) -> dict:
    response = client.get("/settings/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="hearth-') and disposition.endswith('.json"')
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def busy_member(member, other_member, moderator, make_question, make_answer):
    """Mina asks (once anonymously), answers, comments, votes, flags and gets notified; others vote on her posts,
    flag them and a moderator edits one."""
    question = make_question(member, title="How do I keep a routine when I feel low?", tags="depression")
    secret = make_question(member, title="A question I asked without my name on it", anonymous=True)
    theirs = make_question(other_member, title="What helps you get out of bed in the morning?")
    answer = make_answer(member, theirs, body="I put my phone across the room so I have to stand up.")
    services.post_comment(member, theirs, "Thank you for asking this, it helps me too.")
    services.vote(member, theirs, 1)
    services.vote(other_member, answer, 1)
    services.vote(moderator, question, 1)
    moderation.flag_post(member, theirs, FlagReason.SPAM, "Looks like an advert to me")
    moderation.flag_post(other_member, answer, FlagReason.OTHER, "Otto's private worry about this answer")
    services.edit_post(
        moderator,
        queries.get_post(question.id),
        "A moderator trimmed this question to keep it on topic.",
        question.title,
        "depression",
    )
    services.edit_post(
        member,
        queries.get_post(secret.id),
        "My own edit of the anonymous question, with more detail.",
        secret.title,
        "anxiety",
    )
    held = make_question(member, title="A question that is waiting for review")
    held.status = PostStatus.HELD
    services.delete_post(member, make_question(member, title="A question I deleted later on"))
    notify(member.id, "post_approved", "A moderator approved your post; everyone can see it now.", "/posts/1")
    db.session.commit()
    return {"question": question, "secret": secret, "theirs": theirs, "answer": answer}


def test_export_holds_the_profile_posts_revisions_votes_flags_and_notifications(client, member, busy_member):
    db.session.get(User, member.id).collapsed_topics = ["grief"]
    db.session.commit()
    login(client, member)
    data = _export(client)

    settings = data["profile"].pop("settings")
    assert settings | {"collapsed_topics": ["grief"], "crisis_reviewer": False, "on_call": False} == settings
    assert data["profile"] | {"created_at": None} == {
        "username": "mina",
        "email": "mina@example.com",
        "role": "member",
        "status": "active",
        "created_at": None,
        "about": "",
        "reputation": 15,
    }
    titles = {p["title"] for p in data["posts"] if p["kind"] == "question"}
    assert titles == {
        "How do I keep a routine when I feel low?",
        "A question I asked without my name on it",
        "A question that is waiting for review",
        "A question I deleted later on",
    }
    by_id = {p["id"]: p for p in data["posts"]}
    secret = by_id[busy_member["secret"].id]
    assert secret["anonymous"] is True and secret["tags"] == ["anxiety"]
    assert [r["body"] for r in secret["revisions"]][-1] == "My own edit of the anonymous question, with more detail."
    assert [r["edited_by"] for r in secret["revisions"]] == ["you", "you"]
    statuses = {p["title"]: (p["status"], p["deleted_at"] is not None) for p in data["posts"] if p["title"]}
    assert statuses["A question that is waiting for review"] == ("held", False)
    assert statuses["A question I deleted later on"] == ("published", True)
    kinds = sorted(p["kind"] for p in data["posts"])
    assert kinds == ["answer", "comment", "question", "question", "question", "question"]
    answer = by_id[busy_member["answer"].id]
    assert answer["body"] == "I put my phone across the room so I have to stand up."
    assert answer["question_id"] == busy_member["theirs"].id

    assert data["votes"] == [
        {"post_id": busy_member["theirs"].id, "value": 1, "created_at": data["votes"][0]["created_at"]}
    ]
    assert [(f["post_id"], f["reason"], f["note"]) for f in data["flags"]] == [
        (busy_member["theirs"].id, "spam", "Looks like an advert to me")
    ]
    assert "A moderator approved your post; everyone can see it now." in [n["message"] for n in data["notifications"]]


def test_export_never_names_who_voted_flagged_or_edited(client, member, other_member, moderator, busy_member):
    login(client, member)
    raw = client.get("/settings/export").get_data(as_text=True)
    data = json.loads(raw)
    for identity in ("otto", "otto@example.com", "mod_max", "mod_max@example.com"):
        assert identity not in raw
    assert "Otto's private worry" not in raw
    question = next(p for p in data["posts"] if p["id"] == busy_member["question"].id)
    assert [r["edited_by"] for r in question["revisions"]] == ["you", "a moderator"]
    assert all(set(v) == {"post_id", "value", "created_at"} for v in data["votes"])
    assert all(set(f) == {"post_id", "reason", "note", "created_at"} for f in data["flags"])
    assert '"user_id"' not in raw and '"editor_id"' not in raw


def test_export_includes_follows_and_bookmarks_without_anyone_elses_account(
    client, member, other_member, make_question
):
    community = pytest.importorskip("forum.community.models")
    if not (hasattr(community, "Follow") and hasattr(community, "Bookmark")):
        pytest.skip("follows and bookmarks are not installed")
    theirs = make_question(other_member, title="Is it okay to take a break from my meds?")
    db.session.add(community.Bookmark(user_id=member.id, post_id=theirs.id))
    db.session.add(community.Follow(user_id=member.id, question_id=theirs.id))
    db.session.add(community.Bookmark(user_id=other_member.id, post_id=theirs.id))
    db.session.commit()
    login(client, member)
    other = _export(client)["other"]
    assert [row["post_id"] for row in other["bookmarks"]] == [theirs.id]
    assert [row["question_id"] for row in other["follows"]] == [theirs.id]
    assert all("user_id" not in row for rows in other.values() for row in rows)


def test_a_guest_is_sent_to_sign_in_for_an_export(client):
    response = client.get("/settings/export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_exports_are_rate_limited_per_member(app, client, member, other_member):
    app.config["EXPORT_RATE_LIMIT"] = "2 per hour"
    login(client, member)
    assert [client.get("/settings/export").status_code for _ in range(3)] == [200, 200, 429]
    client.post("/logout")
    login(client, other_member)
    assert client.get("/settings/export").status_code == 200


def test_settings_links_to_the_export(client, member):
    login(client, member)
    assert 'href="/settings/export" download>Download your data</a>' in client.get("/settings").get_data(as_text=True)


def test_the_export_of_a_member_with_nothing_yet_is_complete_and_empty(client, member):
    login(client, member)
    data = _export(client)
    assert (data["posts"], data["votes"], data["flags"], data["notifications"]) == ([], [], [], [])
    assert data["profile"]["username"] == "mina"
