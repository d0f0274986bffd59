"""Cross-cutting security: CSRF on every POST, hostile input, headers, secrets, rate limits."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from config import Config
from forum import create_app
from forum.content import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render
from forum.extensions import db
from forum.qa.models import Post
from tests.conftest import login

XSS_INPUTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="x:expression(alert(1))">old IE</div>',
    "<<script>script>alert(1)<</script>/script>",
    '<img src="x" <script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, []):
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href" and not (value or "").startswith(("http://", "https://", "mailto:", "/", "#")):
                self.problems.append(f"href {value}")


@pytest.mark.parametrize("payload", XSS_INPUTS)
def test_hostile_markdown_renders_nothing_executable(payload):
    collector = _Collector()
    collector.feed(render(payload))
    assert collector.problems == []


def test_hostile_posts_are_stored_and_shown_inert(login_as, member):
    client = login_as(member)
    body = "\n\n".join(XSS_INPUTS)
    response = client.post("/questions/ask", data={"title": "Testing what the editor does with odd text",
                                                   "body": body, "tags": "therapy"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    post_html = html.split('class="post-body">', 1)[1].split("</div>", 1)[0]
    collector = _Collector()
    collector.feed(post_html)
    assert collector.problems == []
    assert db.session.scalar(select(Post.body_md)) == body  # the author's text is kept as written


def _post_routes(app):
    return sorted(
        rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint != "static"
    )


def test_every_post_without_a_csrf_token_is_refused_with_400(app, client, member, make_question, make_answer):
    question = make_question(member)
    answer = make_answer(member, question)
    login(client, member)
    app.config["WTF_CSRF_ENABLED"] = True
    routes = _post_routes(app)
    assert len(routes) >= 10
    for rule in routes:
        url = rule.replace("<int:question_id>", str(question.id)).replace("<int:post_id>", str(answer.id))
        url = re.sub(r"<int:\w+>", "1", url)
        url = re.sub(r"<\w+>", "abc", url)
        response = client.post(url, data={"body": "A comment long enough to be valid.", "value": "up"})
        assert response.status_code == 400, rule
        assert "security token" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_guest_post_without_csrf_token_is_refused_too(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/login", data={"login": "x", "password": "y"}).status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "T" * 151, "between 15 and 150 characters"),
        ("body", "B" * 30001, "between 20 and 30000 characters"),
        ("body", "A body with a NUL \x00 byte in the middle of it", "characters that cannot be read"),
        ("title", "A title with a NUL \x00 byte inside", "characters that cannot be read"),
    ],
)
def test_bad_question_input_gets_a_form_error_and_stores_nothing(login_as, member, field, value, message):
    client = login_as(member)
    data = {"title": "A perfectly fine question title", "body": "A perfectly fine body of the question.",
            "tags": "therapy", field: value}
    response = client.post("/questions/ask", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_invalid_utf8_gets_a_form_error_and_stores_nothing(login_as, member):
    client = login_as(member)
    raw = b"title=A+fine+title+for+a+question&tags=therapy&body=Broken+bytes+%FF%FE+in+the+body+here"
    response = client.post("/questions/ask", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "characters that cannot be read" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    class Production(Config):
        SECRET_KEY = Config.SECRET_KEY if Config.SECRET_KEY != "dev-only-secret-change-me" else None

    Production.SECRET_KEY = None
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_login_is_rate_limited(app, client, member):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/login", data={"login": "mina", "password": "wrong password"}).status_code
                 for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes == [400, 400, 400, 429]


def test_posting_is_rate_limited_per_account(app, login_as, member):
    client = login_as(member)
    app.config["POST_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [
            client.post("/questions/ask", data={"title": f"Question number {i} of a busy day", "tags": "therapy",
                                                "body": "A body that is long enough to be posted."}).status_code
            for i in range(3)
        ]
    finally:
        app.config["POST_RATE_LIMIT"] = "1000 per minute"
    assert codes == [302, 302, 429]
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2
