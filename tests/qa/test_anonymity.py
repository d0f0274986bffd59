"""Anonymous posts: no page shows their author to guests or members; staff may look, and every look is audited."""

import re

import pytest
from sqlalchemy import select

from forum.audit import AuditEntry
from forum.auth.models import Role
from forum.extensions import db
from forum.qa import queries, services
from forum.qa.models import PostStatus
from tests.conftest import login

SECRET = "zq_hidden_author"


def _url(question) -> str:
    return f"/questions/{question.id}/{services.slugify(question.title)}"


@pytest.fixture
def world(make_user, make_question, make_answer):
    """A member who posts anonymously (and once signed) in several places, and some other people."""
    author = make_user(Role.MEMBER, SECRET)
    asker = make_user(Role.MEMBER, "open_olga")
    reader = make_user(Role.MEMBER, "reader_ray")
    question = make_question(author, title="Is it wrong to miss my ex every day?", tags="grief, relationships",
                             body="Every day I think about him and I feel ashamed of it.", anonymous=True)
    services.edit_post(author, queries.get_post(question.id), "Every day I think about him. I feel ashamed.",
                       question.title, "grief, relationships", "shorter")
    make_answer(reader, question, body="Missing someone is not wrong; it means they mattered.")
    own_comment = services.post_comment(author, question, "Thank you, this means a lot to me.")
    other_question = make_question(asker, title="How do I support a grieving friend?", tags="grief")
    answer = make_answer(author, other_question, body="Be there, and say their name out loud sometimes.",
                         anonymous=True)
    services.edit_post(author, queries.get_post(answer.id), "Be there. Say their name out loud sometimes.")
    held = make_question(author, title="An anonymous question still being reviewed", anonymous=True)
    held.status = PostStatus.HELD
    db.session.commit()
    return {
        "author": author,
        "reader": reader,
        "question": question,
        "comment": own_comment,
        "other_question": other_question,
        "answer": answer,
        "held": held,
    }


def _public_pages(world) -> list[str]:
    q, other, answer = world["question"], world["other_question"], world["answer"]
    return [
        _url(q),
        _url(q) + "?answers=newest",
        _url(other),
        "/",
        "/?sort=newest",
        "/?sort=unanswered",
        "/?sort=top",
        "/tags/grief",
        "/tags/relationships",
        "/tags",
        f"/posts/{q.id}/revisions",
        f"/posts/{answer.id}/revisions",
        f"/posts/{world['comment'].id}/revisions",
    ]


def _refusal_pages(world) -> list[tuple[str, int]]:
    q, held = world["question"], world["held"]
    return [
        (_url(held), 404),
        (f"/posts/{held.id}", 404),
        (f"/posts/{held.id}/revisions", 404),
        ("/questions/9999/nothing-here", 404),
        (f"/posts/{q.id}/edit", 403),
        (f"/posts/{world['answer'].id}/edit", 403),
        (f"/posts/{q.id}/author", 403),
    ]


def _assert_no_trace(html: str, where: str) -> None:
    assert SECRET not in html.lower(), f"the anonymous author's name appears on {where}"


@pytest.mark.parametrize("viewer", ["guest", "member"])
def test_no_page_shows_the_anonymous_authors_name_to_guests_or_members(client, world, viewer):
    if viewer == "member":
        login(client, world["reader"])
    for url in _public_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_trace(response.get_data(as_text=True), url)
    for url, status in _refusal_pages(world):
        response = client.get(url)
        expected = 302 if viewer == "guest" and status == 403 else status
        assert response.status_code == expected, url
        _assert_no_trace(response.get_data(as_text=True), url)


def test_anonymous_posts_read_as_anonymous_member_without_profile_link_or_reputation(client, world):
    html = client.get(_url(world["question"])).get_data(as_text=True)
    question_part = html[html.index(f'id="post-{world["question"].id}"'):]
    assert '<span class="author anonymous">Anonymous member</span>' in question_part
    assert 'title="reputation"' not in question_part.split('class="byline"', 1)[1].split("</span>\n", 1)[0]
    assert "(you)" not in html
    assert "who wrote this?" not in html
    assert "Anonymous member" in client.get("/").get_data(as_text=True)


def test_asker_comment_in_their_own_anonymous_thread_stays_anonymous(client, world):
    html = client.get(_url(world["question"])).get_data(as_text=True)
    comment_part = html[html.index(f'id="post-{world["comment"].id}"'):]
    comment_part = comment_part[: comment_part.index("</li>")]
    assert "Thank you, this means a lot to me." in comment_part
    assert "Anonymous member" in comment_part
    db.session.expire_all()
    assert world["comment"].anonymous is True


def test_members_comments_elsewhere_stay_signed(world, make_user, make_question):
    open_question = make_question(make_user(Role.MEMBER))
    comment = services.post_comment(world["author"], open_question, "A signed comment somewhere else.")
    assert comment.anonymous is False


