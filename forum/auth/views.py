"""Account pages: register, sign in and out, password reset, settings, deletion, profiles."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forum.auth import services
from forum.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    CollapsedTopicsForm,
    ConfirmForm,
    DeleteAccountForm,
    DigestForm,
    LoginForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from forum.community import services as community
from forum.extensions import limiter
from forum.qa import queries
from forum.safe_redirect import safe_next

bp = Blueprint("auth", __name__)

login_limit = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], scope="login")
register_limit = limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"], scope="register")


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("qa.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            address = services.register(form.username.data, form.email.data, safe_next(request.args.get("next")))
        except services.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            session["signup_email"] = address
            return redirect(url_for("auth.register_sent"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.get("/register/sent")
def register_sent():
    """After signing up: look in your inbox. Said the same whether or not the address already had an account."""
    email = session.get("signup_email")
    if email is None:
        return redirect(url_for("auth.register"))
    return render_template("auth/register_sent.html", email=email)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@register_limit
def confirm(token: str):
    """The sign-up link: its reader chooses the password, which opens the account. Only the browser that
    signed up is signed in at once; a link opened anywhere else leads to the sign-in page."""
    user = services.pending_for_token(token)
    if user is None:
        flash("This link has expired or was already used. Join again to get a new one.", "error")
        return redirect(url_for("auth.register"))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_registration(token, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            if session.pop("signup_email", None) == user.email:
                login_user(user)
                flash(f"Welcome to Hearth, {user.username}.", "success")
                return redirect(safe_next(request.args.get("next")))
            flash(f"Your account {user.username} is open. Sign in with your new password.", "success")
            return redirect(url_for("auth.login", next=request.args.get("next")))
    return render_template("auth/confirm.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append("That username or e-mail and password don't match an account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("qa.index"))


@bp.route("/reset", methods=["GET", "POST"])
@login_limit
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("If that address has an account, a reset link is on its way. It works for one hour.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@login_limit
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        flash("This reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    password_form = ChangePasswordForm(prefix="pw")
    email_form = ChangeEmailForm(prefix="em")
    # Filled from the account unless this form was the one sent (another form's POST has no checkboxes).
    topics_sent = "cn-submit" in request.form
    topics_form = CollapsedTopicsForm(
        prefix="cn", formdata=None if not topics_sent else request.form, data={"topics": current_user.collapsed_topics}
    )
    digest_sent = "dg-submit" in request.form
    digest_form = DigestForm(
        prefix="dg", formdata=request.form if digest_sent else None, data={"digest": current_user.digest_opt_in}
    )
    status = 200
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current.data, password_form.password.data)
        except services.AccountError as exc:
            password_form.password.errors.append(str(exc))
        else:
            # The session token rotated: sign this session in again, renewing "keep me signed in" if it was on.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user, remember=remembered)
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("auth.settings"))
    elif email_form.submit.data and email_form.validate_on_submit():
        try:
            address = services.request_email_change(current_user, email_form.password.data, email_form.email.data)
        except services.AccountError as exc:
            email_form.email.errors.append(str(exc))
        else:
            flash(f"We sent a link to {address}. Your address changes when you follow it (within a day).", "info")
            return redirect(url_for("auth.settings"))
    elif topics_sent and topics_form.validate_on_submit():
        services.set_collapsed_topics(current_user, topics_form.topics.data)
        flash("Saved. Posts on the topics you chose are collapsed behind a content note for you.", "success")
        return redirect(url_for("auth.settings", _anchor="topics-heading"))
    elif digest_sent and digest_form.validate_on_submit():
        community.set_digest(current_user, digest_form.digest.data)
        on = "Daily digest on: one e-mail a day when you have unread notifications."
        flash(on if digest_form.digest.data else "Daily digest off.", "success")
        return redirect(url_for("auth.settings", _anchor="digest-heading"))
    if password_form.errors or email_form.errors or topics_form.errors:
        status = 400
    return render_template(
        "auth/settings.html",
        password_form=password_form,
        email_form=email_form,
        topics_form=topics_form,
        digest_form=digest_form,
    ), status


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data, form.mode.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            logout_user()
            if form.mode.data == "remove":
                flash("Your account and your posts are deleted.", "info")
            else:
                flash("Your account is deleted. Your posts stay, shown as from a deleted member.", "info")
            return redirect(url_for("qa.index"))
    return render_template("auth/delete.html", form=form), 400 if form.errors else 200


@bp.route("/settings/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link mailed to a new address: a page asking to confirm (so a mail scanner opening the link
    changes nothing), then the move. The link names the account, so it works signed in or not."""
    try:
        user, address = services.email_change_for_token(token)
        if request.method == "POST":  # CSRF-checked, as every POST
            services.confirm_email_change(token)
            flash(f"Your e-mail address is now {address}.", "success")
            return redirect(url_for("auth.settings"))
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.settings"))
    return render_template("auth/confirm_email.html", user=user, address=address)


@bp.get("/users/<username>")
def profile(username: str):
    user = queries.get_user(username)
    if user is None or not user.is_active:
        abort(404)
    return render_template("users/profile.html", user=user, posts=queries.public_activity(user))


@bp.get("/me/anonymous")
@login_required
def my_anonymous():
    return render_template("users/anonymous.html", posts=queries.anonymous_posts(current_user))
