"""Content notes: authors add them when asking, answering and editing; moderators' notes stay put;
members choose topics that are always collapsed for them (by tag, safety category or note), others don't."""

import re

import pytest
from sqlalchemy import select

from forum.audit import AuditEntry
from forum.auth.models import Role, User
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import FlagReason, ReviewItem
from forum.qa import queries, services
from forum.qa.models import Post
from forum.qa.services import slugify
from tests.conftest import count_queries, login

BODY = "Some days the urge to hurt myself comes back and I do not know who to tell about it."
QUESTION = {"title": "How do I tell my therapist about a relapse?", "body": BODY, "tags": "therapy"}


def _post(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def _loaded(post_id: int) -> Post:
    """The post as a view loads it (with its tags), fresh from the database."""
    db.session.expire_all()
    return queries.get_post(post_id)


def _url(question: Post) -> str:
    return f"/questions/{question.id}/{slugify(question.title)}"


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _collapsed(html: str, post_id: int) -> str | None:
    """The summary text of the post's collapsed <details>, or None when the post is shown open."""
    article = html.split(f'id="post-{post_id}"', 1)[1].split("</article>", 1)[0]
    match = re.search(r'<details class="content-note">\s*<summary>(.*?)</summary>', article, re.S)
    return match.group(1) if match else None


def _body_inside_details(html: str, post_id: int, text: str) -> bool:
    article = html.split(f'id="post-{post_id}"', 1)[1].split("</article>", 1)[0]
    details = article.split('<details class="content-note">', 1)
    return len(details) == 2 and text in details[1].split("</details>", 1)[0]


def _set_topics(user: User, *topics: str) -> None:
    db.session.get(User, user.id).collapsed_topics = list(topics)
    db.session.commit()


# Authors add notes ---------------------------------------------------------------------------------------------


def test_author_adds_a_note_when_asking_and_readers_see_the_question_collapsed(client, member, other_member):
    login(client, member)
    response = client.post("/questions/ask", data=QUESTION | {"content_note": "  mentions self-harm  "})
    assert response.status_code == 302
    question = db.session.scalar(select(Post))
    assert question.content_note == "mentions self-harm"

    client.post("/logout")
    login(client, other_member)
    html = _html(client, _url(question))
    assert _collapsed(html, question.id) == "Content note: mentions self-harm — show the question"
    assert _body_inside_details(html, question.id, "I do not know who to tell")
    listing = _html(client, "/")
    assert "Content note: mentions self-harm" in listing
    assert "I do not know who to tell" not in listing


def test_a_question_without_a_note_is_shown_open(client, member, other_member):
    login(client, member)
    client.post("/questions/ask", data=QUESTION)
    question = db.session.scalar(select(Post))
    assert question.content_note is None
    html = _html(client, _url(question))
    assert _collapsed(html, question.id) is None
    assert "I do not know who to tell" in html


def test_author_adds_a_note_to_an_answer(client, member, other_member, make_question):
    question = make_question(member)
    login(client, other_member)
    response = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "When my brother died I found a grief group that met on Tuesdays.", "content_note": "grief"},
    )
    assert response.status_code == 302
    answer = db.session.scalar(select(Post).where(Post.question_id == question.id))
    assert answer.content_note == "grief"
    html = _html(client, _url(question))
    assert _collapsed(html, answer.id) == "Content note: grief — show the answer"
    assert _body_inside_details(html, answer.id, "a grief group that met on Tuesdays")
    assert _collapsed(html, question.id) is None


def test_author_adds_changes_and_removes_a_note_by_editing_without_a_new_revision(client, member, make_question):
    question = make_question(member)
    login(client, member)
    form = {"title": question.title, "body": question.body_md, "tags": "depression, relationships"}

    assert (
        client.post(f"/posts/{question.id}/edit", data=form | {"content_note": "mentions suicide"}).status_code == 302
    )
    assert _post(question.id).content_note == "mentions suicide"
    assert 'value="mentions suicide"' in _html(client, f"/posts/{question.id}/edit")

    assert client.post(f"/posts/{question.id}/edit", data=form | {"content_note": ""}).status_code == 302
    row = _post(question.id)
    assert row.content_note is None and row.revision_count == 1
    assert _collapsed(_html(client, _url(question)), question.id) is None


def test_a_note_can_be_added_with_a_text_edit_in_one_save(client, member, make_question):
    question = make_question(member)
    answer = services.post_answer(member, question, "My own follow-up with what happened after the talk.")
    login(client, member)
    response = client.post(
        f"/posts/{answer.id}/edit",
        data={
            "body": "My own follow-up, with what happened after the talk last week.",
            "content_note": "mentions abuse",
        },
    )
    assert response.status_code == 302
    row = _post(answer.id)
    assert row.content_note == "mentions abuse" and row.revision_count == 2


def test_a_note_longer_than_120_characters_is_refused_and_nothing_is_stored(client, member):
    login(client, member)
    response = client.post("/questions/ask", data=QUESTION | {"content_note": "x" * 121})
    assert response.status_code == 400
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(Post)) is None


