"""Moderation: routing risky posts to review queues, claims, decisions, member flags, deadlines."""
