"""Line diffs between consecutive revisions, as data the template escapes (never raw HTML)."""

import difflib
from dataclasses import dataclass

from forum.qa.models import Revision


@dataclass
class DiffLine:
    op: str  # "added", "removed", "same" or "gap"
    text: str


@dataclass
class Step:
    revision: Revision
    lines: list[DiffLine]


def _text(revision: Revision | None) -> list[str]:
    if revision is None:
        return []
    head = [f"# {revision.title}", f"Tags: {revision.tags}", ""] if revision.title else []
    return head + revision.body_md.splitlines()


def diff_lines(old: list[str], new: list[str], context: int = 2) -> list[DiffLine]:
    lines: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("same", line) for line in old[i1:i2])
                continue
            lines.extend(DiffLine("removed", line) for line in old[i1:i2])
            lines.extend(DiffLine("added", line) for line in new[j1:j2])
    return lines


def diff_revisions(revisions: list[Revision]) -> list[Step]:
    """Newest first: each revision with what it changed against the one before it."""
    steps = []
    previous = None
    for revision in revisions:
        steps.append(Step(revision, diff_lines(_text(previous), _text(revision))))
        previous = revision
    return list(reversed(steps))
