"""The practitioner badge on answers, its lapse after 12 months, the renewal path and an admin's revocation."""

import re
from datetime import timedelta

from sqlalchemy import select

from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.models import Notification
from forum.practitioners import services
from forum.practitioners.models import PractitionerApplication, PractitionerProfile
from forum.qa import services as qa
from forum.qa.models import Post
from tests.moderation import decide, notices, reload, signed_in, text_of
from tests.practitioners import (
    ANSWER,
    applied,
    audit_actions,
    expected_badge,
    lapse,
    open_application_item,
    verified,
)


def _answer_html(client, question, answer) -> str:
    """The answer's <article> on the thread page."""
    html = text_of(client.get(f"/posts/{answer.id}", follow_redirects=True))
    start = html.index(f'id="post-{answer.id}"')
    return html[start : html.index("</article>", start)]


def _thread_with_answer(make_user, practitioner):
    asker = make_user(Role.MEMBER, "asker_ann")
    question = qa.ask_question(
        asker,
        "How do I get through the first winter after a loss?",
        "My mother died in the spring and the dark evenings are hard.",
        "grief",
    )
    answer = qa.post_answer(practitioner, question, ANSWER)
    return question, answer


def test_an_approved_practitioners_answer_shows_profession_jurisdiction_and_verified_month(
    app, client, member, moderator, make_user
):
    decide(signed_in(app, moderator), applied(app, member), "approve")
    question, answer = _thread_with_answer(make_user, reload(member))
    part = _answer_html(client, question, answer)
    assert f'<span class="badge badge-practitioner">{expected_badge()}</span>' in part
    assert re.search(r"LCSW · Georgia · verified [A-Z][a-z]{2} \d{4}", part)
    assert "Written by a practitioner" in part
    assert "Practitioner answered" in text_of(client.get("/"))


def test_when_verification_lapses_the_badge_goes_and_the_practitioner_is_asked_to_renew(
    app, client, practitioner, other_member, make_user
):
    verified(practitioner)
    question, answer = _thread_with_answer(make_user, practitioner)
    lapse(practitioner)
    part = _answer_html(client, question, answer)
    assert "badge-practitioner" not in part and "Written by a practitioner" not in part

    own = signed_in(app, practitioner)
    for page in (f"/users/{practitioner.username}", f"/practitioners/{practitioner.username}", "/me/practitioner"):
        html = text_of(own.get(page))
        assert "Your practitioner verification ended on" in html, page
        assert 'href="/me/practitioner"' in html, page
    other_view = text_of(signed_in(app, other_member).get(f"/users/{practitioner.username}"))
    assert "verification ended" not in other_view and "badge-practitioner" not in other_view
    assert client.get(f"/practitioners/{practitioner.username}").status_code == 404
    assert practitioner.username not in text_of(client.get("/practitioners"))


def test_the_sweep_tells_a_lapsed_practitioner_once_and_clears_the_practitioner_answered_marker(
    app, client, practitioner, make_user
):
    verified(practitioner)
    question, _ = _thread_with_answer(make_user, practitioner)
    assert reload(question).has_practitioner_answer
    lapse(practitioner)

    assert services.sweep() == (0, 1)
    assert not reload(question).has_practitioner_answer
    assert "Practitioner answered" not in text_of(client.get("/"))
    assert question.title not in text_of(client.get("/?practitioner=1"))
    told = notices(practitioner, services.LAPSED_KIND)
    assert len(told) == 1 and "ended on" in told[0].message and told[0].link == "/me/practitioner"
    assert audit_actions() == ["practitioner.seed", "practitioner.lapse"]

    assert services.sweep() == (0, 0)
    assert services.sweep(now=utcnow() + timedelta(days=3)) == (0, 0)
    assert len(notices(practitioner, services.LAPSED_KIND)) == 1


