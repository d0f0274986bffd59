"""No solicitation: a practitioner's answers and comments can't link to their own practice or carry contact
details; their profile may show the website."""

import pytest

from forum.auth.models import Role
from forum.moderation.models import ItemStatus
from forum.qa import services as qa
from forum.qa.models import Post, PostKind, PostStatus
from tests.moderation import count, items_for, latest_post, reload, signed_in, text_of
from tests.practitioners import ANSWER, WEBSITE, apply_form, lapse, verified

REFUSAL = "Please remove the link to your practice’s website (calmharbor-therapy.com)."


@pytest.fixture
def thread(member):
    return qa.ask_question(
        member,
        "How do I get through the first winter after a loss?",
        "My mother died in the spring and the dark evenings are hard.",
        "grief",
    )


@pytest.fixture
def pro(make_user):
    return verified(make_user(Role.PRACTITIONER, "dr_rosa"), website=WEBSITE)


def _answers() -> int:
    return count(Post, Post.kind == PostKind.ANSWER)


@pytest.mark.parametrize(
    "body",
    [
        f"{ANSWER} More on [my blog](https://calmharbor-therapy.com/blog/winter).",
        f"{ANSWER} See www.CalmHarbor-Therapy.com/contact for sessions.",
        f"{ANSWER} I wrote about it at <https://blog.calmharbor-therapy.com>.",
        f"{ANSWER} Details: http://calmharbor-therapy.com",
    ],
)
def test_an_answer_linking_to_the_practitioners_own_site_is_refused_with_a_form_message(app, thread, pro, body):
    response = signed_in(app, pro).post(f"/questions/{thread.id}/answers", data={"body": body})
    assert response.status_code == 400
    html = text_of(response)
    assert REFUSAL in html
    assert "your practitioner profile already shows your website" in html
    assert 'role="alert"' in html
    assert "Many people notice this after a loss" in html  # the form keeps what they wrote
    assert _answers() == 0


@pytest.mark.parametrize(
    "body",
    [
        f"{ANSWER} The NIMH has a good overview at https://www.nimh.nih.gov/health/topics/depression.",
        f"{ANSWER} Not to be confused with notcalmharbor-therapy.com, which I don't know.",
        f"{ANSWER} A calm harbor therapy approach is one option.",
    ],
)
def test_other_links_and_ordinary_words_are_fine(app, thread, pro, body):
    response = signed_in(app, pro).post(f"/questions/{thread.id}/answers", data={"body": body})
    assert response.status_code == 302
    assert _answers() == 1


def test_the_rule_holds_after_verification_lapses(app, thread, pro):
    lapse(pro)
    response = signed_in(app, pro).post(
        f"/questions/{thread.id}/answers", data={"body": f"{ANSWER} Book at calmharbor-therapy.com."}
    )
    assert response.status_code == 400 and REFUSAL in text_of(response)
    assert _answers() == 0


def test_the_rule_holds_while_an_application_waits(app, thread, make_user):
    applicant = make_user(Role.MEMBER, "hopeful_hal")
    browser = signed_in(app, applicant)
    apply_form(browser)
    body = f"{ANSWER} Book at calmharbor-therapy.com."
    response = browser.post(f"/questions/{thread.id}/answers", data={"body": body})
    assert response.status_code == 400 and REFUSAL in text_of(response)
    with pytest.raises(qa.DomainError, match="remove the link"):
        qa.post_answer(applicant, thread, body)
    assert _answers() == 0


def test_comments_and_edits_are_checked_too(app, thread, pro):
    browser = signed_in(app, pro)
    response = browser.post(f"/posts/{thread.id}/comments", data={"body": "Have a look at calmharbor-therapy.com"})
    assert response.status_code == 400 and REFUSAL in text_of(response)
    assert count(Post, Post.kind == PostKind.COMMENT) == 0

    answer = qa.post_answer(pro, thread, ANSWER)
    response = browser.post(
        f"/posts/{answer.id}/edit", data={"body": f"{ANSWER} https://calmharbor-therapy.com", "comment": "link"}
    )
    assert response.status_code == 400 and REFUSAL in text_of(response)
    assert reload(answer).body_md == ANSWER and reload(answer).revision_count == 1


def test_another_members_answer_may_mention_the_practitioners_site(app, thread, pro, other_member):
    response = signed_in(app, other_member).post(
        f"/questions/{thread.id}/answers", data={"body": f"{ANSWER} I found calmharbor-therapy.com helpful."}
    )
    assert response.status_code == 302 and _answers() == 1


def test_contact_details_in_a_practitioners_answer_wait_for_a_moderator(app, thread, pro):
    response = signed_in(app, pro).post(
        f"/questions/{thread.id}/answers", data={"body": f"{ANSWER} Call my office at 404-555-0182 to talk."}
    )
    assert response.status_code == 302
    answer = latest_post()
    assert answer.status == PostStatus.HELD
    [item] = items_for(answer)
    assert item.status == ItemStatus.OPEN and "personal_info" in item.categories
    assert not reload(thread).has_practitioner_answer
