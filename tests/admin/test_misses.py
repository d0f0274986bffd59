"""The missed-posts page: posts members flagged for a risk the engine covers but the engine allowed, read
again with the rules in force, so admins can write the rules that would have caught them."""

import pytest

from forum.admin import services
from forum.moderation.models import FlagReason
from forum.moderation.services import flag_post
from tests.conftest import count_queries

MISSED = "Honestly everyone around me would manage fine if I just stopped showing up anywhere."
TITLE = "Nothing much to say really"


@pytest.fixture
def admin_browser(client, login_as, admin):
    return login_as(admin)


def _flagged(make_question, author, flaggers, reason=FlagReason.AT_RISK, body=MISSED):
    post = make_question(author, title=TITLE, body=body)
    for flagger in flaggers:
        flag_post(flagger, post, reason)
    return post


def test_a_post_members_flagged_for_risk_that_the_engine_allowed_is_listed_with_what_the_rules_say_now(
    admin_browser, admin, member, other_member, make_user, make_question
):
    post = _flagged(make_question, member, [other_member, make_user()])
    assert post.safety["action"] == "allow"
    page = admin_browser.get("/admin/misses").get_data(as_text=True)
    assert "stopped showing up anywhere" in page
    assert "“Someone may be at risk” ×2" in page
    assert "moderators: not decided yet" in page
    assert "With the rules in force now: <strong>allow</strong>" in page
    assert f'href="/posts/{post.id}"' in page

    services.save_rule(admin, "suicide.burden.stop_showing_up", kind="phrase", pattern="stopped showing up",
                       category="suicide", severity="elevated", state="active")
    page = admin_browser.get("/admin/misses").get_data(as_text=True)
    assert "With the rules in force now: <strong>review</strong> (suicide.burden.stop_showing_up)" in page


def test_posts_the_engine_flagged_or_flags_it_does_not_look_for_are_not_listed(
    admin_browser, member, other_member, make_question
):
    _flagged(make_question, member, [other_member], body="I have started giving my things away to friends.")
    _flagged(make_question, member, [other_member], reason=FlagReason.MISINFORMATION,
             body="Apparently fish oil cures depression, my aunt says so.")
    page = admin_browser.get("/admin/misses").get_data(as_text=True)
    assert "giving my things away" not in page and "fish oil" not in page
    assert "No misses" in page


def test_the_test_box_button_sends_the_post_text_to_the_test_page(admin_browser, member, other_member, make_question):
    _flagged(make_question, member, [other_member])
    page = admin_browser.get("/admin/misses").get_data(as_text=True)
    assert 'action="/admin/rules/test"' in page and f'value="{TITLE}' in page


def test_the_missed_posts_page_costs_the_same_queries_with_2_or_12_posts(
    admin_browser, member, other_member, make_question
):
    def queries_for(count):
        for number in range(count):
            _flagged(make_question, member, [other_member], body=f"{MISSED} ({number})")
        with count_queries() as statements:
            assert admin_browser.get("/admin/misses").status_code == 200
        return len(statements)

    assert queries_for(2) == queries_for(10)


def test_pages_past_the_last_are_not_found(admin_browser):
    assert admin_browser.get("/admin/misses?page=2").status_code == 404
    assert admin_browser.get("/admin/misses").status_code == 200
