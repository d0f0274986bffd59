"""Who is notified of answers, comments, accepted answers and @mentions, who is not, and what the notice says:
never the name behind an anonymous post, never anything about a post a moderator has not published."""

from sqlalchemy import select

from forum.auth.models import AccountStatus, Role
from forum.community.models import Follow
from forum.community.services import (
    ANSWER_ACCEPTED,
    FOLLOWED_ANSWER,
    MENTION,
    NEW_ANSWER,
    NEW_COMMENT,
    follow,
    mentioned_names,
    unfollow,
)
from forum.extensions import db
from forum.moderation.models import FlagReason
from forum.moderation.services import flag_post
from forum.notifications.models import Notification
from forum.qa import services
from forum.qa.models import Post, PostStatus
from forum.qa.queries import get_post
from tests.community.helpers import client_for, community_notices, notice_texts, notices, open_item, page

ANSWER = "Something that helped me was writing down what I wanted to say first."


def test_an_answer_tells_the_asker_with_a_link_to_it_and_tells_the_answerer_nothing(
    member, practitioner, make_question, make_answer
):
    question = make_question(member)
    answer = make_answer(practitioner, question)
    assert community_notices(member) == [(NEW_ANSWER, "dr_pia answered your question.")]
    notice = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert notice.link == f"/posts/{answer.id}" and notice.post_id == answer.id
    assert notices(practitioner) == []


def test_an_anonymous_answer_never_names_its_author(app, member, other_member, make_question, make_answer):
    question = make_question(member)
    make_answer(other_member, question, anonymous=True)
    assert community_notices(member) == [(NEW_ANSWER, "Anonymous member answered your question.")]
    seen = page(client_for(app, member), "/notifications")
    assert "Anonymous member answered your question." in notice_texts(seen)
    assert other_member.username not in seen


def test_followers_hear_of_new_answers_but_not_the_answerer_nor_those_who_unfollowed(
    member, other_member, practitioner, make_user, make_question, make_answer
):
    follower, quitter = make_user(Role.MEMBER, "fay"), make_user(Role.MEMBER, "quinn")
    question = make_question(member)
    for user in (follower, quitter, practitioner):
        follow(user, question)
    unfollow(quitter, question)
    make_answer(practitioner, question)
    assert community_notices(follower) == [(FOLLOWED_ANSWER, "dr_pia answered a question you follow.")]
    assert community_notices(member) == [(NEW_ANSWER, "dr_pia answered your question.")]
    assert community_notices(quitter) == []
    assert community_notices(practitioner) == []
    assert community_notices(other_member) == []


def test_askers_follow_their_own_question_and_unfollowing_it_mutes_its_answers(
    member, practitioner, make_question, make_answer
):
    question = make_question(member)
    assert db.session.get(Follow, (question.id, member.id)) is not None
    make_answer(practitioner, question)
    unfollow(member, question)
    make_answer(practitioner, question, body="A second answer with another idea that may help you.")
    assert community_notices(member) == [(NEW_ANSWER, "dr_pia answered your question.")]


def test_a_comment_tells_the_author_of_the_post_it_replies_to_and_nobody_else(
    member, other_member, practitioner, make_user, make_question, make_answer
):
    question = make_question(member)
    answer = make_answer(practitioner, question)
    services.post_comment(other_member, answer, "This is exactly what worked for me as well.")
    services.post_comment(other_member, question, "I wonder about this too, thank you for asking.")
    services.post_comment(practitioner, answer, "A note on my own answer: go slowly.")
    assert community_notices(practitioner) == [(NEW_COMMENT, "otto commented on your answer.")]
    assert community_notices(member) == [
        (NEW_ANSWER, "dr_pia answered your question."),
        (NEW_COMMENT, "otto commented on your question."),
    ]
    assert community_notices(other_member) == []


def test_a_reply_by_an_anonymous_asker_is_anonymous_in_the_notice(
    app, member, practitioner, make_question, make_answer
):
    question = make_question(member, anonymous=True)
    answer = make_answer(practitioner, question)
    services.post_comment(member, answer, "Thank you, that gives me somewhere to start.")
    assert community_notices(practitioner) == [(NEW_COMMENT, "Anonymous member commented on your answer.")]
    assert member.username not in page(client_for(app, practitioner), "/notifications")


def test_an_accepted_answer_tells_its_author_once_however_often_it_is_toggled(
    member, practitioner, make_question, make_answer
):
    question = make_question(member)
    answer = make_answer(practitioner, question)
    own = make_answer(member, question, body="Answering myself: what worked in the end was a letter.")
    for _ in range(3):
        services.accept_answer(member, answer)
    services.accept_answer(member, own)
    assert community_notices(practitioner) == [(ANSWER_ACCEPTED, "The asker accepted your answer.")]
    assert [k for k, _ in community_notices(member)] == [NEW_ANSWER]


