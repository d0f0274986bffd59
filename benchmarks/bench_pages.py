"""Page speed: seed a large forum with bulk inserts, then time the main pages through the Flask test client.

Prints figures, never asserts: p50/p95/p99 server time in milliseconds and SQL queries per request for each page,
as a guest and as a signed-in member, then a Markdown table for the README and the machine facts.

    .venv/bin/python benchmarks/bench_pages.py            # 10,000 questions, 100,000 answers, SQLite temp file
    .venv/bin/python benchmarks/bench_pages.py --quick    # 1,000 / 10,000
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_pages.py

List pages whose guest p95 is over 50 ms get the plans of their queries printed (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL); --explain prints them for every page.

With BENCH_DATABASE_URL the `public` schema of that database is DROPPED and recreated: point it at a database
of its own, never at one a test run may be using.

Seeding bypasses the services (Core `insert()` in batches) but keeps the denormalised columns as the services
would leave them: answer_count counts the thread's answers that are not deleted, has_practitioner_answer is set
when a practitioner wrote one of them (practitioners' answers are never deleted here, so both readings agree),
last_activity_at is the newest post of the thread, score is the sum of the post's votes and reputation follows
services.VOTE_REPUTATION and ACCEPT_REPUTATION. Revisions are not seeded (no page measured here reads them).
PostgreSQL gets a VACUUM ANALYZE after loading, as autovacuum would have run by the time a forum is this big.
"""

import argparse
import gc
import json
import math
import os
import platform
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import bindparam, event, func, insert, select, update  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from config import TestConfig  # noqa: E402
from forum import content, create_app  # noqa: E402
from forum.auth.models import AccountStatus, Role, User  # noqa: E402
from forum.cli import CURATED_TAGS, DEMO_FILE  # noqa: E402
from forum.dbtypes import utcnow  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.qa.models import Post, PostKind, PostStatus, Tag, Vote, post_tags  # noqa: E402
from forum.qa.services import ACCEPT_REPUTATION, VOTE_REPUTATION, slugify  # noqa: E402

PASSWORD = "bench password, not a secret"
MEMBER = "bench_member"
BATCH = 2000
SLOW_LIST_MS = 50.0
BOOKKEEPING = re.compile(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA)", re.I)

EXTRA_TAGS = [
    "sleep", "parenting", "seasonal", "work-stress", "ptsd", "trauma", "ocd", "adhd", "bipolar", "burnout",
    "panic", "stress", "mindfulness", "exercise", "body-image", "boundaries", "friendship", "school", "anger",
    "addiction", "eating", "identity", "postpartum", "caregiving", "self-care", "motivation", "social-anxiety",
    "perfectionism",
]
EXTRA_QUESTIONS = [
    "A short one: does it get easier?\n\nI keep reading that it gets easier with time. Did it, for you?",
    "### Context\n\nI started a new job in March. Since then:\n\n"
    "1. I sleep badly\n2. I skip meals\n3. I dread Mondays\n\n"
    "Is this **burnout**, or am I just not cut out for it? Any pointers welcome, e.g. "
    "<https://www.nhs.uk/mental-health/> was a start.",
]
EXTRA_ANSWERS = [
    "> I keep reading that it gets easier with time.\n\nIt did for me, but not in a straight line. Some weeks were "
    "worse than the month before. What helped was keeping a tiny log (`date, mood 1-10, one sentence`) so I could "
    "see the trend instead of the day.",
    "Three things that helped me, in order of effort:\n\n1. A fixed wake-up time, even at weekends.\n2. Ten minutes "
    "outside before noon.\n3. Telling *one* person how I actually was.\n\nNone of it is a cure. It made the rest "
    "possible.",
    "Short answer: yes, talk to your GP. The longer answer is on [the NHS page about talking therapies]"
    "(https://www.nhs.uk/mental-health/talking-therapies-medicine-treatments/), which explains what to ask for.",
    "Same here. You're not alone in this.",
]
EXTRA_COMMENTS = ["Thank you, this helped.", "Same for me.", "Could you say more about the second point?"]


# --------------------------------------------------------------------------------------------------- generation


