"""The review queue and the item page cost a fixed number of SQL queries, however many items or reasons
they show (no N+1 over items, reasons, flags, authors or claims)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.auth.models import Role, User
from forum.extensions import db
from forum.moderation import services
from forum.moderation.models import FlagReason, Queue, ReasonKind, ReviewItem
from forum.qa import services as qa
from forum.qa.models import Post
from tests.conftest import count_queries, login

ELEVATED = "I have been thinking about suicide a lot lately and I want to die."
CALM = "Does anyone else find Sunday evenings the hardest part of the week?"


class Crowd:
    """Authors, flaggers and a reviewer, reloaded by id so they survive the session being emptied."""

    def __init__(self, make_user):
        self.author_ids = [make_user(Role.MEMBER).id for _ in range(5)]
        self.flagger_ids = [make_user(Role.MEMBER).id for _ in range(3)]
        self.reviewer_id = make_user(Role.MODERATOR, crisis_reviewer=True).id
        self.made = 0

    def user(self, user_id):
        return db.session.get(User, user_id)

    def author(self, i):
        return self.user(self.author_ids[i % len(self.author_ids)])

    def flagger(self, i):
        return self.user(self.flagger_ids[i % len(self.flagger_ids)])

    @property
    def reviewer(self):
        return self.user(self.reviewer_id)


def _add_items(crowd: Crowd, make_user, count: int) -> None:
    """`count` open items in each queue: safety verdicts, flags (one or two), members' messages, some anonymous
    authors, every third item claimed."""
    for _ in range(count):
        i = crowd.made
        crowd.made += 1
        anonymous = i % 3 == 0
        title = f"Question {i} about a hard week"
        if i % 2 == 0:  # the engine routes it to the crisis queue, and a member flags it as well
            crisis_post = qa.ask_question(crowd.author(i), title, ELEVATED, "depression", anonymous)
        else:
            crisis_post = qa.ask_question(crowd.author(i), title, CALM, "depression", anonymous)
        services.flag_post(crowd.flagger(i), crisis_post, FlagReason.AT_RISK)
        if i % 5 == 0:
            general = services.message_moderators(make_user(Role.MEMBER), f"Message {i}: why was my answer hidden?")
        else:
            general_post = qa.ask_question(crowd.author(i + 1), f"General {i} about sleep", CALM, "sleep", anonymous)
            services.flag_post(crowd.flagger(i), general_post, FlagReason.SPAM)
            if i % 4 == 0:
                services.flag_post(crowd.flagger(i + 1), general_post, FlagReason.OTHER, "Looks like an advert.")
            general = services._open_item("post", general_post.id)
        crisis = services._open_item("post", crisis_post.id)
        if i % 3 == 1:
            services.claim(crowd.reviewer, crisis)
            services.claim(crowd.reviewer, db.session.get(ReviewItem, general.id))


def _queries_for(client, url):
    # The suite's requests share the test's session; empty it so each request loads what it needs,
    # as a request in production does with its own session.
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def _reasons_shown(page: str) -> int:
    """How many reasons the item page lists under "Why it is here" (each starts with its kind in bold)."""
    section = page.split('id="reasons-heading"', 1)[1].split("</section>", 1)[0]
    return section.count("<strong>")


def _open_in(queue: Queue) -> int:
    return len(db.session.scalars(select(ReviewItem.id).where(ReviewItem.queue == queue)).all())


@pytest.mark.parametrize("queue", [Queue.CRISIS, Queue.GENERAL])
def test_a_queue_page_costs_the_same_queries_with_5_or_50_items(client, make_user, queue):
    crowd = Crowd(make_user)
    login(client, crowd.reviewer)
    url = f"/mod/queue/{queue.value}"

    _add_items(crowd, make_user, 5)
    assert _open_in(queue) == 5
    page, small = _queries_for(client, url)
    assert page.count('class="queue-row') == 5

    _add_items(crowd, make_user, 45)
    assert _open_in(queue) == 50
    page, big = _queries_for(client, url)
    assert page.count('class="queue-row') == 50
    assert "claimed by" in page and "unclaimed" in page
    assert len(big) == len(small), "\n".join(big)
    assert len(small) <= 8


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_the_item_page_costs_the_same_queries_with_2_or_30_reasons(app, client, make_user, anonymous):
    app.config["FLAGS_TO_HIDE"] = 100  # keep the post flaggable by every member
    crowd = Crowd(make_user)
    reviewer_id = crowd.reviewer_id
    flaggers = [make_user(Role.MEMBER).id for _ in range(20)]

    def item_with(reasons: int) -> int:
        author = crowd.author(0)
        post = qa.ask_question(author, "A hard few weeks and no end in sight", ELEVATED, "depression", anonymous)
        item_id = services._open_item("post", post.id).id  # the engine's verdict is reason 1
        for n in range(1, reasons):
            post = db.session.get(Post, post.id)
            if n <= len(flaggers) and n % 2:
                services.flag_post(db.session.get(User, flaggers[n - 1]), post, FlagReason.AT_RISK)
                continue
            hit = {"rule": f"test.rule_{n}", "version": n, "category": "suicide", "severity": "elevated",
                   "start": 0, "end": 5, "text": "thing", "cues": ["history"], "log_only": False}
            services.open_or_join(
                "post", post.id, queue=Queue.CRISIS, priority=50, deadline=timedelta(hours=12),
                kind=ReasonKind.EDIT, details={"verdict": {"action": "review", "severity": "elevated", "hits": [hit]},
                                               "revision": n},
                severity="elevated", categories=("suicide",), subject_user_id=author.id,
            )
            db.session.commit()
        return item_id

    small_id, big_id = item_with(2), item_with(30)
    login(client, db.session.get(User, reviewer_id))
    page, small = _queries_for(client, f"/mod/items/{small_id}")
    assert _reasons_shown(page) == 2
    page, big = _queries_for(client, f"/mod/items/{big_id}")
    assert _reasons_shown(page) == 30
    assert "test.rule_28" in page
    assert len(big) == len(small), "\n".join(big)
    assert len(small) <= 8
