"""The Atom feed of new questions, built with xml.etree so every value is escaped.

What a feed shows is public and leaves the site for good, so it is strict: only published, non-deleted
questions; none whose author asked search engines not to index them (a feed reader or aggregator is
often indexed in turn); anonymous questions as "Anonymous member" with no link to anyone; a question
with a content note shows the note instead of an excerpt.
"""

import re
from datetime import datetime
from xml.etree import ElementTree as ET

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum import content
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.qa.models import Post, PostKind, PostStatus, Tag, post_tags
from forum.qa.services import slugify

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30
SUMMARY_LENGTH = 300
# Characters XML 1.0 does not allow at all; ElementTree would write them and make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def feed_questions(tag: Tag | None = None, limit: int = FEED_SIZE) -> list[Post]:
    """The newest questions a feed may show, with authors and tags loaded (three queries)."""
    query = (
        select(Post)
        .where(
            Post.kind == PostKind.QUESTION,
            Post.status == PostStatus.PUBLISHED,
            Post.deleted_at.is_(None),
            Post.noindex.is_(False),
        )
        .options(joinedload(Post.author), selectinload(Post.tags))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if tag is not None:
        query = query.where(Post.id.in_(select(post_tags.c.post_id).where(post_tags.c.tag_id == tag.id)))
    return db.session.scalars(query).all()


def get_tag(name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.name == name))


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _time(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _absolute(endpoint: str, **values) -> str:
    """Feed ids and links use the configured site address, never the request's Host header."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _author(entry: ET.Element, post: Post) -> None:
    author = _add(entry, "author")
    if post.anonymous:
        _add(author, "name", "Anonymous member")
    elif post.author.is_deleted:
        _add(author, "name", "Deleted member")
    else:
        _add(author, "name", post.author.username)
        _add(author, "uri", _absolute("auth.profile", username=post.author.username))


def _entry(feed: ET.Element, post: Post) -> None:
    entry = _add(feed, "entry")
    _add(entry, "title", post.title, type="text")
    _add(entry, "id", _absolute("qa.thread_short", question_id=post.id))
    _add(
        entry,
        "link",
        rel="alternate",
        type="text/html",
        href=_absolute("qa.thread", question_id=post.id, slug=slugify(post.title)),
    )
    _add(entry, "published", _time(post.created_at))
    _add(entry, "updated", _time(post.edited_at or post.created_at))
    _author(entry, post)
    for tag in post.tags:
        _add(entry, "category", term=tag.name)
    summary = (
        f"Content note: {post.content_note}" if post.content_note else content.excerpt(post.body_html, SUMMARY_LENGTH)
    )
    _add(entry, "summary", summary, type="text")


def build_feed(posts: list[Post], tag: Tag | None = None) -> bytes:
    """An Atom 1.0 document (UTF-8 bytes) for these questions."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if tag is None:
        self_url = _absolute("privacy.feed")
        page_url = _absolute("qa.index", sort="newest")
        title = "Hearth: new questions"
    else:
        self_url = _absolute("privacy.tag_feed", tag=tag.name)
        page_url = _absolute("qa.tagged", tag=tag.name, sort="newest")
        title = f"Hearth: new questions tagged {tag.name}"
    _add(feed, "title", title, type="text")
    _add(feed, "subtitle", "Questions asked on Hearth, a peer and practitioner Q&A community.", type="text")
    _add(feed, "id", self_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    newest = max((p.edited_at or p.created_at for p in posts), default=None)
    _add(feed, "updated", _time(newest or utcnow()))
    _add(feed, "generator", "Hearth")
    for post in posts:
        _entry(feed, post)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
