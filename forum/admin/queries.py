"""Read side of administration: the effective safety ruleset (cached per process) and rule listings."""

import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from forum import safety
from forum.admin.models import RulesetGeneration, SafetyRule, SafetyRuleRevision, SafetyRuleStat
from forum.extensions import db

_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "ruleset": None}


def to_rule(row: SafetyRule | SafetyRuleRevision) -> safety.Rule:
    return safety.Rule(
        id=row.rule_id,
        version=row.version,
        kind=row.kind,
        pattern=row.pattern,
        category=row.category,
        severity=row.severity,
        state=row.state,
    )


def current_generation() -> int:
    return db.session.scalar(select(RulesetGeneration.generation)) or 0


def database_rules() -> list[safety.Rule]:
    return [to_rule(row) for row in db.session.scalars(select(SafetyRule).order_by(SafetyRule.rule_id))]


def compile_rules(rules: list[safety.Rule]) -> safety.Ruleset:
    """Default rules overlaid with `rules`, compiled with this site's hotline numbers."""
    merged = safety.merge_rules(safety.load_default_rules(), rules)
    return safety.compile_ruleset(merged, hotlines=current_app.config["HOTLINE_NUMBERS"])


def effective_ruleset() -> safety.Ruleset:
    """The shipped rules plus the database's, recompiled only when the rule generation moves on.

    One small query per call tells whether another process changed the rules, so every worker
    scans with the same rules within one request of a change, without a restart.
    """
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], current_generation())
    with _lock:
        if _cache["key"] != key:
            _cache["ruleset"] = compile_rules(database_rules())
            _cache["key"] = key
        return _cache["ruleset"]


@dataclass
class RuleRow:
    rule: safety.Rule
    source: str  # "default", "database" or "override"
    hits: int
    false_positives: int
    note: str = ""


def rule_rows(query: str = "", category: str = "") -> list[RuleRow]:
    """Every rule in force or disabled, default and database, with its counters, for the admin page."""
    stats = {s.rule_id: s for s in db.session.scalars(select(SafetyRuleStat))}
    db_rows = {row.rule_id: row for row in db.session.scalars(select(SafetyRule))}
    defaults = {rule.id for rule in safety.load_default_rules()}
    merged = safety.merge_rules(safety.load_default_rules(), [to_rule(r) for r in db_rows.values()])
    rows = []
    for rule in merged:
        if category and rule.category != category:
            continue
        if query and query.lower() not in f"{rule.id} {rule.pattern}".lower():
            continue
        stat = stats.get(rule.id)
        source = ("override" if rule.id in defaults else "database") if rule.id in db_rows else "default"
        rows.append(
            RuleRow(
                rule,
                source,
                stat.hits if stat else 0,
                stat.false_positives if stat else 0,
                db_rows[rule.id].note if rule.id in db_rows else "",
            )
        )
    rows.sort(key=lambda r: (r.rule.category, r.rule.id))
    return rows


def rule_history(rule_id: str) -> list[SafetyRuleRevision]:
    return db.session.scalars(
        select(SafetyRuleRevision)
        .where(SafetyRuleRevision.rule_id == rule_id)
        .order_by(SafetyRuleRevision.version.desc())
    ).all()


def find_rule(rule_id: str) -> safety.Rule | None:
    row = db.session.scalar(select(SafetyRule).where(SafetyRule.rule_id == rule_id))
    if row is not None:
        return to_rule(row)
    return next((r for r in safety.load_default_rules() if r.id == rule_id), None)
