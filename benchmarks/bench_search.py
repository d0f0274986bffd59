"""Search speed: seed 100,000 posts with bulk inserts, index them in bulk, then time /search and /search/similar.

Prints figures, never asserts: how long the bulk index took, then p50/p95/p99 server time in milliseconds,
SQL queries per request and the number of questions found for common, mid-frequency and rare queries, a
phrase, an exclusion, alternatives, a deep page, the same with a tag filter, and the similar-questions
endpoint; then a Markdown table for the README and the machine facts.

    .venv/bin/python benchmarks/bench_search.py            # 25,000 questions + 75,000 answers, SQLite temp file
    .venv/bin/python benchmarks/bench_search.py --quick    # 2,500 + 7,500
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_search \\
        .venv/bin/python benchmarks/bench_search.py

With BENCH_DATABASE_URL the `public` schema of that database is DROPPED and recreated: point it at a database
of its own (bench_search), never at one a test run may be using.

The forum's shape (users, threads, tags, votes, held, rejected and deleted posts) comes from bench_pages.build_forum;
the text is rewritten here so the index sees a realistic vocabulary: sentences from the demo content, titles made
of a question frame and a topic, topics with a long-tailed frequency, and invented rare words (`zu`-words) in a
Zipf tail, so some terms match tens of thousands of posts and others a handful. Bodies are plain paragraphs, so
their HTML is `<p>escaped text</p>`, exactly what content.render produces for them (checked on a sample), which
spares rendering 100,000 distinct bodies.
"""

import argparse
import gc
import html
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from benchmarks.bench_pages import (  # noqa: E402
    QueryCounter,
    bench_app,
    build_forum,
    cpu_model,
    database_facts,
    explain,
    load,
    measure,
    reset_schema,
)
from forum import content, search  # noqa: E402
from forum.cli import DEMO_FILE  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.qa.models import PostKind  # noqa: E402
from forum.search.models import SearchDocument  # noqa: E402

SLOW_MS = 50.0
FRAMES = [
    "How do I cope with {}?",
    "Is it normal to struggle with {}?",
    "What actually helps with {}?",
    "Anyone else dealing with {}?",
    "How do I talk to my partner about {}?",
    "Does {} ever get easier?",
    "Where do I start with {}?",
    "Is {} something a GP can help with?",
    "How did you get through {}?",
    "Can {} come back after years?",
]
TOPICS = [
    "anxiety",
    "panic attacks",
    "low mood",
    "depression",
    "insomnia",
    "loneliness",
    "grief",
    "burnout",
    "social anxiety",
    "work stress",
    "intrusive thoughts",
    "night terrors",
    "seasonal depression",
    "exam stress",
    "a breakup",
    "postnatal depression",
    "health anxiety",
    "anger",
    "feeling numb",
    "overthinking",
    "perfectionism",
    "caring for a parent",
    "money worries",
    "feeling like a burden",
    "self-esteem",
    "body image",
    "procrastination",
    "ADHD at work",
    "OCD checking",
    "binge eating",
    "drinking too much",
    "nightmares",
    "a new antidepressant",
    "lithium side effects",
    "light therapy",
    "EMDR",
    "group therapy",
    "couples counselling",
    "moving abroad",
    "retirement",
    "chronic pain",
    "tinnitus",
    "a miscarriage",
    "infertility",
    "coming out",
    "bullying at school",
]
RARE_WORDS = 20_000


def _sentences() -> list[str]:
    """Plain sentences from the demo threads (Markdown marks and links stripped)."""
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["threads"]
    texts = [t["body"] for t in demo] + [a["body"] for t in demo for a in t["answers"]]
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|~\\]", r"\1", " ".join(texts))
    found = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", plain))
    # A body is one paragraph: no sentence may start a list or a heading.
    return [s.strip() for s in found if 20 <= len(s.strip()) <= 300 and s.strip()[0].isalpha()]


