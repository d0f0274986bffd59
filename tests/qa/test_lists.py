"""Question lists: the four sorts, tag pages, pagination, what each row shows and what is never listed."""

import re
from datetime import timedelta

import pytest

from forum.auth.models import Role
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.qa import services
from forum.qa.models import PostStatus


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="question-title"><a href="[^"]+">([^<]+)</a></h2>', html)


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="question-row">.*?</li>\n', html, re.S)


@pytest.fixture
def asked(make_user, make_question):
    """Ask questions with given titles, tags and ages (hours ago); returns them by title."""
    author = make_user(Role.MEMBER, "lister_lee")

    def ask(*specs):
        made = {}
        for title, tags, hours_ago in specs:
            question = make_question(author, title=title, tags=tags)
            question.created_at = question.last_activity_at = utcnow() - timedelta(hours=hours_ago)
            made[title] = question
        db.session.commit()
        return made

    ask.author = author
    return ask


def test_newest_lists_the_most_recently_asked_first(client, asked):
    asked(("Oldest question about sleep", "sleep", 30), ("Newest question about work", "work", 1),
          ("Middle question about friends", "friends", 10))
    html = client.get("/?sort=newest").get_data(as_text=True)
    assert _titles(html) == ["Newest question about work", "Middle question about friends",
                             "Oldest question about sleep"]


def test_active_lists_the_question_with_the_latest_answer_first(client, asked, make_user, make_answer):
    made = asked(("Old question that gets an answer", "sleep", 30), ("Recent question nobody answered", "work", 1))
    make_answer(make_user(Role.MEMBER), made["Old question that gets an answer"])
    assert _titles(client.get("/").get_data(as_text=True)) == [
        "Old question that gets an answer", "Recent question nobody answered"]
    assert _titles(client.get("/?sort=newest").get_data(as_text=True)) == [
        "Recent question nobody answered", "Old question that gets an answer"]


def test_unanswered_lists_only_questions_without_answers(client, asked, make_user, make_answer):
    made = asked(("A question that has an answer", "sleep", 3), ("A question still waiting for help", "work", 2))
    helper = make_user(Role.MEMBER)
    answer = make_answer(helper, made["A question that has an answer"])
    assert _titles(client.get("/?sort=unanswered").get_data(as_text=True)) == ["A question still waiting for help"]
    services.delete_post(helper, answer)
    assert sorted(_titles(client.get("/?sort=unanswered").get_data(as_text=True))) == [
        "A question still waiting for help", "A question that has an answer"]


def test_top_lists_the_highest_scored_first(client, asked, make_user):
    made = asked(("A question with one upvote", "a1", 1), ("A question with two upvotes", "a2", 2),
                 ("A question with a downvote", "a3", 3))
    voters = [make_user(Role.MEMBER) for _ in range(2)]
    for voter in voters:
        services.vote(voter, made["A question with two upvotes"], 1)
    services.vote(voters[0], made["A question with one upvote"], 1)
    services.vote(voters[0], made["A question with a downvote"], -1)
    assert _titles(client.get("/?sort=top").get_data(as_text=True)) == [
        "A question with two upvotes", "A question with one upvote", "A question with a downvote"]


def test_unknown_sort_is_not_found(client):
    assert client.get("/?sort=random").status_code == 404


def test_tag_page_lists_only_questions_with_that_tag(client, asked):
    asked(("Anxious before every exam", "anxiety, study", 1), ("Missing my grandmother", "grief", 2),
          ("Panic on the train home", "anxiety", 3))
    html = client.get("/tags/anxiety").get_data(as_text=True)
    assert _titles(html) == ["Anxious before every exam", "Panic on the train home"]
    assert "Questions tagged" in html
    assert _titles(client.get("/tags/anxiety?sort=newest").get_data(as_text=True))[0] == "Anxious before every exam"
    assert _titles(client.get("/tags/no-such-tag").get_data(as_text=True)) == []


