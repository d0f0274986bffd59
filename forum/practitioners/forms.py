"""Shape checks for applying as a practitioner and for revoking a verification (meaning is checked in services)."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from forum.practitioners.models import PROFESSION_NAMES
from forum.validators import readable_text, strip_filter


class ApplicationForm(FlaskForm):
    profession = SelectField(
        "Profession",
        [DataRequired("Choose your profession.")],
        choices=[SelectChoice("", "Choose…")] + [SelectChoice(p.value, name) for p, name in PROFESSION_NAMES.items()],
    )
    profession_other = StringField(
        "If other: your profession",
        [Optional(), Length(max=60), readable_text],
        filters=[strip_filter],
        description="For example: psychiatric nurse practitioner.",
    )
    licence_number = StringField(
        "Licence number",
        [DataRequired("Give your licence number."), Length(2, 60), readable_text],
        filters=[strip_filter],
        description="Moderators check it with the issuing board; your profile shows it so readers can too.",
    )
    jurisdiction = StringField(
        "Issuing jurisdiction (state or country)",
        [DataRequired("Say which state or country issued the licence."), Length(2, 80), readable_text],
        filters=[strip_filter],
        description="Shown on your badge, for example Georgia or Ireland.",
    )
    specialties = StringField(
        "Specialties",
        [DataRequired("Name at least one specialty."), Length(max=300), readable_text],
        description="Up to 8, separated by commas: depression, grief, couples. Questions with matching tags "
        "that ask for a practitioner are sent to you.",
    )
    region = StringField(
        "City or region",
        [DataRequired("Say where you practise."), Length(2, 100), readable_text],
        filters=[strip_filter],
        description="Where people can find you in the directory, for example Atlanta, Georgia.",
    )
    website = StringField(
        "Website (optional)",
        [Optional(), Length(max=200), readable_text],
        filters=[strip_filter],
        description="Shown on your profile only: answers can't link to your own practice.",
    )
    statement = TextAreaField(
        "A short statement",
        [DataRequired("Write a few words about your practice."), Length(20, 1000), readable_text],
        description="How you work and what you can help with (20–1000 characters). Shown on your profile.",
    )
    submit = SubmitField("Send application")


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Why (the practitioner reads this)", [DataRequired("Say why."), Length(5, 1000), readable_text]
    )
    submit = SubmitField("Revoke verification")
