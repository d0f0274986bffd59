"""The moderation dashboard: open items per queue and severity, waiting times, overdue items, rule quality.

Figures are checked in the tables a moderator reads (the charts carry the same numbers), and the page
must cost the same number of queries with 5 or 50 items.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from forum.admin.models import SafetyRuleStat
from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import dashboard
from forum.moderation.models import ItemStatus, Queue, ReviewItem
from tests.conftest import count_queries
from tests.moderation import text_of

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
_target = iter(range(1, 10**6))


def _item(queue=Queue.GENERAL, severity="routine", *, age=HOUR, deadline_in=HOUR, first_action_after=None,
          decided_after=None, now=None):
    """A review item opened `age` ago; actions are given as delays after its opening."""
    now = now or utcnow()
    created = now - age
    item = ReviewItem(
        target_type="post",
        target_id=next(_target),
        queue=queue,
        severity=severity,
        created_at=created,
        deadline_at=now + deadline_in,
        first_action_at=created + first_action_after if first_action_after is not None else None,
        status=ItemStatus.RESOLVED if decided_after is not None else ItemStatus.OPEN,
        decided_at=created + decided_after if decided_after is not None else None,
        decision="approve" if decided_after is not None else None,
    )
    db.session.add(item)
    return item


class _Tables(HTMLParser):
    """Each <table> of a page as rows of cell texts, keyed by its caption."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = None
        self._rows: list[list[str]] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _rows_by_header(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *rows = table
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows}


@pytest.fixture
def staff_browser(client, login_as, moderator):
    return login_as(moderator)


def test_open_items_are_counted_per_queue_and_severity_with_the_overdue_ones(staff_browser):
    for _ in range(2):
        _item(Queue.CRISIS, "imminent", deadline_in=-5 * MIN)
    _item(Queue.CRISIS, "high")
    _item(Queue.CRISIS, "elevated", deadline_in=-HOUR)
    for _ in range(3):
        _item(Queue.GENERAL, "routine")
    _item(Queue.GENERAL, "none", deadline_in=-MIN)
    _item(Queue.GENERAL, "routine", decided_after=MIN)  # decided: no longer open
    db.session.commit()

    html = text_of(staff_browser.get("/mod/dashboard"))
    table = _rows_by_header(tables_of(html)["Open items per queue and severity, with overdue items"])
    assert table["Crisis"] == {"imminent": "2", "high": "1", "elevated": "1", "routine": "0", "none": "0",
                               "Total": "4", "Overdue": "3"}
    assert table["General"] == {"imminent": "0", "high": "0", "elevated": "0", "routine": "3", "none": "1",
                                "Total": "4", "Overdue": "1"}
    assert "Crisis queue (4)" in html and "General queue (4)" in html


def test_the_oldest_open_crisis_item_shows_how_long_it_has_waited_with_a_link(staff_browser):
    oldest = _item(Queue.CRISIS, "high", age=90 * MIN)
    _item(Queue.CRISIS, "imminent", age=10 * MIN)
    _item(Queue.GENERAL, "routine", age=30 * HOUR)  # older, but not a crisis item
    _item(Queue.CRISIS, "high", age=5 * HOUR, decided_after=HOUR)  # older, but decided
    db.session.commit()

    html = text_of(staff_browser.get("/mod/dashboard"))
    assert "1 h 30 min" in html
    assert f'href="/mod/items/{oldest.id}">item #{oldest.id}</a>' in html


def test_with_no_crisis_item_waiting_the_dashboard_says_so(staff_browser):
    _item(Queue.GENERAL, "routine")
    db.session.commit()
    assert "No crisis item is waiting." in text_of(staff_browser.get("/mod/dashboard"))


def test_a_moderator_outside_the_crisis_team_sees_crisis_numbers_but_no_link_to_a_crisis_item(
    client, login_as, make_user
):
    item = _item(Queue.CRISIS, "imminent", age=20 * MIN)
    db.session.commit()
    login_as(make_user(Role.MODERATOR, crisis_reviewer=False))
    response = client.get("/mod/dashboard")
    html = text_of(response)
    assert response.status_code == 200
    assert _rows_by_header(tables_of(html)["Open items per queue and severity, with overdue items"])["Crisis"][
        "imminent"] == "1"
    assert f"item #{item.id}" in html and f"/mod/items/{item.id}" not in html


