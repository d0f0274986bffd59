"""Command-line tools: safety scan / explain with the rules in force."""

import json


def test_safety_scan_writes_one_verdict_per_line_in_order_and_reports_bad_lines(app):
    lines = "\n".join([
        json.dumps({"id": "a", "text": "I'm going to kill myself tonight."}),
        "{not json",
        json.dumps({"id": "c", "text": "We baked bread and watched a film."}),
        json.dumps({"id": "d"}),
    ])
    result = app.test_cli_runner().invoke(args=["safety", "scan"], input=lines)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "c"]
    assert out[0]["action"] == "urgent" and out[1]["action"] == "allow"
    assert set(out[0]["hits"][0]) >= {"rule", "category", "severity", "start", "end", "text", "cues"}
    assert "line 2" in result.stderr and "line 4" in result.stderr


def test_safety_scan_reads_a_file_and_exits_0_when_every_line_is_good(app, tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_text(json.dumps({"text": "Call or text 988 if you need to talk."}) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["safety", "scan", str(source)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["action"] == "allow"


def test_safety_explain_prints_hits_cues_and_the_verdict(app):
    result = app.test_cli_runner().invoke(args=["safety", "explain", "I will not kill myself, I promise."])
    assert result.exit_code == 0
    assert "negated" in result.stdout
    assert "allow" in result.stdout


def test_safety_scan_before_the_database_is_set_up_uses_the_shipped_rules_and_says_so(tmp_path):
    from config import TestConfig
    from forum import create_app

    class EmptyDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'empty.db'}"

    fresh = create_app(EmptyDatabase)
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["safety", "scan"], input=json.dumps({"text": "kill myself"}))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["action"] == "urgent"
    assert "flask db upgrade" in result.stderr
