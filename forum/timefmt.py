"""Human time: "3 hours ago" for readers, ISO 8601 for <time datetime>."""

from datetime import datetime

from forum.dbtypes import utcnow

_UNITS = (
    (365 * 86400, "year"),
    (30 * 86400, "month"),
    (7 * 86400, "week"),
    (86400, "day"),
    (3600, "hour"),
    (60, "minute"),
)


def timeago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    seconds = int(((now or utcnow()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in _UNITS:
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def isotime(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def timeleft(deadline: datetime | None, now: datetime | None = None) -> str:
    """The distance between now and a deadline, either way: "12 min", "3 h 5 min", "2 days"."""
    if deadline is None:
        return ""
    minutes = abs(int(((now or utcnow()) - deadline).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"