def test_median_waits_cover_the_actions_of_the_last_24_hours_and_7_days_per_queue(staff_browser):
    now = utcnow()
    # First actions in the last 24 hours after 10, 20 and 30 minutes; one 3 days ago after 5 hours.
    for minutes in (10, 20, 30):
        _item(Queue.CRISIS, "high", age=2 * HOUR, first_action_after=minutes * MIN, now=now)
    _item(Queue.CRISIS, "high", age=3 * 24 * HOUR, first_action_after=5 * HOUR, decided_after=6 * HOUR, now=now)
    # Decided an hour ago after ten days of waiting: counts in the last 24 hours, by when it was decided.
    _item(Queue.GENERAL, "routine", age=10 * 24 * HOUR + HOUR, first_action_after=10 * 24 * HOUR,
          decided_after=10 * 24 * HOUR, now=now)
    # Acted on 8 days ago: outside both windows.
    _item(Queue.GENERAL, "routine", age=9 * 24 * HOUR, first_action_after=24 * HOUR, decided_after=24 * HOUR, now=now)
    db.session.commit()

    board = dashboard.build(now=now)
    assert board.timing("crisis", "first_action", "24 h") == dashboard.Median(20 * 60, 3)
    assert board.timing("crisis", "first_action", "7 days") == dashboard.Median(25 * 60, 4)
    assert board.timing("crisis", "decision", "24 h") == dashboard.Median(None, 0)
    assert board.timing("crisis", "decision", "7 days") == dashboard.Median(6 * 3600, 1)
    assert board.timing("general", "decision", "24 h") == dashboard.Median(10 * 24 * 3600, 1)
    assert board.timing("all", "decision", "7 days") == dashboard.Median((6 * 3600 + 10 * 24 * 3600) / 2, 2)

    table = _rows_by_header(tables_of(text_of(staff_browser.get("/mod/dashboard")))[
        "Median times to first action and to decision"])
    assert table["Crisis"] == {"First action, 24 h": "20 min (n = 3)", "First action, 7 days": "25 min (n = 4)",
                               "Decision, 24 h": "— (n = 0)", "Decision, 7 days": "6 h (n = 1)"}
    assert table["General"]["Decision, 24 h"] == "10 d (n = 1)"
    assert table["All queues"]["First action, 24 h"] == "25 min (n = 4)"


def test_rules_with_the_most_hits_and_false_positives_are_listed_in_order(staff_browser):
    for rule_id, hits, wrong in [("suicide.intent.kill_myself", 40, 2), ("spam.links", 90, 0),
                                 ("eating_disorder.words.binge", 12, 9), ("abuse.words", 0, 0)]:
        db.session.add(SafetyRuleStat(rule_id=rule_id, hits=hits, false_positives=wrong))
    db.session.commit()

    html = text_of(staff_browser.get("/mod/dashboard"))
    tables = tables_of(html)
    assert [row[:2] for row in tables["Rules with the most hits"][1:]] == [
        ["spam.links", "90"], ["suicide.intent.kill_myself", "40"], ["eating_disorder.words.binge", "12"]]
    assert tables["Rules with the most false positives"][1:] == [
        ["eating_disorder.words.binge", "12", "9", "75%"], ["suicide.intent.kill_myself", "40", "2", "5%"]]
    assert "abuse.words" not in html


def test_charts_are_inline_svg_named_for_screen_readers_with_no_inline_style_or_script(staff_browser):
    _item(Queue.CRISIS, "imminent")
    db.session.add(SafetyRuleStat(rule_id="spam.links", hits=3, false_positives=1))
    db.session.commit()
    response = staff_browser.get("/mod/dashboard")
    html = text_of(response)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert 'role="img" aria-labelledby="chart-open-title chart-open-desc"' in html
    assert '<title id="chart-open-title">Open items per queue and severity</title>' in html
    assert "crisis · imminent: 1" in html  # the description reads out every bar
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_bar_lengths_follow_the_numbers_and_labels_are_escaped():
    svg = dashboard.bar_chart("test", "Two bars", [dashboard.Bar("<b>big</b>", 10), dashboard.Bar("small", 5)])
    assert "&lt;b&gt;big&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'width="260.0"' in svg and 'width="130.0"' in svg
    assert "Nothing to show yet." in dashboard.bar_chart("empty", "No bars", [])


def test_the_dashboard_costs_the_same_queries_for_5_or_50_items(staff_browser):
    def queries_with(n):
        for i in range(n):
            queue = Queue.CRISIS if i % 2 else Queue.GENERAL
            _item(queue, ("imminent", "high", "elevated", "routine")[i % 4], age=(i + 1) * HOUR,
                  first_action_after=MIN * (i + 1), decided_after=HOUR if i % 3 == 0 else None,
                  deadline_in=-MIN if i % 5 == 0 else HOUR)
            db.session.merge(SafetyRuleStat(rule_id=f"rule.{i}", hits=i + 1, false_positives=i % 3))
        db.session.commit()
        with count_queries() as statements:
            assert staff_browser.get("/mod/dashboard").status_code == 200
        return len(statements)

    few = queries_with(5)
    assert queries_with(45) == few


def test_the_moderation_tabs_link_to_the_dashboard(staff_browser):
    html = text_of(staff_browser.get("/mod/queue/general"))
    assert 'href="/mod/dashboard">Dashboard</a>' in html
    assert 'href="/mod/dashboard" aria-current="page">Dashboard</a>' in text_of(staff_browser.get("/mod/dashboard"))
