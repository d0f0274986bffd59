"""The Atom feeds of new questions: valid XML, newest first, published only, anonymous stays anonymous."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from forum.auth.models import Role, User
from forum.extensions import db
from forum.qa import services
from forum.qa.models import Post, PostStatus
from tests.conftest import PASSWORD, count_queries, login

NS = {"a": "http://www.w3.org/2005/Atom"}
SITE = "http://127.0.0.1:5000"


def _feed(client, url: str = "/feed.atom") -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def _titles(root: ET.Element) -> list[str]:
    return [e.findtext("a:title", namespaces=NS) for e in root.findall("a:entry", NS)]


def _entry(root: ET.Element, title: str) -> ET.Element:
    return next(e for e in root.findall("a:entry", NS) if e.findtext("a:title", namespaces=NS) == title)


def test_the_feed_is_atom_with_the_required_elements(client, member, make_question):
    question = make_question(member, title="How do I talk to my partner about feeling low?")
    root = _feed(client)
    assert root.findtext("a:title", namespaces=NS) == "Hearth: new questions"
    assert root.findtext("a:id", namespaces=NS) == f"{SITE}/feed.atom"
    assert root.find("a:link[@rel='self']", NS).get("href") == f"{SITE}/feed.atom"
    assert root.findtext("a:updated", namespaces=NS).endswith("Z")
    entry = _entry(root, question.title)
    assert entry.findtext("a:id", namespaces=NS) == f"{SITE}/questions/{question.id}"
    assert entry.find("a:link[@rel='alternate']", NS).get("href") == (
        f"{SITE}/questions/{question.id}/how-do-i-talk-to-my-partner-about-feeling-low"
    )
    assert entry.findtext("a:published", namespaces=NS) and entry.findtext("a:updated", namespaces=NS)
    assert entry.findtext("a:author/a:name", namespaces=NS) == "mina"
    assert entry.findtext("a:author/a:uri", namespaces=NS) == f"{SITE}/users/mina"
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["depression", "relationships"]
    assert entry.findtext("a:summary", namespaces=NS).startswith("Lately I have been feeling flat")


def test_the_feed_holds_the_30_newest_questions_newest_first(client, member, make_question):
    for i in range(32):
        question = make_question(member, title=f"Question number {i:02d} about sleeping badly")
        question.created_at -= timedelta(minutes=100 - i)
    db.session.commit()
    titles = _titles(_feed(client))
    assert titles == [f"Question number {i:02d} about sleeping badly" for i in range(31, 1, -1)]


def test_anonymous_questions_show_no_one(client, member, make_question):
    make_question(member, title="A question I would rather not sign", anonymous=True)
    raw = client.get("/feed.atom").get_data(as_text=True)
    entry = _entry(ET.fromstring(raw), "A question I would rather not sign")
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Anonymous member"
    assert entry.find("a:author/a:uri", NS) is None
    assert "mina" not in raw


def test_held_rejected_deleted_and_noindex_questions_and_all_answers_never_appear(
    client, member, other_member, make_question, make_answer
):
    shown = make_question(member, title="A published question about anxiety")
    make_answer(other_member, shown, body="An answer that belongs in the thread, not the feed.")
    held = make_question(member, title="A held question waiting for review")
    held.status = PostStatus.HELD
    rejected = make_question(member, title="A rejected question taken down")
    rejected.status = PostStatus.REJECTED
    hidden = make_question(member, title="A question hidden from search engines")
    hidden.noindex = True
    db.session.commit()
    services.delete_post(member, make_question(member, title="A deleted question about anxiety"))
    raw = client.get("/feed.atom").get_data(as_text=True)
    assert _titles(ET.fromstring(raw)) == ["A published question about anxiety"]
    assert "An answer that belongs in the thread" not in raw


def test_a_question_with_a_content_note_shows_the_note_not_the_text(client, member, make_question):
    question = make_question(
        member,
        title="Getting through the anniversary of a loss",
        body="It has been a year since my dad died and the date is coming up again.",
    )
    question.content_note = "mentions a death"
    db.session.commit()
    raw = client.get("/feed.atom").get_data(as_text=True)
    entry = _entry(ET.fromstring(raw), question.title)
    assert entry.findtext("a:summary", namespaces=NS) == "Content note: mentions a death"
    assert "my dad died" not in raw


def test_a_deleted_members_question_shows_deleted_member(client, make_user, make_question):
    leaver = make_user(Role.MEMBER, "leaving_lou")
    make_question(leaver, title="A question from someone who left later")
    login(client, leaver)
    client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y"})
    raw = client.get("/feed.atom").get_data(as_text=True)
    entry = _entry(ET.fromstring(raw), "A question from someone who left later")
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Deleted member"
    assert entry.find("a:author/a:uri", NS) is None
    assert "leaving_lou" not in raw and "deleted-" not in raw


def test_hostile_text_is_escaped_and_the_feed_still_parses(client, member, make_question):
    title = 'Why "<script>alert(1)</script>" & ]]> break things?'
    make_question(member, title=title, body="A body with <b>tags</b>, an & and a ]]> sequence in it.\x0b")
    raw = client.get("/feed.atom").get_data(as_text=True)
    assert "<script>" not in raw
    entry = _entry(ET.fromstring(raw), title)
    assert "& and a ]]> sequence" in entry.findtext("a:summary", namespaces=NS)


def test_a_tag_feed_holds_only_that_tags_questions(client, member, make_question):
    make_question(member, title="A question about sleep and worry", tags="sleep, anxiety")
    make_question(member, title="A question about work stress", tags="work")
    root = _feed(client, "/tags/sleep/feed.atom")
    assert root.findtext("a:title", namespaces=NS) == "Hearth: new questions tagged sleep"
    assert root.findtext("a:id", namespaces=NS) == f"{SITE}/tags/sleep/feed.atom"
    assert _titles(root) == ["A question about sleep and worry"]


def test_an_unknown_tags_feed_is_not_found(client):
    assert client.get("/tags/no-such-tag/feed.atom").status_code == 404


def test_an_empty_feed_is_still_valid(client):
    root = _feed(client)
    assert root.findall("a:entry", NS) == [] and root.findtext("a:updated", namespaces=NS)


@pytest.mark.parametrize("url", ["/", "/tags", "/help"])
def test_pages_point_feed_readers_at_the_feed(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" title="Hearth: new questions" href="/feed.atom">' in html


def test_a_tag_page_points_at_its_own_feed(client, member, make_question):
    make_question(member, tags="sleep")
    html = client.get("/tags/sleep").get_data(as_text=True)
    assert 'href="/tags/sleep/feed.atom"' in html


def test_the_feed_costs_the_same_queries_with_few_or_many_questions(client, make_user, make_question):
    authors = [make_user(Role.MEMBER) for _ in range(3)]
    author_ids = [a.id for a in authors]
    for i in range(3):
        make_question(authors[i], title=f"A first question numbered {i}")

    def cost() -> int:
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.get("/feed.atom").status_code == 200
        return len(statements)

    few = cost()
    authors = [db.session.get(User, i) for i in author_ids]
    for i in range(27):
        make_question(authors[i % 3], title=f"Another question numbered {i}", anonymous=i % 2 == 0)
    assert cost() == few <= 3
    assert db.session.query(Post).count() == 30
