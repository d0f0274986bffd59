"""Practitioner tests: applications and review, the badge and its lapse, profiles, the directory, requests
for practitioner answers and the no-solicitation rule.

Small helpers shared by these modules live here (plain functions; the fixtures are in tests/conftest.py).
"""

from datetime import timedelta

from sqlalchemy import select

from forum.audit import AuditEntry
from forum.auth.models import User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import ItemStatus, ReviewItem
from forum.practitioners import services
from forum.practitioners.models import PractitionerApplication
from tests.moderation import signed_in, text_of

WEBSITE = "https://www.calmharbor-therapy.com/about"
APPLICATION = {
    "profession": "lcsw",
    "licence_number": "CSW 012345",
    "jurisdiction": "Georgia",
    "specialties": "Depression, grief",
    "region": "Atlanta, Georgia",
    "website": WEBSITE,
    "statement": "Fifteen years of outpatient work with adults living with low mood and loss.",
}
ANSWER = "Many people notice this after a loss; keeping a small daily routine can steady the week."


def expected_badge(label: str = "LCSW · Georgia") -> str:
    """The badge of someone verified this month."""
    return f"{label} · verified {utcnow():%b %Y}"


def apply_form(browser, **changes):
    """Send the application form; returns the response."""
    return browser.post("/me/practitioner", data=APPLICATION | changes)


def open_application_item(user: User) -> ReviewItem | None:
    db.session.expire_all()
    application_ids = select(PractitionerApplication.id).where(PractitionerApplication.user_id == user.id)
    return db.session.scalar(
        select(ReviewItem).where(
            ReviewItem.target_type == "application",
            ReviewItem.target_id.in_(application_ids),
            ReviewItem.status == ItemStatus.OPEN,
        )
    )


def applied(app, user, **changes) -> ReviewItem:
    """`user` applies through the form; returns the open review item."""
    response = apply_form(signed_in(app, user), **changes)
    assert response.status_code == 302, text_of(response)
    return open_application_item(user)


def verified(
    user: User,
    *,
    specialties=("depression", "grief"),
    region="Atlanta, Georgia",
    jurisdiction="Georgia",
    profession="lcsw",
    website="",
    now=None,
) -> User:
    """Give `user` a verified profile directly (as seed-demo does) and commit."""
    services.seed_profile(
        user,
        profession=profession,
        jurisdiction=jurisdiction,
        licence_number="LIC-1",
        region=region,
        specialties=list(specialties),
        website=website,
        now=now,
    )
    db.session.commit()
    return user


def lapse(user: User, days_ago: int = 1) -> None:
    """Make `user`'s verification end `days_ago` days ago."""
    user.verified_at = utcnow() - timedelta(days=365 + days_ago)
    user.verified_until = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def audit_actions(prefix: str = "practitioner.") -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)
        )
    )
