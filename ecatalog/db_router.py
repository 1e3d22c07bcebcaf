"""Read-replica routing (docs/DEPLOY.md).

Reads go to the ``replica`` alias only when all of these hold:

- a ``replica`` database is configured (``DATABASE_REPLICA_URL``);
- the code runs inside :func:`replica_reads` (``ReplicaRoutingMiddleware`` opens it for GET/HEAD
  requests to the public catalogue and dashboard, a report or command may open it itself);
- the model is not one whose freshness matters to the person asking (sessions, users, login
  attempts: a session created a moment ago on the primary must be found).

Writes, ``select_for_update()`` and migrations always use ``default``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA_ALIAS = "replica"

# Apps always read from the primary: a stale read here logs people out or hides a lock-out.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "admin", "contenttypes"})

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


@contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within this block, read-only queries may be answered by the replica."""
    token = _use_replica.set(enabled)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Send the public catalogue's and dashboard's reads to the replica; everything else to default."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA_ALIAS
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of default: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its schema by replication, never by migrate.
        return db != REPLICA_ALIAS
