"""Questions, answers and comments (one `posts` table), their tags, votes and revisions.

One table for the three kinds keeps revisions, votes, safety verdicts and review items
pointing at a single target type, and lets a thread load in a fixed number of queries.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import Role, User
from forum.dbtypes import UTCDateTime, utcnow, value_enum
from forum.extensions import db


class PostKind(enum.StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    COMMENT = "comment"


class PostStatus(enum.StrEnum):
    """Moderation state. Author deletion is separate (`deleted_at`): nothing is ever erased."""

    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"


post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    curated: Mapped[bool] = mapped_column(default=False)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_list_created", "kind", "status", "created_at"),
        Index("ix_posts_list_activity", "kind", "status", "last_activity_at"),
        Index("ix_posts_list_score", "kind", "status", "score"),
        # Serves the Unanswered list, and makes every list's page count read this index alone
        # instead of one table row per question (deleted_at is in no other index).
        Index("ix_posts_list_unanswered", "kind", "status", "deleted_at", "answer_count", "created_at"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        CheckConstraint("(kind = 'question') = (title IS NOT NULL)", name="title_only_on_questions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PostKind] = mapped_column(value_enum(PostKind, "post_kind"))
    # The thread a post belongs to (null for the question itself) and what it replies to.
    question_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str | None] = mapped_column(String(150))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[PostStatus] = mapped_column(value_enum(PostStatus, "post_status"), default=PostStatus.PUBLISHED)
    score: Mapped[int] = mapped_column(default=0)
    answer_count: Mapped[int] = mapped_column(default=0)
    accepted_answer_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    has_practitioner_answer: Mapped[bool] = mapped_column(default=False)
    # The asker would like answers from verified practitioners (those with matching specialties are told).
    practitioner_requested: Mapped[bool] = mapped_column(default=False)
    revision_count: Mapped[int] = mapped_column(default=1)
    safety: Mapped[dict | None] = mapped_column(JSON)
    # Readers see the post collapsed behind this note ("mentions self-harm") until they open it.
    content_note: Mapped[str | None] = mapped_column(String(200))
    # A question its author asked search engines not to index (robots noindex); also left out of feeds.
    noindex: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="raise_on_sql")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, lazy="raise_on_sql", order_by=Tag.name)
    question: Mapped["Post | None"] = relationship(foreign_keys=[question_id], remote_side=[id], lazy="raise_on_sql")

    @property
    def is_question(self) -> bool:
        return self.kind == PostKind.QUESTION

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def scan_text(self) -> str:
        """The text the safety engine reads for the post; the offsets of its hits point into it."""
        return f"{self.title}\n\n{self.body_md}" if self.title else self.body_md

    @property
    def thread_id(self) -> int:
        return self.id if self.is_question else self.question_id

    @property
    def is_public(self) -> bool:
        return self.status == PostStatus.PUBLISHED and not self.is_deleted

    def refresh_answer_stats(self) -> None:
        """Recount a question's public answers and whether a practitioner wrote one.

        Called whenever an answer appears, is deleted, held, rejected or approved, so lists never
        count what readers can't see. Two small queries; no commit.

        "A practitioner wrote one" means a practitioner whose verification is current now, not one who was
        verified when they answered: the list marker and `?practitioner=1` promise what the thread shows,
        a badge on the answer, and that badge goes when verification lapses or is revoked. The
        practitioners package recounts a person's questions when their verification starts, lapses (its
        daily sweep) or is revoked.
        """
        public_answers = select(Post).where(
            Post.question_id == self.id,
            Post.kind == PostKind.ANSWER,
            Post.status == PostStatus.PUBLISHED,
            Post.deleted_at.is_(None),
        )
        self.answer_count = db.session.scalar(select(func.count()).select_from(public_answers.subquery()))
        # Anonymous answers don't count: the marker would tell readers the anonymous author's role.
        by_practitioner = public_answers.join(User, User.id == Post.author_id).where(
            User.role == Role.PRACTITIONER, User.verified_until > utcnow(), Post.anonymous.is_(False)
        )
        self.has_practitioner_answer = db.session.scalar(select(by_practitioner.exists()))


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id", name="uq_votes_post_user"),
        CheckConstraint("value IN (-1, 1)", name="value_is_up_or_down"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(db.Model):
    """A full snapshot of a post after each save; the first one is the original text."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("post_id", "number", name="uq_revisions_post_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    number: Mapped[int]
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(150))
    body_md: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User] = relationship(lazy="raise_on_sql")
