"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the CLI."""

import gc
import os

from config import Config, DevelopmentConfig
from forum import create_app

app = create_app(DevelopmentConfig if os.environ.get("FORUM_ENV") == "development" else Config)
# Objects made at start-up live for the whole process: keep the garbage collector from
# rescanning them on every collection (it caused the slow tail on long thread pages).
gc.freeze()
