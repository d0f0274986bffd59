"""Redirect targets from user input (`next`, Referer) are kept to paths on this site."""

from urllib.parse import urlsplit

from flask import request, url_for


def is_safe_path(target: str | None) -> bool:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def safe_next(target: str | None, default_endpoint: str = "qa.index") -> str:
    return target if is_safe_path(target) else url_for(default_endpoint)


def return_path() -> str:
    """Where a guest who tried to act should come back to after signing in."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if is_safe_path(path):
            return path
    return "/"
