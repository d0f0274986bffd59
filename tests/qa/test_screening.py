"""Every question, answer, comment and edit is scanned when saved; the author in crisis sees help at once."""

from sqlalchemy import select

from forum.admin.models import SafetyRuleStat
from forum.extensions import db
from forum.qa.models import Post

CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I have the pills ready."
ORDINARY = "My therapist suggested journaling and it has helped me sleep a little better this week."


def _ask(client, body, title="Things have been hard lately and I need to say it"):
    return client.post("/questions/ask", data={"title": title, "body": body, "tags": "depression"})


def _latest():
    db.session.expire_all()
    return db.session.scalars(select(Post).order_by(Post.id.desc())).first()


def test_a_crisis_question_is_stored_with_its_verdict_and_the_author_sees_resources(client, login_as, member):
    login_as(member)
    response = _ask(client, CRISIS)
    post = _latest()
    assert post.safety["action"] == "urgent"
    assert "suicide" in post.safety["categories"]
    hit = post.safety["hits"][0]
    text = f"{post.title}\n\n{post.body_md}"
    assert text[hit["start"]:hit["end"]] == hit["text"]
    assert post.safety["ruleset"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You don't have to wait for an answer" in page or "You don&#39;t have to wait for an answer" in page
    assert "Call or text 988" in page and "741741" in page and "116 123" in page
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "crisis-panel" not in again


def test_an_ordinary_question_is_allowed_and_shows_no_crisis_panel(client, login_as, member):
    login_as(member)
    response = _ask(client, ORDINARY)
    assert _latest().safety["action"] == "allow"
    assert "crisis-panel" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_answers_comments_and_edits_are_each_scanned(client, login_as, member, other_member, make_question):
    question = make_question(other_member, body=ORDINARY)
    login_as(member)
    client.post(f"/questions/{question.id}/answers", data={"body": CRISIS})
    answer = _latest()
    assert answer.safety["action"] == "urgent"
    client.post(f"/posts/{question.id}/comments", data={"body": "kms, honestly, tonight is the night."})
    assert _latest().safety["action"] == "urgent"
    client.post(f"/posts/{answer.id}/edit", data={"body": ORDINARY})
    edited = db.session.get(Post, answer.id)
    assert edited.safety["action"] == "allow"
    assert edited.safety["revision"] == 2


def test_rule_hits_are_counted_per_rule(client, login_as, member):
    login_as(member)
    _ask(client, CRISIS)
    _ask(client, CRISIS, title="Writing this again because nobody answered")
    rules = {h["rule"] for h in _latest().safety["hits"]}
    counts = {s.rule_id: s.hits for s in db.session.scalars(select(SafetyRuleStat))}
    assert all(counts[r] >= 2 for r in rules)


def test_help_page_lists_the_crisis_lines_for_everyone(client):
    html = client.get("/help").get_data(as_text=True)
    assert "Call or text 988" in html and "Text HOME to 741741" in html and "116 123" in html
