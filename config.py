"""Application settings, read from environment variables (one place for every knob)."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-secret-change-me"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for running the forum. Production is the default, so secrets are required."""

    ENV_NAME = os.environ.get("FORUM_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'forum.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour")
    POST_RATE_LIMIT = os.environ.get("POST_RATE_LIMIT", "6 per minute;60 per hour")
    VOTE_RATE_LIMIT = os.environ.get("VOTE_RATE_LIMIT", "60 per minute")
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "30 per minute;300 per hour")
    SIMILAR_RATE_LIMIT = os.environ.get("SIMILAR_RATE_LIMIT", "60 per minute")
    EXPORT_RATE_LIMIT = os.environ.get("EXPORT_RATE_LIMIT", "5 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Hearth <no-reply@hearth.invalid>")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")

    # Shown to the author of a post that may be about a crisis, and on /help. Override with a JSON
    # list of {"name", "how", "where"} objects in FORUM_CRISIS_RESOURCES.
    CRISIS_RESOURCES = json.loads(os.environ.get("FORUM_CRISIS_RESOURCES", "null")) or [
        {"name": "988 Suicide & Crisis Lifeline", "how": "Call or text 988", "where": "United States"},
        {"name": "Crisis Text Line", "how": "Text HOME to 741741", "where": "United States"},
        {"name": "Samaritans", "how": "Call 116 123, free, any time", "where": "UK and Ireland"},
        {
            "name": "Other countries",
            "how": "Find a local line at findahelpline.com, or call your local emergency number",
            "where": "Everywhere else",
        },
    ]
    # Numbers the safety engine treats as resources, never as someone's personal information.
    HOTLINE_NUMBERS = os.environ.get("FORUM_HOTLINE_NUMBERS", "988,741741,116123,85258,08001110111,911,999,112").split(
        ","
    )

    # Moderation: pre-moderation of new accounts, member flags, claims.
    NEW_MEMBER_POSTS = int(os.environ.get("FORUM_NEW_MEMBER_POSTS", "2"))
    NEW_MEMBER_DAYS = int(os.environ.get("FORUM_NEW_MEMBER_DAYS", "3"))
    FLAGS_TO_HIDE = int(os.environ.get("FORUM_FLAGS_TO_HIDE", "3"))
    CLAIM_MINUTES = int(os.environ.get("FORUM_CLAIM_MINUTES", "10"))
    FLAG_RATE_LIMIT = os.environ.get("FLAG_RATE_LIMIT", "10 per hour")

    QUESTIONS_PER_PAGE = 20
    SEARCH_PER_PAGE = 20
    MIN_PASSWORD_LENGTH = 10


class DevelopmentConfig(Config):
    """`make run`: local SQLite, plain-HTTP cookies, the development secret allowed."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestConfig(Config):
    """The test suite: a throwaway database (SQLite, or FORUM_TEST_DATABASE_URL), fast hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("FORUM_TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "1000 per minute"
    REGISTER_RATE_LIMIT = "1000 per minute"
    POST_RATE_LIMIT = "1000 per minute"
    VOTE_RATE_LIMIT = "1000 per minute"
    SEARCH_RATE_LIMIT = "1000 per minute"
    SIMILAR_RATE_LIMIT = "1000 per minute"
    FLAG_RATE_LIMIT = "1000 per minute"
    # Fresh test accounts would otherwise have their first posts held; the pre-moderation tests turn it on.
    NEW_MEMBER_POSTS = 0
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
