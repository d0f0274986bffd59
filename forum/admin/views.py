"""Admin pages: the safety rules (list, edit, state, history, test box)."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import safety
from forum.admin import queries, services
from forum.admin.forms import RuleForm, RuleTestForm
from forum.content import highlight
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
