"""A first visit end to end in Chromium: join, ask, answer, vote, accept; the editor's preview with and without JS."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from forum.extensions import db
from forum.qa.models import Post
from tests.browser.conftest import register, sign_in, sign_out

pytestmark = pytest.mark.browser

THREAD_URL = re.compile(r"/questions/\d+/how-do-i-tell-my-partner-i-feel-low$")


def stored_posts() -> int:
    """How many posts the database holds now, as the server committed them (ends this session's snapshot)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Post))


def test_two_members_ask_answer_vote_and_accept_through_the_real_forms(live_server, page):
    register(page, "asker_ann")
    page.get_by_role("link", name="Ask a question").first.click()
    page.get_by_label("Title").fill("How do I tell my partner I feel low?")
    page.get_by_label("Your question").fill("I have felt **flat** for weeks and I don't know how to start the talk.")
    page.get_by_label("Tags").fill("depression, relationships")
    page.get_by_role("button", name="Post your question").click()

    expect(page).to_have_url(THREAD_URL)
    thread_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("How do I tell my partner I feel low?")
    question = page.locator("article.post-question")
    expect(question.locator("strong")).to_have_text("flat")
    expect(question.get_by_role("link", name="depression")).to_be_visible()
    expect(question.get_by_role("link", name="relationships")).to_be_visible()
    sign_out(page)

    register(page, "helper_hal")
    page.goto(thread_url)
    answer_text = "Pick a quiet moment and start with how it feels, not with the why."
    page.get_by_role("textbox", name="Your answer").fill(answer_text)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()
    answer = page.locator("article.post-answer")
    expect(answer).to_have_count(1)
    expect(answer.locator(".post-body")).to_contain_text("Pick a quiet moment")
    expect(answer.get_by_role("link", name="helper_hal")).to_be_visible()
    expect(page.get_by_role("heading", name="1 answer")).to_be_visible()
    sign_out(page)

    sign_in(page, "asker_ann")
    page.goto(thread_url)
    answer = page.locator("article.post-answer")
    expect(answer.locator(".score")).to_have_text("0")
    answer.locator("button.vote.up").click()
    answer = page.locator("article.post-answer")
    expect(answer.locator(".score")).to_have_text("1")
    expect(answer.locator("button.vote.up")).to_have_attribute("aria-pressed", "true")

    answer.get_by_role("button", name="Accept this answer").click()
    answer = page.locator("article.post-answer")
    expect(answer.locator(".accepted-mark")).to_have_text("✓ Accepted")
    expect(answer.get_by_role("button", name="Unaccept")).to_be_visible()
    expect(page.get_by_role("heading", name="Answer (accepted)")).to_be_attached()

    page.goto("/")
    row = page.locator(".question-row", has_text="How do I tell my partner I feel low?")
    expect(row.locator(".stat.accepted")).to_have_text("1 answer")

    db.session.rollback()
    stored_question, stored_answer = db.session.scalars(select(Post).order_by(Post.id)).all()
    assert stored_answer.body_md == answer_text
    assert stored_answer.author_id != stored_question.author_id
    assert stored_answer.score == 1
    assert stored_question.accepted_answer_id == stored_answer.id


def test_live_preview_renders_markdown_while_typing(live_server, page, member):
    sign_in(page, member.username)
    page.goto("/questions/ask")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_be_hidden()

    page.get_by_label("Your question").press_sequentially("Some **bold words** and a list:\n\n- one\n- two", delay=5)

    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bold words")
    expect(preview.locator("li")).to_have_text(["one", "two"])
    assert stored_posts() == 0


def test_preview_button_works_with_javascript_disabled(live_server, new_context, member):
    page = new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(5000)
    sign_in(page, member.username)
    page.goto("/questions/ask")
    page.get_by_label("Title").fill("Is it normal to feel tired all the time?")
    page.get_by_label("Your question").fill("Since the winter I *sleep* a lot and still feel tired.")
    page.get_by_label("Tags").fill("sleep")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_be_visible()
    expect(preview.locator("em")).to_have_text("sleep")
    expect(page.get_by_label("Title")).to_have_value("Is it normal to feel tired all the time?")
    assert stored_posts() == 0

    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is it normal to feel tired all the time?")
    assert stored_posts() == 1
