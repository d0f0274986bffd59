"""A practitioner's verification end to end in Chromium: a member applies through the form, a moderator approves
on the review item page, and the member's next answer carries the "LCSW · Georgia · verified <Mon YYYY>" badge;
the directory then finds them by specialty and city. axe scans of the new pages."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from forum.auth.models import Role, User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import ItemStatus, ReviewItem
from forum.qa import services as qa
from tests.browser.conftest import sign_in, sign_out
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

QUESTION_TITLE = "How do I get through the first winter after a loss?"
ANSWER_TEXT = "Many people notice this after a loss; keeping a small daily routine can steady the week."
BADGE = re.compile(r"^LCSW · Georgia · verified [A-Z][a-z]{2} \d{4}$")


def fresh(statement):
    """Read what the server has committed (ends this session's snapshot first)."""
    db.session.rollback()
    return db.session.scalars(statement)


@pytest.fixture
def people(make_user):
    applicant = make_user(Role.MEMBER, "casey_lcsw")
    reviewer = make_user(Role.MODERATOR, "mod_gina")
    asker = make_user(Role.MEMBER, "asker_ann")
    question = qa.ask_question(asker, QUESTION_TITLE, "My mother died in the spring; the dark evenings are hard.",
                               "grief")
    return {"applicant": applicant, "reviewer": reviewer, "question": question}


def test_a_member_applies_a_moderator_approves_and_their_answer_shows_the_badge(live_server, page, people):
    # The member finds the application from their own profile and applies.
    sign_in(page, "casey_lcsw")
    page.get_by_role("link", name="casey_lcsw").click()
    page.get_by_role("link", name="Apply for a verified practitioner badge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply as a practitioner")
    assert blocking_violations(page) == []
    page.get_by_label("Profession", exact=True).select_option(label="Licensed clinical social worker (LCSW)")
    page.get_by_label("Licence number").fill("CSW 012345")
    page.get_by_label("Issuing jurisdiction (state or country)").fill("Georgia")
    page.get_by_label("Specialties").fill("grief, depression")
    page.get_by_label("City or region").fill("Atlanta, Georgia")
    page.get_by_label("Website (optional)").fill("https://calmharbor-therapy.com")
    page.get_by_label("A short statement").fill("Fifteen years of outpatient work with adults after a loss.")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".flash-success")).to_contain_text("Your application is with the moderators")
    expect(page.get_by_text("Your application is with the moderators (sent")).to_be_visible()
    (item,) = fresh(select(ReviewItem).where(ReviewItem.target_type == "application")).all()
    assert item.status == ItemStatus.OPEN
    sign_out(page)

    # A moderator opens it from the general queue, sees the details and approves.
    sign_in(page, "mod_gina")
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("General queue")
    row = page.locator(".queue-row").filter(has_text="Application: LCSW · Georgia")
    expect(row).to_have_count(1)
    row.locator("a.queue-title").click()
    details = page.get_by_role("region", name="Practitioner application (pending)")
    for shown in ("casey_lcsw", "CSW 012345", "Georgia", "grief, depression", "Atlanta, Georgia",
                  "https://calmharbor-therapy.com", "Fifteen years of outpatient work"):
        expect(details).to_contain_text(shown)
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Approve application").click()
    expect(page.locator(".flash-success")).to_have_text("Decided: approve.")
    expect(page.locator(".item-summary")).to_contain_text("Decided: approve")
    user = fresh(select(User).where(User.username == "casey_lcsw")).one()
    assert user.role == Role.PRACTITIONER and user.verified_until > utcnow()
    sign_out(page)

    # The new practitioner is told, and their answer carries the badge.
    sign_in(page, "casey_lcsw")
    expect(page.locator(".site-header .count")).to_have_text("1")
    page.goto(f"/questions/{people['question'].id}")
    page.get_by_role("textbox", name="Your answer").fill(ANSWER_TEXT)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()
    answer = page.locator("article.post-answer")
    expect(answer.locator(".post-body")).to_have_text(ANSWER_TEXT)
    badge = answer.locator(".badge-practitioner")
    expect(badge).to_have_text(BADGE)
    expect(badge).to_have_text(f"LCSW · Georgia · verified {utcnow():%b %Y}")
    expect(answer.locator(".practitioner-note")).to_be_visible()
    sign_out(page)

    # Anyone can find them in the directory by specialty and city.
    page.get_by_role("link", name="Practitioners").click()
    page.get_by_label("Specialty").select_option("grief")
    page.get_by_label("City, region or state").fill("atlanta")
    page.get_by_role("button", name="Find practitioners").click()
    expect(page.locator(".practitioner-card")).to_have_count(1)
    expect(page.locator(".practitioner-card .badge-practitioner")).to_have_text(BADGE)
    assert blocking_violations(page) == []
    page.get_by_role("link", name="casey_lcsw").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("casey_lcsw")
    expect(page.get_by_role("link", name=QUESTION_TITLE)).to_be_visible()
    assert blocking_violations(page) == []
