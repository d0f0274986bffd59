"""Admin actions on safety rules (versioned, audited, picked up by every worker) and rule counters."""

from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum import audit, safety
from forum.admin.models import RulesetGeneration, SafetyRule, SafetyRuleRevision, SafetyRuleStat
from forum.admin.queries import compile_rules, database_rules, find_rule
from forum.auth.models import User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.permissions import require

RULE_FIELDS = ("kind", "pattern", "category", "severity", "state")


def save_rule(
    actor: User, rule_id: str, *, kind: str, pattern: str, category: str, severity: str, state: str, note: str = ""
) -> safety.Rule:
    """Add a rule, or change one (a default rule gets a database override) as a new version.

    The whole ruleset is compiled with the change first, so a bad pattern is refused with the
    engine's message and nothing is stored. Raises safety.RuleError.
    """
    require(actor, "admin.access")
    rule_id = rule_id.strip()
    previous = find_rule(rule_id)
    version = previous.version + 1 if previous else 1
    rule = safety.Rule(
        id=rule_id,
        version=version,
        kind=kind,
        pattern=pattern.strip(),
        category=category,
        severity=severity,
        state=state,
    )
    rule.check()
    if previous and all(getattr(previous, f) == getattr(rule, f) for f in RULE_FIELDS):
        raise safety.RuleError(f"rule {rule_id!r}: nothing changed")
    compile_rules([r for r in database_rules() if r.id != rule_id] + [rule])

    row = db.session.scalar(select(SafetyRule).where(SafetyRule.rule_id == rule_id))
    if row is None:
        row = SafetyRule(rule_id=rule_id)
        db.session.add(row)
    for field in RULE_FIELDS:
        setattr(row, field, getattr(rule, field))
    row.version, row.note, row.updated_by_id, row.updated_at = version, note.strip(), actor.id, utcnow()
    db.session.add(
        SafetyRuleRevision(
            rule_id=rule_id,
            version=version,
            note=row.note,
            changed_by_id=actor.id,
            **{f: getattr(rule, f) for f in RULE_FIELDS},
        )
    )
    audit.record(
        actor,
        "rule.add" if previous is None else "rule.change",
        "rule",
        None,
        rule=rule_id,
        version=version,
        before={f: getattr(previous, f) for f in RULE_FIELDS} if previous else None,
        after={f: getattr(rule, f) for f in RULE_FIELDS},
        note=row.note,
    )
    _bump_generation()
    db.session.commit()
    return rule


def set_rule_state(actor: User, rule_id: str, state: str) -> safety.Rule:
    """Disable, set log-only or re-activate a rule: a new version with only the state changed."""
    rule = find_rule(rule_id)
    if rule is None:
        raise safety.RuleError(f"rule {rule_id!r} does not exist")
    return save_rule(
        actor,
        rule_id,
        kind=rule.kind,
        pattern=rule.pattern,
        category=rule.category,
        severity=rule.severity,
        state=state,
    )


def _bump_generation() -> None:
    bumped = db.session.execute(update(RulesetGeneration).values(generation=RulesetGeneration.generation + 1))
    if bumped.rowcount == 0:
        db.session.add(RulesetGeneration(id=1, generation=1))


def _add_to_stats(counts: Counter, column: str) -> None:
    """Add to per-rule counters in the caller's transaction (an upsert on both databases)."""
    if not counts:
        return
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = [{"rule_id": rule_id, "hits": 0, "false_positives": 0, column: n} for rule_id, n in sorted(counts.items())]
    statement = insert(SafetyRuleStat).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[SafetyRuleStat.rule_id],
        set_={column: getattr(SafetyRuleStat, column) + getattr(statement.excluded, column)},
    )
    db.session.execute(statement)


def count_hits(verdict: safety.Verdict) -> None:
    _add_to_stats(Counter(hit.rule for hit in verdict.hits), "hits")


def count_false_positive(rule_ids: list[str]) -> None:
    _add_to_stats(Counter(rule_ids), "false_positives")
