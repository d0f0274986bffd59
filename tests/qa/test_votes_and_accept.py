"""Voting and accepting: who may, what the score and reputation become, and what undoes them."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.auth.models import Role, User
from forum.extensions import db
from forum.qa import services
from forum.qa.models import Post, Vote
from tests.conftest import login


@pytest.fixture
def thread(make_user, make_question, make_answer):
    """An asker's question with two answers by two helpers; returns the cast as a dict."""
    asker = make_user(Role.MEMBER, "asker_ash")
    helper = make_user(Role.MEMBER, "helper_hal")
    second = make_user(Role.PRACTITIONER, "second_sam")
    question = make_question(asker)
    return {
        "asker": asker,
        "helper": helper,
        "second": second,
        "question": question,
        "answer": make_answer(helper, question),
        "other_answer": make_answer(second, question, body="Another angle: write down what you want to say."),
        "url": f"/questions/{question.id}/{services.slugify(question.title)}",
    }


def _score(post_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Post, post_id).score


def _reputation(user_id: int) -> int:
    db.session.expire_all()
    return db.session.get(User, user_id).reputation


def _accepted(question_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Post, question_id).accepted_answer_id


def _vote(client, post_id: int, value: str):
    return client.post(f"/posts/{post_id}/vote", data={"value": value})


def test_upvote_raises_the_score_in_the_database_and_on_the_page(client, thread, member):
    login(client, member)
    answer = thread["answer"]
    response = _vote(client, answer.id, "up")
    assert response.status_code == 302
    assert _score(answer.id) == 1
    html = client.get(thread["url"]).get_data(as_text=True)
    assert 'aria-label="score 1">1<' in html
    assert re.search(r'class="vote up voted"[^>]*aria-pressed="true"', html)


def test_voting_the_same_way_twice_undoes_the_vote(client, thread, member):
    login(client, member)
    answer = thread["answer"]
    _vote(client, answer.id, "up")
    _vote(client, answer.id, "up")
    assert _score(answer.id) == 0
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_switching_from_up_to_down_moves_the_score_by_two(client, thread, member):
    login(client, member)
    answer = thread["answer"]
    _vote(client, answer.id, "up")
    _vote(client, answer.id, "down")
    assert _score(answer.id) == -1
    assert db.session.scalars(select(Vote.value)).all() == [-1]
    html = client.get(thread["url"]).get_data(as_text=True)
    assert re.search(r'class="vote down voted"[^>]*aria-pressed="true"', html)


def test_votes_from_several_members_add_up(client, thread, make_user):
    for _ in range(3):
        login(client, make_user(Role.MEMBER))
        _vote(client, thread["question"].id, "up")
        client.post("/logout")
    assert _score(thread["question"].id) == 3


def test_members_cannot_vote_on_their_own_posts(client, thread):
    login(client, thread["helper"])
    response = _vote(client, thread["answer"].id, "up")
    assert response.status_code == 403
    assert "You can&#39;t do that here" in response.get_data(as_text=True)
    assert _score(thread["answer"].id) == 0
    html = client.get(thread["url"]).get_data(as_text=True)
    own = html[html.index(f'id="post-{thread["answer"].id}"'):]
    assert f'/posts/{thread["answer"].id}/vote' not in own[: own.index("</article>")]


def test_comments_cannot_be_voted_on(client, thread, member):
    comment = services.post_comment(thread["helper"], thread["question"], "A comment to vote on.")
    login(client, member)
    assert _vote(client, comment.id, "up").status_code == 400
    assert _score(comment.id) == 0


def test_a_vote_must_be_up_or_down(client, thread, member):
    login(client, member)
    assert _vote(client, thread["answer"].id, "sideways").status_code == 400
    assert _score(thread["answer"].id) == 0


