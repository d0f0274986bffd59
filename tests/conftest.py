"""Shared fixtures: one app and schema per run (SQLite file, or FORUM_TEST_DATABASE_URL), clean tables per test."""

import os
import re
from contextlib import contextmanager

import pytest
from flask import g, request_started
from sqlalchemy import event, text

from config import TestConfig
from forum import create_app
from forum.auth.models import Role, User
from forum.extensions import db, limiter

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("FORUM_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"

    class SuiteConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False

    app = create_app(SuiteConfig)
    request_started.connect(_fresh_g, app)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _fresh_g(sender, **extra):
    """Tests keep an app context open, which Flask reuses for requests; in production each
    request gets its own, so `g` (Flask-Login's cached user, limiter flags) starts empty."""
    for key in list(g):
        g.pop(key)


def _clean(app):
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                conn.execute(text("PRAGMA foreign_keys=OFF"))
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))
                conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture(autouse=True)
def _fresh_state(request, app):
    """Every test starts with empty tables, CSRF off (tests opt in), and fresh rate-limit counters."""
    if "app" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    _clean(app)
    limiter.reset()
    saved_config = dict(app.config)
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.remove()
    ctx.pop()
    app.config.clear()
    app.config.update(saved_config)


@pytest.fixture
def client(app):
    return app.test_client()


_counter = iter(range(1, 10**6))


@pytest.fixture
def make_user(app):
    from forum.auth.services import create_user

    def make(role: Role | str = Role.MEMBER, username: str | None = None, **kwargs) -> User:
        role = Role(role)
        name = username or f"{role.value}{next(_counter)}"
        return create_user(name, f"{name}@example.com", PASSWORD, role, **kwargs)

    return make


@pytest.fixture
def member(make_user):
    return make_user(Role.MEMBER, "mina")


@pytest.fixture
def other_member(make_user):
    return make_user(Role.MEMBER, "otto")


@pytest.fixture
def practitioner(make_user):
    return make_user(Role.PRACTITIONER, "dr_pia")


@pytest.fixture
def moderator(make_user):
    return make_user(Role.MODERATOR, "mod_max", crisis_reviewer=True)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, "ada")


def login(client, user: User, password: str = PASSWORD, remember: bool = False):
    """Sign in through the real form, as a person would."""
    data = {"login": user.username, "password": password} | ({"remember": "y"} if remember else {})
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login_as(client):
    def do(user: User):
        login(client, user)
        return client

    return do


@pytest.fixture
def make_question(app):
    from forum.qa import services

    def make(author: User, title: str = "How do I talk to my partner about feeling low?", body: str | None = None,
             tags: str = "depression, relationships", anonymous: bool = False):
        body = body or "Lately I have been feeling flat and I don't know how to explain it to him."
        return services.ask_question(author, title, body, tags, anonymous)

    return make


@pytest.fixture
def make_answer(app):
    from forum.qa import services

    def make(author: User, question, body: str = "Something that helped me was picking a calm moment to talk.",
             anonymous: bool = False):
        return services.post_answer(author, question, body, anonymous)

    return make


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block (transaction bookkeeping excluded)."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA)", statement, re.I):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
