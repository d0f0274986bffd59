"""Review items and their reasons, member flags, the routing policy and message templates."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.dbtypes import UTCDateTime, utcnow, value_enum
from forum.extensions import db


class Queue(enum.StrEnum):
    CRISIS = "crisis"
    GENERAL = "general"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ReasonKind(enum.StrEnum):
    SAFETY = "safety"  # a safety verdict on a new post
    EDIT = "edit"  # a safety verdict on an edit
    FLAG = "flag"  # a member's flag
    NEW_MEMBER = "new_member"  # pre-moderation of a new account's first posts
    SILENCED = "silenced"  # the author is silenced: every post waits for review
    MESSAGE = "message"  # a suspended or worried member wrote to the moderators
    APPLICATION = "application"  # a practitioner application


class FlagReason(enum.StrEnum):
    AT_RISK = "at_risk"
    HARASSMENT = "harassment"
    SPAM = "spam"
    PERSONAL_INFO = "personal_info"
    MISINFORMATION = "misinformation"
    OTHER = "other"


FLAG_LABELS = {
    FlagReason.AT_RISK: "Someone may be at risk",
    FlagReason.HARASSMENT: "Harassment or hostility",
    FlagReason.SPAM: "Spam or advertising",
    FlagReason.PERSONAL_INFO: "Personal information",
    FlagReason.MISINFORMATION: "Harmful misinformation",
    FlagReason.OTHER: "Something else",
}


class ReviewItem(db.Model):
    """Everything moderators need to decide about one target; at most one open item per target."""

    __tablename__ = "review_items"
    __table_args__ = (
        Index(
            "uq_review_items_open_target",
            "target_type",
            "target_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_review_items_queue_order", "status", "queue", "priority", "deadline_at"),
        Index("ix_review_items_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))  # "post", "user", "application"
    target_id: Mapped[int]
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    queue: Mapped[Queue] = mapped_column(value_enum(Queue, "review_queue"))
    status: Mapped[ItemStatus] = mapped_column(value_enum(ItemStatus, "review_status"), default=ItemStatus.OPEN)
    priority: Mapped[int] = mapped_column(default=0)
    severity: Mapped[str] = mapped_column(String(10), default="none")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_alerts: Mapped[int] = mapped_column(default=0)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(30))

    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], lazy="raise_on_sql")
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id], lazy="raise_on_sql")
    reasons: Mapped[list["ReviewReason"]] = relationship(
        back_populates="item", lazy="raise_on_sql", order_by="ReviewReason.id"
    )


class ReviewReason(db.Model):
    """One reason an item is in the queue: a verdict with its hits, a flag, pre-moderation, a message."""

    __tablename__ = "review_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), index=True)
    kind: Mapped[ReasonKind] = mapped_column(value_enum(ReasonKind, "reason_kind"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ReviewItem] = relationship(back_populates="reasons", lazy="raise_on_sql")


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_flags_post_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[FlagReason] = mapped_column(value_enum(FlagReason, "flag_reason"))
    note: Mapped[str] = mapped_column(String(500), default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    outcome: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoutingRule(db.Model):
    """An admin's override of the default routing for one (category, severity)."""

    __tablename__ = "routing_rules"
    __table_args__ = (UniqueConstraint("category", "severity", name="uq_routing_rules_category_severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    visibility: Mapped[str] = mapped_column(String(10))  # "published" or "held"
    queue: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int]
    deadline_minutes: Mapped[int]


class MessageTemplate(db.Model):
    """Wording of messages to members (rejection, reach-out), editable by admins."""

    __tablename__ = "message_templates"

    key: Mapped[str] = mapped_column(String(30), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
