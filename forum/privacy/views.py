"""Privacy routes: the Atom feeds of new questions and a member's data export."""

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user, login_required

from forum.dbtypes import utcnow
from forum.extensions import limiter
from forum.permissions import require
from forum.privacy import feed as atom
from forum.privacy import services

bp = Blueprint("privacy", __name__)

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _export_limit() -> str:
    return current_app.config["EXPORT_RATE_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.id}"


@bp.get("/feed.atom")
def feed():
    return Response(atom.build_feed(atom.feed_questions()), mimetype=ATOM_TYPE)


@bp.get("/tags/<tag>/feed.atom")
def tag_feed(tag: str):
    found = atom.get_tag(tag)
    if found is None:
        abort(404)
    return Response(atom.build_feed(atom.feed_questions(found), found), mimetype=ATOM_TYPE)


@bp.get("/settings/export")
@login_required
@limiter.limit(_export_limit, key_func=_user_key, scope="export")
def export():
    """The member's data as a JSON download; rate limited, since it reads everything they ever did."""
    require(current_user, "account.settings")
    filename = f"hearth-{current_user.username}-{utcnow():%Y-%m-%d}.json"
    return Response(
        services.export_json(current_user),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