def test_a_mention_tells_existing_active_members_only_and_never_the_author(
    member, other_member, make_user, make_question
):
    suspended = make_user(Role.MEMBER, "sam")
    suspended.status = AccountStatus.SUSPENDED
    gone = make_user(Role.MEMBER, "gwen")
    gone.status = AccountStatus.DELETED
    unopened = make_user(Role.MEMBER, "pat")
    unopened.status = AccountStatus.PENDING
    db.session.commit()
    make_question(member, body="Has anyone tried this? @Otto and @nobody_here, also @sam, @gwen, @pat and @mina.")
    assert community_notices(other_member) == [(MENTION, "mina mentioned you in a question.")]
    for user in (suspended, gone, unopened, member):
        assert community_notices(user) == []


def test_mentions_are_read_from_at_names_not_from_addresses_or_paths():
    text = "Thanks @Otto, @otto and (@dr_pia)! Mail otto_two@example.com or see /@otto_three; @ab is too short."
    assert mentioned_names(text) == ["otto", "dr_pia"]


def test_a_mention_in_an_anonymous_post_says_anonymous_member(
    app, member, other_member, practitioner, make_question, make_answer
):
    question = make_question(member)
    make_answer(practitioner, question, body="@otto went through the same thing; maybe he can say more.",
                anonymous=True)
    assert community_notices(other_member) == [(MENTION, "Anonymous member mentioned you in an answer.")]
    assert practitioner.username not in page(client_for(app, other_member), "/notifications")


def test_a_post_tells_at_most_ten_mentioned_members(member, make_user, make_question):
    people = [make_user(Role.MEMBER, f"person{i:02d}") for i in range(12)]
    make_question(member, body="Thanks to " + " ".join(f"@{p.username}" for p in people) + " for the support.")
    told = [p for p in people if community_notices(p)]
    assert told == people[:10]


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(
    member, other_member, practitioner, make_question
):
    question = get_post(make_question(member, body="Asking @otto because he mentioned this last week.").id)
    services.edit_post(member, question, question.body_md + " And @dr_pia too.", question.title, "depression")
    services.edit_post(member, question, question.body_md + " Thanks both!", question.title, "depression")
    assert community_notices(other_member) == [(MENTION, "mina mentioned you in a question.")]
    assert community_notices(practitioner) == [(MENTION, "mina mentioned you in a question.")]


def test_a_moderators_edit_mentions_nobody_on_the_authors_behalf(member, other_member, moderator, make_question):
    question = get_post(make_question(member).id)
    services.edit_post(moderator, question, question.body_md + " (see @otto)", question.title, "depression")
    assert community_notices(other_member) == []


def test_each_person_gets_one_notice_per_post(member, other_member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(other_member, question)
    services.post_comment(member, answer, "@otto thank you, this helps a lot.")
    assert community_notices(other_member) == [(NEW_COMMENT, "mina commented on your answer.")]


def test_a_held_answer_tells_nobody_until_approved_and_then_once(
    app, member, make_user, moderator, make_question
):
    mentioned = make_user(Role.MEMBER, "moe")
    question = make_question(member)
    app.config["NEW_MEMBER_POSTS"] = 2
    newcomer = make_user(Role.MEMBER, "newt")
    answer = services.post_answer(newcomer, question, "I am new here, and @moe told me about this forum.")
    assert answer.status == PostStatus.HELD
    assert community_notices(member) == [] and community_notices(mentioned) == []

    reviewer = client_for(app, moderator)
    item = open_item(answer)
    assert reviewer.post(f"/mod/items/{item.id}/decide", data={"decision": "approve"}).status_code == 302
    assert community_notices(member) == [(NEW_ANSWER, "newt answered your question.")]
    assert community_notices(mentioned) == [(MENTION, "newt mentioned you in an answer.")]

    # Hidden again by flags, then approved again: nobody hears of it a second time.
    app.config["FLAGS_TO_HIDE"] = 1
    flag_post(make_user(Role.MEMBER, "flora"), db.session.get(Post, answer.id), FlagReason.SPAM)
    assert db.session.get(Post, answer.id).status == PostStatus.HELD
    item = open_item(answer)
    assert reviewer.post(f"/mod/items/{item.id}/decide", data={"decision": "approve"}).status_code == 302
    assert len(community_notices(member)) == 1 and len(community_notices(mentioned)) == 1


def test_a_rejected_comment_tells_nobody(app, member, make_user, moderator, make_question):
    question = make_question(member)
    app.config["NEW_MEMBER_POSTS"] = 2
    newcomer = make_user(Role.MEMBER, "newt")
    comment = services.post_comment(newcomer, question, "Buy cheap followers at my shop, @mina!")
    assert comment.status == PostStatus.HELD
    reviewer = client_for(app, moderator)
    response = reviewer.post(
        f"/mod/items/{open_item(comment).id}/decide", data={"decision": "reject", "reason": "Advertising."}
    )
    assert response.status_code == 302
    assert community_notices(member) == []


def test_a_post_in_a_held_thread_tells_nobody(member, practitioner, make_user, make_question, make_answer):
    follower = make_user(Role.MEMBER, "fay")
    question = make_question(member)
    follow(follower, question)
    question.status = PostStatus.HELD
    db.session.commit()
    make_answer(practitioner, question, body="Mentioning @fay here: this is how I would start.")
    assert community_notices(member) == [] and community_notices(follower) == []
