"""The routing policy: (category, severity) -> visibility, queue, priority, deadline.

Defaults live here as data; admins override single entries in the `routing_rules` table.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import Queue, RoutingRule

CRISIS_CATEGORIES = ("suicide", "self_harm", "medical_emergency", "abuse", "harm_to_others")
ALL_CATEGORIES = CRISIS_CATEGORIES + ("eating_disorder", "spam", "personal_info")
ROUTED_SEVERITIES = ("imminent", "high", "elevated", "routine")
SEVERITY_RANK = {"none": 0, "routine": 1, "elevated": 2, "high": 3, "imminent": 4}
PRIORITY = {"imminent": 100, "high": 80, "elevated": 50, "routine": 20}
# Priorities of reasons that are not a safety verdict.
FLAG_PRIORITY = {"at_risk": 60}
DEFAULT_FLAG_PRIORITY = 30
NEW_MEMBER_PRIORITY = 10


@dataclass(frozen=True)
class Route:
    visibility: str  # "published" or "held"
    queue: Queue
    priority: int
    deadline: timedelta

    def combine(self, other: "Route") -> "Route":
        """The stricter of two routes: held beats published, crisis beats general, sooner beats later."""
        return Route(
            "held" if "held" in (self.visibility, other.visibility) else "published",
            Queue.CRISIS if Queue.CRISIS in (self.queue, other.queue) else Queue.GENERAL,
            max(self.priority, other.priority),
            min(self.deadline, other.deadline),
        )


def _default(category: str, severity: str) -> Route:
    minutes = {"imminent": 15, "high": 60}
    if category in ("spam", "personal_info"):
        return Route("held", Queue.GENERAL, PRIORITY[severity], timedelta(hours=24))
    if severity in minutes and category in CRISIS_CATEGORIES + ("eating_disorder",):
        return Route("held", Queue.CRISIS, PRIORITY[severity], timedelta(minutes=minutes[severity]))
    if severity == "elevated":
        hours = 24 if category == "eating_disorder" else 12
        return Route("published", Queue.CRISIS, PRIORITY[severity], timedelta(hours=hours))
    return Route("published", Queue.GENERAL, PRIORITY[severity], timedelta(hours=24))


DEFAULT_POLICY = {(c, s): _default(c, s) for c in ALL_CATEGORIES for s in ROUTED_SEVERITIES}


def current_policy() -> dict[tuple[str, str], Route]:
    """Defaults with the admins' overrides laid over them (one query)."""
    policy = dict(DEFAULT_POLICY)
    for row in db.session.scalars(select(RoutingRule)):
        policy[(row.category, row.severity)] = Route(
            row.visibility, Queue(row.queue), row.priority, timedelta(minutes=row.deadline_minutes)
        )
    return policy


def route_for_verdict(verdict: dict) -> Route | None:
    """The combined route of every (category, severity) a verdict's acting hits carry, or None."""
    pairs = {(h["category"], h["severity"]) for h in verdict.get("hits", ()) if not h.get("log_only")}
    pairs = {p for p in pairs if p[1] in ROUTED_SEVERITIES}
    if not pairs:
        return None
    policy = current_policy()
    routes = [policy[p] for p in sorted(pairs)]
    result = routes[0]
    for route in routes[1:]:
        result = result.combine(route)
    return result
