"""Admin actions: safety rules (versioned, audited, live in every worker), rule counters, the routing
policy and the wording of messages to members (both audited)."""

from collections import Counter
from string import Formatter

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum import audit, safety
from forum.admin.models import RulesetGeneration, SafetyRule, SafetyRuleRevision, SafetyRuleStat
from forum.admin.queries import compile_rules, database_rules, find_rule, route_values
from forum.auth.models import User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import policy
from forum.moderation.models import MessageTemplate, Queue, RoutingRule
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


# --- routing policy and message templates -----------------------------------------------------------


class PolicyError(Exception):
    """A routing or message-template change that can't be saved; the message is safe to show by the form.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


ROUTE_FIELDS = ("visibility", "queue", "priority", "deadline_minutes")
ROUTE_LIMITS = {"priority": (0, 1000), "deadline_minutes": (1, 10080)}
MUST_STAY_CRISIS = ("imminent", "high")


def _check_route(category: str, severity: str, values: dict) -> None:
    if (category, severity) not in policy.DEFAULT_POLICY:
        raise PolicyError(f"There is no route for {category} at {severity} severity.")
    if values["visibility"] not in ("published", "held"):
        raise PolicyError("Visibility is published or held.", "visibility")
    if values["queue"] not in {q.value for q in Queue}:
        raise PolicyError("The queue is crisis or general.", "queue")
    for name, (low, high) in ROUTE_LIMITS.items():
        if not low <= values[name] <= high:
            raise PolicyError(f"{name.replace('_', ' ').capitalize()} must be from {low} to {high}.", name)
    if category in policy.CRISIS_CATEGORIES and severity in MUST_STAY_CRISIS and values["queue"] != Queue.CRISIS:
        raise PolicyError(
            f"{category.replace('_', ' ').capitalize()} at {severity} severity must stay in the crisis queue: "
            "someone may be in danger, and only trained crisis reviewers should see it first.",
            "queue",
        )


def _override(category: str, severity: str) -> RoutingRule | None:
    return db.session.scalar(
        select(RoutingRule).where(RoutingRule.category == category, RoutingRule.severity == severity)
    )


def save_route(
    actor: User,
    category: str,
    severity: str,
    *,
    visibility: str,
    queue: str,
    priority: int,
    deadline_minutes: int,
    note: str = "",
) -> dict:
    """Override the route of one (category, severity); audited with before and after. Returns the new values.

    Crisis categories at imminent or high severity can't leave the crisis queue. Raises PolicyError.
    The change applies from the next post on (routing reads the policy on every save).
    """
    require(actor, "admin.access")
    after = {"visibility": visibility, "queue": queue, "priority": priority, "deadline_minutes": deadline_minutes}
    _check_route(category, severity, after)
    row = _override(category, severity)
    before = (
        {name: getattr(row, name) for name in ROUTE_FIELDS}
        if row is not None
        else route_values(policy.DEFAULT_POLICY[(category, severity)])
    )
    if before == after:
        raise PolicyError("Nothing changed.")
    statement = _insert_for_dialect()(RoutingRule).values(category=category, severity=severity, **after)
    statement = statement.on_conflict_do_update(index_elements=["category", "severity"], set_=after).returning(
        RoutingRule.id
    )
    row_id = db.session.execute(statement).scalar_one()
    if row is not None:
        db.session.expire(row)
    audit.record(
        actor,
        "routing.change",
        "routing_rule",
        row_id,
        category=category,
        severity=severity,
        before=before,
        after=after,
        note=note.strip(),
    )
    db.session.commit()
    return after


def reset_route(actor: User, category: str, severity: str) -> dict:
    """Delete the override of one (category, severity) so the default applies again; audited. Raises PolicyError."""
    require(actor, "admin.access")
    if (category, severity) not in policy.DEFAULT_POLICY:
        raise PolicyError(f"There is no route for {category} at {severity} severity.")
    row = _override(category, severity)
    if row is None:
        raise PolicyError("This route already follows the default.")
    before = {name: getattr(row, name) for name in ROUTE_FIELDS}
    after = route_values(policy.DEFAULT_POLICY[(category, severity)])
    row_id = row.id
    deleted = db.session.execute(
        delete(RoutingRule).where(RoutingRule.id == row_id).execution_options(synchronize_session=False)
    ).rowcount
    if not deleted:
        db.session.rollback()
        raise PolicyError("This route already follows the default.")
    db.session.expunge(row)
    audit.record(
        actor, "routing.reset", "routing_rule", row_id, category=category, severity=severity, before=before, after=after
    )
    db.session.commit()
    return after


def _insert_for_dialect():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _placeholders_ok(key: str, body: str) -> None:
    """The rejection text is filled in with str.format(reason=...): it needs {reason} and nothing else in braces."""
    if key != "reject":
        return
    try:
        names = {name for _, name, _, _ in Formatter().parse(body) if name is not None}
    except ValueError:
        names = None
    if names is None or names - {"reason"}:
        raise PolicyError("Only {reason} can be filled in. Write any other brace twice, as {{ or }}, or take it out.")
    if "reason" not in names:
        raise PolicyError("The rejection message must contain {reason}: that is where the moderator's reason goes.")


def save_template(actor: User, key: str, *, subject: str, body: str) -> None:
    """Change the wording of a message to members (rejection, reach-out); audited. Raises PolicyError."""
    from forum.moderation import services as moderation  # imported here: moderation.services imports this module

    require(actor, "admin.access")
    if key not in moderation.DEFAULT_TEMPLATES:
        raise PolicyError("There is no such message template.")
    subject, body = subject.strip(), body.replace("\r\n", "\n").strip()
    if not subject or not body:
        raise PolicyError("Write both a subject and a message.")
    _placeholders_ok(key, body)
    before = moderation.template(key)
    if before == (subject, body):
        raise PolicyError("Nothing changed.")
    row = db.session.get(MessageTemplate, key)
    if row is None:
        row = MessageTemplate(key=key)
        db.session.add(row)
    row.subject, row.body, row.updated_at = subject, body, utcnow()
    audit.record(
        actor,
        "template.change",
        "message_template",
        None,
        key=key,
        before={"subject": before[0], "body": before[1]},
        after={"subject": subject, "body": body},
    )
    db.session.commit()


def reset_template(actor: User, key: str) -> None:
    """Go back to the shipped wording of a template; audited. Raises PolicyError if it already is."""
    from forum.moderation import services as moderation  # imported here: moderation.services imports this module

    require(actor, "admin.access")
    row = db.session.get(MessageTemplate, key)
    if key not in moderation.DEFAULT_TEMPLATES or row is None:
        raise PolicyError("This template already uses the default wording.")
    before = {"subject": row.subject, "body": row.body}
    subject, body = moderation.DEFAULT_TEMPLATES[key]
    db.session.delete(row)
    audit.record(
        actor,
        "template.reset",
        "message_template",
        None,
        key=key,
        before=before,
        after={"subject": subject, "body": body},
    )
    db.session.commit()
