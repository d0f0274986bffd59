"""The acceptance bars on the labelled development corpus (../shared/safety/dev_corpus.jsonl)."""

import json
from pathlib import Path

import pytest

from forum.safety import scan

CORPUS = Path(__file__).parents[2].parent / "shared/safety/dev_corpus.jsonl"


@pytest.fixture(scope="module")
def results():
    if not CORPUS.exists():
        pytest.skip(f"development corpus not found at {CORPUS}")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row, scan(row["text"]).action) for row in rows]


def _share(results, expected, good):
    group = [action for row, action in results if row["expect"] in expected]
    return sum(map(good, group)) / len(group)


def test_urgent_posts_are_urgent(results):
    assert _share(results, {"urgent"}, lambda action: action == "urgent") >= 0.95


def test_risky_posts_are_flagged(results):
    assert _share(results, {"urgent", "review"}, lambda action: action != "allow") >= 0.97


def test_ordinary_posts_are_rarely_flagged(results):
    assert _share(results, {"none"}, lambda action: action != "allow") <= 0.05


def test_every_category_of_risky_post_is_flagged_in_its_own_category(results):
    missed = [row["id"] for row, _ in results
              if row["expect"] != "none" and row["category"] not in scan(row["text"]).categories]
    assert len(missed) <= 5, missed
