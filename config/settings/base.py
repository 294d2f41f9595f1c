"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "django_bootstrap5",
    "voucher.core",
    "voucher.accounts",
    "voucher.programmes",
    "voucher.enterprises",
    "voucher.applications",
    "voucher.reviews",
    "voucher.catalogue",
    "voucher.orders",
    "voucher.contracts",
    "voucher.claims",
    "voucher.payouts",
    "voucher.enforcement",
    "voucher.dashboards",
    "voucher.tasks",
    "voucher.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A body larger than the upload limit is refused from its Content-Length, before it is read.
    "voucher.core.middleware.RefuseOversizedBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Language selection and flash messages serve pages only: JSON API requests skip them (voucher.core).
    "voucher.core.middleware.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff with a second factor finish the code step before any other page (voucher.accounts).
    "voucher.accounts.middleware.SecondFactorMiddleware",
    "voucher.core.middleware.PageMessagesMiddleware",
    # Sessions unused for longer than their idle timeout are logged out (voucher.accounts).
    "voucher.accounts.middleware.IdleTimeoutMiddleware",
    # A form submitted twice (double click, back and resend) is acted on once (voucher.core).
    "voucher.core.middleware.OneTimeFormTokenMiddleware",
    # Page query strings with NUL never reach a database filter (voucher.core).
    "voucher.core.middleware.RefuseNulInQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A submission to the order API for a product known to be sold out is answered here (voucher.orders).
    "voucher.orders.middleware.SoldOutAnswerMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes requires: counts failed logins and locks out brute force.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# Form fields are rendered by django-bootstrap5 (partials/field.html): labels above fields, no placeholder
