"""Applying as a practitioner, and a moderator approving or rejecting the application on its review item."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.auth.models import Role, months_later
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import ItemStatus, Queue, ReasonKind, ReviewItem, ReviewReason
from forum.practitioners.models import (
    ApplicationStatus,
    PractitionerApplication,
    PractitionerProfile,
    PractitionerSpecialty,
)
from tests.moderation import count, decide, notices, reload, signed_in, text_of
from tests.practitioners import WEBSITE, applied, apply_form, audit_actions, open_application_item


@pytest.fixture
def general_mod(make_user):
    """A moderator of the general queue who is not a crisis reviewer."""
    return make_user(Role.MODERATOR, "mod_gen")


def test_a_member_applies_and_the_application_waits_in_the_general_queue(app, member):
    browser = signed_in(app, member)
    page = text_of(browser.get("/me/practitioner"))
    assert "Apply as a practitioner" in page and 'name="licence_number"' in page
    response = apply_form(browser)
    assert response.status_code == 302
    page = text_of(browser.get(response.headers["Location"]))
    assert "Your application is with the moderators" in page
    assert 'name="licence_number"' not in page  # no second application while one waits

    application = db.session.scalars(select(PractitionerApplication)).one()
    assert (application.status, application.profession.value, application.licence_number) == (
        ApplicationStatus.PENDING,
        "lcsw",
        "CSW 012345",
    )
    assert application.specialties == "depression,grief"
    assert (application.jurisdiction, application.region, application.website) == (
        "Georgia",
        "Atlanta, Georgia",
        WEBSITE,
    )
    item = open_application_item(member)
    assert (item.queue, item.target_id, item.subject_user_id) == (Queue.GENERAL, application.id, member.id)
    reasons = db.session.scalars(select(ReviewReason).where(ReviewReason.item_id == item.id)).all()
    assert [r.kind for r in reasons] == [ReasonKind.APPLICATION]
    assert reload(member).role == Role.MEMBER and not reload(member).is_practitioner
    assert audit_actions() == ["practitioner.apply"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"licence_number": ""}, "Give your licence number."),
        ({"profession": "shaman"}, "Not a valid choice"),
        ({"profession": "other", "profession_other": ""}, "Say which profession you practise."),
        ({"website": "not a website"}, "Give the website as an address like https://example.com."),
        ({"specialties": "a,b2,c3,d4,e5,f6,g7,h8,i9"}, "Name at most 8 specialties."),
        ({"specialties": "grief, !!!"}, "“!!!” can&#39;t be a specialty"),
        ({"statement": "Hi."}, "Field must be between 20 and 1000 characters long."),
    ],
)
def test_a_bad_application_is_explained_next_to_the_form_and_nothing_is_stored(app, member, changes, message):
    response = apply_form(signed_in(app, member), **changes)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(PractitionerApplication) == 0 and count(ReviewItem) == 0


def test_other_profession_shows_its_own_name_on_the_badge_label(app, member, moderator):
    item = applied(app, member, profession="other", profession_other="Psychiatric nurse practitioner")
    decide(signed_in(app, moderator), item, "approve")
    assert reload(member).practitioner_label == "Psychiatric nurse practitioner · Georgia"


def test_a_second_application_waits_for_the_first(app, member):
    browser = signed_in(app, member)
    apply_form(browser)
    response = apply_form(browser, licence_number="CSW 999")
    assert response.status_code == 400
    assert "already with the moderators" in text_of(response)
    assert count(PractitionerApplication) == 1 and count(ReviewItem) == 1


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_staff_cannot_apply_because_approval_would_replace_their_role(app, make_user, role):
    browser = signed_in(app, make_user(role))
    assert browser.get("/me/practitioner").status_code == 403
    assert apply_form(browser).status_code == 403
    assert count(PractitionerApplication) == 0


def test_the_item_page_shows_the_application_with_approve_and_reject_controls(app, member, general_mod):
    item = applied(app, member)
    html = text_of(signed_in(app, general_mod).get(f"/mod/items/{item.id}"))
    assert "Practitioner application" in html
    for shown in (
        "CSW 012345",
        "Georgia",
        "depression, grief",
        "Atlanta, Georgia",
        WEBSITE,
        "Fifteen years of outpatient work",
        "Approve application",
        "Reject application",
        "Why (the applicant reads this)",
    ):
        assert shown in html, shown
    assert "Edit and approve" not in html and "Mark as handled" not in html
    queue = text_of(signed_in(app, general_mod).get("/mod/queue/general"))
    assert f"/mod/items/{item.id}" in queue and "Application: LCSW · Georgia, licence CSW 012345" in queue


def test_approval_grants_the_role_verified_for_twelve_months_and_tells_the_applicant(app, member, general_mod):
    item = applied(app, member)
    before = utcnow()
    page = decide(signed_in(app, general_mod), item, "approve")
    assert "Decided: approve." in page

    user = reload(member)
    assert user.role == Role.PRACTITIONER and user.is_practitioner
    assert before <= user.verified_at <= utcnow()
    assert user.verified_until == months_later(user.verified_at, 12)
    assert user.verified_until - user.verified_at >= timedelta(days=365)
    assert user.practitioner_label == "LCSW · Georgia"
    assert user.practitioner_badge == f"LCSW · Georgia · verified {user.verified_at:%b %Y}"

    item = reload(item)
    assert (item.status, item.decision, item.decided_by_id) == (ItemStatus.RESOLVED, "approve", general_mod.id)
    application = db.session.scalars(select(PractitionerApplication)).one()
    assert (application.status, application.decided_by_id) == (ApplicationStatus.APPROVED, general_mod.id)
    profile = db.session.get(PractitionerProfile, member.id)
    assert (profile.licence_number, profile.region, profile.website) == ("CSW 012345", "Atlanta, Georgia", WEBSITE)
    assert set(db.session.scalars(select(PractitionerSpecialty.name))) == {"depression", "grief"}
    told = notices(member, "practitioner_approved")
    assert len(told) == 1 and "LCSW · Georgia · verified" in told[0].message
    assert audit_actions() == ["practitioner.apply", "practitioner.approve"]
    assert audit_actions("item.") == ["item.approve"]


def test_rejection_needs_a_reason_which_the_applicant_reads_before_applying_again(app, member, general_mod):
    item = applied(app, member)
    mod = signed_in(app, general_mod)
    response = mod.post(f"/mod/items/{item.id}/decide", data={"decision": "reject", "reason": " "})
    assert "Say why, in words the author will read." in text_of(mod.get(response.headers["Location"]))
    assert reload(item).status == ItemStatus.OPEN

    decide(mod, item, "reject", reason="The Georgia board has no licence with that number.")
    assert reload(member).role == Role.MEMBER and not reload(member).is_practitioner
    assert db.session.scalars(select(PractitionerApplication)).one().status == ApplicationStatus.REJECTED
    told = notices(member, "practitioner_rejected")
    assert len(told) == 1 and "The Georgia board has no licence with that number." in told[0].message
    assert audit_actions() == ["practitioner.apply", "practitioner.reject"]
    assert count(PractitionerProfile) == 0

    browser = signed_in(app, member)
    page = text_of(browser.get("/me/practitioner"))
    assert "Your last application was not approved" in page and "no licence with that number" in page
    assert 'value="CSW 012345"' in page  # the form starts from what they sent
    assert apply_form(browser, licence_number="CSW 012346").status_code == 302
    assert count(PractitionerApplication) == 2


@pytest.mark.parametrize("decision", ["approve_with_note", "edit_and_approve"])
def test_an_application_is_only_approved_or_rejected(app, member, general_mod, decision):
    item = applied(app, member)
    with pytest.raises(moderation.ModerationError, match="approved or rejected"):
        moderation.decide(general_mod, item, decision, note="a note", body="x")
    assert reload(item).status == ItemStatus.OPEN and reload(member).role == Role.MEMBER


def test_two_reviewers_cannot_both_decide_one_application(app, member, general_mod, moderator):
    item = applied(app, member)
    first, second = reload(item), reload(item)
    moderation.decide(general_mod, first, "approve")
    with pytest.raises(moderation.ModerationError, match="Another reviewer decided"):
        moderation.decide(moderator, second, "reject", reason="Too late")
    assert reload(member).is_practitioner
    assert audit_actions() == ["practitioner.apply", "practitioner.approve"]
    assert notices(member, "practitioner_rejected") == []


def test_an_account_made_staff_meanwhile_is_not_approved_and_the_item_stays_open(app, member, general_mod):
    item = applied(app, member)
    member.role = Role.MODERATOR
    db.session.commit()
    with pytest.raises(moderation.ModerationError, match="can't become a practitioner"):
        moderation.decide(general_mod, reload(item), "approve")
    assert reload(item).status == ItemStatus.OPEN
    assert reload(member).role == Role.MODERATOR
    assert audit_actions() == ["practitioner.apply"]


def test_accounts_made_as_practitioners_are_verified_for_twelve_months(app, practitioner):
    assert practitioner.is_practitioner
    assert practitioner.verified_until == months_later(practitioner.verified_at, 12)
    assert practitioner.practitioner_badge == "Practitioner"


@pytest.mark.parametrize(
    ("start", "end"),
    [((2026, 1, 31), (2027, 1, 31)), ((2028, 2, 29), (2029, 2, 28)), ((2026, 11, 21), (2027, 11, 21))],
)
def test_twelve_months_later_keeps_the_day_or_takes_the_end_of_a_shorter_month(start, end):
    from datetime import UTC, datetime

    assert months_later(datetime(*start, tzinfo=UTC), 12) == datetime(*end, tzinfo=UTC)
    assert months_later(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
