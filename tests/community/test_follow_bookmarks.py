"""Following and unfollowing questions and bookmarking posts through the thread's buttons, and the
bookmarks and following pages: private, CSRF-protected, showing only what the member may still see."""

import re

from sqlalchemy import select

from forum.auth.models import Role
from forum.community.models import Bookmark, Follow
from forum.extensions import db
from forum.qa import services
from forum.qa.models import Post, PostStatus
from tests.community.helpers import client_for, page
from tests.conftest import count_queries, csrf_token_from


def _thread_url(client, question) -> str:
    return client.get(f"/questions/{question.id}").headers["Location"]


def _follows(user) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Follow.question_id).where(Follow.user_id == user.id)))


def _bookmarks(user) -> list[int]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Bookmark.post_id).where(Bookmark.user_id == user.id)))


def _listed(page_html: str, css_class: str) -> list[str]:
    block = re.search(rf'<ul class="activity {css_class}">(.*?)</ul>', page_html, re.S)
    if block is None:
        return []
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', block.group(1))


def test_the_asker_sees_unfollow_other_members_see_follow_and_guests_neither(
    app, client, member, other_member, make_question
):
    question = make_question(member)
    url = _thread_url(client, question)
    assert f'action="/questions/{question.id}/unfollow"' in page(client_for(app, member), url)
    other = page(client_for(app, other_member), url)
    assert f'action="/questions/{question.id}/follow"' in other and "/unfollow" not in other
    guest = page(client, url)
    assert "/follow" not in guest and "/bookmark" not in guest


def test_following_and_unfollowing_with_the_thread_buttons(client, member, other_member, make_question, login_as):
    question = make_question(member)
    login_as(other_member)
    url = _thread_url(client, question)
    for _ in range(2):  # following twice keeps one follow
        response = client.post(f"/questions/{question.id}/follow")
        assert response.status_code == 302 and response.headers["Location"] == f"/posts/{question.id}"
    assert _follows(other_member) == [question.id]
    assert f'action="/questions/{question.id}/unfollow"' in page(client, url)
    assert client.post(f"/questions/{question.id}/unfollow").status_code == 302
    assert _follows(other_member) == []
    assert f'action="/questions/{question.id}/follow"' in page(client, url)


