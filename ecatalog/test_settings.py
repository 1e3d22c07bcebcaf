"""Settings for the test suite: production settings with test conveniences.

DATABASE_URL still decides the database, so the same suite runs on
PostgreSQL (CI, production) and SQLite.
"""

import os

# Settings refuse to start with DEBUG=0 and no SECRET_KEY (or the repository's development key);
# the suite runs production settings, so it brings its own throw-away key.
os.environ.setdefault("SECRET_KEY", "pytest-only-key-for-the-test-suite-0123456789abcdefghijklmnop")

from .settings import *  # noqa: E402, F403
from .settings import BASE_DIR  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "tmp" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "tmp" / "test-private-media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Most tests check the uncached path (and its query counts); tests/catalog/test_page_cache.py
# turns the fragment cache on.
CATALOG_FRAGMENT_TIMEOUT = 0
# Tasks run eagerly (no broker); a failing task fails its test instead of only logging.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
OCDS_BULK_ROOT = BASE_DIR / "tmp" / "test-ocds-bulk"
# The whole suite posts registrations and reset requests from 127.0.0.1 into one local-memory
# cache; tests/security/test_form_throttling.py lowers these to test the limits themselves.
REGISTRATION_RATE_LIMIT = 10_000
PASSWORD_RESET_RATE_LIMIT = 10_000
# Rendering a PDF takes a few hundred milliseconds; the suite's thousands of accepted orders,
# BASTs and payments would pay for it. tests/procurement/test_documents*.py turn it on.
DOCUMENTS_ON_ISSUE = False
