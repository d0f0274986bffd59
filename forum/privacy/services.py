"""A member's own data: the export they download, and removing their posts when they delete the account.

The export holds what the member wrote and did (profile, posts with every revision, votes, flags,
notifications, and rows of later features that belong to them), never who other people are: not who
voted on their posts, not which moderator edited or reviewed them.
"""

import importlib
import json
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.auth.models import User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation.models import Flag
from forum.notifications.models import Notification
from forum.qa import services as qa_services
from forum.qa.models import Post, PostKind, Revision, Vote

EXPORT_FORMAT = 1
# Models of features that may or may not be installed (bookmarks, follows, practitioner profiles): each
# of their tables with a `user_id` column contributes the member's rows to the export.
OPTIONAL_MODEL_MODULES = ("forum.community.models", "forum.practitioners.models")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _settings(user: User) -> dict:
    settings = {
        "collapsed_topics": list(user.collapsed_topics or []),
        "crisis_reviewer": user.crisis_reviewer,
        "on_call": user.on_call,
    }
    # Settings other features add to the account, when installed.
    for name in ("digest_opt_in",):
        if hasattr(user, name):
            settings[name] = getattr(user, name)
    return settings


def _profile(user: User) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "role": user.role.value,
        "status": user.status.value,
        "created_at": _iso(user.created_at),
        "about": user.about,
        "reputation": user.reputation,
        "settings": _settings(user),
    }


def _posts(user: User) -> list[dict]:
    """Every post the member wrote (anonymous, held, rejected and deleted ones too), each with its revisions.

    A revision made by someone else is marked as by a moderator, without saying who.
    """
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id).options(selectinload(Post.tags)).order_by(Post.id)
    ).all()
    revisions: dict[int, list[dict]] = {}
    rows = db.session.scalars(
        select(Revision)
        .where(Revision.post_id.in_(select(Post.id).where(Post.author_id == user.id)))
        .order_by(Revision.post_id, Revision.number)
    )
    for revision in rows:
        revisions.setdefault(revision.post_id, []).append(
            {
                "number": revision.number,
                "edited_by": "you" if revision.editor_id == user.id else "a moderator",
                "title": revision.title,
                "body": revision.body_md,
                "tags": revision.tags.split() if revision.tags else [],
                "comment": revision.comment,
                "created_at": _iso(revision.created_at),
            }
        )
    return [
        {
            "id": post.id,
            "kind": post.kind.value,
            "question_id": post.question_id,
            "parent_id": post.parent_id,
            "title": post.title,
            "body": post.body_md,
            "tags": [tag.name for tag in post.tags] if post.kind == PostKind.QUESTION else [],
            "anonymous": post.anonymous,
            "status": post.status.value,
            "content_note": post.content_note,
            "hidden_from_search_engines": post.noindex,
            "score": post.score,
            "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at),
            "deleted_at": _iso(post.deleted_at),
            "revisions": revisions.get(post.id, []),
        }
        for post in posts
    ]


def _votes(user: User) -> list[dict]:
    votes = db.session.scalars(select(Vote).where(Vote.user_id == user.id).order_by(Vote.id))
    return [{"post_id": v.post_id, "value": v.value, "created_at": _iso(v.created_at)} for v in votes]


def _flags(user: User) -> list[dict]:
    """The member's flags: what they reported and why; nothing of the review behind it."""
    flags = db.session.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.id))
    return [
        {"post_id": f.post_id, "reason": f.reason.value, "note": f.note, "created_at": _iso(f.created_at)}
        for f in flags
    ]


def _notifications(user: User) -> list[dict]:
    notices = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [
        {
            "kind": n.kind,
            "message": n.message,
            "link": n.link,
            "created_at": _iso(n.created_at),
            "read_at": _iso(n.read_at),
        }
        for n in notices
    ]


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def _optional_models():
    """Mapped classes of the optional feature modules that are installed."""
    for name in OPTIONAL_MODEL_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, db.Model) and obj.__module__ == name:
                yield obj


def _optional_sections(user: User) -> dict[str, list[dict]]:
    """The member's rows in later features' tables (bookmarks, follows, ...), keyed by table name.

    Only rows whose `user_id` is the member's; columns pointing at other accounts are left out, so no
    one else's identity leaves with the export.
    """
    sections: dict[str, list[dict]] = {}
    for model in _optional_models():
        table = model.__table__
        if "user_id" not in table.c:
            continue
        columns = [
            c
            for c in table.c
            if c.name != "user_id" and not any(fk.column.table.name == "users" for fk in c.foreign_keys)
        ]
        rows = db.session.execute(select(*columns).where(table.c.user_id == user.id)).mappings()
        sections[table.name] = [{key: _json_value(value) for key, value in row.items()} for row in rows]
    return sections


def export_data(user: User) -> dict:
    """Everything the member put into Hearth, as a JSON-ready dict. Reads only; a fixed number of queries."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "profile": _profile(user),
        "posts": _posts(user),
        "votes": _votes(user),
        "flags": _flags(user),
        "notifications": _notifications(user),
        "other": _optional_sections(user),
    }


def export_json(user: User) -> str:
    return json.dumps(export_data(user), ensure_ascii=False, indent=2)


def remove_posts(user: User) -> int:
    """Soft-delete every post of the member that is not deleted yet, the way an author deletes a post.

    Threads keep their shape and show "deleted"; the rows, their revisions and any review item stay,
    so moderation keeps working. No commit (account deletion owns the transaction). Returns the count.
    """
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id, Post.deleted_at.is_(None)).order_by(Post.id)
    ).all()
    for post in posts:
        qa_services.soft_delete(post)
    return len(posts)
