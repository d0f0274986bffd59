"""Practitioner applications, the verified profile they become, and its specialties.

The badge shown on every byline (label, verified month, verified-until) lives on the users row;
these tables hold the full profile, loaded only on profile, directory and review pages.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.dbtypes import UTCDateTime, utcnow, value_enum
from forum.extensions import db


class Profession(enum.StrEnum):
    PSYCHOLOGIST = "psychologist"
    PSYCHIATRIST = "psychiatrist"
    LCSW = "lcsw"
    LPC = "lpc"
    LMFT = "lmft"
    COUNSELLOR = "counsellor"
    OTHER = "other"


PROFESSION_LABELS = {
    Profession.PSYCHOLOGIST: "Psychologist",
    Profession.PSYCHIATRIST: "Psychiatrist",
    Profession.LCSW: "LCSW",
    Profession.LPC: "LPC",
    Profession.LMFT: "LMFT",
    Profession.COUNSELLOR: "Counsellor",
    Profession.OTHER: "Other",
}
# Longer names for the form and the profile page.
PROFESSION_NAMES = {
    Profession.PSYCHOLOGIST: "Psychologist",
    Profession.PSYCHIATRIST: "Psychiatrist",
    Profession.LCSW: "Licensed clinical social worker (LCSW)",
    Profession.LPC: "Licensed professional counselor (LPC)",
    Profession.LMFT: "Licensed marriage and family therapist (LMFT)",
    Profession.COUNSELLOR: "Counsellor",
    Profession.OTHER: "Other (say which)",
}


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class _Credentials:
    """The fields an application asks for and a profile shows."""

    profession: Mapped[Profession] = mapped_column(value_enum(Profession, "practitioner_profession"))
    profession_other: Mapped[str] = mapped_column(String(60), default="")
    licence_number: Mapped[str] = mapped_column(String(60))
    jurisdiction: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(100))
    website: Mapped[str] = mapped_column(String(200), default="")
    statement: Mapped[str] = mapped_column(Text, default="")

    @property
    def profession_label(self) -> str:
        """The short name ("LCSW"), or what the applicant wrote for "other"."""
        if self.profession == Profession.OTHER and self.profession_other:
            return self.profession_other
        return PROFESSION_LABELS[self.profession]

    @property
    def badge_label(self) -> str:
        return f"{self.profession_label} · {self.jurisdiction}"


class PractitionerApplication(_Credentials, db.Model):
    """One request to be verified (or re-verified); a review item in the general queue points at it."""

    __tablename__ = "practitioner_applications"
    __table_args__ = (
        Index("ix_practitioner_applications_user", "user_id", "created_at"),
        # At most one application waits per member: a double submit can't open two.
        Index(
            "uq_practitioner_applications_pending",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    specialties: Mapped[str] = mapped_column(String(300))  # normalised names, comma-separated
    status: Mapped[ApplicationStatus] = mapped_column(
        value_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.PENDING
    )
    renewal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")

    @property
    def specialty_list(self) -> list[str]:
        return [s for s in self.specialties.split(",") if s]


class PractitionerProfile(_Credentials, db.Model):
    """A verified practitioner's public profile, made from their latest approved application."""

    __tablename__ = "practitioner_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner_applications.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str] = mapped_column(String(1000), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    specialties: Mapped[list["PractitionerSpecialty"]] = relationship(
        lazy="raise_on_sql", order_by="PractitionerSpecialty.name", cascade="all, delete-orphan"
    )


class PractitionerSpecialty(db.Model):
    """One specialty of a profile, named like a tag so questions' tags can be matched to it."""

    __tablename__ = "practitioner_specialties"

    user_id: Mapped[int] = mapped_column(ForeignKey("practitioner_profiles.user_id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
