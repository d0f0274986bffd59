"""Public profiles: a member's signed activity and reputation, never their anonymous posts."""

import re

from forum.auth.models import Role
from forum.extensions import db
from forum.qa import services
from forum.qa.models import PostStatus
from tests.conftest import login


def _activity(html: str) -> list[str]:
    section = html.split('id="activity"', 1)[1]
    return re.findall(r'<a href="/posts/\d+">([^<]+)</a>', section)


def test_profile_lists_signed_questions_and_answers_newest_first(client, make_user, make_question, make_answer):
    writer = make_user(Role.MEMBER, "writer_wren")
    asker = make_user(Role.MEMBER, "asker_ash")
    own = make_question(writer, title="How do I keep a routine when I feel low?")
    theirs = make_question(asker, title="Is it normal to cry after every session?")
    make_answer(writer, theirs)
    html = client.get("/users/writer_wren").get_data(as_text=True)
    assert "<h1>writer_wren" in html
    assert _activity(html) == [theirs.title, own.title]
    assert "Answered" in html and "Asked" in html


def test_profile_never_lists_anonymous_deleted_or_held_posts(client, make_user, make_question, make_answer):
    writer = make_user(Role.MEMBER, "writer_wren")
    make_question(writer, title="A signed question about sleep and mood")
    make_question(writer, title="An anonymous question about my marriage", anonymous=True)
    other = make_question(make_user(Role.MEMBER), title="Someone else's question about grief")
    make_answer(writer, other, body="An anonymous answer that must not be on my profile.", anonymous=True)
    deleted = make_question(writer, title="A question I deleted again later")
    services.delete_post(writer, deleted)
    held = make_question(writer, title="A question waiting for a moderator")
    held.status = PostStatus.HELD
    db.session.commit()

    for viewer in (None, writer):
        if viewer is not None:
            login(client, viewer)
        html = client.get("/users/writer_wren").get_data(as_text=True)
        assert _activity(html) == ["A signed question about sleep and mood"]
        assert "anonymous" not in html.split('id="activity"', 1)[1].lower()
        assert "grief" not in html


def test_profile_shows_reputation_earned_from_votes_and_acceptance(client, make_user, make_question, make_answer):
    helper = make_user(Role.PRACTITIONER, "helper_hal")
    asker = make_user(Role.MEMBER, "asker_ash")
    voter = make_user(Role.MEMBER, "voter_vi")
    answer = make_answer(helper, make_question(asker))
    services.vote(voter, answer, 1)
    services.accept_answer(asker, answer)
    html = client.get("/users/helper_hal").get_data(as_text=True)
    assert "<strong>25</strong> reputation" in html
    assert 'badge-practitioner">Practitioner<' in html
    assert "1 vote" in html


def test_profile_address_ignores_case_and_unknown_names_are_404(client, member):
    assert client.get("/users/MINA").status_code == 200
    assert client.get("/users/nobody_by_that_name").status_code == 404


def test_staff_profiles_carry_their_role(client, moderator):
    html = client.get("/users/mod_max").get_data(as_text=True)
    assert 'badge-staff">Moderator<' in html


def test_about_text_is_shown_escaped(client, make_user):
    make_user(Role.MEMBER, "about_ann", about="I like <b>walks</b> & tea.")
    html = client.get("/users/about_ann").get_data(as_text=True)
    assert "I like &lt;b&gt;walks&lt;/b&gt; &amp; tea." in html