@dataclass
class Forum:
    """Rows ready for Core inserts, plus what the measurements need to pick their pages."""

    users: list[dict]
    tags: list[dict]
    posts: list[dict]
    post_tags: list[dict]
    votes: list[dict]
    accepted: list[dict]
    templates: int
    render_seconds: float
    popular_tag: str
    tag_questions: int
    list_questions: int
    threads: dict[str, dict] = field(default_factory=dict)


def _templates() -> tuple[list[str], list[str], list[str], list[str]]:
    """Titles and Markdown bodies from the demo content, plus cut-down variants for length variety."""
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["threads"]
    titles = [t["title"] for t in demo]
    questions = [t["body"] for t in demo] + EXTRA_QUESTIONS
    answers = [a["body"] for t in demo for a in t["answers"]] + EXTRA_ANSWERS
    comments = [c["body"] for t in demo for c in t["comments"]]
    comments += [c["body"] for t in demo for a in t["answers"] for c in a["comments"]] + EXTRA_COMMENTS
    questions += [b.split("\n\n")[0] for b in questions if "\n\n" in b]
    answers += ["\n\n".join(b.split("\n\n")[:2]) for b in answers if b.count("\n\n") >= 2]
    return titles, questions, answers, comments


def _allocate(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split `total` items over slots in proportion to `weights` (largest remainders win the rest)."""
    if not weights or total <= 0 or not sum(weights):
        return [0] * len(weights)
    counts = [int(w * total / sum(weights)) for w in weights]
    for i in rng.choices(range(len(weights)), weights=weights, k=total - sum(counts)):
        counts[i] += 1
    return counts


def _pick_tags(rng: random.Random, names: list[str], cum: list[float]) -> list[str]:
    wanted = rng.choices([1, 2, 3, 4, 5], weights=[15, 30, 30, 15, 10])[0]
    chosen: list[str] = []
    while len(chosen) < wanted:
        name = rng.choices(names, cum_weights=cum)[0]
        if name not in chosen:
            chosen.append(name)
    return chosen


def build_forum(n_questions: int, n_answers: int, n_comments: int, seed: int = 7) -> Forum:
    """Generate the whole forum in memory: ids follow creation time, as they would in a real database."""
    rng = random.Random(seed)
    now = utcnow()
    start = now - timedelta(days=730)
    titles, q_bodies, a_bodies, c_bodies = _templates()

    started = time.perf_counter()
    html = {text: content.render(text) for text in {*q_bodies, *a_bodies, *c_bodies}}
    render_seconds = time.perf_counter() - started

    # Users: #1 is the member the benchmark signs in as; a few staff, ~8% practitioners, two deleted accounts.
    password_hash = generate_password_hash(PASSWORD, method=TestConfig.PASSWORD_HASH_METHOD)
    n_users = 200
    roles = {1: Role.MEMBER, 2: Role.ADMIN, 3: Role.MODERATOR, 4: Role.MODERATOR}
    for uid in range(5, n_users + 1):
        roles[uid] = Role.PRACTITIONER if uid % 12 == 0 else Role.MEMBER
    members = list(range(1, n_users + 1))
    activity = [1 / (i + 1) ** 0.8 for i in range(n_users)]  # a few very active members, a long quiet tail
    rng.shuffle(activity)
    user_cum = [sum(activity[: i + 1]) for i in range(n_users)]

    def author(exclude: int | None = None) -> int:
        while True:
            uid = rng.choices(members, cum_weights=user_cum)[0]
            if uid != exclude:
                return uid

    tag_names = list(CURATED_TAGS) + EXTRA_TAGS
    tag_names = tag_names[:40]
    tag_cum = []
    running = 0.0
    for i in range(len(tag_names)):
        running += 1 / (i + 1) ** 0.9
        tag_cum.append(running)

    def later(moment, mean_hours: float):
        delay = timedelta(hours=rng.expovariate(1 / mean_hours)) + timedelta(seconds=1)
        if moment + delay >= now:
            delay = (now - moment) * rng.random()
        return moment + delay

    # Questions, spread over two years.
    questions = []
    for when in sorted(start + (now - timedelta(hours=1) - start) * rng.random() for _ in range(n_questions)):
        roll = rng.random()
        status = PostStatus.HELD if roll < 0.015 else PostStatus.REJECTED if roll < 0.02 else PostStatus.PUBLISHED
        questions.append(
            {
                "kind": PostKind.QUESTION, "created_at": when, "author_id": author(), "anonymous": rng.random() < 0.35,
                "title": rng.choice(titles), "body_md": rng.choice(q_bodies), "status": status,
                "deleted_at": later(when, 48) if rng.random() < 0.01 else None,
                "tags": _pick_tags(rng, tag_names, tag_cum), "answers": [], "comments": [],
            }
        )

    # Answers: a few big threads (60+), ~12% unanswered, a long-tailed spread over the rest.
    open_threads = [q for q in questions if q["status"] == PostStatus.PUBLISHED and q["deleted_at"] is None]
    big_sizes = [300, 200, 120, 90, 60]
    if sum(big_sizes) * 4 > n_answers:
        big_sizes = [max(5, size * n_answers // (sum(big_sizes) * 4)) for size in big_sizes]
    big = rng.sample(open_threads, min(len(big_sizes), len(open_threads)))
    big_ids = {id(q) for q in big}
    rest = [q for q in questions if id(q) not in big_ids]
    weights = [0.0 if rng.random() < 0.12 else rng.lognormvariate(0, 0.9) for _ in rest]
    counts = dict(zip(map(id, rest), _allocate(n_answers - sum(big_sizes[: len(big)]), weights, rng), strict=True))
    counts.update(zip(map(id, big), big_sizes, strict=False))
    for q in questions:
        for _ in range(counts[id(q)]):
            by = author(exclude=q["author_id"])
            roll = rng.random()
            deleted = roll < 0.01 and roles[by] != Role.PRACTITIONER
            q["answers"].append(
                {
                    "kind": PostKind.ANSWER, "created_at": later(q["created_at"], 36), "author_id": by,
                    "anonymous": rng.random() < 0.1, "title": None, "body_md": rng.choice(a_bodies),
                    "status": PostStatus.HELD if 0.01 <= roll < 0.013 else PostStatus.PUBLISHED,
                    "deleted_at": now - timedelta(hours=1) if deleted else None, "question": q, "parent": q,
                }
            )

    # Comments: roughly in proportion to thread size, the big threads get twice their share.
    weights = [(len(q["answers"]) + 1) * (2.0 if id(q) in big_ids else rng.lognormvariate(0, 0.7)) for q in questions]
    for q, n in zip(questions, _allocate(n_comments, weights, rng), strict=True):
        parents = [q, *q["answers"]]
        for _ in range(n):
            parent = rng.choice(parents)
            q["comments"].append(
                {
                    "kind": PostKind.COMMENT, "created_at": later(parent["created_at"], 24), "author_id": author(),
                    "anonymous": False, "title": None, "body_md": rng.choice(c_bodies),
                    "status": PostStatus.PUBLISHED,
                    "deleted_at": now - timedelta(minutes=30) if rng.random() < 0.01 else None,
                    "question": q, "parent": parent,
                }
            )

    # Ids in creation order (kind breaks ties, so a reply always follows what it replies to).
    order = {PostKind.QUESTION: 0, PostKind.ANSWER: 1, PostKind.COMMENT: 2}
    everything = [p for q in questions for p in (q, *q["answers"], *q["comments"])]
    everything.sort(key=lambda p: (p["created_at"], order[p["kind"]]))
    for number, post in enumerate(everything, start=1):
        post["id"] = number

    # Votes (score = sum of votes), accepted answers and reputation.
    reputation = dict.fromkeys(members, 1)
    votes = []
    for post in everything:
        if post["kind"] == PostKind.COMMENT or post["status"] != PostStatus.PUBLISHED or post["deleted_at"]:
            post["score"] = 0
            continue
        k = min(int(rng.expovariate(1 / (3.0 if post["kind"] == PostKind.QUESTION else 2.5))), 60)
        voters = [uid for uid in rng.sample(members, k + 1) if uid != post["author_id"]][:k]
        score = 0
        for uid in voters:
            value = 1 if rng.random() < 0.88 else -1
            score += value
            reputation[post["author_id"]] += VOTE_REPUTATION[(post["kind"], value)]
            votes.append(
                {"post_id": post["id"], "user_id": uid, "value": value,
                 "created_at": later(post["created_at"], 48)}
            )
        post["score"] = score
    accepted = []
    for q in questions:
        candidates = [a for a in q["answers"] if a["status"] == PostStatus.PUBLISHED and not a["deleted_at"]]
        if candidates and rng.random() < 0.35:
            best = max(candidates, key=lambda a: a["score"]) if rng.random() < 0.6 else rng.choice(candidates)
            q["accepted"] = best["id"]
            accepted.append({"qid": q["id"], "aid": best["id"]})
            reputation[best["author_id"]] += ACCEPT_REPUTATION

    def post_row(p: dict) -> dict:
        thread = p.get("question")
        row = {
            "id": p["id"], "kind": p["kind"], "question_id": thread["id"] if thread else None,
            "parent_id": p["parent"]["id"] if thread else None, "author_id": p["author_id"],
            "anonymous": p["anonymous"], "title": p["title"], "body_md": p["body_md"], "body_html": html[p["body_md"]],
            "status": p["status"], "score": p["score"], "answer_count": 0, "has_practitioner_answer": False,
            "revision_count": 1, "created_at": p["created_at"], "last_activity_at": p["created_at"],
            "deleted_at": p["deleted_at"],
        }
        if p["kind"] == PostKind.QUESTION:
            live = [a for a in p["answers"] if not a["deleted_at"]]
            row["answer_count"] = len(live)
            row["has_practitioner_answer"] = any(roles[a["author_id"]] == Role.PRACTITIONER for a in live)
            row["last_activity_at"] = max(x["created_at"] for x in (p, *p["answers"], *p["comments"]))
        return row

    users = [
        {
            "id": uid, "username": MEMBER if uid == 1 else f"{roles[uid].value}_{uid}",
            "email": f"user{uid}@example.com", "password_hash": password_hash, "role": roles[uid],
            "crisis_reviewer": roles[uid] == Role.MODERATOR,
            "status": AccountStatus.DELETED if uid in (150, 151) else AccountStatus.ACTIVE,
            "about": "", "reputation": reputation[uid], "session_token": f"{uid:032x}",
            "created_at": start - timedelta(days=uid),
        }
        for uid in members
    ]
    tag_ids = {name: i for i, name in enumerate(tag_names, start=1)}
    tags = [
        {"id": tag_ids[name], "name": name, "description": CURATED_TAGS.get(name, ""), "curated": name in CURATED_TAGS}
        for name in tag_names
    ]
    links = [{"post_id": q["id"], "tag_id": tag_ids[name]} for q in questions for name in q["tags"]]

    listed = [q for q in questions if q["status"] == PostStatus.PUBLISHED and q["deleted_at"] is None]
    per_tag: dict[str, int] = {}
    for q in listed:
        for name in q["tags"]:
            per_tag[name] = per_tag.get(name, 0) + 1
    popular = max(per_tag, key=per_tag.get)
    forum = Forum(
        users=users, tags=tags, posts=[post_row(p) for p in everything], post_tags=links, votes=votes,
        accepted=accepted, templates=len(html), render_seconds=render_seconds, popular_tag=popular,
        tag_questions=per_tag[popular], list_questions=len(listed),
    )
    answered = sorted(listed, key=lambda q: (len(q["answers"]), q["id"]))
    small = next((q for q in answered if len(q["answers"]) == 1), answered[0])
    for label, q in (("small", small), ("median", answered[len(answered) // 2]), ("biggest", answered[-1])):
        forum.threads[label] = {
            "id": q["id"], "title": q["title"], "answers": len(q["answers"]), "comments": len(q["comments"])
        }
    return forum


# ------------------------------------------------------------------------------------------------------ loading


def reset_schema(engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    db.metadata.create_all(engine)


def load(engine, forum: Forum) -> None:
    """Bulk-insert everything in one transaction, in batches; PostgreSQL sequences and statistics are refreshed."""

    def batches(rows):
        for i in range(0, len(rows), BATCH):
            yield rows[i : i + BATCH]

    with engine.begin() as conn:
        for table, rows in (
            (User.__table__, forum.users),
            (Tag.__table__, forum.tags),
            (Post.__table__, forum.posts),
            (post_tags, forum.post_tags),
            (Vote.__table__, forum.votes),
        ):
            for chunk in batches(rows):
                conn.execute(insert(table), chunk)
        posts = Post.__table__
        accept = update(posts).where(posts.c.id == bindparam("qid")).values(accepted_answer_id=bindparam("aid"))
        for chunk in batches(forum.accepted):
            conn.execute(accept, chunk)
        if conn.dialect.name == "postgresql":
            for table in ("users", "tags", "posts", "votes"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    if engine.dialect.name == "postgresql":
        # What autovacuum would have done by the time a forum held this much.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


# -------------------------------------------------------------------------------------------------- measurement


class QueryCounter:
    """Counts SQL statements on an engine (transaction bookkeeping excluded); can keep them for EXPLAIN."""

    def __init__(self, engine):
        self.count = 0
        self.keep = False
        self.statements: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if not BOOKKEEPING.match(statement):
            self.count += 1
            if self.keep:
                self.statements.append((statement, parameters))


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Result:
    p50: float
    p95: float
    p99: float
    queries: str
    status: int
    size: int


def measure(client, url: str, counter: QueryCounter, requests: int, warmup: int) -> Result:
    for _ in range(warmup):
        client.get(url).close()
    times, counts, status, size = [], set(), 0, 0
    for _ in range(requests):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        counts.add(counter.count)
        status, size = response.status_code, len(body)
        response.close()
    times.sort()
    queries = str(min(counts)) if len(counts) == 1 else f"{min(counts)}–{max(counts)}"
    return Result(percentile(times, 50), percentile(times, 95), percentile(times, 99), queries, status, size)


def explain(engine, client, url: str, counter: QueryCounter) -> None:
    """Print the plan of every SELECT one request to `url` runs (EXPLAIN ANALYZE on PostgreSQL)."""
    counter.statements, counter.keep = [], True
    client.get(url).close()
    counter.keep = False
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    print(f"\n  plans for {url}")
    with engine.connect() as conn:
        for statement, parameters in counter.statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print("    " + " ".join(statement.split())[:300])
            for row in conn.exec_driver_sql(prefix + statement, parameters):
                print("      " + (str(row[-1]) if engine.dialect.name == "sqlite" else str(row[0])))


def database_facts(engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()} (WAL, file on local disk)"
        version = conn.exec_driver_sql("show server_version").scalar()
        return f"PostgreSQL {version} on {engine.url.host}:{engine.url.port}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# --------------------------------------------------------------------------------------------------------- main


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--comments", type=int, help="default: 30%% of --answers")
    parser.add_argument("--quick", action="store_true", help="1,000 questions and 10,000 answers")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and role")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print query plans for every page, not only slow ones")
    args = parser.parse_args(argv)
    if args.quick:
        args.questions, args.answers = 1_000, 10_000
    if args.comments is None:
        args.comments = args.answers * 3 // 10
    return args


def bench_app(folder: str, **settings):
    """The forum on BENCH_DATABASE_URL, or on a SQLite file in `folder`; CSRF off for the scripted login.
    `settings` override further config values."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}",
        "WTF_CSRF_ENABLED": False,
        **settings,
    }
    app = create_app(type("BenchConfig", (TestConfig,), settings))
    with app.app_context():
        return app, db.engine


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = tempfile.TemporaryDirectory(prefix="hearth-bench-")
    app, engine = bench_app(workdir.name)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")

    started = time.perf_counter()
    forum = build_forum(args.questions, args.answers, args.comments)
    generated = time.perf_counter()
    reset_schema(engine)
    load(engine, forum)
    loaded = time.perf_counter()
    n_answers = sum(p["kind"] == PostKind.ANSWER for p in forum.posts)
    n_comments, n_votes, n_users = len(forum.posts) - args.questions - n_answers, len(forum.votes), len(forum.users)
    # The rows are in the database now; holding them would only make every garbage collection slower.
    forum.users, forum.posts, forum.post_tags, forum.votes, forum.accepted = [], [], [], [], []
    gc.collect()
    print(
        f"seeded {n_users} users, {len(forum.tags)} tags, {args.questions:,} questions, "
        f"{n_answers:,} answers, "
        f"{n_comments:,} comments, {n_votes:,} votes "
        f"in {loaded - started:.1f} s (generate {generated - started:.1f} s incl. rendering {forum.templates} "
        f"distinct bodies in {forum.render_seconds:.2f} s; insert {loaded - generated:.1f} s)"
    )
    with app.app_context():
        checks = db.session.execute(
            select(func.count()).select_from(Post).where(Post.kind == PostKind.QUESTION, Post.answer_count == 0)
        ).scalar()
        print(f"questions without answers: {checks:,}; listed questions: {forum.list_questions:,}")

    per_page = app.config["QUESTIONS_PER_PAGE"]
    deep = min(200, max(1, math.ceil(forum.list_questions / per_page)))
    tag = forum.popular_tag
    tag_deep = min(50, max(1, math.ceil(forum.tag_questions / per_page)))
    pages = [
        ("Home (active)", "/"),
        ("Newest", "/?sort=newest"),
        ("Top", "/?sort=top"),
        ("Unanswered", "/?sort=unanswered"),
        (f"Home, page {deep}", f"/?page={deep}"),
        (f"Tag {tag} ({forum.tag_questions:,} questions)", f"/tags/{tag}"),
        (f"Tag {tag}, page {tag_deep}", f"/tags/{tag}?page={tag_deep}"),
    ]
    for label, thread in forum.threads.items():
        pages.append(
            (
                f"Thread, {label} ({_plural(thread['answers'], 'answer')}, {_plural(thread['comments'], 'comment')})",
                f"/questions/{thread['id']}/{slugify(thread['title'])}",
            )
        )

    counter = QueryCounter(engine)
    guest = app.test_client()
    member = app.test_client()
    signed_in = member.post("/login", data={"login": MEMBER, "password": PASSWORD})
    if signed_in.status_code != 302:
        print(f"WARNING: signing in as {MEMBER} answered {signed_in.status_code}; member figures are a guest's")

    results: dict[tuple[str, str], Result] = {}
    print(f"\n{args.requests} timed requests per page and role after {args.warmup} warm-ups")
    for _label, path in pages:
        for role, client in (("guest", guest), ("member", member)):
            result = measure(client, path, counter, args.requests, args.warmup)
            results[(path, role)] = result
            note = "" if result.status == 200 else f"  <-- HTTP {result.status}"
            print(
                f"  {role:<6} {path:<70} p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
                f"  {result.queries:>5} queries  {result.size / 1024:6.0f} KiB{note}"
            )
        slow = results[(path, "guest")].p95 > SLOW_LIST_MS and not path.startswith("/questions/")
        if args.explain or slow:
            explain(engine, guest, path, counter)

    loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    facts = (
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs ({cpu_model()}), {database_facts(engine)}; "
        f"load average at the end {loadavg}"
    )
    print(
        f"\n### Page timings ({args.questions:,} questions, {n_answers:,} answers, "
        f"{n_comments:,} comments)\n"
    )
    print(
        "Server time through the Flask test client (no network), milliseconds; SQL = queries per request "
        "(a member's count is one lower on a page showing one of their own posts: their account loads with it).\n"
    )
    print("| Page | Guest p50 | p95 | p99 | SQL | Member p50 | p95 | p99 | SQL |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, path in pages:
        g, m = results[(path, "guest")], results[(path, "member")]
        shown = re.sub(r"^(/questions/\d+)/.*", r"\1/…", path)
        print(
            f"| {label} `{shown}` | {g.p50:.1f} | {g.p95:.1f} | {g.p99:.1f} | {g.queries} "
            f"| {m.p50:.1f} | {m.p95:.1f} | {m.p99:.1f} | {m.queries} |"
        )
    print(f"\n{facts}; {args.requests} requests per cell after {args.warmup} warm-ups.")

    engine.dispose()
    workdir.cleanup()


if __name__ == "__main__":
    main()
