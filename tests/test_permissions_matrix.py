"""Every route, for every role: the expected allow or deny, in one table.

`ok` is the status an allowed request gets; `login` means a guest is sent to sign in;
403/404 are refusals. One row per (method, path); columns guest, member, practitioner,
moderator, admin. The member column is a member who wrote none of the posts involved.
"""

import pytest

from forum.auth.models import Role
from forum.safety import load_default_rules

ROLES = ("guest", "member", "practitioner", "moderator", "admin")
LOGIN = "login"

ANSWER_BODY = {"body": "Something that helped me was writing it down first."}
QUESTION_FORM = {"title": "How do I start therapy again?", "body": "It has been two years since I last went.",
                 "tags": "therapy"}
ROUTE_FORM = {"visibility": "held", "queue": "general", "priority": "25", "deadline_minutes": "600"}
APPLICATION_FORM = {"profession": "lpc", "licence_number": "LPC 4471", "jurisdiction": "Ohio", "specialties": "anxiety",
                    "region": "Columbus, Ohio", "statement": "Adults with anxiety, in person and online."}
TEMPLATE_FORM = {"reach_out-subject": "Checking in", "reach_out-body": "We read your post and wanted to say hello."}

# (method, path template, form data, expected per role in ROLES order)
MATRIX = [
    ("GET", "/", None, (200, 200, 200, 200, 200)),
    ("GET", "/?sort=unanswered", None, (200, 200, 200, 200, 200)),
    ("GET", "/tags", None, (200, 200, 200, 200, 200)),
    ("GET", "/tags/depression", None, (200, 200, 200, 200, 200)),
    ("GET", "/questions/{q}", None, (301, 301, 301, 301, 301)),
    ("GET", "/questions/{q}/{slug}", None, (200, 200, 200, 200, 200)),
    ("GET", "/posts/{a}", None, (302, 302, 302, 302, 302)),
    ("GET", "/posts/{q}/revisions", None, (200, 200, 200, 200, 200)),
    ("GET", "/users/asker", None, (200, 200, 200, 200, 200)),
    ("GET", "/questions/ask", None, (LOGIN, 200, 200, 200, 200)),
    ("POST", "/questions/ask", QUESTION_FORM, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/preview", {"body": "*hi*"}, (LOGIN, 200, 200, 200, 200)),
    ("POST", "/questions/{q}/answers", ANSWER_BODY, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/posts/{q}/comments", {"body": "Thinking of you."}, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/posts/{a}/vote", {"value": "up"}, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/posts/{a}/accept", {}, (LOGIN, 403, 403, 403, 403)),
    ("GET", "/posts/{q}/edit", None, (LOGIN, 403, 403, 200, 200)),
    ("POST", "/posts/{a}/delete", {}, (LOGIN, 403, 403, 302, 302)),
    ("GET", "/posts/{anon}/author", None, (LOGIN, 403, 403, 200, 200)),
    ("GET", "/posts/{held}", None, (404, 404, 404, 302, 302)),
    ("GET", "/settings", None, (LOGIN, 200, 200, 200, 200)),
    ("GET", "/settings/delete", None, (LOGIN, 200, 200, 200, 200)),
    ("GET", "/settings/export", None, (LOGIN, 200, 200, 200, 200)),
    ("POST", "/settings", {"cn-topics": "grief", "cn-submit": "y"}, (LOGIN, 302, 302, 302, 302)),
    ("GET", "/feed.atom", None, (200, 200, 200, 200, 200)),
    ("GET", "/tags/depression/feed.atom", None, (200, 200, 200, 200, 200)),
    ("GET", "/tags/no-such-tag/feed.atom", None, (404, 404, 404, 404, 404)),
    ("GET", "/me/anonymous", None, (LOGIN, 200, 200, 200, 200)),
    ("GET", "/notifications", None, (LOGIN, 200, 200, 200, 200)),
    ("POST", "/questions/{q}/follow", {}, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/questions/{q}/unfollow", {}, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/questions/{held}/follow", {}, (LOGIN, 404, 404, 302, 302)),
    ("POST", "/questions/{a}/follow", {}, (LOGIN, 404, 404, 404, 404)),
    ("POST", "/posts/{a}/bookmark", {}, (LOGIN, 302, 302, 302, 302)),
    ("POST", "/posts/{held}/bookmark", {}, (LOGIN, 404, 404, 302, 302)),
    ("GET", "/bookmarks", None, (LOGIN, 200, 200, 200, 200)),
    ("GET", "/following", None, (LOGIN, 200, 200, 200, 200)),
    ("GET", "/login", None, (200, 200, 200, 200, 200)),
    ("GET", "/register", None, (200, 302, 302, 302, 302)),
    ("GET", "/register/sent", None, (302, 302, 302, 302, 302)),
    ("GET", "/confirm/not-a-token", None, (302, 302, 302, 302, 302)),
    ("GET", "/settings/email/not-a-token", None, (302, 302, 302, 302, 302)),
    ("GET", "/reset", None, (200, 200, 200, 200, 200)),
    ("POST", "/logout", {}, (302, 302, 302, 302, 302)),
    ("GET", "/help", None, (200, 200, 200, 200, 200)),
    ("GET", "/search?q=partner&tag=depression", None, (200, 200, 200, 200, 200)),
    ("GET", "/search/similar?title=talk+to+my+partner", None, (200, 200, 200, 200, 200)),
    ("GET", "/admin/", None, (LOGIN, 403, 403, 403, 302)),
    ("GET", "/admin/rules", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/rules/new", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/rules/{rule}/edit", None, (LOGIN, 403, 403, 403, 200)),
    ("POST", "/admin/rules/{rule}/state", {"state": "log_only"}, (LOGIN, 403, 403, 403, 302)),
    ("GET", "/admin/rules/test", None, (LOGIN, 403, 403, 403, 200)),
    ("POST", "/admin/rules/test", {"text": "a calm day"}, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/mod/dashboard", None, (LOGIN, 403, 403, 200, 200)),
    ("GET", "/admin/audit", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/misses", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/audit?action=item.&from=2024-01-01", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/routing", None, (LOGIN, 403, 403, 403, 200)),
    ("GET", "/admin/routing/suicide/high", None, (LOGIN, 403, 403, 403, 200)),
    ("POST", "/admin/routing/spam/routine", ROUTE_FORM, (LOGIN, 403, 403, 403, 302)),
    ("POST", "/admin/routing/spam/routine/reset", {}, (LOGIN, 403, 403, 403, 302)),
    ("GET", "/admin/templates", None, (LOGIN, 403, 403, 403, 200)),
    ("POST", "/admin/templates/reach_out", TEMPLATE_FORM, (LOGIN, 403, 403, 403, 302)),
    ("POST", "/admin/templates/reach_out/reset", {}, (LOGIN, 403, 403, 403, 302)),
    ("GET", "/?practitioner=1", None, (200, 200, 200, 200, 200)),
    ("GET", "/tags/depression?practitioner=1", None, (200, 200, 200, 200, 200)),
    ("GET", "/practitioners", None, (200, 200, 200, 200, 200)),
    ("GET", "/practitioners?specialty=grief&region=atlanta", None, (200, 200, 200, 200, 200)),
    ("GET", "/practitioners/pro_pat", None, (200, 200, 200, 200, 200)),
    ("GET", "/practitioners/asker", None, (404, 404, 404, 404, 404)),
    ("GET", "/me/practitioner", None, (LOGIN, 200, 200, 403, 403)),
    ("POST", "/me/practitioner", APPLICATION_FORM, (LOGIN, 302, 302, 403, 403)),
    ("POST", "/practitioners/pro_pat/revoke", {"reason": "The board suspended the licence."},
     (LOGIN, 403, 403, 403, 302)),
    ("GET", "/no-such-page", None, (404, 404, 404, 404, 404)),
]


@pytest.fixture
def world(make_user, make_question, make_answer):
    from forum.extensions import db
    from forum.practitioners.services import seed_profile
    from forum.qa.models import PostStatus

    asker = make_user(Role.MEMBER, "asker")
    helper = make_user(Role.MEMBER, "helper")
    question = make_question(asker, tags="depression")
    answer = make_answer(helper, question)
    anonymous = make_question(asker, title="An anonymous question about my therapist", anonymous=True)
    held = make_question(helper, title="A question waiting for a moderator")
    held.status = PostStatus.HELD
    seed_profile(make_user(Role.PRACTITIONER, "pro_pat"), profession="lcsw", jurisdiction="Georgia",
                 licence_number="CSW 1", region="Atlanta, Georgia", specialties=["grief"])
    db.session.commit()
    users = {role: make_user(role) for role in ROLES[1:]}
    return {
        "users": users,
        "ids": {"q": question.id, "a": answer.id, "anon": anonymous.id, "held": held.id,
                "slug": "how-do-i-talk-to-my-partner-about-feeling-low", "rule": load_default_rules()[0].id},
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "data", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_route_allows_or_denies_by_role(client, world, role, method, path, data, expected):
    if role != "guest":
        from tests.conftest import login

        login(client, world["users"][role])
    url = path.format(**world["ids"])
    response = client.open(url, method=method, data=data)
    want = expected[ROLES.index(role)]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:500]
