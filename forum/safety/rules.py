"""Rules and context cues as data: the Rule record, the rule-file format, the shipped defaults and merging.

Rule files are tab-separated, one rule a line, after a header line:

    id  version  kind  category  severity  state  pattern

Blank lines and lines starting with `#` are ignored. `@define NAME (a|b|c)` defines a macro that later
phrase patterns use as `{NAME}`. Cue files have the header `kind  pattern` and the same macros; a cue
pattern starting with `re:` is a regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CATEGORIES = (
    "suicide",
    "self_harm",
    "harm_to_others",
    "abuse",
    "medical_emergency",
    "eating_disorder",
    "spam",
    "personal_info",
)
SEVERITIES = ("none", "routine", "elevated", "high", "imminent")  # ascending
STATES = ("active", "log_only", "disabled")
KINDS = ("phrase", "regex")
CUE_KINDS = ("negated", "negated_after", "idiom", "resource", "framing", "speaker", "historical", "current",
             "recovered", "other_person", "intent", "immediacy", "now", "timing", "means", "plan", "protective",
             "accident", "pseudo")

DEFAULT_RULES_FILE = Path(__file__).with_name("default_rules.tsv")
DEFAULT_CUES_FILE = Path(__file__).with_name("default_cues.tsv")
_RULE_COLUMNS = ("id", "version", "kind", "category", "severity", "state", "pattern")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class RuleError(ValueError):
    """A rule (or cue) that cannot be used; the message names it."""


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One safety rule. The app also builds these from database rows managed by admins."""

    id: str
    pattern: str
    category: str
    severity: str
    kind: str = "phrase"
    version: int = 1
    state: str = "active"

    def check(self) -> None:
        """Raise RuleError unless every field holds an allowed value (the pattern is checked on compile)."""
        problems = [
            f"{name} {value!r} is not one of {', '.join(allowed)}"
            for name, value, allowed in (
                ("category", self.category, CATEGORIES),
                ("severity", self.severity, SEVERITIES),
                ("state", self.state, STATES),
                ("kind", self.kind, KINDS),
            )
            if value not in allowed
        ]
        if not self.id:
            problems.append("the id is empty")
        if not isinstance(self.version, int) or self.version < 1:
            problems.append(f"version {self.version!r} is not a positive integer")
        if problems:
            raise RuleError(f"rule {self.id!r}: " + "; ".join(problems))


@dataclass(frozen=True)
class Cue:
    """A context cue: a phrase (or, with `regex`, a regular expression) that changes how nearby rule hits
    are read (see context.py)."""

    kind: str
    pattern: str
    regex: bool = False


def merge_rules(defaults: Iterable[Rule], overrides: Iterable[Rule]) -> list[Rule]:
    """Default rules with database rules laid over them: an override replaces the default with its id
    (to retune, disable or log-only it) and any other override is added after the defaults."""
    merged = {rule.id: rule for rule in defaults}
    for rule in overrides:
        merged[rule.id] = rule
    return list(merged.values())


@lru_cache(maxsize=1)
def _default_rules() -> tuple[Rule, ...]:
    return tuple(parse_rules(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), source=DEFAULT_RULES_FILE.name))


def load_default_rules() -> list[Rule]:
    """The rules shipped with the package (default_rules.tsv), macros expanded."""
    return list(_default_rules())


@lru_cache(maxsize=1)
def load_default_cues() -> tuple[Cue, ...]:
    """The context cues shipped with the package (default_cues.tsv)."""
    return tuple(parse_cues(DEFAULT_CUES_FILE.read_text(encoding="utf-8"), source=DEFAULT_CUES_FILE.name))


def parse_rules(text: str, source: str = "rules") -> list[Rule]:
    """Rules from the tab-separated format described in the module docstring."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, fields, macros in _records(text, source, _RULE_COLUMNS):
        if fields[0] in seen:
            raise RuleError(f"{source} line {number}: rule {fields[0]!r} is defined twice")
        seen.add(fields[0])
        try:
            version = int(fields[1])
        except ValueError:
            raise RuleError(
                f"{source} line {number}: rule {fields[0]!r}: version {fields[1]!r} is not a number"
            ) from None
        where = f"{source} line {number}: rule {fields[0]!r}"
        pattern = _expand(fields[6], macros, where) if fields[2] == "phrase" else fields[6]
        rule = Rule(
            id=fields[0],
            version=version,
            kind=fields[2],
            category=fields[3],
            severity=fields[4],
            state=fields[5],
            pattern=pattern,
        )
        rule.check()
        rules.append(rule)
    return rules


def parse_cues(text: str, source: str = "cues") -> list[Cue]:
    """Cues from a tab-separated file with the columns `kind` and `pattern`."""
    cues: list[Cue] = []
    for number, (kind, pattern), macros in _records(text, source, ("kind", "pattern")):
        if kind not in CUE_KINDS:
            raise RuleError(f"{source} line {number}: cue kind {kind!r} is not one of {', '.join(CUE_KINDS)}")
        if pattern.startswith("re:"):
            cues.append(Cue(kind, pattern[3:], regex=True))
        else:
            cues.append(Cue(kind, _expand(pattern, macros, f"{source} line {number}")))
    return cues


def _records(text: str, source: str, columns: tuple[str, ...]) -> Iterable[tuple[int, list[str], dict[str, str]]]:
    """Yield (line number, fields, macros so far) for each data line, checking the header first."""
    macros: dict[str, str] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@define "):
            name, _, body = line[len("@define ") :].strip().partition(" ")
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not body.strip():
                raise RuleError(f"{source} line {number}: bad macro definition")
            macros[name] = _expand(body.strip(), macros, f"{source} line {number}")
            continue
        fields = [field.strip() for field in line.split("\t")]
        if not header_seen:
            if tuple(fields) != columns:
                raise RuleError(f"{source} line {number}: expected the header {' '.join(columns)!r}")
            header_seen = True
            continue
        if len(fields) != len(columns) or not all(fields):
            raise RuleError(f"{source} line {number}: expected {len(columns)} tab-separated fields")
        yield number, fields, macros


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise RuleError(f"{where}: unknown macro {{{name}}}")
        return f"({macros[name]})"

    return _MACRO.sub(replace, pattern)
