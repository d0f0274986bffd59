"""Editing and deleting posts: who may, the kept revisions and their diff, audited staff actions, soft deletion."""

from sqlalchemy import func, select

from forum.audit import AuditEntry
from forum.extensions import db
from forum.qa import queries, services
from forum.qa.models import Post, Revision
from tests.conftest import login

QUESTION_BODY = "First line stays the same.\nSecond line will change.\nThird line stays too."


def _url(question) -> str:
    return f"/questions/{question.id}/{services.slugify(question.title)}"


def _post(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def _revisions(post_id: int) -> list[Revision]:
    return db.session.scalars(select(Revision).where(Revision.post_id == post_id).order_by(Revision.number)).all()


def _edit(client, post_id: int, body: str, **fields):
    return client.post(f"/posts/{post_id}/edit", data={"body": body, **fields})


def test_author_edits_their_question_and_every_revision_is_kept(client, member, make_question):
    question = make_question(member, title="How do I stop overthinking at night?", body=QUESTION_BODY)
    login(client, member)
    form = client.get(f"/posts/{question.id}/edit").get_data(as_text=True)
    assert "Second line will change." in form and 'value="depression, relationships"' in form

    new_body = QUESTION_BODY.replace("Second line will change.", "Second line was rewritten.")
    response = _edit(client, question.id, new_body, title="How do I stop overthinking late at night?",
                     tags="sleep, anxiety", comment="clearer title")
    assert response.status_code == 302

    edited = _post(question.id)
    assert edited.title == "How do I stop overthinking late at night?"
    assert edited.body_md == new_body and edited.revision_count == 2 and edited.edited_at is not None
    revisions = _revisions(question.id)
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].body_md == QUESTION_BODY and revisions[0].title == "How do I stop overthinking at night?"
    assert revisions[1].tags == "anxiety sleep" and revisions[1].comment == "clearer title"
    thread = client.get(_url(edited)).get_data(as_text=True)
    assert "Second line was rewritten." in thread and "History (2)" in thread
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_revisions_page_shows_added_and_removed_lines(client, member, make_question):
    question = queries.get_post(make_question(member, title="How do I stop overthinking at night?",
                                              body=QUESTION_BODY).id)
    services.edit_post(member, question, QUESTION_BODY.replace("Second line will change.", "Second line is new."),
                       question.title, "depression, relationships", "fixed a line")
    html = client.get(f"/posts/{question.id}/revisions").get_data(as_text=True)
    assert '<span class="diff-removed">- Second line will change.</span>' in html
    assert '<span class="diff-added">+ Second line is new.</span>' in html
    assert '<span class="diff-same">  First line stays the same.</span>' in html
    assert "Revision 2" in html and "Revision 1 (original)" in html
    assert "“fixed a line”" in html
    assert "By mina" in html


def test_author_edits_their_answer(client, member, other_member, make_question, make_answer):
    answer = make_answer(other_member, make_question(member), body="Original answer text that was posted.")
    login(client, other_member)
    assert _edit(client, answer.id, "Improved answer text after some thought.").status_code == 302
    assert _post(answer.id).body_md == "Improved answer text after some thought."
    html = client.get(f"/posts/{answer.id}/revisions").get_data(as_text=True)
    assert "- Original answer text that was posted." in html and "+ Improved answer text after some thought." in html


def test_author_edits_their_comment_with_a_short_text(client, member, other_member, make_question):
    comment = services.post_comment(other_member, make_question(member), "Thinking of you.")
    login(client, other_member)
    form = client.get(f"/posts/{comment.id}/edit")
    assert form.status_code == 200 and "Thinking of you." in form.get_data(as_text=True)
    response = _edit(client, comment.id, "With you, always.")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _post(comment.id).body_md == "With you, always."
    assert len(_revisions(comment.id)) == 2


def test_comment_edits_keep_the_comment_length_limit(client, member, other_member, make_question):
    comment = services.post_comment(other_member, make_question(member), "Thinking of you.")
    login(client, other_member)
    assert _edit(client, comment.id, "x" * 601).status_code == 400
    assert _post(comment.id).body_md == "Thinking of you."


def test_editing_only_the_body_shows_no_tag_change_in_the_history(client, member, make_question):
    question = make_question(member, body=QUESTION_BODY, tags="relationships, depression")
    login(client, member)
    response = _edit(client, question.id, QUESTION_BODY + "\nA fourth line.", title=question.title,
                     tags="depression, relationships")
    assert response.status_code == 302
    html = client.get(f"/posts/{question.id}/revisions").get_data(as_text=True)
    assert '<span class="diff-added">+ A fourth line.</span>' in html
    assert "diff-removed" not in html


def test_reordering_tags_alone_is_not_a_change(client, member, make_question):
    question = make_question(member, body=QUESTION_BODY, tags="depression, relationships")
    login(client, member)
    response = _edit(client, question.id, QUESTION_BODY, title=question.title, tags="relationships depression")
    assert response.status_code == 400
    assert len(_revisions(question.id)) == 1