def test_the_sweep_reminds_thirty_days_before_the_end_and_only_once(app, practitioner, make_user):
    verified(practitioner)
    later = make_user(Role.PRACTITIONER, "dr_later")
    practitioner.verified_until = utcnow() + timedelta(days=20)
    later.verified_until = utcnow() + timedelta(days=40)
    db.session.commit()
    assert services.sweep() == (1, 0)
    assert services.sweep() == (0, 0)
    reminders = db.session.scalars(select(Notification).where(Notification.kind == services.REMINDER_KIND)).all()
    assert [n.user_id for n in reminders] == [practitioner.id]
    assert "Renew it before then" in reminders[0].message
    assert "Renew it" in text_of(signed_in(app, practitioner).get(f"/users/{practitioner.username}"))
    # Ten days on, the later one is inside the window too; the first is not told again.
    assert services.sweep(now=utcnow() + timedelta(days=11)) == (1, 0)
    assert sorted(n.user_id for n in notices(practitioner, services.REMINDER_KIND)) == [practitioner.id]
    assert len(notices(later, services.REMINDER_KIND)) == 1


def test_renewing_is_applying_again_and_approval_starts_a_new_twelve_months(
    app, client, practitioner, moderator, make_user
):
    verified(practitioner, website="https://calm.example.org")
    question, answer = _thread_with_answer(make_user, practitioner)
    lapse(practitioner, days_ago=10)
    services.sweep()

    browser = signed_in(app, practitioner)
    page = text_of(browser.get("/me/practitioner"))
    assert "<h1>Renew your practitioner verification</h1>" in page
    assert 'value="LIC-1"' in page and 'value="depression, grief"' in page and 'value="Atlanta, Georgia"' in page
    form = {
        "profession": "lcsw",
        "licence_number": "LIC-2",
        "jurisdiction": "Georgia",
        "specialties": "grief",
        "region": "Decatur, Georgia",
        "website": "",
        "statement": "Still practising with adults after a loss.",
    }
    assert browser.post("/me/practitioner", data=form).status_code == 302
    application = db.session.scalars(select(PractitionerApplication)).one()
    assert application.renewal

    item = open_application_item(practitioner)
    decide(signed_in(app, moderator), item, "approve")
    user = reload(practitioner)
    assert user.is_practitioner and user.verified_until > utcnow() + timedelta(days=360)
    assert reload(question).has_practitioner_answer
    assert expected_badge() in _answer_html(client, question, answer)
    assert db.session.get(PractitionerProfile, user.id).region == "Decatur, Georgia"


def test_an_admin_revokes_a_verification_with_a_reason_and_it_is_audited(app, client, practitioner, admin, make_user):
    verified(practitioner)
    question, answer = _thread_with_answer(make_user, practitioner)
    browser = signed_in(app, admin)
    profile_page = text_of(browser.get(f"/practitioners/{practitioner.username}"))
    assert "Revoke verification" in profile_page

    response = browser.post(f"/practitioners/{practitioner.username}/revoke", data={"reason": " "})
    assert "Say why." in text_of(browser.get(response.headers["Location"]))
    assert reload(practitioner).is_practitioner

    response = browser.post(
        f"/practitioners/{practitioner.username}/revoke",
        data={"reason": "The board suspended this licence in October."},
    )
    page = text_of(browser.get(response.headers["Location"]))
    assert "verification is revoked" in page and "The board suspended this licence in October." in page
    user = reload(practitioner)
    assert (user.role, user.practitioner_label, user.verified_until) == (Role.MEMBER, "", None)
    assert db.session.get(PractitionerProfile, user.id).revoked_at is not None
    assert not reload(question).has_practitioner_answer
    assert "badge-practitioner" not in _answer_html(client, question, answer)
    assert client.get(f"/practitioners/{practitioner.username}").status_code == 404
    told = notices(practitioner, "practitioner_revoked")
    assert len(told) == 1 and "suspended this licence" in told[0].message
    assert audit_actions() == ["practitioner.seed", "practitioner.revoke"]


def test_only_admins_revoke(app, practitioner, moderator):
    verified(practitioner)
    browser = signed_in(app, moderator)
    assert "Revoke verification" not in text_of(browser.get(f"/practitioners/{practitioner.username}"))
    response = browser.post(f"/practitioners/{practitioner.username}/revoke", data={"reason": "Because I can."})
    assert response.status_code == 403
    assert reload(practitioner).is_practitioner


def test_answers_written_before_verification_count_once_it_is_granted(app, client, member, moderator, make_user):
    question, answer = _thread_with_answer(make_user, member)
    assert not reload(question).has_practitioner_answer
    decide(signed_in(app, moderator), applied(app, member), "approve")
    assert reload(question).has_practitioner_answer
    assert db.session.get(Post, answer.id).author_id == member.id
    assert question.title in text_of(client.get("/?practitioner=1"))
