"""Shape checks for the rule editor, the rule tester, the audit-log filters, the routing and template editors."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

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


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField("Actor (username)", [Optional(), Length(max=32), readable_text], filters=[strip_filter])
    action = StringField(
        "Action",
        [Optional(), Length(max=64), readable_text],
        filters=[strip_filter],
        description='Exact ("item.reject") or a prefix ending in a dot ("item.").',
    )
    target = StringField(
        "Target",
        [
            Optional(),
            Length(max=64),
            Regexp(
                r"^(?:[a-z_]+(?::\d+)?|:?\d+)$",
                message='Write a type, an id or both, e.g. "review_item:12", "post" or "12".',
            ),
        ],
        filters=[strip_filter],
        description='A type, an id or both: "review_item:12", "post", "12".',
    )
    date_from = DateField("From", [Optional()], name="from", format="%Y-%m-%d")
    date_to = DateField("To", [Optional()], name="to", format="%Y-%m-%d")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("“To” must be on or after “From”.")

    def target_parts(self) -> tuple[str, int | None]:
        """The target filter split into (type, id); either may be empty."""
        kind, _, number = (self.target.data or "").partition(":")
        if kind.isdigit() and not number:
            kind, number = "", kind
        return kind, int(number) if number else None


class RouteForm(FlaskForm):
    visibility = SelectField(
        "Visibility while waiting",
        choices=_choices(("published", "held"), {"held": "held (hidden until a reviewer decides)"}),
    )
    queue = SelectField("Queue", choices=_choices(("crisis", "general")))
    priority = IntegerField(
        "Priority",
        [InputRequired("Give a priority from 0 to 1000."), NumberRange(0, 1000, "Use a number from 0 to 1000.")],
        description="Higher comes first in the queue (imminent is 100 by default).",
    )
    deadline_minutes = IntegerField(
        "Deadline (minutes)",
        [
            InputRequired("Give a deadline in minutes."),
            NumberRange(1, 10080, "Use a number of minutes from 1 to 10080 (one week)."),
        ],
        description="An item still open after this escalates to the admins and the on-call.",
    )
    note = StringField("Why this change", [Optional(), Length(max=300), readable_text])
    submit = SubmitField("Save route")


class MessageTemplateForm(FlaskForm):
    subject = StringField(
        "Subject", [DataRequired("Write a subject."), Length(max=200), readable_text], filters=[strip_filter]
    )
    body = TextAreaField("Message", [DataRequired("Write the message."), Length(max=5000), readable_text])
    submit = SubmitField("Save template")
