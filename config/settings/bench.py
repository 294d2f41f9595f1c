"""Production settings served over plain HTTP on 127.0.0.1, for the benchmarks under bench/."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
# Every simulated enterprise connects from 127.0.0.1: the per-address limit would measure itself.
os.environ.setdefault("VOUCHER_ORDER_RATE_PER_IP", "1000000/m")

from .production import *  # noqa: F403

SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING", "handlers": []}}
