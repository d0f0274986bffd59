"""Search in Chromium: the header box, the results page (axe-clean, hostile text inert), and "Similar questions"
appearing under the title while a member types on the ask page, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def questions(member, other_member, make_question, make_answer):
    sleep = make_question(member, title="How do I stop waking at 4am?", body="Every night, same time.", tags="sleep")
    make_answer(other_member, sleep, body="A dim lamp and a boring book helped me fall back asleep.")
    make_question(
        other_member,
        title='Waking up anxious <img src=x onerror="window.__xss=1">',
        body="<script>window.__xss = 1</script> My heart races when I wake.",
        tags="anxiety",
    )
    return sleep


def test_the_header_box_finds_questions_and_the_results_page_is_accessible(live_server, page, questions):
    page.goto("/")
    page.get_by_role("searchbox", name="Search questions").fill("waking")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 questions found")).to_be_visible()
    results = page.locator(".search-results .question-row")
    expect(results).to_have_count(2)
    expect(results.first.locator("mark").first).to_have_text("waking", ignore_case=True)
    expect(page.get_by_role("link", name='Waking up anxious <img src=x onerror="window.__xss=1">')).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert blocking_violations(page) == []


def test_similar_questions_appear_under_the_title_while_typing(live_server, page, questions, make_user):
    sign_in(page, make_user("member", "typist").username)
    page.goto("/questions/ask")
    similar = page.get_by_role("region", name="Similar questions")
    expect(similar).to_be_hidden()
    page.get_by_label("Title").press_sequentially("Keep waking at 4am", delay=10)
    expect(similar).to_be_visible()
    link = similar.get_by_role("link", name="How do I stop waking at 4am?")
    expect(link).to_have_attribute("href", f"/questions/{questions.id}/how-do-i-stop-waking-at-4am")
    expect(link).to_have_attribute("target", "_blank")
    expect(similar.locator("li").first).to_contain_text("1 answer")
    # The hostile title arrives as text and stays text.
    page.get_by_label("Title").fill("anxious waking")
    expect(similar.get_by_role("link", name='Waking up anxious <img src=x onerror="window.__xss=1">')).to_be_visible()
    assert page.evaluate("window.__xss") is None
    page.get_by_label("Title").fill("Something else entirely")
    expect(similar).to_be_hidden()
    assert blocking_violations(page) == []


def test_the_ask_page_works_without_javascript(live_server, browser, member, questions):
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, member.username)
    page.goto("/questions/ask")
    page.get_by_label("Title").fill("Waking at 4am again")
    page.get_by_label("Your question").fill("It is back after a calm month.")
    page.get_by_label("Tags").fill("sleep")
    expect(page.get_by_role("region", name="Similar questions")).to_be_hidden()
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waking at 4am again")
    context.close()
