"""Admin pages: the safety rules (list, edit, state, history, test box), the posts the engine missed, the
audit log, the routing policy and the message templates."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import safety
from forum.admin import queries, services
from forum.admin.forms import AuditFilterForm, MessageTemplateForm, RouteForm, RuleForm, RuleTestForm
from forum.content import highlight
from forum.moderation import services as moderation_services
from forum.permissions import require
from forum.qa.forms import ActionForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require(current_user, "admin.access")


@bp.get("/")
def index():
    return redirect(url_for("admin.rules"))


@bp.get("/rules")
def rules():
    query, category = request.args.get("q", "").strip(), request.args.get("category", "")
    rows = queries.rule_rows(query, category)
    return render_template(
        "admin/rules.html",
        rows=rows,
        q=query,
        category=category,
        categories=safety.CATEGORIES,
        action_form=ActionForm(),
        test_form=RuleTestForm(),
    )


@bp.route("/rules/new", methods=["GET", "POST"])
@bp.route("/rules/<rule_id>/edit", methods=["GET", "POST"])
def edit_rule(rule_id: str | None = None):
    existing = queries.find_rule(rule_id) if rule_id else None
    if rule_id and existing is None:
        abort(404)
    form = RuleForm(obj=None)
    if request.method == "GET" and existing:
        form.process(
            data={
                "rule_id": existing.id,
                "kind": existing.kind,
                "pattern": existing.pattern,
                "category": existing.category,
                "severity": existing.severity,
                "state": existing.state,
            }
        )
    if existing:
        form.rule_id.data = existing.id
    if form.validate_on_submit():
        if existing is None and queries.find_rule(form.rule_id.data):
            form.rule_id.errors.append("A rule with this id exists; edit it instead.")
        else:
            try:
                rule = services.save_rule(
                    current_user,
                    form.rule_id.data,
                    kind=form.kind.data,
                    pattern=form.pattern.data,
                    category=form.category.data,
                    severity=form.severity.data,
                    state=form.state.data,
                    note=form.note.data or "",
                )
            except safety.RuleError as exc:
                form.pattern.errors.append(str(exc))
            else:
                flash(
                    f"Saved {rule.id} as version {rule.version}. Every worker uses it from the next post on.", "success"
                )
                return redirect(url_for("admin.rules", q=rule.id))
    history = queries.rule_history(existing.id) if existing else []
    return render_template("admin/rule_edit.html", form=form, rule=existing, history=history), (
        400 if form.errors else 200
    )


@bp.post("/rules/<rule_id>/state")
def rule_state(rule_id: str):
    state = request.form.get("state", "")
    if state not in ("active", "log_only", "disabled") or not ActionForm().validate():
        abort(400)
    try:
        rule = services.set_rule_state(current_user, rule_id, state)
    except safety.RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{rule.id} is now {state.replace('_', ' ')} (version {rule.version}).", "success")
    return redirect(url_for("admin.rules", q=rule_id))


def _test_result(text: str) -> dict:
    verdict = safety.scan(text, queries.effective_ruleset())
    return {"verdict": verdict, "highlighted": highlight(text, [(h.start, h.end) for h in verdict.hits])}


@bp.route("/rules/test", methods=["GET", "POST"])
def test_rules():
    """The "test against text" box: verdict and highlighted hits with the rules in force now."""
    form = RuleTestForm()
    result = _test_result(form.text.data) if form.validate_on_submit() else None
    if request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json":
        if result is None:
            return jsonify(error="; ".join(form.text.errors) or "bad request"), 400
        return jsonify(html=render_template("admin/_test_result.html", **result), verdict=result["verdict"].to_dict())
    return render_template("admin/rule_test.html", form=form, **(result or {})), 400 if form.errors else 200


@bp.get("/misses")
def misses():
    """Posts members flagged for a risk the engine covers but the engine allowed: where new rules come from."""
    pagination = queries.missed_posts(max(request.args.get("page", 1, type=int) or 1, 1))
    if not pagination.items and pagination.page > 1:
        abort(404)
    return render_template("admin/misses.html", pagination=pagination, test_form=RuleTestForm())


@bp.get("/audit")
def audit():
    """The audit log, newest first, 50 to a page, filtered by actor, action, target and dates."""
    form = AuditFilterForm(formdata=request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = None
    if form.validate():
        target_type, target_id = form.target_parts()
        pagination = queries.audit_page(
            actor=form.actor.data or "",
            action=form.action.data or "",
            target_type=target_type,
            target_id=target_id,
            since=form.date_from.data,
            until=form.date_to.data,
            page=page,
        )
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    users = queries.users_by_id(
        {e.target_id for e in pagination.items if e.target_type == "user" and e.target_id} if pagination else set()
    )
    return render_template("admin/audit.html", form=form, pagination=pagination, filters=filters, users=users), (
        400 if form.errors else 200
    )


def _route_or_404(category: str, severity: str) -> queries.RouteRow:
    row = next((r for r in queries.routing_rows() if (r.category, r.severity) == (category, severity)), None)
    if row is None:
        abort(404)
    return row


@bp.get("/routing")
def routing():
    return render_template("admin/routing.html", rows=queries.routing_rows())


@bp.route("/routing/<category>/<severity>", methods=["GET", "POST"])
def edit_route(category: str, severity: str):
    """Edit one route; saving stores an override of the default, written to the audit log."""
    current = _route_or_404(category, severity)
    form = RouteForm(data=current.route)
    if form.validate_on_submit():
        try:
            services.save_route(
                current_user,
                category,
                severity,
                visibility=form.visibility.data,
                queue=form.queue.data,
                priority=form.priority.data,
                deadline_minutes=form.deadline_minutes.data,
                note=form.note.data or "",
            )
        except services.PolicyError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors = [*field.errors, str(exc)]
            else:
                form.form_errors.append(str(exc))
        else:
            flash(
                f"Saved the route for {category.replace('_', ' ')} at {severity}. It applies from the next post.",
                "success",
            )
            return redirect(url_for("admin.routing", _anchor=f"route-{category}-{severity}"))
    return render_template("admin/routing.html", rows=queries.routing_rows(), current=current, form=form), (
        400 if form.errors or form.form_errors else 200
    )


@bp.post("/routing/<category>/<severity>/reset")
def reset_route(category: str, severity: str):
    _route_or_404(category, severity)
    if not ActionForm().validate():
        abort(400)
    try:
        services.reset_route(current_user, category, severity)
    except services.PolicyError as exc:
        flash(str(exc), "error")
    else:
        flash(f"The route for {category.replace('_', ' ')} at {severity} is back to the default.", "success")
    return redirect(url_for("admin.routing", _anchor=f"route-{category}-{severity}"))


def _template_page(failed: str | None = None, form: MessageTemplateForm | None = None):
    """Both template editors (the one that failed keeps what the admin typed), and which differ from the default."""
    forms, custom = {}, set()
    for key, default in moderation_services.DEFAULT_TEMPLATES.items():
        subject, body = moderation_services.template(key)
        if (subject, body) != default:
            custom.add(key)
        if key == failed:
            forms[key] = form
        else:
            forms[key] = MessageTemplateForm(formdata=None, prefix=key, data={"subject": subject, "body": body})
    return render_template("admin/templates.html", forms=forms, custom=custom)


@bp.get("/templates")
def templates():
    """The wording of the rejection and reach-out messages, with an editor for each."""
    return _template_page()


@bp.post("/templates/<key>")
def save_template(key: str):
    if key not in moderation_services.DEFAULT_TEMPLATES:
        abort(404)
    form = MessageTemplateForm(prefix=key)
    if form.validate():
        try:
            services.save_template(current_user, key, subject=form.subject.data, body=form.body.data)
        except services.PolicyError as exc:
            form.body.errors = [*form.body.errors, str(exc)]
        else:
            flash(f"Saved the {key.replace('_', '-')} message. Moderators use it from now on.", "success")
            return redirect(url_for("admin.templates", _anchor=f"template-{key}"))
    return _template_page(key, form), 400


@bp.post("/templates/<key>/reset")
def reset_template(key: str):
    if key not in moderation_services.DEFAULT_TEMPLATES:
        abort(404)
    if not ActionForm().validate():
        abort(400)
    try:
        services.reset_template(current_user, key)
    except services.PolicyError as exc:
        flash(str(exc), "error")
    else:
        flash(f"The {key.replace('_', '-')} message is back to the default wording.", "success")
    return redirect(url_for("admin.templates", _anchor=f"template-{key}"))
