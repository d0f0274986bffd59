"""Search pages: GET /search (guests too), GET /search/similar (JSON for the ask page), `flask search reindex`."""

import click
from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from forum import search
from forum.extensions import limiter
from forum.qa.services import slugify
from forum.search.parse import MAX_QUERY_LENGTH

bp = Blueprint("search", __name__, cli_group="search")


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else request.remote_addr or "?"


@bp.get("/search")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"], key_func=_user_key, scope="search")
def results():
    text = request.args.get("q", "")[:MAX_QUERY_LENGTH].strip()
    tag = request.args.get("tag", "").strip().lower()[:30] or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = search.search(text, tag=tag, page=page, per_page=current_app.config["SEARCH_PER_PAGE"])
    return render_template("search/results.html", results=found, q=text, tag=tag)


@bp.get("/search/similar")
@limiter.limit(lambda: current_app.config["SIMILAR_RATE_LIMIT"], key_func=_user_key, scope="similar")
def similar():
    """Questions like the title being typed on the ask page; links only, never an author."""
    found = search.similar(request.args.get("title", ""), limit=5)
    return jsonify(
        questions=[
            {
                "title": q.title,
                "url": url_for("qa.thread", question_id=q.id, slug=slugify(q.title)),
                "answers": q.answer_count,
            }
            for q in found
        ]
    )


@bp.cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the posts (after a restore, or to repair it)."""
    count = search.reindex_all()
    click.echo(f"Indexed {count} questions and answers.")
