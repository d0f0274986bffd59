"""Shape checks for flags, decisions and messages to the moderators."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from forum.moderation.models import FLAG_LABELS
from forum.validators import readable_text


class FlagForm(FlaskForm):
    reason = RadioField(
        "What's wrong?",
        [DataRequired("Choose a reason.")],
        choices=[SelectChoice(reason.value, label) for reason, label in FLAG_LABELS.items()],
    )
    note = TextAreaField(
        "Anything the moderators should know? (needed for “Something else”)",
        [Optional(), Length(max=500), readable_text],
    )
    submit = SubmitField("Send to the moderators")


class DecisionForm(FlaskForm):
    note = StringField("Content note readers will see", [Optional(), Length(max=200), readable_text])
    reason = TextAreaField("Why (the author reads this)", [Optional(), Length(max=1000), readable_text])
    body = TextAreaField("Edited text", [Optional(), Length(max=30000), readable_text])
    message = TextAreaField("Message", [Optional(), Length(max=2000), readable_text])


class ContactForm(FlaskForm):
    text = TextAreaField("Your message to the moderators", [DataRequired(), Length(5, 2000), readable_text])
    submit = SubmitField("Send")
