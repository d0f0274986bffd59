"""Community: follows, bookmarks and @mentions, and the notifications that Q&A activity sends."""
