"""Safety engine: pure Python (no Flask, no database) keyword rules with context, scan(text) -> Verdict.

Typical use: `scan(text)` with the shipped rules, or `scan(text, compile_ruleset(merge_rules(
load_default_rules(), database_rules)))` with a ruleset cached by its fingerprint.
"""

from .engine import ACTIONS, Hit, Verdict, scan
from .normalise import Normalised, normalise
from .rules import CATEGORIES, SEVERITIES, Cue, Rule, RuleError, load_default_cues, load_default_rules, merge_rules
from .ruleset import DEFAULT_HOTLINES, Ruleset, compile_ruleset, default_ruleset
from .tools import explain, scan_jsonl

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "DEFAULT_HOTLINES",
    "SEVERITIES",
    "Cue",
    "Hit",
    "Normalised",
    "Rule",
    "RuleError",
    "Ruleset",
    "Verdict",
    "compile_ruleset",
    "default_ruleset",
    "explain",
    "load_default_cues",
    "load_default_rules",
    "merge_rules",
    "normalise",
    "scan",
    "scan_jsonl",
]
