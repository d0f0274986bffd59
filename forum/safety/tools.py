"""Pure helpers behind the `flask safety` commands: scan JSON Lines in bulk, and explain one verdict."""

from __future__ import annotations

import json
from typing import TextIO

from .engine import scan, scan_detailed
from .ruleset import Ruleset


def scan_jsonl(in_stream: TextIO, out_stream: TextIO, err_stream: TextIO, ruleset: Ruleset | None = None) -> int:
    """Scan JSON Lines objects with a `text` (and optional `id`), writing one verdict per line in order.

    A bad line is reported on err_stream with its line number and skipped; blank lines are ignored.
    Returns 0 when every line was fine, 1 otherwise.
    """
    status = 0
    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            err_stream.write(f"line {number}: invalid JSON: {error.msg}\n")
            status = 1
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            err_stream.write(f'line {number}: expected an object with a string "text"\n')
            status = 1
            continue
        result = {"id": record.get("id"), **scan(record["text"], ruleset).to_dict()}
        out_stream.write(json.dumps(result, ensure_ascii=False) + "\n")
    return status


def explain(text: str, ruleset: Ruleset | None = None) -> str:
    """A readable account of a scan: the normalised text, each hit with its cues, and the verdict."""
    verdict, normalised, assessments = scan_detailed(text, ruleset)
    lines = [f"normalised: {normalised.text}", f"matched as: {normalised.match_text}"]
    if not assessments:
        lines.append("no rule matched")
    for assessment, hit in zip(sorted(assessments, key=lambda a: (a.start, a.end)), verdict.hits, strict=True):
        state = " (log only: does not count)" if hit.log_only else ""
        lines.append(
            f"hit {hit.rule} v{hit.version} [{hit.category}] {hit.text!r} at {hit.start}-{hit.end}: "
            f"{hit.base_severity} -> {hit.severity}{state}"
        )
        for cue in assessment.evidence:
            start, end = normalised.match_to_original(cue.start, cue.end)
            lines.append(f"  cue {cue.kind}: {text[start:end]!r}")
    categories = ", ".join(verdict.categories) or "none"
    lines.append(f"verdict: {verdict.action} (severity {verdict.severity}; categories: {categories})")
    return "\n".join(lines)
