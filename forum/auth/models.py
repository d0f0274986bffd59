"""Accounts: who a person is on the forum, their role and their standing."""

import calendar
import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.dbtypes import UTCDateTime, utcnow, value_enum
from forum.extensions import db


class Role(enum.StrEnum):
    MEMBER = "member"
    PRACTITIONER = "practitioner"
    MODERATOR = "moderator"
    ADMIN = "admin"


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    SILENCED = "silenced"
    SUSPENDED = "suspended"
    DELETED = "deleted"
    PENDING = "pending"  # signed up, e-mail address not yet confirmed: cannot sign in, shown nowhere


# Accounts that cannot be signed in to, shown, mentioned or written to.
INACTIVE_STATUSES = (AccountStatus.DELETED, AccountStatus.PENDING)


VERIFICATION_MONTHS = 12


def months_later(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan -> 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # stored lower-case
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # lower-case
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(
        value_enum(Role, "role"),
        default=Role.MEMBER,
    )
    crisis_reviewer: Mapped[bool] = mapped_column(default=False)
    # On-call crisis reviewers get e-mail alerts for imminent and overdue crisis items.
    on_call: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AccountStatus] = mapped_column(
        value_enum(AccountStatus, "account_status"),
        default=AccountStatus.ACTIVE,
    )
    about: Mapped[str] = mapped_column(String(500), default="")
    reputation: Mapped[int] = mapped_column(default=0)
    # Daily e-mail digest of unread notifications (opt-in), and when the last one was queued (once a day).
    digest_opt_in: Mapped[bool] = mapped_column(default=False)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Practitioner badge data lives on this row so bylines on every list and thread need no join:
    # "LCSW · Georgia", when the licence was last checked, and until when that check holds.
    practitioner_label: Mapped[str] = mapped_column(String(120), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Content-note topics (keys of forum.privacy.topics.TOPICS) shown collapsed to this member.
    collapsed_topics: Mapped[list] = mapped_column(JSON, default=list)
    # Rotated on password change and deletion so old sessions and remember-me cookies die.
    session_token: Mapped[str] = mapped_column(String(32), default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    @property
    def is_active(self) -> bool:
        """Whether the account may be signed in to (Flask-Login) and shown: not deleted, not awaiting confirmation."""
        return self.status not in INACTIVE_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == AccountStatus.PENDING

    @property
    def is_deleted(self) -> bool:
        return self.status == AccountStatus.DELETED

    @property
    def display_name(self) -> str:
        return "Deleted member" if self.is_deleted else self.username

    @property
    def is_practitioner(self) -> bool:
        """A practitioner whose verification is current; the badge and practitioner markers depend on it."""
        return self.role == Role.PRACTITIONER and self.verified_until is not None and self.verified_until > utcnow()

    @property
    def verification_lapsed(self) -> bool:
        """Still has the practitioner role, but the verification ran out: they are asked to renew."""
        return self.role == Role.PRACTITIONER and not self.is_practitioner

    @property
    def practitioner_badge(self) -> str:
        """The badge, e.g. "LCSW · Georgia · verified Nov 2026"; "Practitioner" for accounts made without applying."""
        if not self.practitioner_label or self.verified_at is None:
            return "Practitioner"
        return f"{self.practitioner_label} · verified {self.verified_at:%b %Y}"

    def mark_verified(self, now: datetime, label: str | None = None) -> None:
        """Verify for VERIFICATION_MONTHS from `now` (a renewal starts a new period); no commit."""
        self.verified_at = now
        self.verified_until = months_later(now, VERIFICATION_MONTHS)
        if label is not None:
            self.practitioner_label = label

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"
