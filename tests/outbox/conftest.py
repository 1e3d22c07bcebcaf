import pytest

from ecatalog.celery import app as celery_app
from tests.procurement.conftest import buyer, opd, package, product  # noqa: F401

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def broker_down():
    """Tasks go to a broker that refuses connections (as when Redis is down); restored after."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.task_always_eager, conf.broker_url = False, CLOSED_PORT_BROKER
    reset_pools()
    yield
    conf.task_always_eager, conf.broker_url = saved
    reset_pools()
