"""A real Celery worker on Redis for tests that need one (marked ``worker``).

They run when CELERY_TEST_BROKER_URL names a reachable Redis (``.ci/run`` sets it) and the
database is PostgreSQL (the worker process must see the test database, which on SQLite
lives in the test process's memory). Each test gets its own queue and Redis key prefix and
removes every key it made; the worker is killed with its process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")


def _redis_reachable() -> bool:
    if not BROKER_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_worker = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs PostgreSQL"),
    pytest.mark.skipif(not _redis_reachable(), reason="set CELERY_TEST_BROKER_URL to a reachable Redis"),
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Broker:
    """A private corner of the test Redis: one queue, one key prefix."""

    def __init__(self):
        tag = uuid.uuid4().hex[:10]
        self.url = BROKER_URL
        self.queue = f"test-{tag}"
        self.prefix = f"test-{tag}:"

    def worker_env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.worker_settings",
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.url,
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            CELERY_KEY_PREFIX=self.prefix,
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    @contextmanager
    def as_app_broker(self):
        """Point this process's Celery app at the test broker (instead of running tasks eagerly)."""
        from ecatalog.celery import app

        conf = app.conf
        saved = (
            conf.task_always_eager,
            conf.broker_url,
            conf.task_default_queue,
            dict(conf.broker_transport_options or {}),
        )
        conf.task_always_eager = False
        conf.broker_url = self.url
        conf.task_default_queue = self.queue
        conf.broker_transport_options = {**saved[3], "global_keyprefix": self.prefix}
        _reset_pools(app)
        try:
            yield app
        finally:
            (
                conf.task_always_eager,
                conf.broker_url,
                conf.task_default_queue,
                conf.broker_transport_options,
            ) = saved
            _reset_pools(app)

    def send(self, task_name: str, *args):
        with self.as_app_broker() as app:
            app.send_task(task_name, args=args, queue=self.queue)

    def cleanup(self):
        import redis

        client = redis.Redis.from_url(self.url)
        keys = list(client.scan_iter(match=f"{self.prefix}*"))
        if keys:
            client.delete(*keys)


def _reset_pools(app):
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, broker: Broker, log_path: Path, **env):
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ecatalog",
                "worker",
                "--pool=solo",
                "--queues",
                broker.queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "--hostname",
                f"{broker.queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=broker.worker_env(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log_path.read_bytes():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log_path.read_text()}")
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL, as when the machine runs out of memory: no cleanup, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    stop = kill


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")