def test_tags_page_counts_listed_questions_per_tag(client, asked):
    made = asked(("Anxious before every exam", "anxiety", 1), ("Panic on the train home", "anxiety", 2),
                 ("Missing my grandmother", "grief", 3))
    services.delete_post(asked.author, made["Panic on the train home"])
    html = client.get("/tags").get_data(as_text=True)
    assert re.search(r'>anxiety</a>\s*<span class="count">1 question</span>', html)
    assert re.search(r'>grief</a>\s*<span class="count">1 question</span>', html)


def test_twenty_five_questions_spread_over_two_pages(client, asked):
    asked(*[(f"Question number {i:02d} in the list", "busy", i) for i in range(25)])
    first = client.get("/?sort=newest").get_data(as_text=True)
    assert _titles(first) == [f"Question number {i:02d} in the list" for i in range(20)]
    assert "Page 1 of 2" in first
    assert 'rel="next" href="/?page=2&amp;sort=newest"' in first
    second = client.get("/?sort=newest&page=2").get_data(as_text=True)
    assert _titles(second) == [f"Question number {i:02d} in the list" for i in range(20, 25)]
    assert "Page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    tagged = client.get("/tags/busy?sort=newest&page=2").get_data(as_text=True)
    assert len(_titles(tagged)) == 5


def test_a_row_shows_title_excerpt_tags_votes_answers_practitioner_marker_and_age(
    client, make_user, make_question, make_answer, practitioner
):
    asker = make_user(Role.MEMBER, "row_rae")
    question = make_question(
        asker,
        title="Can a therapist tell when I am holding back?",
        body="I keep **editing** what I say in sessions. " + "It feels safer that way. " * 20,
        tags="therapy, trust",
    )
    question.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    services.vote(make_user(Role.MEMBER), question, 1)
    make_answer(practitioner, question)
    make_answer(make_user(Role.MEMBER), question)

    [row] = _rows(client.get("/").get_data(as_text=True))
    assert "Can a therapist tell when I am holding back?" in row
    assert '<p class="excerpt">I keep editing what I say in sessions.' in row
    assert "<strong>editing</strong>" not in row and "…</p>" in row
    assert '>therapy</a>' in row and '>trust</a>' in row
    assert "<strong>1</strong> vote<" in row
    assert "<strong>2</strong> answers" in row
    assert "Practitioner answered" in row
    assert "3 hours ago" in row
    assert ">row_rae</a>" in row


def test_practitioner_marker_only_when_a_practitioner_answered(client, make_user, make_question, make_answer):
    question = make_question(make_user(Role.MEMBER))
    make_answer(make_user(Role.MEMBER), question)
    [row] = _rows(client.get("/").get_data(as_text=True))
    assert "Practitioner answered" not in row
    assert "<strong>1</strong> answer<" in row


def test_practitioner_marker_goes_when_the_practitioner_answer_is_deleted(
    client, make_user, make_question, make_answer, practitioner
):
    question = make_question(make_user(Role.MEMBER))
    answer = make_answer(practitioner, question)
    make_answer(make_user(Role.MEMBER), question)
    services.delete_post(practitioner, answer)
    [row] = _rows(client.get("/").get_data(as_text=True))
    assert "Practitioner answered" not in row
    assert "<strong>1</strong> answer<" in row


def test_held_rejected_and_deleted_questions_are_not_listed_anywhere(client, asked):
    made = asked(("A published question about sleep", "sleep", 1), ("A held question about sleep", "sleep", 2),
                 ("A rejected question about sleep", "sleep", 3), ("A deleted question about sleep", "sleep", 4))
    made["A held question about sleep"].status = PostStatus.HELD
    made["A rejected question about sleep"].status = PostStatus.REJECTED
    db.session.commit()
    services.delete_post(asked.author, made["A deleted question about sleep"])
    for url in ("/", "/?sort=newest", "/?sort=unanswered", "/?sort=top", "/tags/sleep"):
        assert _titles(client.get(url).get_data(as_text=True)) == ["A published question about sleep"], url
    assert re.search(r'>sleep</a>\s*<span class="count">1 question</span>', client.get("/tags").get_data(as_text=True))


def test_empty_lists_say_so(client):
    assert "No questions here yet" in client.get("/").get_data(as_text=True)
    assert "Every question here has an answer." in client.get("/?sort=unanswered").get_data(as_text=True)
