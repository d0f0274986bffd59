"""Who follows which question, who bookmarked which post, and which events were already announced.

`Mention` and `Announcement` exist so that an event notifies each person once: a post's answer,
comment and mention notices go out when it first becomes public (at once, or when a moderator
approves it), and an edit that adds a new @mention tells only the newly mentioned.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.dbtypes import UTCDateTime, utcnow
from forum.extensions import db
from forum.qa.models import Post


class Follow(db.Model):
    """A member follows a question: its new answers reach them as notifications. Askers follow their own."""

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_user_created", "user_id", "created_at"),)

    # The key starts with the question: "who follows this question" is the query every new answer runs.
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Post] = relationship(lazy="raise_on_sql")


class Bookmark(db.Model):
    """A question or answer a member saved for later; private to them."""

    __tablename__ = "bookmarks"
    __table_args__ = (Index("ix_bookmarks_user_created", "user_id", "created_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship(lazy="raise_on_sql")


class Mention(db.Model):
    """A member named with @username in a post, recorded when they were told (or found to be told otherwise)."""

    __tablename__ = "mentions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Announcement(db.Model):
    """The post's answer / comment notices went out (it was public then); approval after a later hold
    must not send them again."""

    __tablename__ = "announcements"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
