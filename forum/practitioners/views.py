"""Practitioner pages: the directory, public profiles, applying or renewing, and an admin's revocation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.dbtypes import utcnow
from forum.permissions import can, require
from forum.practitioners import queries, services
from forum.practitioners.forms import ApplicationForm, RevokeForm
from forum.practitioners.models import ApplicationStatus

bp = Blueprint("practitioners", __name__)


@bp.app_context_processor
def _renewal_clock():
    """When a practitioner's own pages start asking them to renew (see _renew_notice.html)."""
    return {"renewal_due": utcnow() + services.RENEWAL_NOTICE}


@bp.get("/practitioners")
def directory():
    """Verified practitioners, filtered by specialty and by city, region or jurisdiction."""
    specialty = request.args.get("specialty", "").strip().lower()[:30]
    region = request.args.get("region", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return render_template(
        "practitioners/directory.html",
        page=queries.directory(specialty, region, page),
        specialty=specialty,
        region=region,
        specialties=queries.specialty_choices(),
    )


@bp.get("/practitioners/<username>")
def profile(username: str):
    """A verified practitioner's credentials, specialties, region and answers. A lapsed or revoked profile is
    shown only to its owner (with the way to renew) and to staff."""
    user = queries.get_user(username)
    if user is None or user.is_deleted:
        abort(404)
    own = current_user.is_authenticated and current_user.id == user.id
    if not user.is_practitioner and not (own or can(current_user, "moderation.view")):
        abort(404)
    profile_ = queries.get_profile(user)
    if profile_ is None and not user.is_practitioner:
        abort(404)
    return render_template(
        "practitioners/profile.html",
        user=user,
        profile=profile_,
        answers=queries.signed_answers(user),
        own=own,
        revoke_form=RevokeForm(formdata=None),
    )


def _prefill(form: ApplicationForm, source, specialties: list[str]) -> None:
    """Start a renewal (or a corrected application) from what the member sent last time."""
    form.profession.data = source.profession.value
    for name in ("profession_other", "licence_number", "jurisdiction", "region", "website", "statement"):
        getattr(form, name).data = getattr(source, name)
    form.specialties.data = ", ".join(specialties)


@bp.route("/me/practitioner", methods=["GET", "POST"])
@login_required
def apply():
    """Apply to be verified, see how the application stands, or renew (renewing is applying again)."""
    require(current_user, "practitioner.apply")
    latest = queries.latest_application(current_user.id)
    pending = latest is not None and latest.status == ApplicationStatus.PENDING
    form = ApplicationForm()
    if request.method == "GET":
        profile_ = queries.get_profile(current_user)
        if profile_ is not None:
            _prefill(form, profile_, [s.name for s in profile_.specialties])
        elif latest is not None:
            _prefill(form, latest, latest.specialty_list)
    elif not pending and form.validate_on_submit():
        try:
            services.apply(
                current_user,
                profession=form.profession.data,
                profession_other=form.profession_other.data or "",
                licence_number=form.licence_number.data,
                jurisdiction=form.jurisdiction.data,
                specialties=form.specialties.data,
                region=form.region.data,
                website=form.website.data or "",
                statement=form.statement.data,
            )
        except services.PractitionerError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            (field.errors if field is not None else form.form_errors).append(str(exc))
        else:
            flash(
                "Thank you. Your application is with the moderators; you'll hear from them in your notifications.",
                "success",
            )
            return redirect(url_for("practitioners.apply"))
    elif pending:
        form.form_errors.append("Your application is already with the moderators; they will let you know.")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("practitioners/apply.html", form=form, latest=latest, pending=pending), status


@bp.post("/practitioners/<username>/revoke")
@login_required
def revoke(username: str):
    user = queries.get_user(username)
    if user is None:
        abort(404)
    require(current_user, "practitioner.revoke", user)
    form = RevokeForm()
    if not form.validate():
        flash(" ".join(sum(form.errors.values(), [])), "error")
    else:
        try:
            services.revoke(current_user, user, form.reason.data)
        except services.PractitionerError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.username}'s verification is revoked; their badge is gone and they were told why.", "success")
    return redirect(url_for("practitioners.profile", username=user.username))
