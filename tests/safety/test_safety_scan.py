"""The scan() API, its JSON form, the CLI helpers, and the package's independence from Flask."""

import io
import json
import subprocess
import sys
from pathlib import Path

from forum.safety import ACTIONS, CATEGORIES, SEVERITIES, default_ruleset, explain, scan, scan_jsonl

ROOT = Path(__file__).resolve().parents[2]


def test_severities_map_to_actions():
    assert ACTIONS == {"imminent": "urgent", "high": "urgent", "elevated": "review", "routine": "review",
                       "none": "allow"}
    assert scan("I'm going to kill myself tonight").action == "urgent"
    assert scan("Some nights I wish I wouldn't wake up.").action == "review"
    assert scan("Had a lovely walk by the sea today.").action == "allow"


def test_a_verdict_lists_its_categories_and_hits():
    verdict = scan("I'm going to kill myself tonight. Buy xanax without prescription, whatsapp +1 555 014 2889")
    assert verdict.severity == "imminent"
    assert verdict.categories == ("suicide", "spam", "personal_info")
    assert set(verdict.categories) <= set(CATEGORIES)
    hit = next(hit for hit in verdict.hits if hit.rule == "suicide.act.kill_myself")
    assert (hit.version, hit.category, hit.base_severity, hit.severity, hit.log_only) == (
        1, "suicide", "high", "imminent", False)
    assert hit.severity in SEVERITIES


def test_hit_offsets_point_at_the_original_text_through_invisible_and_lookalike_characters():
    text = "Final message. I'm going to k\u0456\u200bll m\u200dyself to\u200bnight."
    verdict = scan(text)
    [hit] = [hit for hit in verdict.hits if hit.rule == "suicide.act.kill_myself"]
    assert hit.text == text[hit.start:hit.end] == "k\u0456\u200bll m\u200dyself"


def test_to_dict_is_json_ready():
    verdict = scan("i want to die, text me on 07700 900461")
    data = json.loads(json.dumps(verdict.to_dict()))
    assert set(data) == {"action", "severity", "categories", "hits"}
    assert data["categories"] == list(verdict.categories)
    fields = {"rule", "version", "category", "severity", "start", "end", "text", "cues", "log_only"}
    assert fields <= set(data["hits"][0])


def test_the_default_ruleset_is_compiled_once():
    assert default_ruleset() is default_ruleset()
    assert scan("kms", default_ruleset()) == scan("kms")


def test_scan_jsonl_writes_one_verdict_per_line_in_order():
    lines = [json.dumps({"id": "a", "text": "I want to die"}), "", json.dumps({"text": "lovely day"}),
             json.dumps({"id": 3, "text": "kms tonight"})]
    out, err = io.StringIO(), io.StringIO()
    assert scan_jsonl(io.StringIO("\n".join(lines) + "\n"), out, err) == 0
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["id"], r["action"]) for r in results] == [("a", "review"), (None, "allow"), (3, "urgent")]
    assert list(results[0]) == ["id", "action", "severity", "categories", "hits"]
    assert {"rule", "category", "severity", "start", "end", "text", "cues"} <= set(results[0]["hits"][0])
    assert err.getvalue() == ""


def test_scan_jsonl_reports_bad_lines_by_number_and_carries_on():
    lines = ['{"text": "fine"}', "{not json", '{"id": 1}', '{"text": 5}', '["text"]', '{"text": "kms"}']
    out, err = io.StringIO(), io.StringIO()
    assert scan_jsonl(io.StringIO("\n".join(lines)), out, err) == 1
    messages = err.getvalue().splitlines()
    assert [message.split(":")[0] for message in messages] == ["line 2", "line 3", "line 4", "line 5"]
    assert "invalid JSON" in messages[0] and '"text"' in messages[1]
    assert [json.loads(line)["action"] for line in out.getvalue().splitlines()] == ["allow", "review"]


def test_explain_shows_the_normalised_text_each_hit_each_cue_and_the_verdict():
    report = explain("I'm going to k1ll myself tonight")
    assert "i'm going to kill myself tonight" in report
    assert "suicide.act.kill_myself v1" in report and "'k1ll myself'" in report
    assert "cue immediacy: 'tonight'" in report
    assert report.splitlines()[-1] == "verdict: urgent (severity imminent; categories: suicide)"
    assert explain("a calm day").splitlines()[-2:] == ["no rule matched",
                                                      "verdict: allow (severity none; categories: none)"]


def test_the_package_imports_and_scans_without_flask():
    program = (
        "import sys, types\n"
        f"package = types.ModuleType('forum'); package.__path__ = [{str(ROOT / 'forum')!r}]\n"
        "sys.modules['forum'] = package\n"
        "from forum.safety import Rule, compile_ruleset, scan\n"
        "rules = compile_ruleset([Rule(id='t', pattern='kms', category='suicide', severity='high')], cues=[])\n"
        "assert scan('kms tonight', rules).action == 'urgent'\n"
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules\n"
        "assert not [name for name in sys.modules if name.startswith('forum.')\n"
        "            and not name.startswith('forum.safety')]\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
