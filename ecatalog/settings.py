"""Settings for E-Katalog Lokal.

Everything that differs between a laptop and production comes from the
environment (django-environ); the defaults run the demo on SQLite.
"""

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# This key is public (it is in the repository): fine for a developer's machine, fatal in
# production, where anyone holding it can forge sessions, password-reset links and signed cookies.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default="").strip()
if not DEBUG and (
    not SECRET_KEY
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith(("dev-only-", "django-insecure-"))
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is a development key while DEBUG=0. Set SECRET_KEY to a long random "
        "value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))', or set DEBUG=1 on a "
        "developer's machine."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The city this installation serves; any Indonesian city sets its own.
CITY_NAME = env("CITY_NAME", default="Kota Batu")
AGENCY_NAME = env("AGENCY_NAME", default="BPBJ Setda Kota Batu")
TARGET_PRODUCTS = env.int("TARGET_PRODUCTS", default=2500)
TARGET_SPENDING = env.int("TARGET_SPENDING", default=105_000_000_000)
TARGET_LOCAL_SHARE = Decimal(env("TARGET_LOCAL_SHARE", default="40"))

# E-purchasing rules.
PPN_RATE = Decimal(env("PPN_RATE", default="0.11"))  # applied to PKP vendors only
MAX_NEGOTIATION_ROUNDS = env.int("MAX_NEGOTIATION_ROUNDS", default=3)
# Price reference at checkout and on negotiation offers: warn (never block) when a unit price is
# above this multiple of the category median or of the prices OPDs last agreed for the product.
PRICE_WARNING_RATIO = Decimal(env("PRICE_WARNING_RATIO", default="1.5"))
# Fewer comparable products than this and the category median is shown but not warned on.
PRICE_REFERENCE_MIN_SAMPLES = env.int("PRICE_REFERENCE_MIN_SAMPLES", default=3)
# Staged payment (procurement/payment_plan.py): the largest advance (uang muka) and retention
# (retensi) an order's payment plan may set, as percentages of the order total.
PAYMENT_ADVANCE_MAX_PERCENT = Decimal(env("PAYMENT_ADVANCE_MAX_PERCENT", default="30"))
PAYMENT_RETENTION_MAX_PERCENT = Decimal(env("PAYMENT_RETENTION_MAX_PERCENT", default="5"))
# Income tax the treasurer withholds on each payment, code:rate (of the amount before PPN).
# PPh 22 on goods bought by a government treasurer 1.5%; PPh final for UMKM (PP 55/2022) 0.5%.
PPH_RATES = {
    code.strip(): Decimal(rate)
    for code, rate in (
        item.split(":", 1) for item in env.list("PPH_RATES", default=["pph22:0.015", "pph_final_umkm:0.005"])
    )
}

# Deadlines in working days (procurement/deadlines.py; the calendar is procurement/workdays.py).
# The national e-Katalog cancels an order a party leaves for three working days.
DEADLINE_VENDOR_ANSWER_DAYS = env.int("DEADLINE_VENDOR_ANSWER_DAYS", default=3)
DEADLINE_NEGOTIATION_DAYS = env.int("DEADLINE_NEGOTIATION_DAYS", default=3)
DEADLINE_BAST_DAYS = env.int("DEADLINE_BAST_DAYS", default=5)
DEADLINE_PAYMENT_DAYS = env.int("DEADLINE_PAYMENT_DAYS", default=10)
# Reminders go out this many working days before each deadline (and on its last day).
DEADLINE_REMINDER_DAYS = env.int("DEADLINE_REMINDER_DAYS", default=1)
# Mini-kompetisi: full working days vendors get to offer, and the winner to confirm before the
# award passes to the next in rank; the domestic-content preference (TKDN at least MIN percent
# earns a price preference of TKDN × MAX_PREFERENCE).
COMPETITION_MIN_OFFER_DAYS = env.int("COMPETITION_MIN_OFFER_DAYS", default=2)
COMPETITION_CONFIRM_DAYS = env.int("COMPETITION_CONFIRM_DAYS", default=2)
COMPETITION_TKDN_MIN = env.str("COMPETITION_TKDN_MIN", default="25")
COMPETITION_TKDN_MAX_PREFERENCE = env.str("COMPETITION_TKDN_MAX_PREFERENCE", default="0.25")
# Calendar days before a vendor certificate expires on which the vendor is reminded.
CERTIFICATE_REMINDER_DAYS = [int(d) for d in env.list("CERTIFICATE_REMINDER_DAYS", default=["30", "7"])]

# Open data: OCDS ocid prefix (registered with the Open Contracting Partnership) and publisher.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", default="ocds-ekl000")
OCDS_PUBLISHER_NAME = env("OCDS_PUBLISHER_NAME", default=AGENCY_NAME)
OCDS_PUBLISH_OFFICIAL_NAMES = env.bool("OCDS_PUBLISH_OFFICIAL_NAMES", default=False)
# The publisher's organisation identifier (an org-id.guide scheme and the id under it), when the
# city has one; without them the packages name the publisher only.
OCDS_PUBLISHER_SCHEME = env("OCDS_PUBLISHER_SCHEME", default="")
OCDS_PUBLISHER_UID = env("OCDS_PUBLISHER_UID", default="")
OCDS_PUBLISHER_URI = env("OCDS_PUBLISHER_URI", default="")
# Anonymous JSON API: requests per window (seconds) per client address, counted by DRF's throttle
# in the default cache (opendata/api.py); 0 turns the limit off.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=60)
API_RATE_LIMIT_WINDOW = env.int("API_RATE_LIMIT_WINDOW", default=60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from our own static files (no CDN).
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",  # login throttling
    "accounts",
    "catalog",
    "procurement",
    "opd_scoring",
    "leakage",
    "opendata",
    "outbox",
    "documents",
    "onboarding",
    "competition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS headers for the open data under /data/ (before anything that may answer early).
    "corsheaders.middleware.CorsMiddleware",
    # Content-Security-Policy header on every response.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A lost database answers a friendly 503 instead of a traceback.
    "ecatalog.middleware.DatabaseUnavailableMiddleware",
    # Public GET pages read from the replica when one is configured.
    "ecatalog.middleware.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecatalog.middleware.IndonesianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sets the trusted-device cookie after a successful login (ecatalog/security.py).
    "ecatalog.security.LoginDeviceCookieMiddleware",
    # Turns a locked-out login into the lockout page; must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecatalog.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
                "procurement.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "ecatalog.wsgi.application"

# Two PostgreSQL roles in production (docs/DEPLOY.md): the application connects as a role that
# may only read and write rows (DATABASE_URL); the commands that change the schema or empty
# tables connect as the tables' owner (MIGRATE_DATABASE_URL). Without MIGRATE_DATABASE_URL (the
# demo, CI, a single superuser URL) every command uses DATABASE_URL.
OWNER_COMMANDS = {"migrate", "seed_national", "flush", "createcachetable"}
MIGRATE_DATABASE_URL = env("MIGRATE_DATABASE_URL", default="")
MANAGEMENT_COMMAND = (
    sys.argv[1]
    if len(sys.argv) > 1 and Path(sys.argv[0]).name in {"manage.py", "django-admin", "__main__.py"}
    else ""
)
USING_OWNER_ROLE = bool(MIGRATE_DATABASE_URL) and MANAGEMENT_COMMAND in OWNER_COMMANDS
DATABASES = {
    "default": env.db(
        "MIGRATE_DATABASE_URL" if USING_OWNER_ROLE else "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores select_for_update; IMMEDIATE transactions serialise writers
    # instead of failing with "database is locked" (27 of 30 threads hit it with the default mode).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    # A restarted PostgreSQL would otherwise cost each worker one 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
# An optional read replica (docs/DEPLOY.md). ecatalog.db_router sends the public
# catalogue's and dashboard's GET reads there; without DATABASE_REPLICA_URL all goes to default.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests run the replica as a mirror of the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ecatalog.db_router.ReplicaRouter"]
# Seconds after a write (POST/PUT/PATCH/DELETE) during which that browser reads from the primary,
# so nobody misses their own change while the replica catches up.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=15)
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://ecatalog")}
# Rendered fragments of the public catalogue pages (catalog/page_cache.py), keyed by a
# catalogue version kept in the cache. Invalidation reaches every gunicorn worker only through a
# shared cache (Redis), so with the per-process local-memory cache the default is 0 (off).
CATALOG_FRAGMENT_TIMEOUT = env.int(
    "CATALOG_FRAGMENT_TIMEOUT",
    default=0 if CACHES["default"]["BACKEND"].endswith("LocMemCache") else 10 * 60,
)

AUTH_USER_MODEL = "accounts.User"
# Django-axes checks every login for lock-out before the model backend authenticates.
AUTHENTICATION_BACKENDS = [
    "ecatalog.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Certificates and delivery notes: never under MEDIA_ROOT, only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: photos and documents are bounded before Pillow ever decodes them.
MAX_PHOTO_BYTES = env.int("MAX_PHOTO_BYTES", default=5 * 1024 * 1024)
MAX_PHOTO_PIXELS = env.int("MAX_PHOTO_PIXELS", default=40_000_000)
MAX_DOCUMENT_BYTES = env.int("MAX_DOCUMENT_BYTES", default=5 * 1024 * 1024)
MAX_PHOTOS_PER_PRODUCT = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="E-Katalog Lokal <noreply@ekatalog.local>")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Production hardening: on unless DEBUG (check --deploy passes with DEBUG=False).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# On in production so `check --deploy` is clean; the header alone submits nothing.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Login throttling (django-axes). A government office sits behind one NAT, so lock
# a username *from one address* (not the whole address) and let the lock expire by itself.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HANDLER = "ecatalog.security.LoginThrottleHandler"
# Behind nginx every client is 127.0.0.1 unless the forwarded address is used (docs/DEPLOY.md):
# AXES_IPWARE_PROXY_COUNT trusted proxies in front (BEHIND_PROXY=1 is one), the client's address
# read from the first header of AXES_IPWARE_META_PRECEDENCE_ORDER that the proxies set.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER", default=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
)
AXES_CLIENT_IP_CALLABLE = "ecatalog.security.client_ip"
# A browser where a user logged in before keeps logging in as that user while the username is
# locked from its address (ecatalog/security.py, OWASP's device cookies).
LOGIN_DEVICE_COOKIE_NAME = "perangkat_masuk"
LOGIN_DEVICE_COOKIE_DAYS = env.int("LOGIN_DEVICE_COOKIE_DAYS", default=365)
# Vendor registration and password reset: POSTs per address per window (ecatalog.security).
REGISTRATION_RATE_LIMIT = env.int("REGISTRATION_RATE_LIMIT", default=10)
REGISTRATION_RATE_WINDOW = env.int("REGISTRATION_RATE_WINDOW", default=3600)
# Days an assisted registration's one-time confirmation link stays valid for its owner.
OWNER_CONFIRMATION_DAYS = env.int("OWNER_CONFIRMATION_DAYS", default=14)
# Days an unfinished registration (and its uploaded files) is kept after its last change.
REGISTRATION_DRAFT_DAYS = env.int("REGISTRATION_DRAFT_DAYS", default=60)
PASSWORD_RESET_RATE_LIMIT = env.int("PASSWORD_RESET_RATE_LIMIT", default=5)
PASSWORD_RESET_RATE_WINDOW = env.int("PASSWORD_RESET_RATE_WINDOW", default=3600)

# Content-Security-Policy (django-csp 4). Everything is served from this site: no CDN,
# no inline script or style. Media on S3 adds its origin through CSP_MEDIA_ORIGIN.
CSP_MEDIA_ORIGIN = env("CSP_MEDIA_ORIGIN", default="")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([CSP_MEDIA_ORIGIN] if CSP_MEDIA_ORIGIN else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"

# The public API (opendata/api.py) on Django REST framework: JSON only, read-only, anonymous
# clients throttled in the shared cache, errors as {"detail", "errors"}.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["opendata.rest.SiteUserAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.rest.AnonymousThrottle"],
    "DEFAULT_PAGINATION_CLASS": "opendata.rest.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opendata.rest.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "opendata.rest.JsonNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"Data terbuka E-Katalog Lokal {CITY_NAME}",
    "DESCRIPTION": "API baca-saja katalog produk lokal dan publikasi OCDS pembelian OPD. "
    "Klien anonim dibatasi jumlah permintaannya (HTTP 429 + Retry-After). Lihat docs/API.md.",
    "VERSION": "2.0.0",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/data/",
    # The API needs no login; no security scheme is advertised.
    "AUTHENTICATION_WHITELIST": [],
    "ENUM_NAME_OVERRIDES": {"BusinessScaleEnum": "catalog.models.BusinessScale"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opendata.schema.add_error_responses",
    ],
    # The spec lists categories and kecamatan from the database, which `check --deploy` may not
    # have; tests/opendata/test_api.py generates and validates it instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Browsers on any origin may read the open data (GET/HEAD, no cookies); the BPBJ-only red-flag
# page under /data/ is left out.
CORS_URLS_REGEX = r"^/data/(?!tanda-bahaya/).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = [
    "Retry-After",
    "X-Total-Count",
    "Content-Disposition",
    "Content-Length",
    "ETag",
    "Last-Modified",
]
CORS_PREFLIGHT_MAX_AGE = 86400

# Bench/run.py serves a database-free page (the throughput ceiling) at /bench/polos/.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Task queue (Celery). With CELERY_BROKER_URL (Redis in production, e.g.
# redis://127.0.0.1:6379/2) a worker and beat run next to gunicorn (README, docs/DEPLOY.md).
# Without it every task runs eagerly in the process that asks for it, so the demo and the
# test suite need neither Redis nor a worker.
_BROKER = env("CELERY_BROKER_URL", default="")
# Eager mode still opens a producer; the in-memory transport keeps it from looking for Redis.
CELERY_BROKER_URL = _BROKER or "memory://"
CELERY_TASK_ALWAYS_EAGER = not _BROKER
if CELERY_TASK_ALWAYS_EAGER:
    # ... and kombu would warn on every task that the in-memory transport has no host name.
    LOGGING.setdefault("loggers", {})["kombu.connection"] = {"level": "ERROR"}
CELERY_TASK_EAGER_PROPAGATES = False
# Task state lives in the database (outbox rows, import jobs), so results are not stored
# unless a deployment asks for them.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A task is acknowledged only when it has finished, and a worker killed mid-task hands it
# back to the broker; every task is safe to run twice (rows are claimed in the database).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Unacknowledged tasks of a dead worker come back after this many seconds; longer than
    # the longest task (the yearly OCDS file at national size takes minutes).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    # An unreachable broker must fail a publish within a second or two, not hang the request.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
if env("CELERY_KEY_PREFIX", default=""):
    # Separate installations (or test runs) sharing one Redis database.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env("CELERY_KEY_PREFIX")
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic work for `celery -A ecatalog beat`. A plain dict: other apps add their entries.
CELERY_BEAT_SCHEDULE = {
    # Retries, and anything written while the broker was down.
    "outbox-deliver-due": {"task": "outbox.tasks.deliver_outbox", "schedule": 60.0},
    # Import jobs whose worker died (or whose task never reached a worker) are resumed.
    "catalog-resume-import-jobs": {"task": "catalog.tasks.resume_import_jobs", "schedule": 120.0},
    "leakage-resume-realisation-imports": {
        "task": "leakage.tasks.resume_realisation_imports",
        "schedule": 120.0,
    },
    # The public dashboard's cached numbers are rebuilt by a worker, not by a visitor.
    "opd-scoring-refresh-dashboard": {"task": "opd_scoring.tasks.refresh_dashboard", "schedule": 120.0},
    "opd-scoring-nightly-snapshot": {
        "task": "opd_scoring.tasks.nightly_snapshot",
        "schedule": crontab(hour=1, minute=15),
    },
    "opendata-nightly-red-flags": {
        "task": "opendata.tasks.nightly_red_flags",
        "schedule": crontab(hour=1, minute=45),
    },
    # Working-day deadlines (auto-cancel, reminders, escalations) and certificate expiry: hourly, so
    # a deadline passed at any hour is acted on within the hour (procurement/deadlines.py).
    "procurement-run-deadlines": {"task": "procurement.run_deadlines", "schedule": crontab(minute=5)},
    # Mini-kompetisi: close offers at their deadline, pass unconfirmed awards to the next in rank.
    "competition-run-deadlines": {"task": "competition.run_deadlines", "schedule": crontab(minute="*/5")},
    "opendata-nightly-ocds-bulk": {
        "task": "opendata.tasks.rebuild_all_ocds_bulk_files",
        "schedule": crontab(hour=2, minute=15),
    },
    # PDFs of SPs, BASTs and payments whose generation failed or was never enqueued.
    "documents-issue-missing": {"task": "documents.issue_missing", "schedule": 600.0},
    # Unfinished registrations left for REGISTRATION_DRAFT_DAYS go, with their uploaded files.
    "onboarding-purge-stale-drafts": {
        "task": "onboarding.tasks.purge_stale_drafts",
        "schedule": crontab(hour=3, minute=10),
    },
}
# Outbox (outbox/services.py): delivery attempts before a message is marked failed for the admin.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Score snapshots computed by the nightly task are published unless the city reviews them first.
SCORES_NIGHTLY_PUBLISH = env.bool("SCORES_NIGHTLY_PUBLISH", default=True)
# Yearly OCDS bulk files (opendata/bulk.py): built by a worker, served as files.
OCDS_BULK_ROOT = Path(env("OCDS_BULK_ROOT", default=str(BASE_DIR / "var" / "ocds-bulk")))
# Seconds a change waits before its year's bulk file is rebuilt (changes in between share one rebuild).
OCDS_BULK_REBUILD_DELAY = env.int("OCDS_BULK_REBUILD_DELAY", default=5 * 60)

# Issued documents (documents/): the PDF of each Surat Pesanan, BAST and payment receipt.
# The address printed in each document's QR code (the public verification page lives under it).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Generate each document when its step commits (0: only the sweep and `manage.py issue_documents`).
DOCUMENTS_ON_ISSUE = env.bool("DOCUMENTS_ON_ISSUE", default=True)
# How far back the periodic sweep looks for documents that should exist but do not.
DOCUMENTS_SWEEP_DAYS = env.int("DOCUMENTS_SWEEP_DAYS", default=14)
# Optional PAdES signature: the city's certificate and key as a PKCS#12 file, and its password.
DOCUMENT_SIGNING_PKCS12 = env("DOCUMENT_SIGNING_PKCS12", default="")
DOCUMENT_SIGNING_PASSWORD = env("DOCUMENT_SIGNING_PASSWORD", default="")
# Uploads of a PDF to the public verification page, per address and window (seconds).
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)
VERIFY_RATE_LIMIT_WINDOW = env.int("VERIFY_RATE_LIMIT_WINDOW", default=600)