def test_the_author_sees_you_beside_their_anonymous_posts(client, world):
    login(client, world["author"])
    html = client.get(_url(world["question"])).get_data(as_text=True)
    assert re.search(r'Anonymous member</span>\s*<span class="you">\(you\)</span>', html)
    other = client.get(_url(world["other_question"])).get_data(as_text=True)
    assert "(you)" in other
    assert "who wrote this?" not in html


def test_the_authors_public_profile_never_lists_their_anonymous_posts(client, world, make_question):
    make_question(world["author"], title="A signed question about sleeping badly", tags="sleep")
    for viewer in (None, world["reader"], world["author"]):
        if viewer is not None:
            login(client, viewer)
        html = client.get(f"/users/{SECRET}").get_data(as_text=True)
        assert "A signed question about sleeping badly" in html
        for title in ("Is it wrong to miss my ex", "How do I support a grieving friend?", "still being reviewed"):
            assert title not in html
        for post in ("question", "answer", "comment", "held"):
            assert f'href="/posts/{world[post].id}"' not in html
        client.post("/logout")


def test_revisions_of_an_anonymous_post_say_by_the_author(client, world):
    html = client.get(f"/posts/{world['question'].id}/revisions").get_data(as_text=True)
    assert "By the author" in html
    assert "+ Every day I think about him. I feel ashamed." in html


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_staff_see_who_wrote_this_and_each_look_is_audited(client, world, make_user, role):
    staff = make_user(role)
    login(client, staff)
    html = client.get(_url(world["question"])).get_data(as_text=True)
    reveal = f'href="/posts/{world["question"].id}/author">who wrote this? (logged)</a>'
    assert reveal in html
    _assert_no_trace(html, "the thread as seen by staff before revealing")

    page = client.get(f"/posts/{world['question'].id}/author")
    assert page.status_code == 200
    assert f'<a href="/users/{SECRET}">{SECRET}</a>' in page.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == (
        "identity.view", staff.id, "post", world["question"].id)
    assert entry.details == {"author_id": world["author"].id}

    client.get(f"/posts/{world['answer'].id}/author")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.target_id for e in entries] == [world["question"].id, world["answer"].id]


def test_members_and_guests_cannot_reveal_an_author_and_nothing_is_logged(client, world):
    assert client.get(f"/posts/{world['question'].id}/author").headers["Location"].startswith("/login")
    for user in (world["reader"], world["author"]):
        login(client, user)
        response = client.get(f"/posts/{world['question'].id}/author")
        assert response.status_code == 403
        client.post("/logout")
    assert db.session.scalar(select(AuditEntry)) is None


def test_moderators_see_a_held_anonymous_post_without_its_author_until_they_ask(client, world, moderator):
    login(client, moderator)
    response = client.get(_url(world["held"]))
    assert response.status_code == 200
    _assert_no_trace(response.get_data(as_text=True), "a held anonymous question seen by a moderator")


def test_the_author_lists_their_anonymous_posts_at_me_anonymous(client, world):
    login(client, world["author"])
    html = client.get("/me/anonymous").get_data(as_text=True)
    assert "Is it wrong to miss my ex every day?" in html
    assert f'href="/posts/{world["answer"].id}">How do I support a grieving friend?</a>' in html
    assert f'href="/posts/{world["held"].id}"' in html and '<span class="badge">held</span>' in html
    assert sorted(re.findall(r'<span class="kind">(\w+)</span>', html)) == ["Answer", "Comment", "Question", "Question"]


def test_nobody_else_sees_the_authors_anonymous_list(client, world, moderator):
    assert client.get("/me/anonymous").headers["Location"].startswith("/login")
    for user in (world["reader"], moderator):
        login(client, user)
        html = client.get("/me/anonymous").get_data(as_text=True)
        assert "You haven't posted anonymously." in html
        assert "Is it wrong to miss my ex" not in html
        client.post("/logout")


def test_posting_anonymously_through_the_forms(client, member, other_member):
    login(client, member)
    client.post("/questions/ask", data={"title": "A question I would rather not sign", "tags": "therapy",
                                        "body": "Something I have never told anyone before.", "anonymous": "y"})
    question = db.session.scalar(select(queries.Post).where(queries.Post.kind == "question"))
    assert question.anonymous is True
    client.post("/logout")
    login(client, other_member)
    client.post(f"/questions/{question.id}/answers",
                data={"body": "An anonymous answer from someone who has been there.", "anonymous": "y"})
    client.post("/logout")
    html = client.get(_url(question)).get_data(as_text=True)
    assert html.count('<span class="author anonymous">Anonymous member</span>') == 2
    assert "mina" not in html.replace("minute", "") and "otto" not in html


def test_an_anonymous_practitioner_answer_carries_no_badge_or_note(client, member, practitioner, make_question,
                                                                    make_answer):
    question = make_question(member)
    answer = make_answer(practitioner, question, body="Speaking from my own practice, this is common.",
                         anonymous=True)
    html = client.get(_url(question)).get_data(as_text=True)
    part = html[html.index(f'id="post-{answer.id}"'):]
    part = part[: part.index("</article>")]
    assert "Anonymous member" in part
    assert "badge-practitioner" not in part and "general information, not therapy" not in part
    assert "dr_pia" not in html
