"""Moderator pages: the queues, an item with its actions, member flags, writing to the moderators."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.auth.models import AccountStatus
from forum.dbtypes import utcnow
from forum.extensions import limiter
from forum.moderation import dashboard as dashboard_stats
from forum.moderation import queries, services
from forum.moderation.forms import ContactForm, DecisionForm, FlagForm
from forum.moderation.models import FlagReason, ItemStatus, Queue
from forum.permissions import can, require
from forum.qa import queries as qa_queries
from forum.qa.forms import ActionForm

bp = Blueprint("moderation", __name__)


@bp.context_processor
def _clock():
    return {"now": utcnow()}


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else request.remote_addr or "?"


@bp.get("/mod/")
@login_required
def home():
    require(current_user, "moderation.view")
    queue = Queue.CRISIS if can(current_user, "moderation.queue", Queue.CRISIS) else Queue.GENERAL
    return redirect(url_for("moderation.queue", queue=queue.value))


@bp.get("/mod/dashboard")
@login_required
def dashboard():
    """Queue load, response times and rule quality at a glance, for every member of staff."""
    require(current_user, "moderation.view")
    board = dashboard_stats.build()
    return render_template("moderation/dashboard.html", board=board, counts=board.counts)


@bp.get("/mod/queue/<queue>")
@login_required
def queue(queue: str):
    try:
        queue_ = Queue(queue)
    except ValueError:
        abort(404)
    require(current_user, "moderation.queue", queue_)
    status = ItemStatus.RESOLVED if request.args.get("status") == "resolved" else ItemStatus.OPEN
    category = request.args.get("category", "")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination, rows = queries.queue_rows(queue_, status, category, page)
    return render_template(
        "moderation/queue.html",
        queue=queue_,
        rows=rows,
        pagination=pagination,
        status=status,
        category=category,
        counts=queries.open_counts(),
        action_form=ActionForm(),
    )


def _item_or_404(item_id: int):
    item = queries.get_item(item_id)
    if item is None:
        abort(404)
    require(current_user, "moderation.queue", item.queue)
    return item


@bp.get("/mod/items/<int:item_id>")
@login_required
def item(item_id: int):
    item = _item_or_404(item_id)
    context = queries.item_context(item)
    form = DecisionForm(formdata=None)
    if context.post is not None:
        form.body.data = context.post.body_md
    form.message.data = services.template("reach_out")[1]
    return render_template("moderation/item.html", ctx=context, item=item, form=form, action_form=ActionForm())


def _act(item_id: int, action, success: str):
    item = _item_or_404(item_id)
    form = DecisionForm()
    if not form.validate():
        flash(" ".join(sum(form.errors.values(), [])), "error")
        return redirect(url_for("moderation.item", item_id=item_id))
    try:
        action(item, form)
    except services.ModerationError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return redirect(url_for("moderation.item", item_id=item_id))


@bp.post("/mod/items/<int:item_id>/claim")
@login_required
def claim(item_id: int):
    return _act(
        item_id,
        lambda item, form: services.claim(current_user, item),
        f"You hold this item for {current_app.config['CLAIM_MINUTES']} minutes.",
    )


@bp.post("/mod/items/<int:item_id>/release")
@login_required
def release(item_id: int):
    return _act(item_id, lambda item, form: services.release(current_user, item), "Released.")


@bp.post("/mod/items/<int:item_id>/decide")
@login_required
def decide(item_id: int):
    decision = request.form.get("decision", "")
    if decision not in services.CLOSING_DECISIONS:
        abort(400)

    def run(item, form):
        services.decide(
            current_user,
            item,
            decision,
            note=form.note.data or "",
            reason=form.reason.data or "",
            body=form.body.data if decision == "edit_and_approve" else None,
        )

    return _act(item_id, run, f"Decided: {decision.replace('_', ' ')}.")


@bp.post("/mod/items/<int:item_id>/escalate")
@login_required
def escalate(item_id: int):
    return _act(
        item_id,
        lambda item, form: services.escalate(current_user, item, form.message.data or ""),
        "Escalated to the admins and the on-call reviewers.",
    )


@bp.post("/mod/items/<int:item_id>/reach-out")
@login_required
def reach_out(item_id: int):
    return _act(
        item_id,
        lambda item, form: services.reach_out(current_user, item, form.message.data or ""),
        "Your message was sent to the author, with the crisis resources.",
    )


@bp.post("/mod/items/<int:item_id>/restrict")
@login_required
def restrict(item_id: int):
    try:
        status = AccountStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    return _act(
        item_id,
        lambda item, form: services.restrict_author(current_user, item, status, form.reason.data or ""),
        f"The author's account is now {status.value}.",
    )


@bp.post("/mod/items/<int:item_id>/false-positive")
@login_required
def false_positive(item_id: int):
    rule_id = request.form.get("rule", "")
    return _act(
        item_id,
        lambda item, form: services.mark_false_positive(current_user, item, rule_id),
        f"Counted a false positive for {rule_id}.",
    )


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=_user_key, methods=["POST"], scope="flag")
def flag(post_id: int):
    post = qa_queries.get_post(post_id)
    if post is None or not can(current_user, "post.view", post):
        abort(404)
    require(current_user, "post.flag", post)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.flag_post(current_user, post, FlagReason(form.reason.data), form.note.data or "")
        except services.ModerationError as exc:
            form.note.errors.append(str(exc))
        else:
            flash("Thank you. A moderator will look at it, and we'll let you know what happened.", "success")
            return redirect(url_for("qa.post_link", post_id=post.id))
    return render_template("moderation/flag.html", form=form, post=post), 400 if form.errors else 200


@bp.route("/contact-moderators", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["FLAG_RATE_LIMIT"], key_func=_user_key, methods=["POST"], scope="contact")
def contact():
    form = ContactForm()
    if form.validate_on_submit():
        services.message_moderators(current_user, form.text.data)
        flash("Your message is with the moderators. They'll reply here in your notifications.", "success")
        return redirect(url_for("qa.index"))
    return render_template("moderation/contact.html", form=form), 400 if form.errors else 200
