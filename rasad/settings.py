"""Django settings for Rasad.

Every value that differs between machines comes from an environment variable through the typed
helpers in ``rasad.env``; ``.env.example`` lists them all. A bad value stops start-up with a
message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from rasad.env import (
    SettingError,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)
from rasad.lib.addresses import parse_networks
from rasad.lib.encryption_keys import parse_keys
from rasad.lib.site import public_url_setting

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("RASAD_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("RASAD_DEBUG", False)
TESTING = env_bool("RASAD_TESTING", False)
SECRET_KEY = env_str("RASAD_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise SettingError("RASAD_SECRET_KEY", "a long random string (required unless RASAD_DEBUG=true)", "")

ALLOWED_HOSTS = env_list("RASAD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("RASAD_CSRF_TRUSTED_ORIGINS", [])
USE_HTTPS = env_bool("RASAD_HTTPS", False)

INSTALLED_APPS = [
    # Rasad's apps come first: for a string that several apps translate, the first app's
    # catalog wins, and Rasad's wording must win over the frameworks'.
    "rasad.core",
    "rasad.indicators",
    "rasad.web",
    "rasad.api",
    "rasad.cases",
    "rasad.jobs",
    "rasad.intake",
    "rasad.programs",
    "rasad.greenjobs",
    "rasad.training",
    "rasad.reports",
    "rasad.assessments",
    "rasad.live",
    "rasad.comms",
    "rasad.media",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "rasad.core.middleware.RequestContextMiddleware",
    "rasad.api.middleware.RateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "rasad.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rasad.web.middleware.InputBoundaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rasad.web.middleware.NoStoreMiddleware",
    "rasad.web.middleware.TwoFactorRequiredMiddleware",
    "rasad.core.middleware.SessionTimeoutMiddleware",
    "rasad.web.middleware.UserPreferenceMiddleware",
    "rasad.web.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Admission control (rasad.lib.admission): per worker process, at most ADMISSION_LIMIT requests
# run at once; others wait up to ADMISSION_TIMEOUT_MS in a queue of ADMISSION_QUEUE, then get a
# 503 with Retry-After. docs/development/dependencies.md has the measurements behind the defaults.
ADMISSION_LIMIT = env_int("RASAD_ADMISSION_LIMIT", 4, minimum=1, maximum=256)
ADMISSION_QUEUE = env_int("RASAD_ADMISSION_QUEUE", 64, minimum=0, maximum=10000)
ADMISSION_TIMEOUT_MS = env_int("RASAD_ADMISSION_TIMEOUT_MS", 500, minimum=0, maximum=30000)

ROOT_URLCONF = "rasad.urls"
WSGI_APPLICATION = "rasad.wsgi.application"
ASGI_APPLICATION = "rasad.asgi.application"

# Selects name their empty choice in words (rasad.web.forms.FormRenderer).
FORM_RENDERER = "rasad.web.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rasad.web.context_processors.shell",
            ],
            "builtins": ["rasad.web.templatetags.rasad"],
        },
    }
]

# Databases: embedded SQLite by default; PostgreSQL when DATABASE_URL is set.
# The statements every request sends (a token's, ``users/me``'s) are prepared on each PostgreSQL
# connection the first time it runs them (rasad.lib.prepared). PgBouncer in transaction mode
# passes prepared statements on from version 1.21 with ``max_prepared_statements`` set; behind an
# older one, turn this off.
PREPARED_STATEMENTS = env_bool("RASAD_PG_PREPARED_STATEMENTS", True)
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": database_from_url(
            "DATABASE_URL", DATABASE_URL, pool=env_bool("RASAD_DB_POOL", not TESTING)
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend plus a writer lock: concurrent writers queue in the
            # application, in turn, instead of in SQLite's busy loop (rasad.lib.sqlite). The test
            # suite keeps Django's name for it: its in-memory databases need no lock, and
            # pytest-django recognises SQLite by that name when it names per-worker databases
            # (rasad/lib/tests/test_sqlite_writer.py tests the lock on files of its own).
            "ENGINE": "django.db.backends.sqlite3" if TESTING else "rasad.lib.sqlite",
            "NAME": DATA_DIR / "rasad.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed during a write; FULL makes a committed write survive
                # power loss; IMMEDIATE takes the write lock at BEGIN so that two writers queue
                # on the busy timeout instead of failing with "database is locked" mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                "timeout": env_int("RASAD_SQLITE_BUSY_TIMEOUT", 20, minimum=1, maximum=600),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
# The audit trail's signed checkpoints (docs/security.md): the node's Ed25519 key and the
# append-only checkpoint file live outside the database, where the operator says.
AUDIT_KEY_PATH = Path(env_str("RASAD_AUDIT_KEY_PATH", str(DATA_DIR / "audit" / "node-ed25519.key")))
AUDIT_CHECKPOINT_PATH = Path(
    env_str("RASAD_AUDIT_CHECKPOINT_PATH", str(DATA_DIR / "audit" / "checkpoints.jsonl"))
)
# Public keys (hex) of other nodes whose checkpoints this node trusts, besides its own.
AUDIT_TRUSTED_KEYS = env_list("RASAD_AUDIT_TRUSTED_KEYS", [])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise SettingError("REDIS_URL", "a redis://host:port/db URL", REDIS_URL)
EVENT_CHANNEL = "rasad:events"
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if TESTING and REDIS_URL and _TEST_WORKER.startswith("gw"):
    # Parallel test workers share one Redis server: give each its own database (cache.clear()
    # flushes a whole database) and its own event channel (pub/sub ignores database numbers).
    REDIS_URL = f"{REDIS_URL.rsplit('/', 1)[0]}/{int(_TEST_WORKER[2:]) + 1}"
    EVENT_CHANNEL = f"rasad:events:{_TEST_WORKER}"
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Event bus for pushes that leave after commit: in-process by default, Redis pub/sub across nodes.
EVENT_BUS = env_choice("RASAD_EVENT_BUS", "redis" if REDIS_URL else "local", ("local", "redis"))
if EVENT_BUS == "redis" and not REDIS_URL:
    raise SettingError("RASAD_EVENT_BUS", "'local' unless REDIS_URL is set", EVENT_BUS)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Sessions: an absolute lifetime (cookie age) and an idle timeout enforced by middleware.
SESSION_COOKIE_AGE = env_int("RASAD_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300)
SESSION_IDLE_SECONDS = env_int("RASAD_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if USE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("RASAD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling: counted per (account, client address) so nobody can lock out someone else
# from their own address; see rasad.lib.throttle.
LOGIN_FAILURE_LIMIT = env_int("RASAD_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("RASAD_LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=10)
# API rate limits, requests per minute per credential (token or session) and per client address;
# 0 turns a limit off. Tests turn them on where they test them (rasad.api.middleware).
API_RATE_PER_TOKEN = env_int("RASAD_API_RATE_PER_TOKEN", 0 if TESTING else 1200, minimum=0)
API_RATE_PER_ADDRESS = env_int("RASAD_API_RATE_PER_ADDRESS", 0 if TESTING else 3000, minimum=0)
# The counters of both, shared by every worker: Redis when REDIS_URL is set, else this SQLite
# file on the machine (rasad.lib.counters); each parallel test worker gets its own.
RATE_COUNTER_PATH = DATA_DIR / f"counters{'-' + _TEST_WORKER if TESTING and _TEST_WORKER else ''}.sqlite3"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# the client address used for throttling and in the audit trail (rasad.lib.addresses).
TRUSTED_PROXIES = env_list("RASAD_TRUSTED_PROXIES", [])
try:
    TRUSTED_PROXY_NETWORKS = parse_networks(TRUSTED_PROXIES)
except ValueError:
    raise SettingError(
        "RASAD_TRUSTED_PROXIES",
        "comma-separated addresses or networks (10.0.0.1, 10.0.0.0/8)",
        ",".join(TRUSTED_PROXIES),
    ) from None
# Encryption at rest of what is marked confidential (rasad.lib.encryption): "id:base64key,..."
# with 32-byte keys, the first current; `rasad encryption new-key` makes one. Tests use a fixed key.
ENCRYPTION_KEYS = env_str(
    "RASAD_ENCRYPTION_KEYS",
    "test-1:cmFzYWQtdGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW8=" if TESTING else "",
)
try:
    parse_keys(ENCRYPTION_KEYS)
except ValueError as error:
    raise SettingError("RASAD_ENCRYPTION_KEYS", f"id:base64key,... ({error})", "(hidden)") from None
API_TOKEN_DEFAULT_DAYS = env_int("RASAD_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)
# Days after a reporting period ends within which its values are due (rasad.indicators.deadlines).
REPORT_GRACE_DAYS = env_int("RASAD_REPORT_GRACE_DAYS", 10, minimum=1, maximum=90)
# The longest a token may live, whatever expiry its creator asks for.
API_TOKEN_MAX_DAYS = env_int("RASAD_API_TOKEN_MAX_DAYS", 365, minimum=1, maximum=3650)
# The site's address as people reach it (https://rasad.example.ir), for links in text written
# outside a request: reminders, calendar files (rasad.lib.site). Empty: relative links or none.
RASAD_PUBLIC_URL = public_url_setting("RASAD_PUBLIC_URL", env_str("RASAD_PUBLIC_URL", ""))

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
# rasad.lib is no app, so its catalog is named here (scripts/messages.sh extracts it too).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "lib" / "locale"]
TIME_ZONE = env_str("RASAD_TIME_ZONE", "Asia/Tehran")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "uploads"  # outside the web root; files are served only after an access check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Request size: a body (JSON, form) above RASAD_MAX_BODY_BYTES, or a multipart upload above
# RASAD_MAX_UPLOAD_BYTES, answers 413 before it is read (rasad.web.middleware.InputBoundaryMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("RASAD_MAX_BODY_BYTES", 10 * 1024 * 1024, minimum=1024)
RASAD_MAX_UPLOAD_BYTES = env_int("RASAD_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)
# Background work: Django's Tasks API (django-tasks backport) on the database queue of
# django-tasks-db, so a task is enqueued in the transaction of the action that asks for it.
# ``rasad worker`` runs the tasks; see docs/development/conventions.md ("Background work").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
RASAD_TASK_HEARTBEAT_SECONDS = env_int("RASAD_TASK_HEARTBEAT_SECONDS", 5, minimum=1, maximum=300)
RASAD_TASK_LEASE_SECONDS = env_int("RASAD_TASK_LEASE_SECONDS", 60, minimum=3, maximum=3600)
if RASAD_TASK_LEASE_SECONDS <= 2 * RASAD_TASK_HEARTBEAT_SECONDS:
    raise SettingError(
        "RASAD_TASK_LEASE_SECONDS",
        "more than twice RASAD_TASK_HEARTBEAT_SECONDS",
        str(RASAD_TASK_LEASE_SECONDS),
    )
RASAD_SCHEDULE_TIME_ZONE = "Asia/Tehran"
# Files prepared in the background (exports, reports) are deleted after this many hours.
RASAD_EXPORT_KEEP_HOURS = env_int("RASAD_EXPORT_KEEP_HOURS", 72, minimum=1, maximum=24 * 90)
# Finished work is forgotten after a while (rasad/jobs/tasks.py): tasks that succeeded and records
# of expired files after the first, parked tasks and effect keys after the second; batch ids of
# observation batches (idempotency by request) after the third.
RASAD_FINISHED_TASK_KEEP_DAYS = env_int("RASAD_FINISHED_TASK_KEEP_DAYS", 30, minimum=1, maximum=3650)
RASAD_PARKED_TASK_KEEP_DAYS = env_int("RASAD_PARKED_TASK_KEEP_DAYS", 90, minimum=1, maximum=3650)
RASAD_BATCH_KEEP_DAYS = env_int("RASAD_BATCH_KEEP_DAYS", 30, minimum=1, maximum=3650)
# ``rasad serve`` also runs one worker in-process (the demo needs one command); off in production
# where ``rasad worker`` runs beside the web servers.
RASAD_SERVE_WORKER = env_bool("RASAD_SERVE_WORKER", not DATABASE_URL)

# Live operations (docs/live.md): a device is offline after this many missed heartbeat intervals;
# a device time further ahead of the server than the tolerance is refused; an agent's batch is
# refused whole above these sizes.
RASAD_LIVE_OFFLINE_INTERVALS = env_int("RASAD_LIVE_OFFLINE_INTERVALS", 3, minimum=2, maximum=100)
# A post silent this long (every device offline) opens an incident case: one per outage
# (docs/live.md, "Outages and incidents").
RASAD_LIVE_OUTAGE_MINUTES = env_int("RASAD_LIVE_OUTAGE_MINUTES", 10, minimum=1, maximum=7 * 24 * 60)
RASAD_LIVE_SKEW_TOLERANCE_SECONDS = env_int(
    "RASAD_LIVE_SKEW_TOLERANCE_SECONDS", 300, minimum=1, maximum=86400
)
RASAD_LIVE_MAX_BATCH_BYTES = env_int(
    "RASAD_LIVE_MAX_BATCH_BYTES", 256 * 1024, minimum=1024, maximum=16 * 1024**2
)
RASAD_LIVE_MAX_BATCH_ITEMS = env_int("RASAD_LIVE_MAX_BATCH_ITEMS", 500, minimum=1, maximum=10_000)
# Agents' batches that a worker holds at the same moment share one transaction and one commit
# (rasad.live.group_commit; docs/live.md, "How single events are committed"). Off: one each.
RASAD_LIVE_GROUP_COMMIT = env_bool("RASAD_LIVE_GROUP_COMMIT", True)
# Server-sent events: a tab whose queue holds more than this many events is told to refetch.
RASAD_LIVE_CLIENT_QUEUE = env_int("RASAD_LIVE_CLIENT_QUEUE", 256, minimum=8, maximum=100_000)
# Under a threaded WSGI server each open stream holds a thread: at most this many per process
# (the ASGI server holds none; docs/live.md says how to route streams to it).
RASAD_LIVE_THREAD_STREAMS = env_int("RASAD_LIVE_THREAD_STREAMS", 8, minimum=1, maximum=256)
# The ASGI server holds each open stream as a request in progress: how many one worker serves at
# once (granian's backpressure; its own default, 1,024, would leave the next stream waiting).
RASAD_LIVE_ASGI_STREAMS = env_int("RASAD_LIVE_ASGI_STREAMS", 10_000, minimum=16, maximum=1_000_000)
# The ASGI server's HTTP/1 buffer per connection (granian's --http1-buffer-size), which bounds a
# request's head: at its least, 8 KiB, an idle stream costs 11 KiB less than at granian's default
# of 408 KiB (bench/live.py), and a head over 8 KiB is refused with 431 (nginx's own default
# bound on one header line is 8 KiB too).
RASAD_LIVE_ASGI_BUFFER_BYTES = env_int(
    "RASAD_LIVE_ASGI_BUFFER_BYTES", 8192, minimum=8192, maximum=4 * 1024**2
)
# How long a stream trusts the organizations it computed for its user before computing them again.
RASAD_LIVE_SCOPE_SECONDS = env_int("RASAD_LIVE_SCOPE_SECONDS", 10, minimum=1, maximum=3600)

EMAIL_BACKEND = env_str("RASAD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("RASAD_DEFAULT_FROM_EMAIL", "rasad@localhost")
# Where django.core.mail.backends.filebased.EmailBackend writes messages (one file per message).
EMAIL_FILE_PATH = env_str("RASAD_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rasad.api.authentication.TokenAuthentication",
        "rasad.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bodies are JSON; the operations that take a file declare the multipart parser themselves.
    "DEFAULT_PARSER_CLASSES": ["rasad.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rasad.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["rasad.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "rasad.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "rasad.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "rasad.api.negotiation.ContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rasad API",
    "DESCRIPTION": "REST API of Rasad, a Persian-first monitoring and coordination platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: the docs page talks to this server only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name with another app's get a name of their own (the comms
    # app's kind, status, priority and direction; the cases' sets they would be confused with).
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeKindEnum": "rasad.programs.choices.ProgrammeKind",
        "InstrumentKindEnum": "rasad.assessments.choices.InstrumentKind",
        "InstrumentPartKindEnum": "rasad.assessments.choices.InstrumentPartKind",
        "ReviewKindEnum": "rasad.assessments.choices.ReviewKind",
        "LiveStatusEnum": "rasad.live.choices.Status",
        "LiveSeverityEnum": "rasad.live.choices.Severity",
        "CrisisSeverityEnum": "rasad.media.choices.Severity",
        "IndicatorSeverityEnum": "rasad.indicators.choices.Severity",
        "CaseKindEnum": "rasad.cases.choices.CaseKind",
        "CasePriorityEnum": "rasad.cases.choices.Priority",
        "CommsPriorityEnum": "rasad.comms.choices.Priority",
        "CommsDirectionEnum": "rasad.comms.choices.Direction",
        "EnvelopeKindEnum": "rasad.comms.choices.EnvelopeKind",
        "DeliveryKindEnum": "rasad.comms.choices.DeliveryKind",
        "DeliveryStatusEnum": "rasad.comms.choices.DeliveryStatus",
        "PeerStatusEnum": "rasad.comms.choices.PeerStatus",
        "JointTaskStatusEnum": "rasad.comms.choices.TaskStatus",
        "KeyStateEnum": "rasad.comms.choices.KeyState",
        "KeyPurposeEnum": "rasad.comms.choices.KeyPurpose",
    },
}

# Centre-to-centre messages (rasad.comms, docs/comms.md). The operator key seals the centres'
# private keys at rest: 32 random bytes in base64 (``rasad comms generate-key``), given in
# RASAD_COMMS_KEY or, better, in the file named by RASAD_COMMS_KEY_FILE. It never enters the
# database; without it a node can neither send nor read messages.
COMMS_KEY = env_str("RASAD_COMMS_KEY", "")
if (DEBUG or TESTING) and not COMMS_KEY:
    # Like the development SECRET_KEY above: public, for development and tests only.
    COMMS_KEY = "cmFzYWQtdGVzdC1vcGVyYXRvci1rZXktbm90LXNlY3I="
# Where peers push to this node (its public base URL); goes into the centres' signed bundles.
COMMS_NODE_URL = env_str("RASAD_COMMS_NODE_URL", "http://127.0.0.1:8000/")
COMMS_ROTATION_DAYS = env_int("RASAD_COMMS_ROTATION_DAYS", 30, minimum=1, maximum=365)
COMMS_GRACE_DAYS = env_int("RASAD_COMMS_GRACE_DAYS", 14, minimum=0, maximum=365)
COMMS_MAX_ATTACHMENT_MB = env_int("RASAD_COMMS_MAX_ATTACHMENT_MB", 10, minimum=1, maximum=100)
# Plain http:// to a peer only for loopback and explicit development set-ups; HTTPS otherwise.
COMMS_ALLOW_HTTP = env_bool("RASAD_COMMS_ALLOW_HTTP", DEBUG or TESTING)
COMMS_CA_FILE = env_str("RASAD_COMMS_CA_FILE", "")
COMMS_PUSH_TIMEOUT_SECONDS = env_int("RASAD_COMMS_PUSH_TIMEOUT_SECONDS", 20, minimum=1, maximum=600)
# The outbox retries an unreachable peer after 5 s, 10 s, 20 s ... up to this many seconds apart.
COMMS_RETRY_MAX_SECONDS = env_int("RASAD_COMMS_RETRY_MAX_SECONDS", 600, minimum=1, maximum=86400)
# Envelopes the inbox takes from one peer (per client address) per minute; more are answered
# 429 and the peer's outbox retries later (rasad.comms.throttle).
COMMS_INBOX_PER_MINUTE = env_int("RASAD_COMMS_INBOX_PER_MINUTE", 1200, minimum=1, maximum=1_000_000)

LOG_LEVEL = env_choice("RASAD_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