def test_a_note_is_shown_as_text_never_as_markup(client, member, other_member):
    login(client, member)
    client.post("/questions/ask", data=QUESTION | {"content_note": "<b onclick=x()>mentions</b> self-harm"})
    question = db.session.scalar(select(Post))
    html = _html(client, _url(question))
    assert "&lt;b onclick=x()&gt;mentions&lt;/b&gt; self-harm" in html
    assert "<b onclick" not in html


def test_a_comment_a_moderator_approved_with_a_note_is_collapsed(
    client, member, other_member, moderator, make_question
):
    question = make_question(member)
    comment = services.post_comment(other_member, question, "I went through the same thing after the accident.")
    moderation.flag_post(member, comment, FlagReason.OTHER, "Upsetting details")
    item = db.session.scalar(select(ReviewItem))
    moderation.decide(moderator, item, "approve_with_note", note="mentions an accident")
    html = _html(client, _url(question))
    comment_html = html.split(f'id="post-{comment.id}"', 1)[1].split("</li>", 1)[0]
    assert "<summary>Content note: mentions an accident — show the comment</summary>" in comment_html


# A moderator's note ------------------------------------------------------------------------------------------


@pytest.fixture
def noted_by_moderator(member, other_member, moderator, make_question):
    question = make_question(member)
    moderation.flag_post(other_member, question, FlagReason.OTHER, "Graphic description")
    item = db.session.scalar(select(ReviewItem))
    moderation.decide(moderator, item, "approve_with_note", note="describes an overdose")
    return question


def test_the_author_sees_but_cannot_change_a_note_a_moderator_added(client, member, noted_by_moderator):
    question = noted_by_moderator
    login(client, member)
    page = _html(client, f"/posts/{question.id}/edit")
    assert "“describes an overdose”. A moderator added it; only a moderator can change it." in page
    assert 'name="content_note"' not in page

    form = {"title": question.title, "body": question.body_md + " Edited.", "tags": "depression, relationships"}
    assert client.post(f"/posts/{question.id}/edit", data=form | {"content_note": ""}).status_code == 302
    assert _post(question.id).content_note == "describes an overdose"
    with pytest.raises(services.DomainError, match="only a moderator can change it"):
        services.edit_post(
            member, _loaded(question.id), question.body_md, question.title, "depression", content_note=""
        )


def test_a_moderator_changes_a_note_through_the_edit_form_and_it_is_audited(client, member, moderator, make_question):
    question = make_question(member)
    login(client, moderator)
    form = {
        "title": question.title,
        "body": question.body_md,
        "tags": "depression, relationships",
        "content_note": "mentions suicide",
    }
    assert client.post(f"/posts/{question.id}/edit", data=form).status_code == 302
    assert _post(question.id).content_note == "mentions suicide"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "post.content_note"))
    assert (entry.actor_id, entry.target_id, entry.details) == (moderator.id, question.id, {"note": "mentions suicide"})
    # Now the author can no longer remove it.
    with pytest.raises(services.DomainError):
        services.edit_post(
            member, _loaded(question.id), question.body_md, question.title, "depression", content_note=""
        )


# Topics a member keeps collapsed -------------------------------------------------------------------------------


