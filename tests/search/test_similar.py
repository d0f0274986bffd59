"""Similar questions for the title being typed on the ask page: the JSON endpoint and the page's hooks for it."""

from sqlalchemy import update

from forum.extensions import db
from forum.qa.models import Post, PostStatus


def similar(client, title: str) -> list[dict]:
    response = client.get("/search/similar", query_string={"title": title})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()["questions"]


def test_questions_with_title_words_in_common_come_back_best_first(client, member, make_question):
    close = make_question(member, title="How do I stop panic attacks at night?", body="They wake me up.")
    partial = make_question(member, title="Panic in the supermarket", body="Queues are the worst.")
    make_question(member, title="Talking to my sister", body="She panics about everything at night.")
    rows = similar(client, "Panic attacks at night")
    assert [r["url"] for r in rows] == [
        f"/questions/{close.id}/how-do-i-stop-panic-attacks-at-night",
        f"/questions/{partial.id}/panic-in-the-supermarket",
    ]
    assert rows[0] == {
        "title": "How do I stop panic attacks at night?",
        "answers": 0,
        "url": f"/questions/{close.id}/how-do-i-stop-panic-attacks-at-night",
    }


def test_at_most_five_come_back(client, member, make_question):
    for i in range(7):
        make_question(member, title=f"Burnout at work, part {i}", body="Tired all the time.")
    assert len(similar(client, "burnout")) == 5


def test_held_deleted_and_anonymous_authors_never_show(client, member, make_question):
    anonymous = make_question(member, title="Therapy costs too much", body="What are my options?", anonymous=True)
    held = make_question(member, title="Therapy waiting lists", body="Eight months.")
    deleted = make_question(member, title="Therapy homework", body="I never do it.")
    db.session.execute(update(Post).where(Post.id == held.id).values(status=PostStatus.HELD))
    db.session.execute(update(Post).where(Post.id == deleted.id).values(deleted_at=deleted.created_at))
    db.session.commit()
    rows = similar(client, "therapy")
    assert [r["title"] for r in rows] == ["Therapy costs too much"]
    assert set(rows[0]) == {"title", "url", "answers"}  # never an author
    assert member.username not in client.get("/search/similar?title=therapy").get_data(as_text=True)
    assert anonymous.anonymous


def test_stop_words_and_empty_titles_find_nothing(client, member, make_question):
    make_question(member, title="How do I do this?", body="Asking for a friend.")
    assert similar(client, "how do I") == []
    assert similar(client, "") == []


def test_answers_do_not_make_a_question_similar(client, member, other_member, make_question, make_answer):
    question = make_question(member, title="Feeling flat after the holidays", body="Back to normal life.")
    make_answer(other_member, question, body="Seasonal dips are common.")
    assert similar(client, "seasonal") == []
    assert [r["title"] for r in similar(client, "holidays")] == ["Feeling flat after the holidays"]


def test_the_ask_page_wires_the_title_field_to_the_similar_endpoint(login_as, member):
    html = login_as(member).get("/questions/ask").get_data(as_text=True)
    block = html[html.index('<div class="similar-block"') :]
    assert block.startswith('<div class="similar-block" data-similar-url="/search/similar">')
    assert block.index('name="title"') < block.index('<section class="similar"')
    assert '<section class="similar" aria-labelledby="similar-heading" hidden>' in block


def test_the_similar_endpoint_is_rate_limited(app, client):
    app.config["SIMILAR_RATE_LIMIT"] = "2 per minute"
    assert [client.get("/search/similar?title=sleep").status_code for _ in range(3)] == [200, 200, 429]
