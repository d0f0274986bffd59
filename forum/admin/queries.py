"""Read side of administration: the effective safety ruleset (cached per process), rule listings, the
posts the engine missed, the audit log and the routing policy."""

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from forum import safety
from forum.admin.models import RulesetGeneration, SafetyRule, SafetyRuleRevision, SafetyRuleStat
from forum.audit import AuditEntry
from forum.auth.models import User
from forum.extensions import db
from forum.moderation import policy
from forum.moderation.models import FLAG_LABELS, Flag, FlagReason, RoutingRule
from forum.qa.models import Post

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


# --- audit log and routing policy ---------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


def audit_page(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = AUDIT_PAGE_SIZE,
):
    """One page of the audit log, newest first, with its actors: two queries whatever the page holds.

    `action` ending in "." is a prefix ("item." finds every item action); dates are UTC days, both included.
    """
    query = (
        select(AuditEntry)
        .outerjoin(AuditEntry.actor)
        .options(contains_eager(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if actor:
        query = query.where(User.username == actor.lower())
    if action.endswith("."):
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    elif action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    if since:
        query = query.where(AuditEntry.created_at >= datetime.combine(since, time.min, UTC))
    if until:
        query = query.where(AuditEntry.created_at < datetime.combine(until + timedelta(days=1), time.min, UTC))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def users_by_id(ids: set[int]) -> dict[int, User]:
    """The users named as targets on an audit page (one query, none when there are none)."""
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def route_values(route: policy.Route) -> dict:
    """A route as plain values (the form's fields, and the audit log's before/after)."""
    return {
        "visibility": route.visibility,
        "queue": str(route.queue.value),
        "priority": route.priority,
        "deadline_minutes": int(route.deadline.total_seconds() // 60),
    }


@dataclass
class RouteRow:
    category: str
    severity: str
    route: dict  # visibility, queue, priority, deadline_minutes
    default: dict
    overridden: bool

    @property
    def locked_to_crisis(self) -> bool:
        return self.category in policy.CRISIS_CATEGORIES and self.severity in ("imminent", "high")


def routing_rows() -> list[RouteRow]:
    """Every (category, severity) with the route in force and the default under it (one query)."""
    overrides = {(r.category, r.severity): r for r in db.session.scalars(select(RoutingRule))}
    rows = []
    for category in policy.ALL_CATEGORIES:
        for severity in policy.ROUTED_SEVERITIES:
            default = route_values(policy.DEFAULT_POLICY[(category, severity)])
            row = overrides.get((category, severity))
            route = {name: getattr(row, name) for name in default} if row is not None else default
            rows.append(RouteRow(category, severity, route, default, row is not None))
    return rows


# Flag reasons the engine has categories for: a post flagged for one of these that the engine allowed is a
# miss to learn from. ("Harmful misinformation" and "something else" are no rule's business.)
ENGINE_FLAG_REASONS = (FlagReason.AT_RISK, FlagReason.HARASSMENT, FlagReason.SPAM, FlagReason.PERSONAL_INFO)
MISSES_PER_PAGE = 25


@dataclass
class MissedPost:
    post: Post
    flags: dict[str, int]  # flag label -> how many members gave it
    outcome: str  # what moderators decided of the flags: "removed", "kept" or "waiting"
    verdict_now: safety.Verdict  # with the rules in force today


def missed_posts(page: int) -> Pagination:
    """Posts members flagged for a risk the engine covers but which the engine allowed when they were saved,
    most recently flagged first, each read again with the rules in force (has a new rule caught it?).
    Two queries a page: the posts, then their flags."""
    flagged = (
        select(Flag.post_id, func.max(Flag.created_at).label("flagged_at"))
        .where(Flag.reason.in_(ENGINE_FLAG_REASONS))
        .group_by(Flag.post_id)
        .subquery()
    )
    query = (
        select(Post)
        .join(flagged, flagged.c.post_id == Post.id)
        .where(Post.safety["action"].as_string() == "allow")
        .order_by(flagged.c.flagged_at.desc(), Post.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=MISSES_PER_PAGE, error_out=False)
    flags: dict[int, list[Flag]] = {}
    for flag in db.session.scalars(select(Flag).where(Flag.post_id.in_([post.id for post in pagination.items]))):
        flags.setdefault(flag.post_id, []).append(flag)
    ruleset = effective_ruleset()
    pagination.items = [_missed(post, flags.get(post.id, []), ruleset) for post in pagination.items]
    return pagination


def _missed(post: Post, flags: list[Flag], ruleset: safety.Ruleset) -> MissedPost:
    counts: dict[str, int] = {}
    for flag in flags:
        if flag.reason in ENGINE_FLAG_REASONS:
            counts[FLAG_LABELS[flag.reason]] = counts.get(FLAG_LABELS[flag.reason], 0) + 1
    outcomes = {flag.outcome for flag in flags}
    outcome = "removed" if "removed" in outcomes else "waiting" if None in outcomes else "kept"
    return MissedPost(post, counts, outcome, safety.scan(post.scan_text, ruleset))
