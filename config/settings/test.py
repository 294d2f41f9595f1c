"""Test settings: fast hashing, in-memory e-mail, no secure cookies, uploads in a temporary folder."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Concurrency tests need real file locking: SQLite's shared-cache in-memory database refuses instead of waiting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so parallel runs never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
# Files uploaded by a test run go to a folder of its own, removed when the run ends (never var/media).
if "MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="voucher-test-media-"))  # noqa: F405
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
# Tasks run in the test process (after commit, like on a worker) unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
# A queue per test process, so parallel runs against one RabbitMQ never take each other's messages.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get(
    "CELERY_TASK_DEFAULT_QUEUE", f"voucher-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
CACHES["progress"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"}  # noqa: F405
# Tests move the frozen clock by days within one login; the idle-timeout tests set the production values.
VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES = VOUCHER_IDLE_TIMEOUT_MINUTES = 10 * 366 * 24 * 60
