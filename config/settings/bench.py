"""Production settings served over plain HTTP on 127.0.0.1, for the benchmarks under bench/."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

from .production import *  # noqa: E402,F403

SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING", "handlers": []}}
