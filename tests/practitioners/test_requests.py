"""Questions that ask for practitioner answers, and lists filtered to questions a practitioner answered."""

import re

from sqlalchemy import select

from forum.auth.models import Role
from forum.extensions import db
from forum.notifications.models import Notification
from forum.qa import services as qa
from forum.qa.models import Post
from tests.moderation import decide, latest_post, notices, open_item, reload, signed_in, text_of
from tests.practitioners import ANSWER, lapse, verified

QUESTION = {
    "title": "How do I get through the first winter after a loss?",
    "body": "My mother died in the spring and the dark evenings are hard.",
    "tags": "grief, sleep",
}


def _ask(app, user, **changes):
    response = signed_in(app, user).post("/questions/ask", data=QUESTION | changes)
    assert response.status_code == 302, text_of(response)
    return latest_post()


def _requests() -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(
        select(Notification).where(Notification.kind == "practitioner_request").order_by(Notification.user_id)
    ).all()


def test_the_ask_form_offers_the_request_and_the_thread_shows_it(app, member):
    page = text_of(signed_in(app, member).get("/questions/ask"))
    assert 'name="practitioner_requested"' in page and "Ask for answers from verified practitioners" in page
    question = _ask(app, member, practitioner_requested="y")
    assert question.practitioner_requested
    thread = text_of(signed_in(app, member).get(f"/posts/{question.id}", follow_redirects=True))
    assert "The asker would welcome answers from verified practitioners." in thread
    plain = _ask(app, member, title="Another question about the dark evenings")
    assert not plain.practitioner_requested


def test_practitioners_whose_specialties_match_the_tags_are_told(app, member, make_user):
    grief = verified(make_user(Role.PRACTITIONER, "pro_grief"), specialties=["grief"])
    sleep_and_grief = verified(make_user(Role.PRACTITIONER, "pro_sleep"), specialties=["sleep", "grief"])
    verified(make_user(Role.PRACTITIONER, "pro_anxiety"), specialties=["anxiety"])
    lapse(verified(make_user(Role.PRACTITIONER, "pro_lapsed"), specialties=["grief"]))
    _ask(app, member)  # no request: nobody is told
    assert _requests() == []

    question = _ask(app, member, title="Grief and sleep: what helps?", practitioner_requested="y")
    told = _requests()
    assert [n.user_id for n in told] == [grief.id, sleep_and_grief.id]
    assert "tagged grief:" in told[0].message and "tagged grief, sleep:" in told[1].message
    assert "“Grief and sleep: what helps?”" in told[0].message and told[0].link == f"/posts/{question.id}"

    asking_pro = verified(make_user(Role.PRACTITIONER, "pro_asking"), specialties=["grief"])
    _ask(app, asking_pro, title="A practitioner asks about grief at work", practitioner_requested="y")
    assert asking_pro.id not in [n.user_id for n in _requests()]  # never told about their own question


def test_the_notice_about_an_anonymous_question_does_not_name_the_asker(app, member, make_user):
    pro = verified(make_user(Role.PRACTITIONER, "pro_grief"), specialties=["grief"])
    _ask(app, member, anonymous="y", practitioner_requested="y")
    [told] = notices(pro, "practitioner_request")
    assert member.username not in told.message


def test_a_held_question_is_sent_to_practitioners_only_when_a_moderator_approves_it(app, make_user, moderator):
    app.config["NEW_MEMBER_POSTS"] = 2
    newcomer = make_user(Role.MEMBER, "new_nell")
    pro = verified(make_user(Role.PRACTITIONER, "pro_grief"), specialties=["grief"])
    question = _ask(app, newcomer, practitioner_requested="y")
    assert question.status.value == "held"
    assert notices(pro, "practitioner_request") == []
    decide(signed_in(app, moderator), open_item(question), "approve")
    assert len(notices(pro, "practitioner_request")) == 1


def _titles(html: str) -> list[str]:
    return re.findall(r'class="question-title"><a href="[^"]+">([^<]+)</a>', html)


def test_lists_filter_to_questions_a_verified_practitioner_answered(app, client, member, other_member, make_user):
    pro = verified(make_user(Role.PRACTITIONER, "pro_grief"))
    by_pro = qa.ask_question(member, "Answered by a practitioner, about grief", "Details here for you.", "grief")
    by_member = qa.ask_question(member, "Answered by a member, about grief", "Details here for you.", "grief")
    anonymous = qa.ask_question(member, "Answered anonymously, about grief", "Details here for you.", "grief")
    elsewhere = qa.ask_question(member, "Answered by a practitioner, about sleep", "Details here.", "sleep")
    qa.post_answer(pro, by_pro, ANSWER)
    qa.post_answer(other_member, by_member, ANSWER)
    qa.post_answer(pro, anonymous, ANSWER, anonymous=True)
    qa.post_answer(pro, elsewhere, ANSWER)

    assert sorted(_titles(text_of(client.get("/?practitioner=1")))) == sorted([by_pro.title, elsewhere.title])
    assert _titles(text_of(client.get("/tags/grief?practitioner=1"))) == [by_pro.title]
    assert len(_titles(text_of(client.get("/tags/grief")))) == 3
    html = text_of(client.get("/?practitioner=1"))
    assert "Showing questions a verified practitioner answered" in html
    assert 'href="/?sort=newest&amp;practitioner=1"' in html  # the sort tabs keep the filter
    assert 'href="/?sort=active">show all questions</a>' in html
    assert 'href="/tags/grief?sort=active&amp;practitioner=1"' in text_of(client.get("/tags/grief"))
    empty = text_of(client.get("/tags/sleep?practitioner=1&sort=unanswered"))
    assert "No question here has a practitioner's answer yet." in empty


def test_a_held_practitioner_answer_does_not_count_until_approved(app, client, member, make_user, moderator):
    pro = verified(make_user(Role.PRACTITIONER, "pro_grief"))
    question = qa.ask_question(member, "Answered by a practitioner, about grief", "Details here for you.", "grief")
    answer = qa.post_answer(pro, question, "Call my office at 404-555-0182 and we can talk it through.")
    assert answer.status.value == "held"
    assert not reload(question).has_practitioner_answer
    decide(signed_in(app, moderator), open_item(answer), "approve")
    assert reload(question).has_practitioner_answer
    assert db.session.get(Post, question.id).title in text_of(client.get("/?practitioner=1"))
