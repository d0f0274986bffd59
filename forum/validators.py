"""Form validators shared by every feature: text must be readable and within bounds."""

import re

from wtforms.validators import ValidationError

# NUL and other C0 controls (bar tab and newlines), and U+FFFD, which is what
# undecodable bytes (invalid UTF-8) become when the request is parsed.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def readable_text(form, field) -> None:
    if field.data and _UNREADABLE.search(field.data):
        raise ValidationError(
            "This text contains characters we can't read (a null byte or invalid UTF-8). "
            "Please retype or paste it as plain text."
        )


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
