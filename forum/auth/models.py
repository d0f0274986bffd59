"""Accounts: who a person is on the forum, their role and their standing."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.dbtypes import UTCDateTime, utcnow
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


def _new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # stored lower-case
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # lower-case
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", values_callable=lambda e: [m.value for m in e]),
        default=Role.MEMBER,
    )
    crisis_reviewer: Mapped[bool] = mapped_column(default=False)
    # On-call crisis reviewers get e-mail alerts for imminent and overdue crisis items.
    on_call: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AccountStatus] = mapped_column(
        Enum(AccountStatus, name="account_status", values_callable=lambda e: [m.value for m in e]),
        default=AccountStatus.ACTIVE,
    )
    about: Mapped[str] = mapped_column(String(500), default="")
    reputation: Mapped[int] = mapped_column(default=0)
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
        return self.status != AccountStatus.DELETED

    @property
    def is_deleted(self) -> bool:
        return self.status == AccountStatus.DELETED

    @property
    def display_name(self) -> str:
        return "Deleted member" if self.is_deleted else self.username

    @property
    def is_practitioner(self) -> bool:
        return self.role == Role.PRACTITIONER

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"
