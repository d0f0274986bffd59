"""Shape checks for the rule editor and the rule tester."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forum import safety
from forum.validators import readable_text, strip_filter


def _choices(values, labels=None):
    labels = labels or {}
    return [SelectChoice(v, labels.get(v, v.replace("_", " "))) for v in values]


class RuleForm(FlaskForm):
    rule_id = StringField(
        "Rule id",
        [DataRequired(), Length(3, 100), Regexp(r"^[a-z0-9_.-]+$", message="Use lower-case letters, digits, . _ -")],
        filters=[strip_filter],
        description="Stable and descriptive, e.g. suicide.intent.end_it_all. Reusing a shipped rule's id overrides it.",
    )
    kind = SelectField("Kind", choices=_choices(("phrase", "regex")))
    pattern = TextAreaField(
        "Pattern",
        [DataRequired(), Length(max=2000), readable_text],
        description="Phrase: words, `..` for a short gap, `*` at a word's end for any ending. Regex: Python syntax.",
    )
    category = SelectField("Category", choices=_choices(safety.CATEGORIES))
    severity = SelectField("Base severity", choices=_choices(tuple(reversed(safety.SEVERITIES[1:]))))
    state = SelectField(
        "State",
        choices=_choices(("active", "log_only", "disabled"), {"log_only": "log only (counted, never acts)"}),
    )
    note = StringField("Why this change", [Optional(), Length(max=300), readable_text])
    submit = SubmitField("Save rule")


class RuleTestForm(FlaskForm):
    text = TextAreaField("Text to test", [DataRequired("Paste some text to test."), Length(max=20000), readable_text])
    submit = SubmitField("Test")
