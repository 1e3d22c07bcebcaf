import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # The public map and the dashboard are cached; every test starts from an empty cache.
    cache.clear()
    yield
    cache.clear()
