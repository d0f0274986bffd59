"""Q&A pages: lists, asking, threads, answers, comments, votes, edits and revisions."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from forum import audit, content
from forum.extensions import db, limiter
from forum.permissions import can, require
from forum.qa import queries, services
from forum.qa.forms import ActionForm, AnswerForm, AskForm, CommentEditForm, CommentForm, EditForm, PreviewForm
from forum.qa.models import PostKind
from forum.qa.revisions import diff_revisions

bp = Blueprint("qa", __name__)


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else request.remote_addr or "?"


def _post_limit() -> str:
    return current_app.config["POST_RATE_LIMIT"]


def _vote_limit() -> str:
    return current_app.config["VOTE_RATE_LIMIT"]


post_limit = limiter.limit(_post_limit, key_func=_user_key, methods=["POST"], scope="posting")


def _visible_post_or_404(post_id: int):
    post = queries.get_post(post_id)
    if post is None or not can(current_user, "post.view", post):
        abort(404)
    return post


def _thread_url(post, **kwargs) -> str:
    if post.is_question:
        return url_for("qa.thread", question_id=post.id, slug=services.slugify(post.title), **kwargs)
    return url_for("qa.post_link", post_id=post.id)


def _page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.get("/")
def index():
    sort = request.args.get("sort", "active")
    if sort not in queries.SORTS:
        abort(404)
    practitioner = request.args.get("practitioner") == "1"
    page = queries.question_list(sort, _page_arg(), current_app.config["QUESTIONS_PER_PAGE"], practitioner=practitioner)
    return render_template("qa/list.html", page=page, sort=sort, tag=None, practitioner=practitioner)


@bp.get("/tags/<tag>")
def tagged(tag: str):
    sort = request.args.get("sort", "active")
    if sort not in queries.SORTS:
        abort(404)
    practitioner = request.args.get("practitioner") == "1"
    page = queries.question_list(
        sort, _page_arg(), current_app.config["QUESTIONS_PER_PAGE"], tag=tag, practitioner=practitioner
    )
    return render_template("qa/list.html", page=page, sort=sort, tag=tag, practitioner=practitioner)


@bp.get("/help")
def help_page():
    return render_template("qa/help.html")


def _after_save(post) -> None:
    """Remember to show crisis resources on the next thread page when the post may be about a crisis."""
    if services.needs_crisis_resources(post):
        session["crisis_resources"] = True


@bp.get("/tags")
def tags():
    return render_template("qa/tags.html", tags=queries.tag_counts())


@bp.route("/questions/ask", methods=["GET", "POST"])
@login_required
@post_limit
def ask():
    require(current_user, "question.ask")
    form = AskForm()
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = content.render(form.body.data)
        else:
            try:
                question = services.ask_question(
                    current_user,
                    form.title.data,
                    form.body.data,
                    form.tags.data,
                    form.anonymous.data,
                    content_note=form.content_note.data,
                    noindex=form.noindex.data,
                    practitioner_requested=form.practitioner_requested.data,
                )
            except services.DomainError as exc:
                form.tags.errors.append(str(exc))
            else:
                _after_save(question)
                return redirect(_thread_url(question))
    status = 400 if form.errors else 200
    return render_template("qa/ask.html", form=form, preview=preview, curated=queries.curated_tags()), status


@bp.post("/preview")
@login_required
def preview():
    """The live preview's server side: the same renderer as saving, so what you see is what posts."""
    form = PreviewForm()
    if not form.validate():
        return jsonify(error="Preview unavailable: " + "; ".join(form.body.errors or ["bad request"])), 400
    return jsonify(html=content.render(form.body.data or ""))


@bp.get("/questions/<int:question_id>")
def thread_short(question_id: int):
    question = _visible_post_or_404(question_id)
    if not question.is_question:
        abort(404)
    return redirect(_thread_url(question), 301)


@bp.get("/questions/<int:question_id>/<slug>")
def thread(question_id: int, slug: str):
    question = _visible_post_or_404(question_id)
    if not question.is_question:
        abort(404)
    if slug != services.slugify(question.title):
        return redirect(_thread_url(question), 301)
    return _render_thread(question)


def _robots(response, question):
    """A question its author hid from search engines says so in the page and in the response header."""
    if question.noindex:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _render_thread(question, answer_form=None, comment_form=None, comment_parent=None, preview=None):
    order = request.args.get("answers", "votes")
    data = queries.load_thread(question, current_user, "newest" if order == "newest" else "votes")
    status = 400 if (answer_form and answer_form.errors) or (comment_form and comment_form.errors) else 200
    html = render_template(
        "qa/thread.html",
        show_crisis_resources=session.pop("crisis_resources", False),
        thread=data,
        question=question,
        answer_order=order,
        answer_form=answer_form or AnswerForm(formdata=None),
        comment_form=comment_form,
        comment_parent=comment_parent,
        action_form=ActionForm(),
        preview=preview,
    )
    return _robots(make_response(html, status), question)


