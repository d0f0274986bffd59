"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the CLI."""

import os

from config import Config, DevelopmentConfig
from forum import create_app

app = create_app(DevelopmentConfig if os.environ.get("FORUM_ENV") == "development" else Config)
