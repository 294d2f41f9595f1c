"""The Celery application: background work, the schedule (django-celery-beat) and outside notifications.

Workers and the scheduler start with ``celery -A config worker`` and ``celery -A config beat``; the broker
comes from ``CELERY_BROKER_URL`` (see ``config/settings/base.py`` and the operations guide).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("voucher")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
