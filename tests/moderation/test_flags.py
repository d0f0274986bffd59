"""Member flags: which queue each reason goes to, one flag per member, notes, hiding, rate limits, outcomes."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import Flag, Queue, ReasonKind, ReviewItem, ReviewReason
from forum.qa.models import PostStatus
from tests.moderation import ORDINARY, count, decide, items_for, notices, open_item, reload, signed_in, text_of


def _flag(browser, post, reason: str, note: str = ""):
    return browser.post(f"/posts/{post.id}/flag", data={"reason": reason, "note": note})


@pytest.mark.parametrize(
    ("reason", "queue"),
    [
        ("at_risk", Queue.CRISIS),
        ("harassment", Queue.GENERAL),
        ("spam", Queue.GENERAL),
        ("personal_info", Queue.GENERAL),
        ("misinformation", Queue.GENERAL),
        ("other", Queue.GENERAL),
    ],
)
def test_a_flag_opens_an_item_in_the_queue_for_its_reason(app, member, other_member, make_question, reason, queue):
    question = make_question(member, body=ORDINARY)
    response = _flag(signed_in(app, other_member), question, reason, "It reads like an advert to me.")
    assert response.status_code == 302
    item = open_item(question)
    assert item.queue == queue
    [flag] = db.session.scalars(select(Flag)).all()
    assert (flag.user_id, flag.reason.value, flag.item_id) == (other_member.id, reason, item.id)
    [why] = db.session.scalars(select(ReviewReason).where(ReviewReason.item_id == item.id)).all()
    assert (why.kind, why.user_id, why.details["reason"]) == (ReasonKind.FLAG, other_member.id, reason)
    assert reload(question).status == PostStatus.PUBLISHED  # one flag doesn't hide anything


def test_a_flag_joins_the_open_item_and_an_at_risk_flag_raises_it(app, member, make_user, make_question):
    question = make_question(member, body=ORDINARY)
    _flag(signed_in(app, make_user("member")), question, "spam")
    general = open_item(question)
    first = (general.id, general.queue, general.priority, general.deadline_at)
    assert first[1] == Queue.GENERAL
    _flag(signed_in(app, make_user("member")), question, "at_risk")
    [item] = items_for(question)
    assert item.id == first[0]
    assert item.queue == Queue.CRISIS and item.priority > first[2] and item.deadline_at < first[3]
    assert count(ReviewReason, ReviewReason.item_id == item.id) == 2


def test_a_member_flags_a_post_once_and_a_second_try_is_told_so(app, member, other_member, make_question):
    question = make_question(member, body=ORDINARY)
    flagger = signed_in(app, other_member)
    assert _flag(flagger, question, "spam").status_code == 302
    again = _flag(flagger, question, "harassment")
    assert again.status_code == 400
    assert "You have already flagged this post" in text_of(again)
    assert count(Flag) == 1 and count(ReviewReason) == 1


def test_something_else_needs_a_note_and_nothing_is_stored_without_one(app, member, other_member, make_question):
    question = make_question(member, body=ORDINARY)
    response = _flag(signed_in(app, other_member), question, "other", "   ")
    assert response.status_code == 400
    assert "Please tell us a little about what is wrong." in text_of(response)
    assert count(Flag) == 0 and count(ReviewItem) == 0


def test_three_flags_from_different_members_hide_an_answer_until_a_moderator_keeps_it(
    app, member, other_member, make_user, make_question, make_answer, moderator
):
    question = make_question(other_member, body=ORDINARY)
    answer = make_answer(member, question)
    thread = app.test_client().get(f"/posts/{answer.id}").headers["Location"].split("#")[0]
    flaggers = [make_user("member") for _ in range(3)]
    for n, flagger in enumerate(flaggers, start=1):
        _flag(signed_in(app, flagger), answer, "harassment")
        hidden = f'id="post-{answer.id}"' not in text_of(app.test_client().get(thread))
        assert hidden is (n == 3)
    assert reload(answer).status == PostStatus.HELD
    assert reload(question).answer_count == 0
    assert f'id="post-{answer.id}"' in text_of(signed_in(app, member).get(thread))  # the author still sees it

    decide(signed_in(app, moderator), open_item(answer), "approve")
    assert f'id="post-{answer.id}"' in text_of(app.test_client().get(thread))
    assert reload(question).answer_count == 1
    for flagger in flaggers:
        [outcome] = notices(flagger, "flag_outcome")
        assert "can stay" in outcome.message

    # Flags already reviewed don't count again: one new flag queues the answer but doesn't hide it.
    assert _flag(signed_in(app, make_user("member")), answer, "harassment").status_code == 302
    assert reload(answer).status == PostStatus.PUBLISHED
    assert open_item(answer) is not None


def test_flagging_is_rate_limited_and_the_blocked_flag_is_not_stored(app, member, other_member, make_question):
    app.config["FLAG_RATE_LIMIT"] = "2 per hour"
    questions = [make_question(member, title=f"A question about sleep, part {n}", body=ORDINARY) for n in range(3)]
    flagger = signed_in(app, other_member)
    assert [_flag(flagger, q, "spam").status_code for q in questions] == [302, 302, 429]
    assert count(Flag) == 2
    assert open_item(questions[2]) is None


def test_nobody_can_flag_their_own_post(app, member, make_question):
    question = make_question(member, body=ORDINARY)
    author = signed_in(app, member)
    assert f"/posts/{question.id}/flag" not in text_of(author.get(f"/posts/{question.id}", follow_redirects=True))
    assert author.get(f"/posts/{question.id}/flag").status_code == 403
    assert _flag(author, question, "spam").status_code == 403
    assert count(Flag) == 0


def test_the_flagger_hears_the_outcome_in_general_terms(app, member, other_member, make_question, moderator):
    question = make_question(member, body=ORDINARY)
    flagger = signed_in(app, other_member)
    _flag(flagger, question, "personal_info")
    assert notices(other_member, "flag_outcome") == []
    decide(signed_in(app, moderator), open_item(question), "reject", reason="It named a person's workplace.")
    [outcome] = notices(other_member, "flag_outcome")
    assert "removed it" in outcome.message
    assert "workplace" not in outcome.message
    assert "removed it" in text_of(flagger.get("/notifications"))
    assert db.session.scalars(select(Flag)).one().outcome == "removed"


def test_the_authors_edit_of_a_flagged_post_joins_the_flag_item(app, member, other_member, make_question):
    question = make_question(member, body=ORDINARY)
    _flag(signed_in(app, other_member), question, "misinformation", "This advice sounds risky.")
    item = open_item(question)
    response = signed_in(app, member).post(f"/posts/{question.id}/edit", data={
        "title": question.title, "tags": "depression", "body": ORDINARY + " I also walk every morning now."})
    assert response.status_code == 302
    [joined] = items_for(question)
    assert joined.id == item.id
    kinds = db.session.scalars(select(ReviewReason.kind).where(ReviewReason.item_id == item.id)).all()
    assert kinds == [ReasonKind.FLAG, ReasonKind.EDIT]
    assert reload(question).status == PostStatus.PUBLISHED
