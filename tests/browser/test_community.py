"""Follow, notifications and bookmarks in Chromium with CSRF on: a reader follows a question with the thread's
button, hears of a new answer through the header's count, opens it from the notice, and bookmarks it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

TITLE = "How do I keep a routine when everything feels heavy?"


def test_a_follower_is_told_of_an_answer_opens_it_from_the_notice_and_bookmarks_it(
    live_server, page, member, other_member, practitioner, make_question
):
    question = make_question(member, title=TITLE)
    sign_in(page, other_member.username)
    page.goto(f"/questions/{question.id}")
    thread_url = page.url
    page.get_by_role("button", name=re.compile("^Follow this question")).click()
    expect(page.get_by_text("You are following this question")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Unfollow this question"))).to_be_visible()
    sign_out(page)

    sign_in(page, practitioner.username)
    page.goto(thread_url)
    page.get_by_role("textbox", name="Your answer").fill("Start with one small thing each morning, the same one.")
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()
    sign_out(page)

    sign_in(page, other_member.username)
    expect(page.get_by_label("1 unread")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    notice = page.locator("li.notice-item")
    expect(notice).to_have_count(1)
    expect(notice.locator(".notice-text")).to_have_text("dr_pia answered a question you follow.")
    expect(notice.locator(".notice-about")).to_have_text(TITLE)
    expect(page.get_by_label("1 unread")).to_have_count(0)
    notice.get_by_role("link", name="open").click()

    expect(page).to_have_url(re.compile(r"/questions/\d+/[a-z0-9-]+#post-\d+$"))
    answer = page.locator("article.post-answer")
    answer.get_by_role("button", name="Bookmark").click()
    expect(page.get_by_text("Bookmarked.")).to_be_visible()
    expect(page.locator("article.post-answer").get_by_role("button", name="Remove bookmark")).to_be_visible()

    page.goto("/bookmarks")
    expect(page.locator("ul.bookmark-list li")).to_have_count(1)
    expect(page.get_by_role("link", name=f"Answer to: {TITLE}")).to_be_visible()
    page.get_by_role("button", name=f"Remove bookmark: {TITLE}").click()
    expect(page).to_have_url(re.compile(r"/bookmarks(\?page=1)?$"))
    expect(page.get_by_text("No bookmarks yet.")).to_be_visible()