def test_a_member_chooses_topics_on_the_settings_page(client, member):
    login(client, member)
    page = _html(client, "/settings")
    assert "Topics always collapsed for you" in page
    for label in ("Self-harm", "Suicide", "Eating disorders", "Abuse", "Substance use", "Grief and loss"):
        assert f">{label}</label>" in page
    response = client.post("/settings", data={"cn-topics": ["suicide", "self_harm"], "cn-submit": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).collapsed_topics == ["self_harm", "suicide"]
    page = _html(client, "/settings")
    assert re.search(r'<input checked id="cn-topics-0" name="cn-topics" type="checkbox" value="self_harm">', page)

    assert client.post("/settings", data={"cn-submit": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).collapsed_topics == []


def test_an_unknown_topic_is_refused_and_the_choice_is_unchanged(client, member):
    _set_topics(member, "grief")
    login(client, member)
    response = client.post("/settings", data={"cn-topics": ["grief", "everything"], "cn-submit": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, member.id).collapsed_topics == ["grief"]


def test_another_settings_form_keeps_the_topic_boxes_ticked(client, member):
    _set_topics(member, "grief")
    login(client, member)
    response = client.post(
        "/settings", data={"pw-current": "wrong", "pw-password": "x", "pw-confirm": "y", "pw-submit": "y"}
    )
    assert response.status_code == 400
    assert 'checked id="cn-topics-' in response.get_data(as_text=True)


@pytest.fixture
def self_harm_thread(make_user, make_question, make_answer):
    asker = make_user(Role.MEMBER, "asker_ann")
    helper = make_user(Role.MEMBER, "helper_hank")
    question = make_question(
        asker,
        title="Coping with urges on bad evenings",
        tags="self-harm, coping",
        body="What do you do in the evenings when things get hard and you feel alone?",
    )
    answer = make_answer(helper, question, body="Holding ice cubes and calling a friend gets me through it.")
    comment = services.post_comment(helper, question, "Sending you warmth, you are not alone in this.")
    return question, answer, comment


def test_a_thread_tagged_with_a_chosen_topic_is_collapsed_for_that_member_only(
    client, member, other_member, self_harm_thread
):
    question, answer, comment = self_harm_thread
    _set_topics(member, "self_harm")
    login(client, member)
    html = _html(client, _url(question))
    assert _collapsed(html, question.id) == "Content note: Self-harm (a topic you keep collapsed) — show the question"
    assert _body_inside_details(html, question.id, "when things get hard")
    assert _collapsed(html, answer.id) == "Content note: Self-harm (a topic you keep collapsed) — show the answer"
    assert _body_inside_details(html, answer.id, "Holding ice cubes")
    assert "Self-harm (a topic you keep collapsed) — show the comment" in html
    listing = _html(client, "/")
    assert "Content note: Self-harm (a topic you keep collapsed)" in listing
    assert "when things get hard" not in listing

    client.post("/logout")
    login(client, other_member)
    html = _html(client, _url(question))
    assert _collapsed(html, question.id) is None and _collapsed(html, answer.id) is None
    assert "Holding ice cubes" in html and "you are not alone in this" in html
    assert "when things get hard" in _html(client, "/")

    client.post("/logout")
    assert _collapsed(_html(client, _url(question)), question.id) is None


def test_a_topic_the_member_did_not_choose_leaves_the_thread_open(client, member, self_harm_thread):
    question, answer, _ = self_harm_thread
    _set_topics(member, "grief", "eating_disorders")
    login(client, member)
    html = _html(client, _url(question))
    assert _collapsed(html, question.id) is None and _collapsed(html, answer.id) is None


def test_a_post_whose_safety_verdict_acted_on_a_chosen_category_is_collapsed(
    client, member, other_member, make_question, make_answer
):
    question = make_question(other_member, tags="food")
    answer = make_answer(other_member, question, body="I skipped meals for weeks and nobody noticed at all.")
    row = _post(answer.id)
    row.safety = {"action": "review", "severity": "elevated", "categories": ["eating_disorder"], "hits": []}
    db.session.commit()
    _set_topics(member, "eating_disorders")
    login(client, member)
    html = _html(client, _url(question))
    assert (
        _collapsed(html, answer.id) == "Content note: Eating disorders (a topic you keep collapsed) — show the answer"
    )
    assert _collapsed(html, question.id) is None


def test_a_log_only_hit_does_not_collapse_a_post(client, member, other_member, make_question):
    question = make_question(other_member, tags="food")
    row = _post(question.id)
    log_only_hit = {
        "rule": "ed.test",
        "version": 1,
        "category": "eating_disorder",
        "severity": "elevated",
        "log_only": True,
    }
    row.safety = {"action": "allow", "severity": "none", "categories": [], "hits": [log_only_hit]}
    db.session.commit()
    _set_topics(member, "eating_disorders")
    login(client, member)
    assert _collapsed(_html(client, _url(question)), question.id) is None


def test_a_note_that_names_a_chosen_topic_says_so(client, member, other_member, make_question):
    question = make_question(other_member)
    row = _post(question.id)
    row.content_note = "mentions cutting"
    db.session.commit()
    _set_topics(member, "self_harm")
    login(client, member)
    assert _collapsed(_html(client, _url(question)), question.id) == (
        "Content note: mentions cutting (your collapsed topics: Self-harm) — show the question"
    )
    client.post("/logout")
    assert (
        _collapsed(_html(client, _url(question)), question.id) == "Content note: mentions cutting — show the question"
    )


def test_a_deleted_account_forgets_its_topics(client, member):
    _set_topics(member, "grief")
    login(client, member)
    client.post("/settings/delete", data={"password": "correct horse battery", "confirm": "y"})
    db.session.expire_all()
    assert db.session.get(User, member.id).collapsed_topics == []


# Query counts ------------------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    db.session.expunge_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_collapsed_topics_cost_no_extra_queries_on_threads_and_lists(client, make_user, self_harm_thread):
    question, _, _ = self_harm_thread
    plain, careful = make_user(Role.MEMBER, "plain_pat"), make_user(Role.MEMBER, "careful_cat")
    careful_id = careful.id
    _set_topics(careful, "self_harm", "suicide", "grief")
    urls = [_url(question), "/", "/tags/self-harm"]
    login(client, plain)
    without = [_count(client, url) for url in urls]
    client.post("/logout")
    login(client, db.session.get(User, careful_id))
    with_topics = [_count(client, url) for url in urls]
    assert with_topics == without
    assert "a topic you keep collapsed" in _html(client, urls[0])