def test_the_database_holds_one_vote_per_member_and_post(thread, member):
    answer_id = thread["answer"].id
    db.session.add(Vote(post_id=answer_id, user_id=member.id, value=1))
    db.session.commit()
    db.session.add(Vote(post_id=answer_id, user_id=member.id, value=-1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1


def test_reputation_for_upvotes_is_10_on_answers_and_5_on_questions_and_undone_with_the_vote(client, thread, member):
    login(client, member)
    _vote(client, thread["answer"].id, "up")
    _vote(client, thread["question"].id, "up")
    assert _reputation(thread["helper"].id) == 10
    assert _reputation(thread["asker"].id) == 5
    _vote(client, thread["answer"].id, "up")
    _vote(client, thread["question"].id, "up")
    assert _reputation(thread["helper"].id) == 0
    assert _reputation(thread["asker"].id) == 0


def test_askers_never_lose_reputation_for_downvotes_on_their_questions(client, thread, member):
    login(client, member)
    _vote(client, thread["question"].id, "down")
    assert _score(thread["question"].id) == -1
    assert _reputation(thread["asker"].id) == 0
    _vote(client, thread["question"].id, "up")
    assert _reputation(thread["asker"].id) == 5


def test_switching_an_answer_vote_from_up_to_down_takes_back_the_upvote_reputation(client, thread, member):
    login(client, member)
    _vote(client, thread["answer"].id, "up")
    _vote(client, thread["answer"].id, "down")
    assert _reputation(thread["helper"].id) == services.VOTE_REPUTATION[("answer", -1)]
    assert _reputation(thread["helper"].id) < 0


def test_the_voter_gains_no_reputation(client, thread, member):
    login(client, member)
    _vote(client, thread["answer"].id, "up")
    assert _reputation(member.id) == 0


def test_asker_accepts_an_answer_and_the_answerer_gains_15(client, thread):
    login(client, thread["asker"])
    response = client.post(f"/posts/{thread['answer'].id}/accept")
    assert response.status_code == 302
    assert _accepted(thread["question"].id) == thread["answer"].id
    assert _reputation(thread["helper"].id) == 15
    html = client.get(thread["url"]).get_data(as_text=True)
    assert "✓ Accepted" in html and "Unaccept" in html


def test_accepting_another_answer_moves_the_acceptance_and_the_reputation(client, thread):
    login(client, thread["asker"])
    client.post(f"/posts/{thread['answer'].id}/accept")
    client.post(f"/posts/{thread['other_answer'].id}/accept")
    assert _accepted(thread["question"].id) == thread["other_answer"].id
    assert _reputation(thread["helper"].id) == 0
    assert _reputation(thread["second"].id) == 15
    html = client.get(thread["url"]).get_data(as_text=True)
    assert html.count("✓ Accepted") == 1
    assert html.index(f'id="post-{thread["other_answer"].id}"') < html.index(f'id="post-{thread["answer"].id}"')


def test_accepting_the_accepted_answer_again_unaccepts_it(client, thread):
    login(client, thread["asker"])
    client.post(f"/posts/{thread['answer'].id}/accept")
    client.post(f"/posts/{thread['answer'].id}/accept")
    assert _accepted(thread["question"].id) is None
    assert _reputation(thread["helper"].id) == 0
    assert "✓ Accepted" not in client.get(thread["url"]).get_data(as_text=True)


@pytest.mark.parametrize("who", ["helper", "second", "outsider", "moderator"])
def test_only_the_asker_may_accept(client, thread, make_user, who):
    user = {"outsider": lambda: make_user(Role.MEMBER), "moderator": lambda: make_user(Role.MODERATOR)}.get(
        who, lambda: thread[who]
    )()
    login(client, user)
    response = client.post(f"/posts/{thread['answer'].id}/accept")
    assert response.status_code == 403
    assert _accepted(thread["question"].id) is None
    assert "Accept this answer" not in client.get(thread["url"]).get_data(as_text=True)


def test_deleting_the_accepted_answer_clears_acceptance_and_its_reputation(client, thread):
    login(client, thread["asker"])
    client.post(f"/posts/{thread['answer'].id}/accept")
    client.post("/logout")
    login(client, thread["helper"])
    client.post(f"/posts/{thread['answer'].id}/delete")
    assert _accepted(thread["question"].id) is None
    assert _reputation(thread["helper"].id) == 0


def test_askers_accepting_their_own_answer_earn_nothing(client, thread):
    own = services.post_answer(thread["asker"], thread["question"], "Update: what finally worked for me was this.")
    login(client, thread["asker"])
    client.post(f"/posts/{own.id}/accept")
    assert _accepted(thread["question"].id) == own.id
    assert _reputation(thread["asker"].id) == 0


def test_reputation_shows_beside_the_author_on_the_thread(client, thread, member):
    login(client, member)
    _vote(client, thread["answer"].id, "up")
    html = client.get(thread["url"]).get_data(as_text=True)
    answer_part = html[html.index(f'id="post-{thread["answer"].id}"'):]
    assert '<span class="rep" title="reputation">10</span>' in answer_part[: answer_part.index("</article>")]
