"""Follow and unfollow buttons, the bookmark toggle, and the member's bookmarks and following pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.community import queries, services
from forum.permissions import can
from forum.qa import queries as qa_queries
from forum.qa.models import PostKind
from forum.safe_redirect import is_safe_path

bp = Blueprint("community", __name__)


def _visible_post_or_404(post_id: int):
    post = qa_queries.get_post(post_id)
    if post is None or not can(current_user, "post.view", post):
        abort(404)
    return post


def _visible_question_or_404(question_id: int):
    question = _visible_post_or_404(question_id)
    if not question.is_question:
        abort(404)
    return question


def _back(default: str):
    """Back to where the button was (the thread, or the bookmarks page), never off the site."""
    target = request.form.get("next")
    return redirect(target if is_safe_path(target) else default)


@bp.post("/questions/<int:question_id>/follow")
@login_required
def follow(question_id: int):
    question = _visible_question_or_404(question_id)
    services.follow(current_user, question)
    flash("You are following this question: new answers will show in your notifications.", "success")
    return _back(url_for("qa.post_link", post_id=question.id))


@bp.post("/questions/<int:question_id>/unfollow")
@login_required
def unfollow(question_id: int):
    question = _visible_question_or_404(question_id)
    services.unfollow(current_user, question)
    flash("You no longer follow this question.", "info")
    return _back(url_for("qa.post_link", post_id=question.id))


@bp.post("/posts/<int:post_id>/bookmark")
@login_required
def bookmark(post_id: int):
    post = _visible_post_or_404(post_id)
    if post.kind == PostKind.COMMENT:
        abort(400, "Bookmark the question or answer the comment is under.")
    saved = services.toggle_bookmark(current_user, post)
    flash("Bookmarked. Find it under Bookmarks." if saved else "Bookmark removed.", "success" if saved else "info")
    return _back(url_for("qa.post_link", post_id=post.id))


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.get("/bookmarks")
@login_required
def bookmarks():
    return render_template("community/bookmarks.html", page=queries.bookmarks(current_user, _page()))


@bp.get("/following")
@login_required
def following():
    return render_template("community/following.html", page=queries.following(current_user, _page()))