def test_saving_without_changes_is_refused_with_a_message(client, member, other_member, make_question, make_answer):
    answer = make_answer(other_member, make_question(member), body="Original answer text that was posted.")
    login(client, other_member)
    response = _edit(client, answer.id, "Original answer text that was posted.")
    assert response.status_code == 400
    assert "Nothing changed" in response.get_data(as_text=True)
    assert len(_revisions(answer.id)) == 1


def test_other_members_cannot_edit_someone_elses_posts(client, member, other_member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(member, make_question(other_member))
    comment = services.post_comment(member, question, "My own comment here.")
    login(client, other_member)
    for post, data in ((question, {"title": question.title, "tags": "depression"}), (answer, {}), (comment, {})):
        assert client.get(f"/posts/{post.id}/edit").status_code == 403
        response = _edit(client, post.id, "Vandalised text that should never be saved.", **data)
        assert response.status_code == 403
        assert "Vandalised" not in _post(post.id).body_md
    html = client.get(_url(question)).get_data(as_text=True)
    assert f'/posts/{question.id}/edit"' not in html


def test_moderator_edits_any_post_and_the_edit_is_audited(client, member, moderator, make_question):
    question = make_question(member, body=QUESTION_BODY)
    login(client, moderator)
    response = _edit(client, question.id, "A moderator removed a phone number from here.",
                     title=question.title, tags="depression, relationships", comment="removed personal info")
    assert response.status_code == 302
    assert _post(question.id).body_md == "A moderator removed a phone number from here."
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == (
        "post.edit", moderator.id, "post", question.id)
    assert entry.details == {"revision": 2}
    assert _revisions(question.id)[-1].editor_id == moderator.id
    assert "By a moderator" in client.get(f"/posts/{question.id}/revisions").get_data(as_text=True)


def test_author_deletes_their_question_softly_and_the_thread_keeps_its_answers(
    client, member, other_member, make_question, make_answer
):
    question = make_question(member)
    make_answer(other_member, question, body="An answer that should stay readable.")
    login(client, member)
    response = client.post(f"/posts/{question.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == _url(question)

    row = _post(question.id)
    assert row is not None and row.deleted_at is not None
    assert row.body_md.startswith("Lately I have been feeling flat")
    html = client.get(_url(question)).get_data(as_text=True)
    assert "This question was deleted." in html
    assert "Lately I have been feeling flat" not in html
    assert "An answer that should stay readable." in html
    assert "no longer takes answers" in html
    assert "How do I talk to my partner" not in client.get("/").get_data(as_text=True)
    assert client.post(f"/posts/{question.id}/delete").status_code == 403


def test_author_deletes_their_answer_and_the_answer_count_drops(client, member, other_member, make_question,
                                                               make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question, body="An answer I later regretted writing.")
    make_answer(member, question, body="The asker's own follow-up answer.")
    assert _post(question.id).answer_count == 2
    login(client, other_member)
    client.post(f"/posts/{answer.id}/delete")
    assert _post(answer.id).deleted_at is not None
    assert _post(question.id).answer_count == 1
    html = client.get(_url(question)).get_data(as_text=True)
    assert "This answer was deleted." in html
    assert "An answer I later regretted writing." not in html
    assert "<strong>1</strong> answer<" in client.get("/").get_data(as_text=True)


def test_author_deletes_their_comment(client, member, other_member, make_question):
    question = make_question(member)
    comment = services.post_comment(other_member, question, "A comment I want to take back.")
    login(client, other_member)
    client.post(f"/posts/{comment.id}/delete")
    assert _post(comment.id).deleted_at is not None
    html = client.get(_url(question)).get_data(as_text=True)
    assert "Comment deleted." in html and "A comment I want to take back." not in html


def test_other_members_cannot_delete_and_moderator_deletion_is_audited(
    client, member, other_member, moderator, make_question, make_answer
):
    question = make_question(member)
    answer = make_answer(member, question)
    login(client, other_member)
    assert client.post(f"/posts/{answer.id}/delete").status_code == 403
    assert _post(answer.id).deleted_at is None
    client.post("/logout")
    login(client, moderator)
    assert client.post(f"/posts/{answer.id}/delete").status_code == 302
    assert _post(answer.id).deleted_at is not None
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_id) == ("post.delete", moderator.id, answer.id)


def test_deleted_posts_cannot_be_edited_and_their_history_is_for_staff(
    client, member, moderator, make_question
):
    question = make_question(member)
    services.delete_post(member, question)
    login(client, member)
    assert client.get(f"/posts/{question.id}/edit").status_code == 403
    assert client.get(f"/posts/{question.id}/revisions").status_code == 404
    client.post("/logout")
    login(client, moderator)
    assert client.get(f"/posts/{question.id}/revisions").status_code == 200
