"""Content notes in Chromium: a reader who keeps a topic collapsed sees the note, not the post, until they open
it (by keyboard here); a reader who didn't choose the topic sees the post at once; axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

QUESTION_BODY = "What do you do in the evenings when the urges come back and you are on your own?"
ANSWER_BODY = "Holding ice cubes and texting a friend gets me through the worst of it."


@pytest.fixture
def thread(make_user, make_question, make_answer):
    asker = make_user("member", "asker_ann")
    helper = make_user("member", "helper_hank")
    make_user("member", "careful_cat")
    make_user("member", "plain_pat")
    question = make_question(
        asker, title="Coping with urges on bad evenings", tags="self-harm, coping", body=QUESTION_BODY
    )
    make_answer(helper, question, body=ANSWER_BODY)
    return question


def test_a_reader_with_a_collapsed_topic_opens_the_post_when_they_choose(live_server, page, thread):
    sign_in(page, "careful_cat")
    page.goto("/settings")
    page.get_by_label("Self-harm").check()
    page.get_by_role("button", name="Save content-note topics").click()
    expect(page.get_by_text("Posts on the topics you chose are collapsed")).to_be_visible()
    expect(page.get_by_label("Self-harm")).to_be_checked()

    page.goto("/")
    row = page.locator(".question-row", has_text="Coping with urges on bad evenings")
    expect(row.get_by_text("Content note: Self-harm (a topic you keep collapsed)")).to_be_visible()
    expect(row.get_by_text(QUESTION_BODY)).to_have_count(0)

    page.goto(f"/questions/{thread.id}")
    question = page.locator("article.post-question")
    summary = question.locator("details.content-note > summary")
    expect(summary).to_have_text("Content note: Self-harm (a topic you keep collapsed) — show the question")
    expect(question.get_by_text(QUESTION_BODY)).to_be_hidden()
    expect(page.locator("article.post-answer").get_by_text(ANSWER_BODY)).to_be_hidden()
    assert blocking_violations(page) == []

    summary.focus()
    page.keyboard.press("Enter")
    expect(question.get_by_text(QUESTION_BODY)).to_be_visible()
    expect(page.locator("article.post-answer").get_by_text(ANSWER_BODY)).to_be_hidden()
    page.locator("article.post-answer details.content-note > summary").click()
    expect(page.locator("article.post-answer").get_by_text(ANSWER_BODY)).to_be_visible()

    sign_out(page)
    sign_in(page, "plain_pat")
    page.goto(f"/questions/{thread.id}")
    expect(page.locator("article.post-question").get_by_text(QUESTION_BODY)).to_be_visible()
    expect(page.locator("article.post-question details.content-note")).to_have_count(0)
    expect(page.locator("article.post-answer").get_by_text(ANSWER_BODY)).to_be_visible()


def test_the_settings_page_with_topics_has_no_serious_violations(live_server, page, thread):
    sign_in(page, "careful_cat")
    page.goto("/settings")
    expect(page.get_by_role("group", name="Topics always collapsed for you")).to_be_visible()
    assert blocking_violations(page) == []
