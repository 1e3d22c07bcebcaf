"""Settings for the test suite: production settings with test conveniences.

DATABASE_URL still decides the database, so the same suite runs on
PostgreSQL (CI, production) and SQLite.
"""

from .settings import *  # noqa: F403
from .settings import BASE_DIR

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
