"""Settings for a real Celery worker started by a test (tests/outbox/test_worker.py).

The test suite's settings, but with the broker from the environment instead of eager
tasks, and the e-mail backend the test asks for.
"""

import os

from ecatalog.test_settings import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
