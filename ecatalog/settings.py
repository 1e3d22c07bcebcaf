"""Settings for E-Katalog Lokal.

Everything that differs between a laptop and production comes from the
environment (django-environ); the defaults run the demo on SQLite.
"""

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
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

# Open data: OCDS ocid prefix (registered with the Open Contracting Partnership) and publisher.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", default="ocds-ekl000")
OCDS_PUBLISHER_NAME = env("OCDS_PUBLISHER_NAME", default=AGENCY_NAME)
OCDS_PUBLISH_OFFICIAL_NAMES = env.bool("OCDS_PUBLISH_OFFICIAL_NAMES", default=False)
# Anonymous JSON API: requests per window (seconds) per client address (opendata/ratelimit.py).
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
    "axes",  # login throttling (issue 5)
    "accounts",
    "catalog",
    "procurement",
    "opd_scoring",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Issue 5: Content-Security-Policy header on every response.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 5: a lost database answers a friendly 503 instead of a traceback.
    "ecatalog.middleware.DatabaseUnavailableMiddleware",
    # Issue 5: public GET pages read from the replica when one is configured.
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
    # Issue 5: turns a locked-out login into the lockout page; must come last.
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
    # instead of failing with "database is locked" (see FACTS.md).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    # A restarted PostgreSQL would otherwise cost each worker one 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
# Issue 5: an optional read replica (docs/DEPLOY.md). ecatalog.db_router sends the public
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
# Issue 5: rendered fragments of the public catalogue pages (catalog/page_cache.py), keyed by a
# catalogue version kept in the cache. Invalidation reaches every gunicorn worker only through a
# shared cache (Redis), so with the per-process local-memory cache the default is 0 (off).
CATALOG_FRAGMENT_TIMEOUT = env.int(
    "CATALOG_FRAGMENT_TIMEOUT",
    default=0 if CACHES["default"]["BACKEND"].endswith("LocMemCache") else 10 * 60,
)

AUTH_USER_MODEL = "accounts.User"
# Issue 5: django-axes checks every login for lock-out before the model backend authenticates.
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
# Issue 5: on in production so `check --deploy` is clean; the header alone submits nothing.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Issue 5: login throttling (django-axes). A government office sits behind one NAT, so lock
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
PASSWORD_RESET_RATE_LIMIT = env.int("PASSWORD_RESET_RATE_LIMIT", default=5)
PASSWORD_RESET_RATE_WINDOW = env.int("PASSWORD_RESET_RATE_WINDOW", default=3600)

# Issue 5: Content-Security-Policy (django-csp 4). Everything is served from this site: no CDN,
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

# Issue 5: bench/run.py serves a database-free page (the throughput ceiling) at /bench/polos/.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