def test_follow_and_bookmark_buttons_need_the_forms_csrf_token(
    app, client, member, other_member, make_question, make_answer, login_as
):
    question = make_question(member)
    answer = make_answer(member, question)
    login_as(other_member)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/questions/{question.id}/follow").status_code == 400
    assert client.post(f"/posts/{answer.id}/bookmark").status_code == 400
    assert _follows(other_member) == [] and _bookmarks(other_member) == []

    token = csrf_token_from(page(client, _thread_url(client, question)))
    assert client.post(f"/questions/{question.id}/follow", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/posts/{answer.id}/bookmark", data={"csrf_token": token}).status_code == 302
    assert _follows(other_member) == [question.id] and _bookmarks(other_member) == [answer.id]


def test_a_held_question_cannot_be_followed_or_bookmarked_by_other_members(
    client, member, other_member, make_question, login_as
):
    question = make_question(member)
    question.status = PostStatus.HELD
    db.session.commit()
    login_as(other_member)
    assert client.post(f"/questions/{question.id}/follow").status_code == 404
    assert client.post(f"/posts/{question.id}/bookmark").status_code == 404
    assert _follows(other_member) == [] and _bookmarks(other_member) == []


def test_answers_and_comments_cannot_be_followed_and_comments_cannot_be_bookmarked(
    client, member, other_member, make_question, make_answer, login_as
):
    question = make_question(member)
    answer = make_answer(member, question)
    comment = services.post_comment(member, answer, "Adding one more thought here.")
    login_as(other_member)
    assert client.post(f"/questions/{answer.id}/follow").status_code == 404
    assert client.post(f"/posts/{comment.id}/bookmark").status_code == 400
    assert _follows(other_member) == [] and _bookmarks(other_member) == []


def test_a_bookmark_toggles_from_the_thread_and_shows_on_the_bookmarks_page(
    client, member, other_member, make_question, make_answer, login_as
):
    question = make_question(member, title="How do I start therapy again?")
    answer = make_answer(member, question)
    login_as(other_member)
    url = _thread_url(client, question)
    assert client.post(f"/posts/{question.id}/bookmark").status_code == 302
    assert client.post(f"/posts/{answer.id}/bookmark").status_code == 302
    assert _bookmarks(other_member) == [question.id, answer.id]
    thread = page(client, url)
    assert thread.count(">Remove bookmark</button>") == 2
    assert _listed(page(client, "/bookmarks"), "bookmark-list") == [
        "Answer to: How do I start therapy again?",
        "How do I start therapy again?",
    ]

    response = client.post(f"/posts/{answer.id}/bookmark", data={"next": "/bookmarks"})
    assert response.status_code == 302 and response.headers["Location"] == "/bookmarks"
    assert _bookmarks(other_member) == [question.id]
    assert _listed(page(client, "/bookmarks"), "bookmark-list") == ["How do I start therapy again?"]
    assert page(client, url).count(">Remove bookmark</button>") == 1


def test_the_bookmark_button_never_redirects_off_the_site(client, member, other_member, make_question, login_as):
    question = make_question(member)
    login_as(other_member)
    response = client.post(f"/posts/{question.id}/bookmark", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == f"/posts/{question.id}"


def test_the_bookmarks_page_lists_only_posts_the_member_may_still_see(
    client, member, other_member, make_question, make_answer, login_as
):
    kept = make_question(member, title="A question that stays up")
    deleted = make_question(member, title="A question its author deleted")
    held = make_question(member, title="A question a moderator is looking at")
    hidden_thread = make_question(member, title="A thread that was hidden")
    answer_in_hidden_thread = make_answer(member, hidden_thread)
    login_as(other_member)
    for post in (kept, deleted, held, answer_in_hidden_thread):
        assert client.post(f"/posts/{post.id}/bookmark").status_code == 302
    services.delete_post(member, db.session.get(Post, deleted.id))
    for post_id in (held.id, hidden_thread.id):
        db.session.get(Post, post_id).status = PostStatus.HELD
    db.session.commit()
    listed = page(client, "/bookmarks")
    assert _listed(listed, "bookmark-list") == ["A question that stays up"]
    assert "deleted" not in listed and "moderator is looking" not in listed


def test_bookmarks_are_private_to_their_owner(app, client, member, other_member, make_question, login_as):
    question = make_question(member, title="Something only otto saved")
    login_as(other_member)
    client.post(f"/posts/{question.id}/bookmark")
    assert "Something only otto saved" not in page(client_for(app, member), "/bookmarks")
    guest = app.test_client().get("/bookmarks")
    assert guest.status_code == 302 and guest.headers["Location"].startswith("/login?next=")


def test_the_following_page_lists_followed_questions_and_unfollows_from_there(
    client, member, other_member, make_question, login_as
):
    mine = make_question(other_member, title="My own question")
    theirs = make_question(member, title="A question I follow")
    quiet = make_question(member, title="A question I never followed")
    login_as(other_member)
    client.post(f"/questions/{theirs.id}/follow")
    assert sorted(_listed(page(client, "/following"), "following-list")) == ["A question I follow", "My own question"]
    response = client.post(f"/questions/{mine.id}/unfollow", data={"next": "/following"})
    assert response.headers["Location"] == "/following"
    assert _listed(page(client, "/following"), "following-list") == ["A question I follow"]
    assert quiet.title not in page(client, "/following")


def _queries_for(client, url: str) -> int:
    db.session.expunge_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_bookmarks_and_following_pages_cost_the_same_queries_for_5_or_25_followed_and_bookmarked_threads(
    client, member, make_user, make_question, make_answer, login_as
):
    reader = make_user(Role.MEMBER, "reader")
    reader_id, asker_id = reader.id, member.id
    login_as(reader)
    counts = []
    for n in (5, 20):
        asker = db.session.get(type(member), asker_id)
        for i in range(n):
            question = make_question(asker, title=f"Question number {i} about sleep", anonymous=i % 3 == 0)
            answer = make_answer(make_user(Role.MEMBER), question)
            for post in (question, answer):
                db.session.add(Bookmark(user_id=reader_id, post_id=post.id))
            db.session.add(Follow(user_id=reader_id, question_id=question.id))
        db.session.commit()
        counts.append((_queries_for(client, "/bookmarks"), _queries_for(client, "/following")))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 5 and counts[0][1] <= 5
