"""axe-core scans of the main pages in Chromium: no serious or critical accessibility violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from forum.qa import services
from tests.browser.conftest import sign_in, signup_link

pytestmark = pytest.mark.browser

# The axe-core script bundled with axe-playwright-python, injected into the page: nothing is fetched from a CDN.
AXE = Axe()
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    """Run axe on the loaded page and describe each serious or critical violation with the elements it hit."""
    results = AXE.run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.response["passes"], "axe checked nothing: is the page empty?"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def busy_thread(make_user, make_question, make_answer):
    """A thread with a practitioner's and an anonymous member's answers, comments, votes and an accepted answer."""
    asker = make_user("member", "asker_amy")
    helper = make_user("member", "helper_hugo")
    doctor = make_user("practitioner", "dr_dana")
    question = make_question(asker, title="How do I sleep when my thoughts race at night?",
                             body="Every night my mind *replays* the day.\n\n- I tried reading\n- I tried tea")
    first = make_answer(doctor, question, body="A **wind-down routine** helps many people; see "
                                               "https://example.org/sleep for a guide.")
    second = make_answer(helper, question, body="Writing the thoughts down before bed worked for me.",
                         anonymous=True)
    services.post_comment(helper, question, "Same here, you are not alone.")
    services.post_comment(asker, first, "Thank you, I will try this tonight.")
    services.vote(helper, first, 1)
    services.vote(asker, second, 1)
    services.accept_answer(asker, first)
    make_question(helper, title="Is it normal to feel nothing after a breakup?", tags="relationships")
    make_question(doctor, title="What does a first therapy session look like?", tags="therapy, first-steps")
    return question


def test_home_page_with_questions_has_no_serious_violations(live_server, page, busy_thread):
    page.goto("/")
    assert page.locator(".question-row").count() == 3
    assert blocking_violations(page) == []


def test_thread_page_with_forms_has_no_serious_violations(live_server, page, busy_thread):
    sign_in(page, "asker_amy")
    page.goto(f"/questions/{busy_thread.id}")
    assert page.locator("article.post-answer").count() == 2
    assert page.locator(".comment").count() == 2
    assert page.get_by_role("button", name="Unaccept").count() == 1
    page.locator("details.comment-form summary").first.click()
    assert blocking_violations(page) == []


def test_ask_page_has_no_serious_violations(live_server, page, member):
    sign_in(page, member.username)
    page.goto("/questions/ask")
    page.get_by_label("Your question").fill("Some **bold** text to show the live preview.")
    page.get_by_role("region", name="Preview").wait_for()
    assert blocking_violations(page) == []


def test_ask_page_with_errors_has_no_serious_violations(live_server, page, member):
    sign_in(page, member.username)
    page.goto("/questions/ask")
    page.get_by_role("button", name="Post your question").click()
    page.get_by_text("Give your question a title.").wait_for()
    assert blocking_violations(page) == []


def test_login_page_has_no_serious_violations(live_server, page):
    page.goto("/login")
    assert blocking_violations(page) == []


def test_sign_up_pages_have_no_serious_violations(live_server, page):
    page.goto("/register")
    assert blocking_violations(page) == []
    page.get_by_label("Username").fill("new_member")
    page.get_by_label("E-mail").fill("new_member@example.com")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert blocking_violations(page) == []
    page.goto(signup_link("new_member@example.com"))
    page.get_by_role("heading", name="Open your account").wait_for()
    assert blocking_violations(page) == []
