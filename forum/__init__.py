"""Hearth: create_app() wires configuration, extensions, blueprints, CLI and error pages."""

import sqlite3
from pathlib import Path

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from config import DEV_SECRET, Config
from forum.validators import FormBytesRequest

ROOT = Path(__file__).resolve().parent.parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, and waiting on locks instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def create_app(config_class=Config) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.request_class = FormBytesRequest
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] in (None, "", DEV_SECRET):
        raise RuntimeError("SECRET_KEY must be set to a long random value in production.")
    Path(app.instance_path).mkdir(exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_templates(app)
    _register_errors(app)
    _register_security_headers(app)

    from forum.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    # Every model module is imported here so Alembic and create_all see the whole schema.
    from forum import audit  # noqa: F401
    from forum.admin import models as admin_models  # noqa: F401
    from forum.auth.models import User
    from forum.community import models as community_models  # noqa: F401
    from forum.extensions import csrf, db, limiter, login_manager, migrate
    from forum.moderation import models as moderation_models  # noqa: F401
    from forum.notifications import models as notification_models  # noqa: F401
    from forum.practitioners import models as practitioner_models  # noqa: F401
    from forum.qa import models as qa_models  # noqa: F401
    from forum.safe_redirect import return_path
    from forum.search import models as search_models

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), include_object=search_models.include_object)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"

    @login_manager.user_loader
    def load_user(key: str):
        user_id, _, token = key.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_token != token or not user.is_active:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        flash("Please sign in to continue: ask, answer, comment and vote need an account.", "info")
        return redirect(url_for("auth.login", next=return_path()))


def _register_blueprints(app: Flask) -> None:
    from forum.admin.views import bp as admin_bp
    from forum.auth.views import bp as auth_bp
    from forum.community.views import bp as community_bp
    from forum.moderation.views import bp as moderation_bp
    from forum.notifications.views import bp as notifications_bp
    from forum.practitioners.views import bp as practitioners_bp
    from forum.privacy.views import bp as privacy_bp
    from forum.qa.views import bp as qa_bp
    from forum.search.views import bp as search_bp

    app.register_blueprint(qa_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(practitioners_bp)
    app.register_blueprint(community_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(search_bp)


def _register_templates(app: Flask) -> None:
    from forum import content, timefmt
    from forum.notifications.views import unread_count
    from forum.permissions import can
    from forum.privacy.topics import reader_note
    from forum.qa.services import needs_crisis_resources, slugify

    app.jinja_env.globals.update(
        can=can,
        excerpt=content.excerpt,
        slugify=slugify,
        crisis_post=needs_crisis_resources,
        unread_count=unread_count,
        reader_note=reader_note,
    )
    app.jinja_env.filters["timeago"] = timefmt.timeago
    app.jinja_env.filters["isotime"] = timefmt.isotime
    app.jinja_env.filters["timeleft"] = timefmt.timeleft
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_errors(app: Flask) -> None:
    from forum.extensions import db
    from forum.permissions import PermissionDenied

    messages = {
        400: (
            "Something in that request was wrong",
            "The form may have expired or been sent twice. Go back, reload the page and try again.",
        ),
        403: ("You can't do that here", "Your account doesn't have permission for this page or action."),
        404: ("We couldn't find that page", "It may have been moved, or it was never here."),
        405: ("That doesn't work here", "This address doesn't accept that kind of request."),
        413: ("That was too large", "Please send something shorter."),
        429: (
            "Slow down a little",
            "You've done that many times in a short while. Please wait a minute and try again.",
        ),
        500: ("Something went wrong on our side", "Nothing you did caused this. Please try again in a moment."),
    }

    def render_error(code: int, detail: str | None = None):
        title, text = messages.get(code, messages[500])
        return render_template("errors/error.html", code=code, title=title, text=detail or text), code

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # A description given with abort(code, "...") is ours to show; the stock one is not.
        detail = exc.description if exc.description != type(exc).description else None
        return render_error(exc.code or 500, detail)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, "The form's security token was missing or expired. Go back, reload and try again.")

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc: PermissionDenied):
        return render_error(403)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
