"""Local development: DEBUG on, a fixed throw-away secret key, SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Outside notifications are written to the log in development; configure e-mail/SMS senders in production.
VOUCHER_NOTIFICATION_SENDERS = env_list(  # noqa: F405
    "VOUCHER_NOTIFICATION_SENDERS", "voucher.core.notifications.senders.ConsoleSender"
)