# copied from the label, ``is-invalid`` on a field with an error and nothing on a valid one.
BOOTSTRAP5 = {
    "set_placeholder": False,
    "server_side_validation": True,
    "success_css_class": "",
    "error_css_class": "has-error",
    "required_css_class": "",
    "wrapper_class": "field",
    "field_renderers": {"default": "voucher.core.bootstrap.PlatformFieldRenderer"},
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "voucher" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "voucher.core.context_processors.platform",
            ],
            # {% form_token %} in every form that posts (voucher.core.middleware.OneTimeFormTokenMiddleware);
            # {% status_badge %} and {% tone_badge %} on every page (voucher.core.tones).
            "builtins": ["voucher.core.templatetags.once", "voucher.core.templatetags.tones"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# SQLite (WAL, see voucher.core.apps) by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "voucher.accounts.backends.PasswordBackend",
    "voucher.accounts.identity.ExternalIdentityBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "voucher" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploads are at most VOUCHER_UPLOAD_MAX_BYTES (20 MB) each, one per request; a request body may carry
# 1 MB more for the form's fields. Non-file form data is limited to Django's 2.5 MB.
VOUCHER_UPLOAD_MAX_BYTES = int(os.environ.get("VOUCHER_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
VOUCHER_REQUEST_MAX_BYTES = VOUCHER_UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "voucher" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Reverse proxies in front of the app servers that append to X-Forwarded-For (0: reached directly). The
# client address every throttle counts by is read behind them (voucher.core.clientip).
TRUSTED_PROXY_COUNT = int(os.environ.get("VOUCHER_TRUSTED_PROXY_COUNT", "0"))

# Login throttling (django-axes): 5 failures per username and address lock that pair out for 15 minutes
# (voucher.accounts.throttle).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "voucher.core.clientip.client_ip"
# Password spraying: failures for this many different usernames from one address lock the address out.
AXES_HANDLER = "voucher.accounts.throttle.LoginThrottleHandler"
VOUCHER_LOGIN_SPRAY_LIMIT = int(os.environ.get("VOUCHER_LOGIN_SPRAY_LIMIT", "10"))

# Optional TOTP second factor for reviewers and admins (django-otp). When required, staff without one
# must set it up before using any other page.
VOUCHER_REQUIRE_TOTP_FOR_STAFF = env_bool("VOUCHER_REQUIRE_TOTP_FOR_STAFF", False)
OTP_TOTP_ISSUER = "北京市中小企业服务券平台"

# Legal names of the platform's own bodies, refused for any other organisation (compared by
# voucher.core.text.identifier_key); the names of the authority and the review bodies on the platform are
# reserved as well.
VOUCHER_RESERVED_ORGANISATION_NAMES = env_list(
    "VOUCHER_RESERVED_ORGANISATION_NAMES",
    "北京市经济和信息化局,市经济和信息化局,北京市经信局,市经信局,经济和信息化局",
)
# Optional registry check of a new legal name: a dotted path to ``check(uscc, name) -> bool | None``
# (True approves, False refuses, None leaves the change to the Bureau). Empty: the Bureau decides.
VOUCHER_NAME_REGISTRY_CHECK = os.environ.get("VOUCHER_NAME_REGISTRY_CHECK", "")
# Idle timeout of a session: reviewers and the Bureau's staff (who approve payouts and sanctions) sooner.
VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES = int(os.environ.get("VOUCHER_IDLE_TIMEOUT_STAFF_MINUTES", "30"))
VOUCHER_IDLE_TIMEOUT_MINUTES = int(os.environ.get("VOUCHER_IDLE_TIMEOUT_MINUTES", "120"))

# Rate limits for order submission (django-ratelimit, counted in the cache): per enterprise and per address.
VOUCHER_ORDER_RATE_PER_ENTERPRISE = os.environ.get("VOUCHER_ORDER_RATE_PER_ENTERPRISE", "20/m")
VOUCHER_ORDER_RATE_PER_IP = os.environ.get("VOUCHER_ORDER_RATE_PER_IP", "300/m")
RATELIMIT_VIEW = "voucher.core.views.rate_limited"
# Anonymous objections to a public notice (products or payouts): per client address and per notice.
VOUCHER_OBJECTION_RATE_PER_IP = os.environ.get("VOUCHER_OBJECTION_RATE_PER_IP", "5/h")
VOUCHER_OBJECTION_RATE_PER_NOTICE = os.environ.get("VOUCHER_OBJECTION_RATE_PER_NOTICE", "200/h")

# Redis in production (REDIS_URL) so limits and sessions hold across app servers; local memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "voucher.core.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Redis down or unreachable costs a request at most these seconds per cache call, never a hang.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    # Sessions read from the shared cache and written through to the database (one query less per request);
    # with the cache down they are read from the database (voucher.core.sessions).
    SESSION_ENGINE = "voucher.core.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Progress of running jobs, read by the web process while a worker writes it: one store every process
# shares (Redis in production, files under var/ on one machine).
CACHES["progress"] = (
    {
        "BACKEND": "voucher.core.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "progress",
    }
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / "var" / "cache" / "progress"),
    }
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Pages may not be framed; the material preview view allows its own origin (xframe_options_sameorigin).
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@voucher.example")

# Notification senders run after commit, each failure logged and never rolling back the business change.
VOUCHER_NOTIFICATION_SENDERS = env_list(
    "VOUCHER_NOTIFICATION_SENDERS", "voucher.core.notifications.senders.EmailSender"
)

# Background work (Celery, voucher.tasks). Production: RabbitMQ with durable queues and late
# acknowledgement, so a worker that dies mid-task leaves the message to another worker. Without
# CELERY_BROKER_URL the broker is kombu's SQLAlchemy transport on a SQLite file: no extra server.
CELERY_BROKER_URL = os.environ.get(
    "CELERY_BROKER_URL", f"sqla+sqlite:///{BASE_DIR / 'var' / 'celery.sqlite3'}"
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "voucher")
CELERY_TASK_QUEUE_DURABLE = True
CELERY_TASK_DEFAULT_DELIVERY_MODE = "persistent"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Redis as broker: an unacknowledged task goes back to the queue after this long (longer than any job).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    }
DJANGO_CELERY_BEAT_TZ_AWARE = True

# Outside notifications: attempts before a delivery is marked failed, and the first retry delay
# (doubled on every further attempt).
VOUCHER_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("VOUCHER_DELIVERY_MAX_ATTEMPTS", "5"))
VOUCHER_DELIVERY_RETRY_SECONDS = int(os.environ.get("VOUCHER_DELIVERY_RETRY_SECONDS", "60"))
# An outbox row still pending this long after it was due is published again.
VOUCHER_OUTBOX_STALE_SECONDS = int(os.environ.get("VOUCHER_OUTBOX_STALE_SECONDS", "180"))
# SMS gateway for the SMS channel; the console gateway writes messages to the log.
VOUCHER_SMS_GATEWAY = os.environ.get(
    "VOUCHER_SMS_GATEWAY", "voucher.core.notifications.sms.ConsoleSmsGateway"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Libraries that report routine work at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("pikepdf", "fontTools", "axes")},
}
