"""Shape checks for account forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from forum.privacy.topics import choices as topic_choices
from forum.validators import readable_text, strip_filter

NEW_PASSWORD = {"autocomplete": "new-password"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        [DataRequired(), Length(3, 32), readable_text],
        filters=[strip_filter],
        render_kw={"autocomplete": "username"},
        description="Shown on posts you sign. Letters, digits and underscores.",
    )
    email = EmailField(
        "E-mail",
        [DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[strip_filter],
        render_kw={"autocomplete": "email"},
        description="Never shown to anyone. We send a link there to choose your password.",
    )
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    login = StringField(
        "Username or e-mail",
        [DataRequired(), Length(max=254), readable_text],
        filters=[strip_filter],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField("Password", [DataRequired(), Length(max=256)], render_kw=CURRENT_PASSWORD)
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail", [DataRequired(), Email(check_deliverability=False)], filters=[strip_filter])
    submit = SubmitField("Send reset link")


class _NewPasswordForm(FlaskForm):
    password = PasswordField("New password", [DataRequired(), Length(max=256)], render_kw=NEW_PASSWORD)
    confirm = PasswordField(
        "Repeat new password",
        [DataRequired(), EqualTo("password", "The passwords don't match.")],
        render_kw=NEW_PASSWORD,
    )


class ResetForm(_NewPasswordForm):
    submit = SubmitField("Set new password")


class ConfirmForm(_NewPasswordForm):
    """Choosing the first password, from the sign-up link: this opens the account."""

    submit = SubmitField("Open my account")


class ChangePasswordForm(_NewPasswordForm):
    current = PasswordField("Current password", [DataRequired()], render_kw=CURRENT_PASSWORD)
    submit = SubmitField("Change password")


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New e-mail", [DataRequired(), Email(check_deliverability=False), Length(max=254)], filters=[strip_filter]
    )
    password = PasswordField("Current password", [DataRequired()], render_kw=CURRENT_PASSWORD)
    submit = SubmitField("Change e-mail")


class DeleteAccountForm(FlaskForm):
    mode = RadioField(
        "Your posts",
        choices=[
            SelectChoice("anonymise", "Keep my posts, shown as from “Deleted member” (threads stay as they are)"),
            SelectChoice("remove", "Delete my posts too: each shows as deleted and its text is no longer shown"),
        ],
        default="anonymise",
    )
    password = PasswordField("Password", [DataRequired()])
    confirm = BooleanField("I understand my account can't be restored", [DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Delete my account")


class CollapsedTopicsForm(FlaskForm):
    """The topics a member wants collapsed behind a content note wherever they appear."""

    topics = SelectMultipleField(
        "Topics always collapsed for you",
        choices=[SelectChoice(key, label) for key, label in topic_choices()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    submit = SubmitField("Save content-note topics")


class DigestForm(FlaskForm):
    """Opt in to (or out of) the daily e-mail digest of unread notifications."""

    digest = BooleanField("Send me a daily e-mail with my unread notifications")
    submit = SubmitField("Save e-mail preference")
