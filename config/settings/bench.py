"""Production settings served over plain HTTP on 127.0.0.1, for the benchmarks under bench/.

As in production, the cache is Redis (``BENCH_REDIS_URL``, default database 11 on the local server, which the
benchmark empties before it starts): rate limits, the sold-out flag and sessions are shared by every
gunicorn worker. Sessions use the ``cached_db`` engine — read from Redis, written through to the database —
so an authenticated API request costs no session query.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
# Every simulated enterprise connects from 127.0.0.1: the per-address limit would measure itself.
os.environ.setdefault("VOUCHER_ORDER_RATE_PER_IP", "1000000/m")
# The benchmark's enterprises order more often than one a minute would (every phase, for every server); the
# limit is still counted on every submission, as in production.
os.environ.setdefault("VOUCHER_ORDER_RATE_PER_ENTERPRISE", "100000/m")

from .production import *  # noqa: F403

SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING", "handlers": []}}