@bp.post("/questions/<int:question_id>/answers")
@login_required
@post_limit
def answer(question_id: int):
    question = _visible_post_or_404(question_id)
    if not question.is_question:
        abort(404)
    require(current_user, "answer.post", question)
    form = AnswerForm()
    if form.validate():
        if form.preview.data:
            return _render_thread(question, answer_form=form, preview=content.render(form.body.data))
        try:
            new = services.post_answer(
                current_user, question, form.body.data, form.anonymous.data, content_note=form.content_note.data
            )
        except services.DomainError as exc:
            form.body.errors.append(str(exc))
            return _render_thread(question, answer_form=form)
        _after_save(new)
        flash("Your answer is posted. Thank you for helping.", "success")
        return redirect(_thread_url(question, _anchor=f"post-{new.id}"))
    return _render_thread(question, answer_form=form)


@bp.get("/posts/<int:post_id>")
def post_link(post_id: int):
    post = _visible_post_or_404(post_id)
    if post.is_question:
        return redirect(_thread_url(post))
    question = _visible_post_or_404(post.question_id)
    return redirect(_thread_url(question, _anchor=f"post-{post.id}"))


@bp.post("/posts/<int:post_id>/comments")
@login_required
@post_limit
def comment(post_id: int):
    parent = _visible_post_or_404(post_id)
    require(current_user, "comment.post", parent)
    question = parent if parent.is_question else _visible_post_or_404(parent.question_id)
    form = CommentForm()
    if form.validate():
        try:
            new = services.post_comment(current_user, parent, form.body.data)
        except services.DomainError as exc:
            abort(400, str(exc))
        _after_save(new)
        return redirect(_thread_url(question, _anchor=f"post-{new.id}"))
    return _render_thread(question, comment_form=form, comment_parent=parent.id)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@post_limit
def edit(post_id: int):
    post = _visible_post_or_404(post_id)
    require(current_user, "post.edit", post)
    form_class = CommentEditForm if post.kind == PostKind.COMMENT else EditForm
    form = form_class(obj=post if request.method == "GET" else None)
    # A note a moderator set is shown, not offered for editing, to the author.
    note_locked = "content_note" in form and not current_user.is_staff and services.note_locked(post)
    if request.method == "GET":
        form.body.data = post.body_md
        if post.is_question:
            form.tags.data = ", ".join(t.name for t in post.tags)
    preview = None
    if form.validate_on_submit():
        if post.is_question and not form.title.data:
            form.title.errors.append("A question needs a title.")
        elif form.preview.data:
            preview = content.render(form.body.data)
        else:
            try:
                services.edit_post(
                    current_user,
                    post,
                    form.body.data,
                    form.title.data,
                    form.tags.data,
                    form.comment.data or "",
                    content_note=None if note_locked or "content_note" not in form else form.content_note.data,
                    noindex=form.noindex.data if post.is_question and "noindex" in form else None,
                )
            except services.DomainError as exc:
                form.body.errors.append(str(exc))
            else:
                _after_save(post)
                flash("Your edit is saved; earlier versions stay in the history.", "success")
                return redirect(url_for("qa.post_link", post_id=post.id))
    status = 400 if form.errors else 200
    return render_template("qa/edit.html", form=form, post=post, preview=preview, note_locked=note_locked), status


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post = _visible_post_or_404(post_id)
    require(current_user, "post.delete", post)
    if not ActionForm().validate():
        abort(400)
    services.delete_post(current_user, post)
    flash("The post is deleted. Its place in the thread shows that it was removed.", "info")
    target = post if post.is_question else queries.get_post(post.question_id)
    return redirect(_thread_url(target))


@bp.post("/posts/<int:post_id>/vote")
@login_required
@limiter.limit(_vote_limit, key_func=_user_key, scope="voting")
def vote(post_id: int):
    post = _visible_post_or_404(post_id)
    require(current_user, "post.vote", post)
    value = {"up": 1, "down": -1}.get(request.form.get("value", ""))
    if value is None or not ActionForm().validate():
        abort(400)
    try:
        services.vote(current_user, post, value)
    except services.DomainError as exc:
        abort(400, str(exc))
    return redirect(url_for("qa.post_link", post_id=post.id))


@bp.post("/posts/<int:post_id>/accept")
@login_required
def accept(post_id: int):
    answer = _visible_post_or_404(post_id)
    if answer.kind != PostKind.ANSWER or not ActionForm().validate():
        abort(400)
    try:
        services.accept_answer(current_user, answer)
    except services.DomainError as exc:
        abort(400, str(exc))
    return redirect(url_for("qa.post_link", post_id=answer.id))


@bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    post = _visible_post_or_404(post_id)
    if post.is_deleted and not can(current_user, "post.see_anonymous_author"):
        abort(404)
    revs = queries.revisions(post)
    return render_template("qa/revisions.html", post=post, steps=diff_revisions(revs))


@bp.get("/posts/<int:post_id>/author")
@login_required
def reveal_author(post_id: int):
    """Moderators see who wrote an anonymous post; every look is written to the audit log."""
    post = _visible_post_or_404(post_id)
    require(current_user, "post.see_anonymous_author", post)
    if post.anonymous:
        audit.record(current_user, "identity.view", "post", post.id, author_id=post.author_id)
        db.session.commit()
    return render_template("qa/author.html", post=post)
