"""Shape checks for asking, answering, commenting and editing (meaning is checked in services)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.validators import readable_text, strip_filter

BODY = [DataRequired("Write something first."), Length(20, 30000), readable_text]
COMMENT = [DataRequired("Write a comment first."), Length(2, 600), readable_text]


def _content_note_field() -> StringField:
    return StringField(
        "Content note (optional)",
        [Optional(), Length(max=120), readable_text],
        filters=[strip_filter],
        description="If your post touches on something readers may want warning of, name it here, like "
        "“mentions self-harm”. Readers then see the note first and open the post when they choose.",
    )


def _noindex_field() -> BooleanField:
    return BooleanField(
        "Hide this question from search engines",
        description="Search engines are asked not to list it, and it is left out of the site's news feed. "
        "It stays visible to everyone on Hearth.",
    )


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
    content_note = _content_note_field()
    noindex = _noindex_field()
    practitioner_requested = BooleanField(
        "Ask for answers from verified practitioners",
        description="Practitioners whose specialties match your tags are told about your question.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Post your question")


class AnswerForm(FlaskForm):
    body = TextAreaField("Your answer", BODY)
    anonymous = BooleanField("Answer anonymously")
    content_note = _content_note_field()
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
    content_note = _content_note_field()
    noindex = _noindex_field()
    preview = SubmitField("Preview")
    submit = SubmitField("Save edits")


class CommentEditForm(EditForm):
    """Editing a comment keeps the comment's own length limits; comments take no content note of their own
    (a moderator can still add one when approving) and have no search-engine setting."""

    body = TextAreaField("Comment", COMMENT)
    content_note = None
    noindex = None


class PreviewForm(FlaskForm):
    """The live preview's request: CSRF-checked like every POST."""

    body = TextAreaField("Text", [Length(max=30000), readable_text])


class ActionForm(FlaskForm):
    """An empty form that carries the CSRF token of a button (vote, accept, delete)."""
