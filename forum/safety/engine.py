"""scan(): normalise a post, match every rule in one pass, read hits in context, and return a Verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import Assessment, assess
from .normalise import Normalised, normalise
from .rules import CATEGORIES, SEVERITIES
from .ruleset import Ruleset, default_ruleset

ACTIONS = {"imminent": "urgent", "high": "urgent", "elevated": "review", "routine": "review", "none": "allow"}
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Hit:
    """One rule match, located in the original text, with its severity after context."""

    rule: str
    version: int
    category: str
    severity: str
    base_severity: str
    start: int
    end: int
    text: str
    cues: tuple[str, ...]
    log_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "version": self.version,
            "category": self.category,
            "severity": self.severity,
            "base_severity": self.base_severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "cues": list(self.cues),
            "log_only": self.log_only,
        }


@dataclass(frozen=True)
class Verdict:
    """What the engine decided about a post. Log-only hits are listed but never change the verdict."""

    action: str
    severity: str
    categories: tuple[str, ...]
    hits: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "severity": self.severity,
            "categories": list(self.categories),
            "hits": [hit.to_dict() for hit in self.hits],
        }


def scan(text: str, ruleset: Ruleset | None = None) -> Verdict:
    """Scan one post with `ruleset`, or with the default rules compiled once per process."""
    verdict, _, _ = scan_detailed(text, ruleset)
    return verdict


def scan_detailed(text: str, ruleset: Ruleset | None = None) -> tuple[Verdict, Normalised, list[Assessment]]:
    """scan() plus the normalised stream and the assessments behind the verdict (for explain())."""
    normalised = normalise(text)
    assessments = assess(normalised.match_text, ruleset or default_ruleset())
    hits = tuple(_hit(normalised, assessment) for assessment in sorted(assessments, key=lambda a: (a.start, a.end)))
    deciding = [hit for hit in hits if not hit.log_only and hit.severity != "none"]
    severity = max((hit.severity for hit in deciding), key=_RANK.__getitem__, default="none")
    categories = tuple(category for category in CATEGORIES if any(hit.category == category for hit in deciding))
    return Verdict(ACTIONS[severity], severity, categories, hits), normalised, assessments


def _hit(normalised: Normalised, assessment: Assessment) -> Hit:
    start, end = normalised.match_to_original(assessment.start, assessment.end)
    rule = assessment.rule
    return Hit(
        rule=rule.id,
        version=rule.version,
        category=rule.category,
        severity=assessment.severity,
        base_severity=rule.severity,
        start=start,
        end=end,
        text=normalised.original[start:end],
        cues=tuple(assessment.cues),
        log_only=assessment.log_only,
    )
