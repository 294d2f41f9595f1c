"""The demo (``scripts/run``): DEBUG off so visitors see the platform's Chinese error pages, never Django's
debug pages (which list every URL pattern); WhiteNoise serves the static files straight from the apps."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = SECRET_KEY or "demo-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")  # noqa: F405
# The demo is served over plain HTTP on this machine.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
VOUCHER_NOTIFICATION_SENDERS = env_list(  # noqa: F405
    "VOUCHER_NOTIFICATION_SENDERS", "voucher.core.notifications.senders.ConsoleSender"
)
