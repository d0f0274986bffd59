"""Votes on anonymous posts never move the author's reputation, which would reveal who wrote them."""

from forum.auth.models import User
from forum.extensions import db
from forum.qa import services


def test_upvotes_and_acceptance_of_an_anonymous_answer_leave_reputation_unchanged(
    member, other_member, make_question, make_answer
):
    question = make_question(other_member)
    answer = make_answer(member, question, anonymous=True)
    services.vote(other_member, answer, 1)
    services.accept_answer(other_member, answer)
    db.session.expire_all()
    assert db.session.get(User, member.id).reputation == 0


def test_the_same_votes_on_a_signed_answer_do_count(member, other_member, make_question, make_answer):
    question = make_question(other_member)
    answer = make_answer(member, question)
    services.vote(other_member, answer, 1)
    services.accept_answer(other_member, answer)
    db.session.expire_all()
    assert db.session.get(User, member.id).reputation == 25
