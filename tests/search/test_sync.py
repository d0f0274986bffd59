"""The index follows the posts through the real paths: asking, answering, editing, deleting, and every way
moderation holds, rejects or approves a post. Held, rejected and deleted posts are never found."""

from sqlalchemy import select, update

from forum import search
from forum.extensions import db
from forum.qa import services
from forum.qa.models import Post, PostStatus
from forum.search.models import SearchDocument
from tests.moderation import answer, ask, decide, open_item, reload, signed_in
from tests.search import found

SPAM = "Cheap xanax without prescription, contact me on telegram for prices."


def indexed_ids() -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(SearchDocument.post_id)))


def test_asking_and_answering_through_the_forms_makes_posts_findable(app, client, member, other_member):
    _, question = ask(
        signed_in(app, member), "Some evenings I can't stop pacing around the flat.", title="Restless evenings at home"
    )
    reply = answer(signed_in(app, other_member), question, "Stretching before bed calmed my legs down.")
    assert found(client, "restless") == [question.id]
    assert found(client, "stretching") == [question.id]
    assert indexed_ids() == {question.id, reply.id}


def test_an_edit_replaces_the_old_words_with_the_new(app, client, member, make_question, make_answer, other_member):
    question = make_question(member, title="Nervous about a first appointment", body="It is on Tuesday.")
    reply = make_answer(other_member, question, body="Write your questions on a postcard.")
    browser = signed_in(app, member)
    response = browser.post(
        f"/posts/{question.id}/edit",
        data={"title": "Worried about a first session", "body": "It is on Thursday now.", "tags": "therapy"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    services.edit_post(other_member, reload(reply), "Write your questions in a notebook.")
    assert found(client, "nervous") == [] and found(client, "tuesday") == [] and found(client, "postcard") == []
    assert found(client, "worried session") == [question.id]
    assert found(client, "thursday") == [question.id]
    assert found(client, "notebook") == [question.id]


def test_deleted_questions_and_answers_are_not_found(app, client, member, other_member, make_question, make_answer):
    question = make_question(member, title="Grief after losing a pet", body="Our cat died last week.")
    reply = make_answer(other_member, question, body="Planting a tree in her memory helped us.")
    other = make_question(member, title="Grief at work", body="Nobody at work knows.")
    response = signed_in(app, other_member).post(f"/posts/{reply.id}/delete")
    assert response.status_code == 302
    assert found(client, "planting tree") == []
    assert set(found(client, "grief")) == {question.id, other.id}
    services.delete_post(member, reload(question))
    assert found(client, "grief") == [other.id]
    assert indexed_ids() == {other.id}


def test_a_new_members_held_question_is_found_only_after_approval(app, client, make_user, moderator):
    app.config["NEW_MEMBER_POSTS"] = 2
    newcomer = make_user("member")
    author = signed_in(app, newcomer)
    _, question = ask(author, "Loud neighbours keep me awake and I dread the evenings.", title="Loud neighbours")
    assert question.status == PostStatus.HELD
    assert found(client, "neighbours") == []
    assert found(author, "neighbours") == []  # not even its author finds it through search
    assert found(signed_in(app, moderator), "neighbours") == []
    assert question.id not in indexed_ids()
    decide(signed_in(app, moderator), open_item(question), "approve")
    assert found(client, "neighbours") == [question.id]


def test_a_post_held_by_a_safety_rule_and_then_rejected_is_never_found(app, client, member, moderator):
    _, question = ask(signed_in(app, member), SPAM, title="Telegram prices for medicine")
    assert question.status == PostStatus.HELD
    assert found(client, "telegram") == []
    decide(signed_in(app, moderator), open_item(question), "reject", reason="Advertising is not allowed here.")
    assert reload(question).status == PostStatus.REJECTED
    assert found(client, "telegram") == [] and found(client, "prices medicine") == []
    assert question.id not in indexed_ids()


def test_a_moderators_edit_and_approve_is_found_by_the_new_words_only(app, client, member, moderator):
    _, question = ask(signed_in(app, member), SPAM, title="Prices for medicine")
    assert found(client, "medicine") == []
    decide(
        signed_in(app, moderator),
        open_item(question),
        "edit_and_approve",
        body="Is it safe to buy medicine online? A moderator removed a link from this post.",
    )
    assert found(client, "telegram") == []
    assert found(client, "medicine online") == [question.id]


def test_a_published_question_hidden_by_flags_disappears_from_search(app, client, member, make_user, make_question):
    question = make_question(member, title="Advice on journaling prompts", body="Looking for journaling prompts.")
    assert found(client, "journaling") == [question.id]
    for _ in range(app.config["FLAGS_TO_HIDE"]):
        response = signed_in(app, make_user("member")).post(f"/posts/{question.id}/flag", data={"reason": "spam"})
        assert response.status_code == 302
    assert reload(question).status == PostStatus.HELD
    assert found(client, "journaling") == []
    assert question.id not in indexed_ids()


def test_an_edit_that_trips_a_rule_hides_the_post_from_search(app, client, member, make_question):
    question = make_question(member, title="Medication questions", body="Has anyone tried a pill organiser?")
    assert found(client, "organiser") == [question.id]
    response = signed_in(app, member).post(
        f"/posts/{question.id}/edit", data={"title": "Medication questions", "body": SPAM, "tags": "depression"}
    )
    assert response.status_code == 302
    assert reload(question).status == PostStatus.HELD
    assert found(client, "medication") == [] and found(client, "telegram") == []


def test_a_held_answer_is_not_found_but_its_question_still_is(app, client, make_user, member, make_question):
    question = make_question(member, title="Sunday evening dread", body="Mondays feel heavy.")
    held = answer(signed_in(app, make_user("member")), question, SPAM)
    assert held.status == PostStatus.HELD
    assert found(client, "telegram") == []
    assert found(client, "dread") == [question.id]


def test_the_answers_of_a_hidden_question_are_not_found(
    app, client, member, other_member, make_user, make_question, make_answer, moderator
):
    question = make_question(member, title="Coping with exam results", body="I missed my grade.")
    make_answer(other_member, question, body="Resits are more common than people think.")
    for _ in range(app.config["FLAGS_TO_HIDE"]):
        signed_in(app, make_user("member")).post(f"/posts/{question.id}/flag", data={"reason": "harassment"})
    assert reload(question).status == PostStatus.HELD
    assert found(client, "resits") == []  # the answer is still indexed: visibility is checked when searching
    decide(signed_in(app, moderator), open_item(question), "approve")
    assert found(client, "resits") == [question.id]


def test_visibility_is_checked_when_searching_not_only_when_indexing(
    client, member, other_member, make_question, make_answer
):
    question = make_question(member, title="Feeling numb lately", body="Nothing seems to land.")
    reply = make_answer(other_member, question, body="Numbness faded for me after a while.")
    # A change that skips the ORM (and so the sync hook) leaves the index stale; the search still hides it.
    db.session.execute(update(Post).where(Post.id == reply.id).values(status=PostStatus.REJECTED))
    db.session.commit()
    assert reply.id in indexed_ids()
    assert found(client, "faded") == []
    db.session.execute(update(Post).where(Post.id == question.id).values(deleted_at=question.created_at))
    db.session.commit()
    assert found(client, "numb") == []


def test_index_post_and_remove_post_follow_the_post_as_it_is(member, make_question):
    question = make_question(member, title="Walking helps", body="A short walk every day.")
    search.remove_post(question.id)
    db.session.commit()
    assert search.search("walking").total == 0
    search.index_post(question)
    db.session.commit()
    assert [h.question.id for h in search.search("walking").items] == [question.id]
    question.status = PostStatus.HELD
    search.index_post(question)  # a hidden post is dropped, not indexed
    db.session.rollback()
    assert question.id in indexed_ids()  # rolled back with the post: the index moves with the transaction


def test_reindex_rebuilds_the_index_from_the_public_posts(
    app, client, member, other_member, make_question, make_answer
):
    visible = make_question(member, title="Rebuilding routines", body="Small steps.")
    reply = make_answer(other_member, visible, body="Start with breakfast.")
    hidden = make_question(member, title="Routines that failed", body="Nothing stuck.")
    db.session.execute(update(Post).where(Post.id == hidden.id).values(status=PostStatus.HELD))
    db.session.execute(SearchDocument.__table__.delete())
    db.session.commit()
    assert found(client, "routines") == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 questions and answers." in result.output
    assert indexed_ids() == {visible.id, reply.id}
    assert found(client, "routines") == [visible.id]
    assert found(client, "breakfast") == [visible.id]
    # The index keeps following changes after a rebuild (the per-row sync is back on).
    services.edit_post(other_member, reload(reply), "Start with a glass of water.")
    assert found(client, "breakfast") == [] and found(client, "water") == [visible.id]
