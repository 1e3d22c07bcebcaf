"""Schema-changing commands connect as the tables' owner (MIGRATE_DATABASE_URL); everything else as the app role."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

BASE_DIR = Path(django_settings.BASE_DIR)
APP_URL = "postgres://ekatalog_app:app@db.example:5432/ekatalog"
OWNER_URL = "postgres://ekatalog_owner:owner@db.example:5432/ekatalog"


def _database_user(argv, **env_extra):
    code = (
        "import json, sys; sys.argv = json.loads(sys.argv[1]); "
        "from ecatalog import settings as s; "
        "print(json.dumps([s.DATABASES['default']['USER'], s.DATABASES['default']['ENGINE']]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MIGRATE_DATABASE_URL"}}
    env.update(DEBUG="1", **env_extra)
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("command", ["migrate", "seed_national", "flush", "createcachetable"])
def test_owner_commands_use_the_migration_url(command):
    user, _engine = _database_user(
        ["manage.py", command], DATABASE_URL=APP_URL, MIGRATE_DATABASE_URL=OWNER_URL
    )
    assert user == "ekatalog_owner"


@pytest.mark.parametrize(
    "argv",
    [["manage.py", "runserver"], ["manage.py", "seed_demo"], ["manage.py", "shell"], ["gunicorn", "migrate"]],
)
def test_the_app_and_other_commands_use_the_app_role(argv):
    user, _engine = _database_user(argv, DATABASE_URL=APP_URL, MIGRATE_DATABASE_URL=OWNER_URL)
    assert user == "ekatalog_app"


def test_one_url_serves_everything_when_no_migration_url_is_set():
    assert _database_user(["manage.py", "migrate"], DATABASE_URL=APP_URL)[0] == "ekatalog_app"
    assert _database_user(["manage.py", "migrate"])[1] == "django.db.backends.sqlite3"
