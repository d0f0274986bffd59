"""Admin-managed safety rules, their version history, hit counters and the ruleset generation."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.dbtypes import UTCDateTime, utcnow
from forum.extensions import db


class _RuleFields:
    """What a rule says: the columns a database rule shares with each of its saved versions."""

    kind: Mapped[str] = mapped_column(String(10))
    pattern: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")


class SafetyRule(_RuleFields, db.Model):
    """A rule added or overridden by an admin; one with a default rule's id replaces that rule."""

    __tablename__ = "safety_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(100), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyRuleRevision(_RuleFields, db.Model):
    """Every saved version of a database rule, never changed afterwards."""

    __tablename__ = "safety_rule_revisions"
    __table_args__ = (UniqueConstraint("rule_id", "version", name="uq_safety_rule_revisions_rule_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyRuleStat(db.Model):
    """How often a rule (default or database) fired, and how often reviewers called it wrong."""

    __tablename__ = "safety_rule_stats"

    rule_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    false_positives: Mapped[int] = mapped_column(default=0)


class RulesetGeneration(db.Model):
    """A single row whose number goes up with every rule change.

    Each worker process compares it with the generation it compiled, so a change made in
    one process is picked up by all of them on their next scan, without a restart.
    """

    __tablename__ = "ruleset_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)


Index("ix_safety_rule_stats_hits", SafetyRuleStat.hits)
