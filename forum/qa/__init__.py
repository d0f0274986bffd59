"""Questions, answers, comments, votes, tags and revisions."""
