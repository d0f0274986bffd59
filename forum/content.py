"""Markdown to sanitised HTML (markdown-it-py, then a strict bleach allowlist) and plain excerpts."""

import html as html_lib
import re
from functools import lru_cache

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr", "h3", "h4", "h5", "h6"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "html": False turns raw HTML in the source into text; images are disabled outright.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    return md


_SAFE_HREF = re.compile(r"^(https?://|mailto:|/(?!/)|#)", re.IGNORECASE)


def _vet_link(attrs, new=False):
    """Keep only absolute web, mail and same-site links, each marked as user content; drop the rest."""
    if not _SAFE_HREF.match(attrs.get((None, "href"), "")):
        return None
    attrs[(None, "rel")] = LINK_REL
    return attrs


@lru_cache(maxsize=1)
def _cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _linker() -> Linker:
    return Linker(callbacks=[_vet_link], skip_tags={"pre", "code"}, parse_email=False)


_HEADING = re.compile(r"<(/?)h[12]>")


def render(markdown_text: str) -> str:
    """Render a member's Markdown to HTML safe to store and show as-is.

    Headings 1-2 are demoted to 3 so a post never outranks the page title.
    """
    html = _markdown().render(markdown_text)
    html = _HEADING.sub(r"<\1h3>", html)
    return _linker().linkify(_cleaner().clean(html))


_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def excerpt(html: str, length: int = 200) -> str:
    """Plain text of stored HTML, cut at a word boundary; safe to escape into any template."""
    text = bleach.clean(html, tags=set(), strip=True)
    text = html_lib.unescape(_WHITESPACE.sub(" ", text).strip())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut + "…"


def highlight(text: str, spans: list[tuple[int, int]]) -> Markup:
    """Escape `text` and wrap each (start, end) span in <mark>; overlapping spans are merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape(text[position:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def highlighted_excerpt(text: str, spans: list[tuple[int, int]], width: int = 280) -> Markup:
    """A window of `text` around the first span, with every span inside it highlighted."""
    if not spans or len(text) <= width:
        start, end = 0, min(len(text), width)
    else:
        first = min(s for s, _ in spans)
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = highlight(text[start:end], inside)
    return Markup("").join([Markup("…") if start else Markup(""), body, Markup("…") if end < len(text) else Markup("")])
