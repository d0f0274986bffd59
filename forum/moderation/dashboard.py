"""Read side of the moderation dashboard: queue load, response times and rule quality in five queries.

Also draws the dashboard's bar charts as inline SVG built from numbers (no script, no inline style,
nothing fetched), so the page works under the strict CSP and without JavaScript.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from markupsafe import Markup, escape
from sqlalchemy import case, func, or_, select

from forum.admin.models import SafetyRuleStat
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import ItemStatus, Queue, ReviewItem

SEVERITIES = ("imminent", "high", "elevated", "routine", "none")
QUEUES = (Queue.CRISIS.value, Queue.GENERAL.value)
WINDOWS = (("24 h", timedelta(hours=24)), ("7 days", timedelta(days=7)))
METRICS = ("first_action", "decision")
TOP_RULES = 10


def format_duration(seconds: float | None) -> str:
    """A short human duration: "40 s", "12 min", "3 h 5 min", "2 d 4 h"; "—" when there is nothing to measure."""
    if seconds is None:
        return "—"
    seconds = max(int(round(seconds)), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@dataclass(frozen=True)
class Median:
    """The median of some durations, and how many there were."""

    seconds: float | None
    count: int

    @property
    def text(self) -> str:
        return format_duration(self.seconds)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    tone: str = ""


@dataclass(frozen=True)
class RuleStat:
    rule_id: str
    hits: int
    false_positives: int

    @property
    def wrong_share(self) -> str:
        """False positives as a share of hits ("—" when a rule has no recorded hit)."""
        return f"{100 * self.false_positives / self.hits:.0f}%" if self.hits else "—"


@dataclass
class Dashboard:
    now: datetime
    open: dict[tuple[str, str], int] = field(default_factory=dict)  # (queue, severity) -> open items
    overdue: dict[str, int] = field(default_factory=dict)  # queue -> open items past their deadline
    oldest_crisis_id: int | None = None
    oldest_crisis_at: datetime | None = None
    # (queue or "all", metric, window label) -> median duration
    timings: dict[tuple[str, str, str], Median] = field(default_factory=dict)
    top_hits: list[RuleStat] = field(default_factory=list)
    top_false_positives: list[RuleStat] = field(default_factory=list)

    @property
    def severities(self) -> tuple[str, ...]:
        """The known severities, plus any other value found on an open item so no item goes uncounted."""
        extra = sorted({sev for _, sev in self.open} - set(SEVERITIES))
        return SEVERITIES + tuple(extra)

    @property
    def counts(self) -> dict[str, int]:
        """Open items per queue (what the moderation tabs show)."""
        return {queue: self.open_in(queue) for queue in QUEUES}

    def open_in(self, queue: str) -> int:
        return sum(n for (q, _), n in self.open.items() if q == queue)

    @property
    def open_total(self) -> int:
        return sum(self.open.values())

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def oldest_crisis_age(self) -> str:
        if self.oldest_crisis_at is None:
            return "—"
        return format_duration((self.now - self.oldest_crisis_at).total_seconds())

    def timing(self, queue: str, metric: str, window: str) -> Median:
        return self.timings.get((queue, metric, window), Median(None, 0))

    def open_items_chart(self) -> Markup:
        bars = [
            Bar(f"{queue} · {sev}", self.open.get((queue, sev), 0), f"sev-{sev}")
            for queue in QUEUES
            for sev in self.severities
        ]
        return bar_chart("chart-open", "Open items per queue and severity", bars)

    def top_hits_chart(self) -> Markup:
        bars = [Bar(r.rule_id, r.hits, "hits") for r in self.top_hits]
        return bar_chart("chart-hits", f"The {TOP_RULES} rules with the most hits", bars)

    def false_positives_chart(self) -> Markup:
        bars = [Bar(r.rule_id, r.false_positives, "false-positives") for r in self.top_false_positives]
        return bar_chart("chart-false-positives", f"The {TOP_RULES} rules with the most false positives", bars)


def build(now: datetime | None = None) -> Dashboard:
    """Every figure on the dashboard, in five queries whatever the number of items or rules."""
    now = now or utcnow()
    board = Dashboard(now=now)
    _open_items(board)
    _oldest_crisis(board)
    _timings(board)
    board.top_hits = _top_rules(SafetyRuleStat.hits)
    board.top_false_positives = _top_rules(SafetyRuleStat.false_positives)
    return board


def _open_items(board: Dashboard) -> None:
    overdue = func.sum(case((ReviewItem.deadline_at < board.now, 1), else_=0))
    rows = db.session.execute(
        select(ReviewItem.queue, ReviewItem.severity, func.count(), overdue)
        .where(ReviewItem.status == ItemStatus.OPEN)
        .group_by(ReviewItem.queue, ReviewItem.severity)
    ).all()
    for queue, severity, count, late in rows:
        board.open[(queue.value, severity)] = count
        board.overdue[queue.value] = board.overdue.get(queue.value, 0) + int(late or 0)


def _oldest_crisis(board: Dashboard) -> None:
    row = db.session.execute(
        select(ReviewItem.id, ReviewItem.created_at)
        .where(ReviewItem.status == ItemStatus.OPEN, ReviewItem.queue == Queue.CRISIS)
        .order_by(ReviewItem.created_at, ReviewItem.id)
        .limit(1)
    ).first()
    if row is not None:
        board.oldest_crisis_id, board.oldest_crisis_at = row


def _timings(board: Dashboard) -> None:
    """Medians from item creation to the first action and to the decision, for actions taken in each window.

    The window is about when the action happened, so an item opened last month and decided an hour
    ago counts in the last 24 hours: the figure says how long people waited for what reviewers did lately.
    """
    longest = max(span for _, span in WINDOWS)
    since = board.now - longest
    rows = db.session.execute(
        select(ReviewItem.queue, ReviewItem.created_at, ReviewItem.first_action_at, ReviewItem.decided_at).where(
            or_(ReviewItem.first_action_at >= since, ReviewItem.decided_at >= since)
        )
    ).all()
    samples: dict[tuple[str, str, str], list[float]] = {}
    for queue, created, first_action, decided in rows:
        for metric, moment in (("first_action", first_action), ("decision", decided)):
            if moment is None or moment > board.now:
                continue
            waited = max((moment - created).total_seconds(), 0.0)
            for label, span in WINDOWS:
                if moment >= board.now - span:
                    for key in (queue.value, "all"):
                        samples.setdefault((key, metric, label), []).append(waited)
    board.timings = {key: Median(median(values), len(values)) for key, values in samples.items()}


def _top_rules(column) -> list[RuleStat]:
    rows = db.session.execute(
        select(SafetyRuleStat.rule_id, SafetyRuleStat.hits, SafetyRuleStat.false_positives)
        .where(column > 0)
        .order_by(column.desc(), SafetyRuleStat.rule_id)
        .limit(TOP_RULES)
    ).all()
    return [RuleStat(*row) for row in rows]


# --- charts ----------------------------------------------------------------------------------------

_ROW, _LABEL_WIDTH, _BAR_WIDTH, _PAD, _LABEL_CHARS = 24, 260, 260, 6, 30


def _tone(tone: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", tone.lower())


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars as an inline <svg role="img">, named by its <title> and described by its numbers.

    Labels are escaped (rule ids come from admins); colours come from CSS classes `bar-<tone>`.
    The page shows the same numbers in a table next to the chart.
    """
    chart_id = _tone(chart_id)
    width = _LABEL_WIDTH + _BAR_WIDTH + 60
    height = max(len(bars), 1) * _ROW + 2 * _PAD
    top = max((bar.value for bar in bars), default=0)
    summary = "; ".join(f"{bar.label}: {int(bar.value)}" for bar in bars) or "No data yet."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text class="chart-empty" x="{_PAD}" y="{_PAD + _ROW / 2}" dominant-baseline="middle">'
            "Nothing to show yet.</text>"
        )
    for index, bar in enumerate(bars):
        y = _PAD + index * _ROW
        middle = y + _ROW / 2
        length = round(bar.value / top * _BAR_WIDTH, 1) if top else 0
        if bar.value and length < 2:
            length = 2
        parts.append(
            f'<g class="bar bar-{_tone(bar.tone)}"><title>{escape(bar.label)}: {int(bar.value)}</title>'
            f'<text class="chart-label" x="{_LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_short(bar.label))}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{_ROW - 8}" rx="3"/>'
            f'<text class="chart-value" x="{_LABEL_WIDTH + length + 6}" y="{middle}" '
            f'dominant-baseline="middle">{int(bar.value)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
