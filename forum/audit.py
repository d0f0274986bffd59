"""Append-only audit log of what moderators, admins and the system did: record() adds, nothing edits (the ORM
refuses, and on PostgreSQL a trigger does too)."""

from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.dbtypes import UTCDateTime, utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_created", "created_at"),
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_actor", "actor_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise_on_sql")


def record(actor: User | None, action: str, target_type: str, target_id: int | None, **details) -> AuditEntry:
    """Add an entry to the caller's transaction; the caller's service commits it with its change."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(entry)
    return entry


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target):
    raise RuntimeError("the audit log is append-only")


# On PostgreSQL the database itself refuses to change or delete an entry, whatever the client (a console, a
# script, another service): the migration and create_all both install this trigger. TRUNCATE, an
# operator's deliberate act on the whole table, is not blocked.
APPEND_ONLY_TRIGGER = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)
for _statement in APPEND_ONLY_TRIGGER:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
