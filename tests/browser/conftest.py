"""Real-browser fixtures: the suite's app served on a local port, driven by the system Chromium via Playwright."""

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from forum.extensions import db
from forum.notifications.models import OutboxEmail
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = (
    "Chromium not found at /usr/bin/chromium: install Debian's `chromium` package (apt-get install chromium)"
)
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Skip every test in this folder when the system Chromium is missing (Playwright never downloads one)."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=MISSING_CHROMIUM)
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class _QuietHandler(WSGIRequestHandler):
    """Keeps the access log out of test output; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def _server(app):
    """Serve the session app on 127.0.0.1 and a free port, one thread per request, until the run ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(_server):
    """Lets tests write page.goto("/login")."""
    return _server


@pytest.fixture
def live_server(_server, app):
    """The server's URL, with CSRF protection on so the browser submits the real tokens (reset after each test)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return _server


@pytest.fixture
def page(page):
    """A page that fails fast instead of waiting 30 s when something is missing."""
    page.set_default_timeout(5000)
    return page


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait until the header shows the account."""
    page.goto("/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def register(page, username: str) -> None:
    """Join through the real forms: sign up, follow the link mailed to the address, choose the password."""
    page.goto("/")
    page.get_by_role("link", name="Join").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(f"{username}@example.com")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.goto(signup_link(f"{username}@example.com"))
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat new password").fill(PASSWORD)
    page.get_by_role("button", name="Open my account").click()
    page.get_by_text(f"Welcome to Hearth, {username}.").wait_for()


def signup_link(address: str) -> str:
    """The path of the newest sign-up link mailed to an address, as the server committed it."""
    db.session.rollback()
    body = db.session.scalars(
        select(OutboxEmail.body).where(OutboxEmail.recipient == address).order_by(OutboxEmail.id.desc())
    ).first()
    return re.search(r"http://[^/\s]+(/confirm/\S+)", body).group(1)