def _rare_word(rank: int) -> str:
    """The rank-th invented word: letters only, distinct, and no real English word (`zu` + syllables)."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "xe", "qi", "po", "sa", "di", "fu", "gy", "he", "jo"]
    word = "zu"
    n = rank
    while True:
        word += syllables[n % 16]
        n //= 16
        if n == 0:
            return word


def _zipf_cum(n: int, s: float) -> list[float]:
    cum, total = [], 0.0
    for i in range(n):
        total += 1 / (i + 1) ** s
        cum.append(total)
    return cum


def rewrite_text(posts: list[dict], seed: int = 11) -> dict[str, int]:
    """Give every question and answer its own text; returns how many posts carry each rare word planted."""
    rng = random.Random(seed)
    sentences = _sentences()
    topic_cum = _zipf_cum(len(TOPICS), 1.1)
    rare_cum = _zipf_cum(RARE_WORDS, 1.0)
    rare_counts: dict[str, int] = {}
    for row in posts:
        if row["kind"] == PostKind.COMMENT:
            continue
        topic = rng.choices(TOPICS, cum_weights=topic_cum)[0]
        parts = rng.sample(sentences, rng.randint(2, 6))
        if rng.random() < 0.6:
            parts.insert(rng.randrange(len(parts) + 1), f"It is mostly the {topic} that gets to me.")
        if rng.random() < 0.5:
            word = _rare_word(rng.choices(range(RARE_WORDS), cum_weights=rare_cum)[0])
            rare_counts[word] = rare_counts.get(word, 0) + 1
            parts.append(f"Someone mentioned {word} to me.")
        body = " ".join(parts)
        row["body_md"] = body
        row["body_html"] = "<p>" + html.escape(body, quote=False).replace('"', "&quot;") + "</p>\n"
        if row["kind"] == PostKind.QUESTION:
            row["title"] = rng.choice(FRAMES).format(topic)
    return rare_counts


def check_rendering(posts: list[dict], sample: int = 200) -> None:
    """The shortcut HTML above must be what the real renderer makes of these bodies."""
    for row in posts[:sample]:
        if row["kind"] != PostKind.COMMENT:
            assert content.render(row["body_md"]) == row["body_html"], row["body_md"][:200]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=25_000)
    parser.add_argument("--answers", type=int, default=75_000)
    parser.add_argument("--quick", action="store_true", help="2,500 questions and 7,500 answers")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print query plans for every query, not only slow ones")
    args = parser.parse_args(argv)
    if args.quick:
        args.questions, args.answers = 2_500, 7_500
    return args


def pick_rare(rare_counts: dict[str, int], wanted: int) -> tuple[str, int]:
    """The planted word whose post count is closest to `wanted`."""
    return min(rare_counts.items(), key=lambda item: (abs(item[1] - wanted), item[0]))


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = tempfile.TemporaryDirectory(prefix="hearth-bench-search-")
    app, engine = bench_app(workdir.name, RATELIMIT_ENABLED=False)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")

    started = time.perf_counter()
    forum = build_forum(args.questions, args.answers, 0)
    rare_counts = rewrite_text(forum.posts)
    check_rendering(forum.posts)
    generated = time.perf_counter()
    reset_schema(engine)
    load(engine, forum)
    loaded = time.perf_counter()
    n_posts = len(forum.posts)
    popular_tag = forum.popular_tag
    forum.users, forum.posts, forum.post_tags, forum.votes, forum.accepted = [], [], [], [], []
    gc.collect()
    print(
        f"seeded {n_posts:,} posts ({args.questions:,} questions, {args.answers:,} answers) in "
        f"{loaded - started:.1f} s (generate {generated - started:.1f} s, insert {loaded - generated:.1f} s)"
    )

    with app.app_context():
        began = time.perf_counter()
        indexed = search.reindex_all()
        index_seconds = time.perf_counter() - began
        documents = db.session.scalar(select(func.count()).select_from(SearchDocument))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE search_documents")
    print(
        f"indexed {indexed:,} public questions and answers ({documents:,} rows) with search.reindex_all() "
        f"in {index_seconds:.1f} s"
    )

    mid_word, mid_n = pick_rare(rare_counts, 100)
    rare_word, rare_n = pick_rare(rare_counts, 5)
    single_word, _ = pick_rare(rare_counts, 1)
    queries = [
        ("common word", {"q": "anxiety"}),
        ("common word, tag filter", {"q": "anxiety", "tag": popular_tag}),
        ("common word, page 5", {"q": "anxiety", "page": 5}),
        ("two common words", {"q": "therapist partner"}),
        ("phrase", {"q": '"panic attacks"'}),
        ("exclusion", {"q": "grief -partner"}),
        ("alternatives", {"q": "insomnia or nightmares"}),
        (f"mid-frequency word (~{mid_n} posts)", {"q": mid_word}),
        ("mid-frequency word, tag filter", {"q": mid_word, "tag": popular_tag}),
        (f"rare word (~{rare_n} posts)", {"q": rare_word}),
        ("rare word, tag filter", {"q": rare_word, "tag": popular_tag}),
        ("word in one post", {"q": single_word}),
        ("no match", {"q": "xylophone"}),
        ("stop words only", {"q": "how do I"}),
    ]
    similar = [
        ("similar: common title", {"title": "How do I deal with anxiety at work"}),
        ("similar: rarer title", {"title": "lithium side effects and tinnitus"}),
        ("similar: no match", {"title": "xylophone lessons"}),
    ]
    pages = [(label, "/search?" + urlencode(params)) for label, params in queries]
    pages += [(label, "/search/similar?" + urlencode(params)) for label, params in similar]

    counter = QueryCounter(engine)
    guest = app.test_client()
    results = {}
    print(f"\n{args.requests} timed requests per query after {args.warmup} warm-ups (guest)")
    for label, path in pages:
        result = measure(guest, path, counter, args.requests, args.warmup)
        found = _found(guest, path)
        results[path] = (result, found)
        note = "" if result.status == 200 else f"  <-- HTTP {result.status}"
        print(
            f"  {label:<40} p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
            f"  {result.queries:>3} queries  found {found:>7}{note}"
        )
        if args.explain or result.p95 > SLOW_MS:
            explain(engine, guest, path, counter)

    loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"\n### Search timings ({n_posts:,} posts: {args.questions:,} questions, {args.answers:,} answers; "
        f"{database_facts(engine)})\n"
    )
    print(
        "Server time through the Flask test client (no network), milliseconds; SQL = queries per request; "
        f"found = questions found. Bulk index of {indexed:,} posts: {index_seconds:.1f} s.\n"
    )
    print("| Query | `q` / `title` | Found | p50 | p95 | p99 | SQL |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (label, params), (_, path) in zip(queries + similar, pages, strict=True):
        result, found = results[path]
        shown = " ".join(f"{k}={v}" for k, v in params.items())
        print(
            f"| {label} | `{shown}` | {found} | {result.p50:.1f} | {result.p95:.1f} | {result.p99:.1f} "
            f"| {result.queries} |"
        )
    print(
        f"\nPython {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs ({cpu_model()}), {database_facts(engine)}; load average at the end {loadavg}; "
        f"{args.requests} requests per row after {args.warmup} warm-ups."
    )
    engine.dispose()
    workdir.cleanup()


def _found(client, path: str) -> str:
    """How many questions a search page says it found, or how many similar questions came back."""
    response = client.get(path)
    if path.startswith("/search/similar"):
        return str(len(response.get_json()["questions"]))
    match = re.search(r"(\d+) questions? found", response.get_data(as_text=True))
    return match.group(1) if match else "0"


if __name__ == "__main__":
    main()
