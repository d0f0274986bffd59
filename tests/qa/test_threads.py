"""Thread pages: canonical address, answer order and its toggle, comments, practitioner answers, posting answers."""

import re
from datetime import timedelta

from sqlalchemy import select

from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.qa import services
from forum.qa.models import Post, PostKind, PostStatus
from tests.conftest import login


def _url(question) -> str:
    return f"/questions/{question.id}/{services.slugify(question.title)}"


def _answer_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="post post-answer[^"]*" id="post-(\d+)"', html)]


def _article(html: str, post_id: int) -> str:
    start = html.index(f'id="post-{post_id}"')
    return html[start:html.index("</article>", start)]


def test_thread_lives_at_id_and_slug_and_other_slugs_redirect_there(client, member, make_question):
    question = make_question(member, title="Why do I feel worse after therapy?")
    assert _url(question) == f"/questions/{question.id}/why-do-i-feel-worse-after-therapy"
    page = client.get(_url(question))
    assert page.status_code == 200
    assert '<h1 class="thread-title">Why do I feel worse after therapy?</h1>' in page.get_data(as_text=True)
    for wrong in (f"/questions/{question.id}/old-title", f"/questions/{question.id}"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response.headers["Location"] == _url(question)


def test_unknown_question_and_answer_ids_as_questions_are_404(client, member, make_question, make_answer):
    answer = make_answer(member, make_question(member))
    assert client.get("/questions/9999/anything").status_code == 404
    assert client.get(f"/questions/{answer.id}/anything").status_code == 404


def test_post_link_redirects_to_the_anchor_in_its_thread(client, member, other_member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question)
    comment = services.post_comment(member, answer, "Thank you, that helps.")
    assert client.get(f"/posts/{question.id}").headers["Location"] == _url(question)
    assert client.get(f"/posts/{answer.id}").headers["Location"] == f"{_url(question)}#post-{answer.id}"
    assert client.get(f"/posts/{comment.id}").headers["Location"] == f"{_url(question)}#post-{comment.id}"


def test_answers_come_accepted_first_then_by_votes_then_oldest_first(client, make_user, make_question):
    asker = make_user(Role.MEMBER, "asker_ash")
    writers = [make_user(Role.MEMBER) for _ in range(4)]
    voters = [make_user(Role.MEMBER) for _ in range(2)]
    question = make_question(asker)
    now = utcnow()
    answers = []
    for i, writer in enumerate(writers):
        answer = services.post_answer(writer, question, f"Answer {i} with a few kind and useful words.")
        answer.created_at = now - timedelta(hours=10 - i)
        answers.append(answer)
    db.session.commit()
    oldest, accepted, voted_old, voted_new = answers
    for voter in voters:
        services.vote(voter, voted_old, 1)
        services.vote(voter, voted_new, 1)
    services.vote(voters[0], accepted, -1)
    services.accept_answer(asker, accepted)

    html = client.get(_url(question)).get_data(as_text=True)
    assert _answer_ids(html) == [accepted.id, voted_old.id, voted_new.id, oldest.id]
    assert "✓ Accepted" in _article(html, accepted.id)
    assert "4 answers" in html

    newest = client.get(_url(question) + "?answers=newest").get_data(as_text=True)
    assert _answer_ids(newest) == [voted_new.id, voted_old.id, accepted.id, oldest.id]
    assert 'href="?answers=newest#answers-heading" aria-current="true"' in newest


def test_comments_appear_under_the_post_they_belong_to_oldest_first(client, member, other_member, make_question,
                                                                     make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question)
    services.post_comment(other_member, question, "Have you tried writing it down first?")
    services.post_comment(other_member, answer, "Second comment on the answer.")
    first = services.post_comment(member, answer, "First comment on the answer.")
    first.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    html = client.get(_url(question)).get_data(as_text=True)
    question_part = _article(html, question.id)
    answer_part = _article(html, answer.id)
    assert "Have you tried writing it down first?" in question_part
    assert "First comment on the answer." not in question_part
    assert answer_part.index("First comment on the answer.") < answer_part.index("Second comment on the answer.")
    assert "Sign in to comment" in answer_part


def test_practitioner_answers_carry_the_badge_and_the_general_information_note(
    client, member, other_member, practitioner, make_question, make_answer
):
    question = make_question(member)
    professional = make_answer(practitioner, question, body="In my practice I often suggest a short check-in.")
    peer = make_answer(other_member, question, body="I found it easier to write a letter first.")
    html = client.get(_url(question)).get_data(as_text=True)
    pro_part = _article(html, professional.id)
    assert 'badge-practitioner">Practitioner<' in pro_part
    assert "general information, not therapy" in pro_part
    peer_part = _article(html, peer.id)
    assert "Practitioner" not in peer_part
    assert "general information" not in peer_part


def test_member_posts_an_answer_and_the_thread_counts_it(login_as, member, other_member, make_question):
    question = make_question(member)
    client = login_as(other_member)
    response = client.post(f"/questions/{question.id}/answers",
                           data={"body": "Try naming one small feeling at a time."})
    answer = db.session.scalar(select(Post).where(Post.kind == PostKind.ANSWER))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{_url(question)}#post-{answer.id}"
    db.session.refresh(question)
    assert question.answer_count == 1 and answer.question_id == question.id
    html = client.get(_url(question)).get_data(as_text=True)
    assert "Try naming one small feeling at a time." in _article(html, answer.id)
    assert "1 answer<" in html


def test_too_short_answer_is_refused_and_the_text_kept_in_the_form(login_as, member, other_member, make_question):
    question = make_question(member)
    client = login_as(other_member)
    response = client.post(f"/questions/{question.id}/answers", data={"body": "Too short."})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Too short." in html and "between 20 and 30000" in html
    assert db.session.scalar(select(Post).where(Post.kind == PostKind.ANSWER)) is None


def test_member_comments_on_an_answer(login_as, member, other_member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question)
    client = login_as(member)
    response = client.post(f"/posts/{answer.id}/comments", data={"body": "Thank you, I will try that."})
    comment = db.session.scalar(select(Post).where(Post.kind == PostKind.COMMENT))
    assert response.headers["Location"] == f"{_url(question)}#post-{comment.id}"
    assert comment.parent_id == answer.id and comment.question_id == question.id
    assert "Thank you, I will try that." in _article(client.get(_url(question)).get_data(as_text=True), answer.id)


def test_comments_cannot_be_nested(login_as, member, other_member, make_question):
    question = make_question(member)
    comment = services.post_comment(other_member, question, "A comment on the question.")
    client = login_as(member)
    response = client.post(f"/posts/{comment.id}/comments", data={"body": "A reply to a comment."})
    assert response.status_code == 400
    assert "Comments go under a question or an answer." in response.get_data(as_text=True)


def test_held_question_is_hidden_from_others_and_shown_to_its_author_with_a_notice(
    client, member, other_member, moderator, make_question
):
    question = make_question(member)
    question.status = PostStatus.HELD
    db.session.commit()
    assert client.get(_url(question)).status_code == 404
    login(client, other_member)
    assert client.get(_url(question)).status_code == 404
    client.post("/logout")
    login(client, member)
    page = client.get(_url(question))
    assert page.status_code == 200
    assert "is waiting for a moderator" in page.get_data(as_text=True)
    client.post("/logout")
    login(client, moderator)
    assert client.get(_url(question)).status_code == 200


def test_held_answer_is_hidden_from_readers(client, member, other_member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question, body="An answer that a moderator is still reviewing.")
    answer.status = PostStatus.HELD
    db.session.commit()
    html = client.get(_url(question)).get_data(as_text=True)
    assert "still reviewing" not in html
    assert _answer_ids(html) == []
