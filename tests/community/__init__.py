"""Tests of follows, bookmarks, community notifications (answers, comments, accepts, mentions) and the digest."""
