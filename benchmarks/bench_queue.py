"""Review queue speed: seed 10,000 open review items with bulk inserts, then time the moderators' pages.

Prints figures, never asserts: p50/p95/p99 server time in milliseconds and SQL queries per request for the
crisis and general queues, a deep page, a category filter, the resolved list and an item page, signed in as an
admin through POST /login; then a Markdown table and the machine facts.

    .venv/bin/python benchmarks/bench_queue.py            # 10,000 open items over 8,500 posts, SQLite temp file
    .venv/bin/python benchmarks/bench_queue.py --quick    # 1,000 open items
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_queue.py

Pages whose p95 is over 100 ms get the plans of their queries printed (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
ANALYZE on PostgreSQL); --explain prints them for every page.

With BENCH_DATABASE_URL the `public` schema of that database is DROPPED and recreated: point it at a database
of its own, never at one a test run may be using.

Seeding bypasses the services (Core `insert()` in batches) but gives the rows the shape the services leave:
each post keeps the safety engine's real verdict on its text; a verdict the routing policy routes opens the
post's item in that policy's queue, with its priority, severity, categories and deadline (held posts stay
held); posts the engine lets through reach the queue through members' flags (a Flag row and a flag reason
each, "someone may be at risk" to the crisis queue); some members wrote to the moderators (user items);
items created over the last two days are partly overdue and escalated as `moderation sweep` would leave them;
a few are claimed; resolved items give authors a history. At most one open item per target, as the unique
index requires.
"""

import argparse
import math
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from bench_pages import QueryCounter, bench_app, cpu_model, database_facts, explain, measure, reset_schema  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from forum import content  # noqa: E402
from forum.auth.models import AccountStatus, Role, User  # noqa: E402
from forum.dbtypes import utcnow  # noqa: E402
from forum.moderation import policy  # noqa: E402
from forum.moderation.models import (  # noqa: E402
    Flag,
    FlagReason,
    ItemStatus,
    Queue,
    ReasonKind,
    ReviewItem,
    ReviewReason,
)
from forum.moderation.queries import PAGE_SIZE  # noqa: E402
from forum.qa.models import Post, PostKind, PostStatus  # noqa: E402
from forum.safety import scan  # noqa: E402

PASSWORD = "bench password, not a secret"
ADMIN = "bench_admin"
BATCH = 2000
SLOW_MS = 100.0
MODERATORS = 12

TITLES = [
    "I don't know who else to tell",
    "Writing this down before anything else",
    "A hard few weeks and no end in sight",
    "Is this normal after a breakup?",
    "How do I explain this to my partner",
    "Sunday evenings are the worst",
]
# The text pool: what members write, from the calm to the urgent; the engine's verdict on each decides routing.
BODIES = [
    "I'm going to kill myself tonight, I have the pills ready.",
    "I want to kill myself. I have thought about how I would do it.",
    "I have been thinking about suicide a lot lately and I want to die.",
    "I cut myself again last night and it was deeper than before.",
    "He hits me when he drinks and I'm scared to go home.",
    "I want to hurt him so badly he never walks again.",
    "I tried to end my life two years ago and lately the thoughts are back.",
    "Everyone would be better off without me, I'm just a burden to them.",
    "I haven't eaten in four days and I still feel huge.",
    "Call me on 07700 900123 any time, my address is 12 Acacia Avenue.",
    "Buy cheap followers at example dot com, best prices, DM me now!",
    "Does anyone else find Sunday evenings the hardest part of the week?",
    "My therapist suggested journaling and it has helped me sleep a little better.",
    "I keep arguing with my sister about our mum's care and I feel guilty about it.",
    "Is it normal to feel flat for weeks after starting a new medication?",
]
# How often each body is written (risky texts are rarer than calm ones, but they are what fills the queue).
BODY_WEIGHTS = [2, 4, 10, 6, 4, 2, 5, 5, 4, 4, 6, 14, 12, 12, 10]
MESSAGES = [
    "Why was my answer hidden? I only shared what helped me.",
    "Someone keeps replying to all my posts and it is making me uncomfortable.",
    "Please take down my old question, I posted it under my real name by mistake.",
]
FLAG_NOTES = {FlagReason.OTHER: "This reads like an advert to me.", FlagReason.HARASSMENT: "Mocking the asker."}
DECISIONS = ["approve", "approve", "approve_with_note", "reject", "edit_and_approve"]


