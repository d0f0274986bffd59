"""Read side of practitioners: the directory, a profile with its answers, an application for review.

Each page costs a fixed number of queries, however many practitioners, specialties or answers it shows.
"""

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from forum.auth.models import AccountStatus, Role, User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.practitioners.models import PractitionerApplication, PractitionerProfile, PractitionerSpecialty
from forum.qa.models import Post, PostKind, PostStatus

PAGE_SIZE = 50
ANSWERS_SHOWN = 30


def verified_now():
    """SQL condition: the users row is a practitioner in good standing whose verification is current."""
    return (User.role == Role.PRACTITIONER) & (User.verified_until > utcnow()) & (User.status == AccountStatus.ACTIVE)


def _contains(column, words: str):
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def directory(specialty: str = "", region: str = "", page: int = 1, per_page: int = PAGE_SIZE) -> Pagination:
    """Verified practitioners, by name; `specialty` is exact, `region` matches the city or region and the
    licensing jurisdiction ("atlanta" finds "Atlanta, Georgia"). Three queries."""
    query = (
        select(PractitionerProfile)
        .join(PractitionerProfile.user)
        .where(verified_now())
        .options(contains_eager(PractitionerProfile.user), selectinload(PractitionerProfile.specialties))
        .order_by(User.username)
    )
    if specialty:
        query = query.where(
            PractitionerProfile.user_id.in_(
                select(PractitionerSpecialty.user_id).where(PractitionerSpecialty.name == specialty.lower())
            )
        )
    if region.strip():
        words = region.strip()
        query = query.where(
            _contains(PractitionerProfile.region, words) | _contains(PractitionerProfile.jurisdiction, words)
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def specialty_choices() -> list[tuple[str, int]]:
    """Every specialty of a verified practitioner, with how many have it (for the directory's filter)."""
    rows = db.session.execute(
        select(PractitionerSpecialty.name, func.count())
        .join(User, User.id == PractitionerSpecialty.user_id)
        .where(verified_now())
        .group_by(PractitionerSpecialty.name)
        .order_by(PractitionerSpecialty.name)
    ).all()
    return [(name, n) for name, n in rows]


def get_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.lower()))


def get_profile(user: User) -> PractitionerProfile | None:
    return db.session.scalar(
        select(PractitionerProfile)
        .where(PractitionerProfile.user_id == user.id)
        .options(selectinload(PractitionerProfile.specialties))
    )


@dataclass
class Answers:
    rows: list[Post]
    total: int


def signed_answers(user: User, limit: int = ANSWERS_SHOWN) -> Answers:
    """The practitioner's public, signed answers to public questions, newest first, with their questions."""
    public_questions = select(Post.id).where(
        Post.kind == PostKind.QUESTION, Post.status == PostStatus.PUBLISHED, Post.deleted_at.is_(None)
    )
    where = (
        Post.author_id == user.id,
        Post.kind == PostKind.ANSWER,
        Post.anonymous.is_(False),
        Post.status == PostStatus.PUBLISHED,
        Post.deleted_at.is_(None),
        Post.question_id.in_(public_questions),
    )
    rows = db.session.scalars(
        select(Post).where(*where).options(joinedload(Post.question)).order_by(Post.created_at.desc()).limit(limit)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(Post).where(*where))
    return Answers(rows, total)


def latest_application(user_id: int) -> PractitionerApplication | None:
    return db.session.scalar(
        select(PractitionerApplication)
        .where(PractitionerApplication.user_id == user_id)
        .order_by(PractitionerApplication.created_at.desc(), PractitionerApplication.id.desc())
        .limit(1)
    )


def get_application(application_id: int) -> PractitionerApplication | None:
    """An application with its applicant, for the review item page."""
    return db.session.scalar(
        select(PractitionerApplication)
        .where(PractitionerApplication.id == application_id)
        .options(joinedload(PractitionerApplication.user))
    )
