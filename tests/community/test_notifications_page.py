"""The notifications page with community notices: each names its thread and links to the post while the
member may see it, the header counts them, and the page costs the same queries for 5 or 50 notices."""

import re

from sqlalchemy import func, select

from forum.auth.models import Role, User
from forum.extensions import db
from forum.moderation.services import decide
from forum.notifications.models import Notification
from forum.qa import services
from forum.qa.models import Post
from tests.community.helpers import notice_texts, open_item, page
from tests.conftest import count_queries

TITLE = "How do I talk to my partner about feeling low?"


def _open_links(page_html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">open</a>', page_html)


def _about(page_html: str) -> list[str]:
    return re.findall(r'<div class="notice-about">(.*?)</div>', page_html, re.S)


def test_each_notice_names_its_thread_and_its_link_leads_to_the_post(
    client, member, other_member, practitioner, make_question, make_answer, login_as
):
    question = make_question(member, title=TITLE)
    answer = make_answer(practitioner, question)
    comment = services.post_comment(other_member, question, "Sending you good thoughts, @mina.")
    login_as(member)
    assert re.search(r'aria-label="2 unread"', page(client, "/"))
    seen = page(client, "/notifications")
    assert notice_texts(seen) == ["otto commented on your question.", "dr_pia answered your question."]
    assert [t.replace("&#39;", "'") for t in _about(seen)] == [TITLE, TITLE]
    links = _open_links(seen)
    assert links == [f"/posts/{comment.id}", f"/posts/{answer.id}"]
    for link, post_id in zip(links, (comment.id, answer.id), strict=True):
        response = client.get(link)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"#post-{post_id}")
        thread = page(client, response.headers["Location"].split("#")[0])
        assert f'id="post-{post_id}"' in thread


def test_a_notice_about_a_post_that_is_no_longer_visible_keeps_no_link_and_no_title(
    app, client, member, practitioner, moderator, make_question, make_answer, login_as
):
    from forum.moderation.models import FlagReason
    from forum.moderation.services import flag_post

    question = make_question(member, title=TITLE)
    answer = make_answer(practitioner, question)
    app.config["FLAGS_TO_HIDE"] = 1
    flag_post(moderator, db.session.get(Post, answer.id), FlagReason.SPAM)
    decide(moderator, open_item(answer), "reject", reason="Not an answer to the question.")
    other = make_question(member, title="A question its author deleted later")
    make_answer(practitioner, other)
    services.delete_post(member, db.session.get(Post, other.id))

    login_as(member)
    seen = page(client, "/notifications")
    assert notice_texts(seen) == ["dr_pia answered your question.", "dr_pia answered your question."]
    assert _open_links(seen) == []
    assert seen.count("no longer available") == 2
    assert "A question its author deleted later" not in seen
    assert _about(seen) == [TITLE]  # the first thread is still up; only its answer was taken down


def _queries_for(client) -> int:
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get("/notifications")
    assert response.status_code == 200
    return len(statements)


def test_the_notifications_page_costs_the_same_queries_with_5_or_50_notices(
    client, make_user, make_question, make_answer, login_as
):
    asker = make_user(Role.MEMBER, "asker")
    helper = make_user(Role.MEMBER, "helper")
    ids = asker.id, helper.id
    login_as(asker)

    def add_notices(count: int):
        """One notice each for the asker: an answer, a comment or a mention, some of them anonymous."""
        for i in range(count):
            owner, other = (db.session.get(User, i) for i in ids)
            if i % 3 == 0:
                make_answer(other, make_question(owner, anonymous=i % 2 == 0), anonymous=i % 4 == 0)
            elif i % 3 == 1:
                services.post_comment(other, make_question(owner), "Thinking of you this week.")
            else:
                make_answer(other, make_question(other), body=f"Maybe @{owner.username} knows more about this.")

    add_notices(5)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5
    five = _queries_for(client)
    add_notices(45)
    assert db.session.scalar(select(func.count()).where(Notification.user_id == ids[0])) == 50
    fifty = _queries_for(client)
    assert fifty == five
    assert five <= 6
