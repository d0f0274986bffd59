"""Deleting an account: anonymised by default, or with every post removed; both audited without personal data."""

import pytest
from sqlalchemy import func, select

from forum.audit import AuditEntry
from forum.auth.models import AccountStatus, Role, User
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import FlagReason, ItemStatus, ReviewItem
from forum.qa import services
from forum.qa.models import Post
from forum.qa.services import slugify
from tests.conftest import PASSWORD, login


def _url(question: Post) -> str:
    return f"/questions/{question.id}/{slugify(question.title)}"


def _fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


@pytest.fixture
def leaver_world(make_user, make_question, make_answer):
    """Lou asks a question (answered by Ray), answers Ray's question (accepted), and comments there."""
    leaver = make_user(Role.MEMBER, "leaving_lou")
    reader = make_user(Role.MEMBER, "reader_ray")
    own = make_question(
        leaver,
        title="What helps on the first day of therapy?",
        body="I start next week and I keep imagining the worst about the first session.",
    )
    reply = make_answer(reader, own, body="Writing down three things you want to say helped me a lot.")
    theirs = make_question(reader, title="How do I find a therapist nearby?")
    answer = make_answer(leaver, theirs, body="My doctor gave me a list of local therapists to call.")
    services.accept_answer(reader, answer)
    comment = services.post_comment(leaver, theirs, "Good luck with the search, you can do this.")
    return {
        "leaver": leaver,
        "reader": reader,
        "own": own,
        "reply": reply,
        "theirs": theirs,
        "answer": answer,
        "comment": comment,
    }


def _audit_entries() -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.delete")).all()


def test_the_delete_page_offers_both_choices_with_anonymise_ticked(client, member):
    login(client, member)
    html = client.get("/settings/delete").get_data(as_text=True)
    assert 'checked id="mode-0" name="mode" type="radio" value="anonymise"' in html
    assert 'id="mode-1" name="mode" type="radio" value="remove"' in html
    assert "Delete my posts too" in html


def test_anonymise_keeps_every_post_as_from_a_deleted_member_and_is_audited(client, leaver_world):
    world = leaver_world
    login(client, world["leaver"])
    response = client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y", "mode": "anonymise"})
    assert response.status_code == 302

    gone = _fresh(User, world["leaver"].id)
    assert gone.status == AccountStatus.DELETED and gone.email is None
    live = db.session.scalar(select(func.count()).where(Post.author_id == gone.id, Post.deleted_at.is_(None)))
    assert live == 3
    html = client.get(_url(world["own"])).get_data(as_text=True)
    assert "I keep imagining the worst" in html and "Deleted member" in html and "leaving_lou" not in html
    [entry] = _audit_entries()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (gone.id, "user", gone.id)
    assert entry.details == {"mode": "anonymise", "posts_removed": 0}


def test_remove_soft_deletes_every_post_and_threads_keep_their_shape(client, leaver_world):
    world = leaver_world
    login(client, world["leaver"])
    response = client.post(
        "/settings/delete", data={"password": PASSWORD, "confirm": "y", "mode": "remove"}, follow_redirects=True
    )
    assert "Your account and your posts are deleted." in response.get_data(as_text=True)

    leaver_id = world["leaver"].id
    rows = db.session.scalars(select(Post).where(Post.author_id == leaver_id)).all()
    assert len(rows) == 3 and all(p.deleted_at is not None for p in rows)
    assert all(p.body_md for p in rows), "soft deletion keeps the text for moderators and the history"
    theirs = _fresh(Post, world["theirs"].id)
    assert theirs.answer_count == 0 and theirs.accepted_answer_id is None
    assert _fresh(User, leaver_id).reputation == 0

    own = client.get(_url(world["own"])).get_data(as_text=True)
    assert "This question was deleted." in own and "Deleted question" in own
    assert "What helps on the first day of therapy?" not in own
    assert "I keep imagining the worst" not in own
    assert "Writing down three things you want to say" in own
    other = client.get(_url(world["theirs"])).get_data(as_text=True)
    assert "This answer was deleted." in other and "Comment deleted." in other
    assert "a list of local therapists" not in other and "Good luck with the search" not in other
    listing = client.get("/").get_data(as_text=True)
    assert "What helps on the first day of therapy?" not in listing
    assert "How do I find a therapist nearby?" in listing

    [entry] = _audit_entries()
    assert entry.details == {"mode": "remove", "posts_removed": 3}
    assert "leaving_lou" not in str(entry.details)


def test_posts_already_deleted_are_not_counted_again(client, leaver_world):
    world = leaver_world
    services.delete_post(world["leaver"], world["comment"])
    login(client, world["leaver"])
    client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y", "mode": "remove"})
    [entry] = _audit_entries()
    assert entry.details["posts_removed"] == 2


def test_a_review_item_on_a_removed_post_still_opens_and_can_be_decided(client, moderator, leaver_world):
    world = leaver_world
    moderation.flag_post(world["reader"], world["answer"], FlagReason.OTHER, "This answer worries me")
    item_id = db.session.scalar(select(ReviewItem.id))
    login(client, world["leaver"])
    client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y", "mode": "remove"})

    login(client, moderator)
    page = client.get(f"/mod/items/{item_id}").get_data(as_text=True)
    assert "a list of local therapists" in page and "deleted by its author" in page
    assert client.post(f"/mod/items/{item_id}/decide", data={"decision": "approve"}).status_code == 302
    assert _fresh(ReviewItem, item_id).status == ItemStatus.RESOLVED
    assert _fresh(Post, world["answer"].id).deleted_at is not None


@pytest.mark.parametrize("mode", ["anonymise", "remove"])
def test_a_wrong_password_changes_nothing_in_either_mode(client, leaver_world, mode):
    world = leaver_world
    login(client, world["leaver"])
    response = client.post("/settings/delete", data={"password": "not my password", "confirm": "y", "mode": mode})
    assert response.status_code == 400
    assert _fresh(User, world["leaver"].id).status == AccountStatus.ACTIVE
    assert db.session.scalar(select(func.count()).where(Post.deleted_at.is_not(None))) == 0
    assert _audit_entries() == []


def test_an_unknown_mode_is_refused(client, leaver_world):
    login(client, leaver_world["leaver"])
    response = client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y", "mode": "everything"})
    assert response.status_code == 400
    assert _fresh(User, leaver_world["leaver"].id).status == AccountStatus.ACTIVE
