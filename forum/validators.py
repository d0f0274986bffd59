"""Form validators shared by every feature: text must be readable and within bounds."""

import re
from functools import cached_property
from urllib.parse import unquote_to_bytes

from flask import Request, has_request_context, request
from wtforms.validators import ValidationError

# NUL and other C0 controls (bar tab and newlines), and U+FFFD, which is what
# undecodable bytes become when a multipart request is parsed.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
UNREADABLE_MESSAGE = (
    "This text contains characters that cannot be read (a null byte or invalid UTF-8). "
    "Please retype it, or paste it as plain text."
)


class FormBytesRequest(Request):
    """Keeps the raw bytes of a url-encoded form so fields can be checked for invalid UTF-8.

    Werkzeug keeps undecodable bytes as literal "%FF" text instead of failing, so the
    check has to look at the bytes as sent.
    """

    def _load_form_data(self) -> None:
        if self.mimetype == "application/x-www-form-urlencoded":
            self.get_data(cache=True, parse_form_data=False)
        super()._load_form_data()

    @cached_property
    def undecodable_fields(self) -> frozenset[str]:
        if self.mimetype != "application/x-www-form-urlencoded":
            return frozenset()
        bad = set()
        for pair in self.get_data(cache=True).split(b"&"):
            key, _, value = pair.partition(b"=")
            try:
                unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                bad.add(unquote_to_bytes(key).decode("utf-8", "replace"))
        return frozenset(bad)


def readable_text(form, field) -> None:
    if field.data and _UNREADABLE.search(field.data):
        raise ValidationError(UNREADABLE_MESSAGE)
    if has_request_context() and field.name in getattr(request, "undecodable_fields", ()):
        raise ValidationError(UNREADABLE_MESSAGE)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
