"""Keeping the index in step with the posts: the text of a post as it is searched, and the sync hook.

The hook is one SQLAlchemy `after_flush` listener on the app's session. Whatever changes a post's text
or visibility through the ORM (asking, answering, editing, deleting, a moderator's hold, approval,
rejection or edit, a flag that hides a post) is written to `search_documents` in the same transaction,
so the index commits or rolls back with the post. No service has to remember to call it. Readers are
protected twice: only public posts are indexed, and every query checks visibility again.
"""

import html
import re
from collections.abc import Iterable

from sqlalchemy import delete, event, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from forum.extensions import db
from forum.qa.models import Post, PostKind
from forum.search.models import SearchDocument

# Sanitised HTML (content.render) has quoted attributes, so a tag ends at the first > outside quotes.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Control characters are dropped: the snippet markers are control characters, so no post can fake one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
# Columns that change what is searched or who may find it.
WATCHED = ("title", "body_html", "status", "deleted_at")

docs = SearchDocument.__table__


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def plain_text(body_html: str) -> str:
    """The words of a rendered post, without markup: what is matched and what snippets quote."""
    return clean_text(html.unescape(_TAG.sub(" ", body_html)))


def document(post_id: int, kind: PostKind, question_id: int | None, title: str | None, body_html: str) -> dict:
    return {
        "post_id": post_id,
        "question_id": post_id if kind == PostKind.QUESTION else question_id,
        "title": clean_text(title or ""),
        "body": plain_text(body_html),
    }


def is_indexed(post: Post) -> bool:
    """Questions and answers readers can see; comments are not searched."""
    return post.kind in (PostKind.QUESTION, PostKind.ANSWER) and post.is_public


def _upsert(connection: Connection):
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(docs)
    return statement.on_conflict_do_update(
        index_elements=[docs.c.post_id],
        set_={name: statement.excluded[name] for name in ("question_id", "title", "body")},
    )


def write(connection: Connection, posts: Iterable[Post] = (), removed_ids: Iterable[int] = ()) -> None:
    """Index the public ones of `posts`, drop the rest and `removed_ids` from the index. No commit."""
    rows, gone = [], list(removed_ids)
    for post in posts:
        if is_indexed(post):
            rows.append(document(post.id, post.kind, post.question_id, post.title, post.body_html))
        else:
            gone.append(post.id)
    if gone:
        connection.execute(delete(docs).where(docs.c.post_id.in_(gone)))
    if rows:
        connection.execute(_upsert(connection), rows)


def insert_many(connection: Connection, rows: list[dict]) -> None:
    """Plain inserts for a reindex (the table was just emptied)."""
    if rows:
        connection.execute(docs.insert(), rows)


def _changed(post: Post) -> bool:
    attrs = inspect(post).attrs
    return any(attrs[name].history.has_changes() for name in WATCHED)


@event.listens_for(db.session, "after_flush")
def _sync_after_flush(session, _flush_context) -> None:
    """Write the index for every post this flush created, or whose text or visibility it changed."""
    changed = [obj for obj in session.new if isinstance(obj, Post)]
    changed += [obj for obj in session.dirty if isinstance(obj, Post) and _changed(obj)]
    removed = [obj.id for obj in session.deleted if isinstance(obj, Post)]
    if changed or removed:
        write(session.connection(), changed, removed)