class Seed:
    """Row lists for Core inserts, and the pages worth measuring."""

    def __init__(self):
        self.users, self.posts, self.items, self.reasons, self.flags = [], [], [], [], []
        self.item_page = 0
        self.mix: Counter = Counter()


def _route(verdict: dict, routes: dict):
    """The default routing policy applied to a verdict (no admin overrides in a fresh database)."""
    pairs = sorted(
        {(h["category"], h["severity"]) for h in verdict["hits"] if not h.get("log_only")}
        & set(policy.DEFAULT_POLICY)
    )
    if not pairs:
        return None
    route = routes[pairs[0]]
    for pair in pairs[1:]:
        route = route.combine(routes[pair])
    return route


def build(n_items: int, n_posts: int, n_users: int, n_resolved: int, seed: int = 11) -> Seed:
    rng = random.Random(seed)
    now = utcnow()
    out = Seed()
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    moderators = list(range(2, 2 + MODERATORS))
    members = list(range(2 + MODERATORS, n_users + 1))
    for uid in range(1, n_users + 1):
        role = Role.ADMIN if uid == 1 else Role.MODERATOR if uid in moderators else Role.MEMBER
        out.users.append({
            "id": uid, "username": ADMIN if uid == 1 else f"{role.value}_{uid}", "email": f"user{uid}@example.com",
            "password_hash": password_hash, "role": role, "crisis_reviewer": role == Role.MODERATOR,
            "on_call": uid in moderators[:2], "status": AccountStatus.ACTIVE, "about": "", "reputation": 1,
            "session_token": f"{uid:032x}", "created_at": now - timedelta(days=30 + uid % 400),
        })

    # Posts: questions first, answers in them; each keeps the engine's verdict on its own text.
    verdicts, html = {}, {}
    n_questions = max(1, n_posts * 2 // 5)
    routes = dict(policy.DEFAULT_POLICY)
    post_routes = {}
    for pid in range(1, n_posts + 1):
        question = pid <= n_questions
        body = rng.choices(BODIES, weights=BODY_WEIGHTS)[0]
        title = rng.choice(TITLES) if question else None
        text = f"{title}\n\n{body}" if question else body
        if text not in verdicts:
            verdicts[text] = scan(text).to_dict()
        if body not in html:
            html[body] = content.render(body)
        verdict = verdicts[text]
        route = _route(verdict, routes)
        created = now - timedelta(minutes=rng.uniform(5, 48 * 60))
        parent = None if question else rng.randint(1, n_questions)
        out.posts.append({
            "id": pid, "kind": PostKind.QUESTION if question else PostKind.ANSWER, "question_id": parent,
            "parent_id": parent, "author_id": rng.choice(members), "anonymous": rng.random() < 0.3, "title": title,
            "body_md": body, "body_html": html[body],
            "status": PostStatus.HELD if route and route.visibility == "held" else PostStatus.PUBLISHED,
            "score": 0, "answer_count": 0, "has_practitioner_answer": False, "revision_count": 1,
            "safety": verdict | {"ruleset": "bench", "revision": 1}, "created_at": created,
            "last_activity_at": created,
        })
        post_routes[pid] = route

    # Open items: one per target. Most are posts; some members wrote to the moderators.
    user_items = min(len(members), max(n_items - n_posts, n_items // 20))
    post_targets = rng.sample(range(1, n_posts + 1), min(n_posts, n_items - user_items))
    message_authors = rng.sample(members, user_items)
    item_id = 0

    def new_item(target_type, target_id, subject, queue, priority, severity, categories, deadline, created, **kw):
        nonlocal item_id
        item_id += 1
        overdue = kw.get("status", ItemStatus.OPEN) == ItemStatus.OPEN and created + deadline < now
        periods = 0
        if overdue:
            periods = int((now - created - deadline) / max(deadline, timedelta(minutes=15))) + 1
        claimed = kw.get("status", ItemStatus.OPEN) == ItemStatus.OPEN and rng.random() < 0.03
        row = {
            "id": item_id, "target_type": target_type, "target_id": target_id, "subject_user_id": subject,
            "queue": queue, "status": ItemStatus.OPEN, "priority": priority + 10 * periods, "severity": severity,
            "categories": sorted(categories), "deadline_at": created + deadline, "created_at": created,
            "first_action_at": None, "escalated_at": now - timedelta(minutes=rng.randint(1, 30)) if overdue else None,
            "overdue_alerts": periods, "claimed_by_id": rng.choice(moderators) if claimed else None,
            "claim_expires_at": now + timedelta(minutes=rng.randint(1, 10)) if claimed else None,
            "decided_by_id": None, "decided_at": None, "decision": None,
        } | kw
        out.items.append(row)
        return row

    def flag(item, post, reason, flagger, created):
        note = FLAG_NOTES.get(reason, "")
        out.flags.append({"post_id": post["id"], "user_id": flagger, "reason": reason, "note": note,
                          "item_id": item["id"], "outcome": None, "created_at": created})
        out.reasons.append({"item_id": item["id"], "kind": ReasonKind.FLAG, "user_id": flagger, "created_at": created,
                            "details": {"reason": reason.value, "note": note}})

    def open_post_item(pid, **kw):
        post = out.posts[pid - 1]
        route = post_routes[pid]
        created = post["created_at"]
        flaggers = rng.sample([m for m in members if m != post["author_id"]], rng.choice([0, 0, 1, 1, 2, 3]))
        if route is not None:
            verdict = post["safety"]
            item = new_item("post", pid, post["author_id"], route.queue, route.priority, verdict["severity"],
                            verdict["categories"], route.deadline, created, **kw)
            out.reasons.append({"item_id": item["id"], "kind": ReasonKind.SAFETY, "user_id": None,
                                "created_at": created, "details": {"verdict": verdict, "revision": 1}})
            reasons = [rng.choice([FlagReason.AT_RISK, FlagReason.OTHER]) for _ in flaggers]
        else:
            first = rng.choices(list(FlagReason), weights=[3, 3, 4, 1, 2, 2])[0]
            reasons = [first] + [rng.choice([first, FlagReason.OTHER]) for _ in flaggers[1:]]
            flaggers = flaggers or [rng.choice([m for m in members if m != post["author_id"]])]
            crisis = FlagReason.AT_RISK in reasons
            item = new_item(
                "post", pid, post["author_id"], Queue.CRISIS if crisis else Queue.GENERAL,
                policy.FLAG_PRIORITY.get(reasons[0].value, policy.DEFAULT_FLAG_PRIORITY), "none",
                ["suicide"] if crisis else [], timedelta(hours=1 if crisis else 24), created, **kw,
            )
        for n, (flagger, reason) in enumerate(zip(flaggers, reasons, strict=False)):
            flag(item, post, reason, flagger, created + timedelta(minutes=5 * (n + 1)))
        if rng.random() < 0.05:
            out.reasons.append({"item_id": item["id"], "kind": ReasonKind.NEW_MEMBER, "user_id": None,
                                "created_at": created, "details": {"account_created": created.isoformat()}})
        return item

    # Resolved items first (older ids), on posts that have no open item, or decided before it was opened.
    for _ in range(n_resolved):
        pid = rng.randint(1, n_posts)
        decided = now - timedelta(days=rng.uniform(2, 60))
        item = open_post_item(pid, status=ItemStatus.RESOLVED, decided_by_id=rng.choice(moderators),
                              decided_at=decided, decision=rng.choice(DECISIONS), first_action_at=decided)
        item["created_at"] = decided - timedelta(hours=rng.uniform(0.1, 20))
        item["deadline_at"] = item["created_at"] + timedelta(hours=12)
    for pid in post_targets:
        open_post_item(pid)
    for author in message_authors:
        created = now - timedelta(minutes=rng.uniform(5, 48 * 60))
        item = new_item("user", author, author, Queue.GENERAL, policy.DEFAULT_FLAG_PRIORITY, "none", [],
                        timedelta(hours=24), created)
        out.reasons.append({"item_id": item["id"], "kind": ReasonKind.MESSAGE, "user_id": author,
                            "created_at": created, "details": {"text": rng.choice(MESSAGES)}})

    # A member flags a post once (a unique constraint): a later flag of the same post by the same member is
    # only a reason on the later item.
    first_flags = {}
    for row in out.flags:
        first_flags.setdefault((row["post_id"], row["user_id"]), row)
    out.flags = list(first_flags.values())
    open_items = [i for i in out.items if i["status"] == ItemStatus.OPEN]
    out.mix = Counter((i["queue"].value, i["severity"]) for i in open_items)
    reasons_per_item = Counter(r["item_id"] for r in out.reasons)
    history = Counter(i["subject_user_id"] for i in out.items)
    crisis_posts = [i for i in open_items if i["queue"] == Queue.CRISIS and i["target_type"] == "post"]
    busiest = max(crisis_posts or open_items, key=lambda i: (reasons_per_item[i["id"]], history[i["subject_user_id"]]))
    out.item_page = busiest["id"]
    return out


def load(engine, data: Seed) -> None:
    with engine.begin() as conn:
        for table, rows in (
            (User.__table__, data.users),
            (Post.__table__, data.posts),
            (ReviewItem.__table__, data.items),
            (ReviewReason.__table__, data.reasons),
            (Flag.__table__, data.flags),
        ):
            for i in range(0, len(rows), BATCH):
                conn.execute(insert(table), rows[i : i + BATCH])
        if conn.dialect.name == "postgresql":
            for table in ("users", "posts", "review_items", "review_reasons", "flags"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="open review items")
    parser.add_argument("--posts", type=int, default=8_500)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--resolved", type=int, default=4_000, help="decided items (authors' history)")
    parser.add_argument("--quick", action="store_true", help="1,000 open items over 850 posts and 500 users")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print query plans for every page, not only slow ones")
    args = parser.parse_args(argv)
    if args.quick:
        args.items, args.posts, args.users, args.resolved = 1_000, 850, 500, 400
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = tempfile.TemporaryDirectory(prefix="hearth-bench-")
    app, engine = bench_app(workdir.name)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")

    started = time.perf_counter()
    data = build(args.items, args.posts, args.users, args.resolved)
    generated = time.perf_counter()
    reset_schema(engine)
    load(engine, data)
    loaded = time.perf_counter()
    open_items = sum(data.mix.values())
    overdue = sum(1 for i in data.items if i["status"] == ItemStatus.OPEN and i["overdue_alerts"])
    print(
        f"seeded {len(data.users):,} users, {len(data.posts):,} posts, {open_items:,} open and "
        f"{len(data.items) - open_items:,} resolved items, {len(data.reasons):,} reasons, {len(data.flags):,} flags "
        f"in {loaded - started:.1f} s (generate {generated - started:.1f} s, insert {loaded - generated:.1f} s)"
    )
    print(f"open items by queue and severity: {dict(sorted(data.mix.items()))}; overdue: {overdue:,}")

    per_queue = Counter(q for (q, _s) in data.mix.elements())
    deep = max(1, min(100, math.ceil(per_queue["general"] / PAGE_SIZE)))
    pages = [
        ("Crisis queue", "/mod/queue/crisis"),
        ("General queue", "/mod/queue/general"),
        (f"General queue, page {deep}", f"/mod/queue/general?page={deep}"),
        ("Crisis queue, category self harm", "/mod/queue/crisis?category=self_harm"),
        ("General queue, resolved", "/mod/queue/general?status=resolved"),
        (f"Item page (#{data.item_page})", f"/mod/items/{data.item_page}"),
    ]
    data.users = data.posts = data.items = data.reasons = data.flags = []

    counter = QueryCounter(engine)
    admin = app.test_client()
    signed_in = admin.post("/login", data={"login": ADMIN, "password": PASSWORD})
    if signed_in.status_code != 302:
        raise SystemExit(f"signing in as {ADMIN} answered {signed_in.status_code}")

    results = {}
    print(f"\n{args.requests} timed requests per page after {args.warmup} warm-ups, signed in as an admin")
    for _label, path in pages:
        result = measure(admin, path, counter, args.requests, args.warmup)
        results[path] = result
        note = "" if result.status == 200 else f"  <-- HTTP {result.status}"
        print(
            f"  {path:<45} p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
            f"  {result.queries:>5} queries  {result.size / 1024:6.0f} KiB{note}"
        )
        if args.explain or result.p95 > SLOW_MS:
            explain(engine, admin, path, counter)

    loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    facts = (
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs ({cpu_model()}), {database_facts(engine)}; load average at the end {loadavg}"
    )
    print(f"\n### Review queue timings ({open_items:,} open items, {per_queue['crisis']:,} of them in the crisis "
          f"queue, {overdue:,} overdue)\n")
    print("Server time through the Flask test client (no network), signed in as an admin, milliseconds; "
          "SQL = queries per request.\n")
    print("| Page | p50 | p95 | p99 | SQL |")
    print("|---|---:|---:|---:|---:|")
    for label, path in pages:
        r = results[path]
        print(f"| {label} `{path}` | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.queries} |")
    print(f"\n{facts}; {args.requests} requests per page after {args.warmup} warm-ups.")

    engine.dispose()
    workdir.cleanup()


if __name__ == "__main__":
    main()
