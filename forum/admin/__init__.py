"""Administration: safety rules managed in the database, with their history and hit counts."""
