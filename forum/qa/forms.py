"""Shape checks for asking, answering, commenting and editing (meaning is checked in services)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.validators import readable_text, strip_filter

BODY = [DataRequired("Write something first."), Length(20, 30000), readable_text]
COMMENT = [DataRequired("Write a comment first."), Length(2, 600), readable_text]


class AskForm(FlaskForm):
    title = StringField(
        "Title",
        [DataRequired("Give your question a title."), Length(15, 150), readable_text],
        filters=[strip_filter],
        description="A short question, like you would ask a friend: at least 15 characters.",
    )
    body = TextAreaField("Your question", BODY, description="Markdown works: **bold**, *italics*, lists, > quotes.")
    tags = StringField(
        "Tags",
        [DataRequired("Add at least one tag."), Length(max=200), readable_text],
        description="One to five, separated by commas or spaces.",
    )
    anonymous = BooleanField("Post anonymously (only moderators can see it was you)")
    preview = SubmitField("Preview")
    submit = SubmitField("Post your question")


class AnswerForm(FlaskForm):
    body = TextAreaField("Your answer", BODY)
    anonymous = BooleanField("Answer anonymously")
    preview = SubmitField("Preview")
    submit = SubmitField("Post your answer")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", COMMENT)
    submit = SubmitField("Add comment")


class EditForm(FlaskForm):
    title = StringField("Title", [Optional(), Length(15, 150), readable_text], filters=[strip_filter])
    body = TextAreaField("Text", BODY)
    tags = StringField("Tags", [Optional(), Length(max=200), readable_text])
    comment = StringField(
        "Edit summary", [Optional(), Length(max=200), readable_text], description="Optional: what you changed and why."
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save edits")


class CommentEditForm(EditForm):
    """Editing a comment keeps the comment's own length limits."""

    body = TextAreaField("Comment", COMMENT)


class PreviewForm(FlaskForm):
    """The live preview's request: CSRF-checked like every POST."""

    body = TextAreaField("Text", [Length(max=30000), readable_text])


class ActionForm(FlaskForm):
    """An empty form that carries the CSRF token of a button (vote, accept, delete)."""
