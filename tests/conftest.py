"""Personas shared by all tests: each role, logged in, plus its 'other' twin."""

import os

import pytest
from django.test import Client

from accounts.models import Role

from .factories import OPDMemberFactory, UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.OCDS_BULK_ROOT = tmp_path / "ocds-bulk"


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def vendor(db):
    return VendorFactory()


@pytest.fixture
def other_vendor(db):
    return VendorFactory()


@pytest.fixture
def vendor_client(vendor):
    return _client_for(vendor.user)


@pytest.fixture
def other_vendor_client(other_vendor):
    return _client_for(other_vendor.user)


@pytest.fixture
def opd_member(db):
    return OPDMemberFactory()


@pytest.fixture
def other_opd_member(db):
    return OPDMemberFactory()


@pytest.fixture
def buyer_client(opd_member):
    return _client_for(opd_member.user)


@pytest.fixture
def other_buyer_client(other_opd_member):
    return _client_for(other_opd_member.user)


@pytest.fixture
def bpbj_user(db):
    return UserFactory(role=Role.CATALOG_MANAGER)


@pytest.fixture
def bpbj_client(bpbj_user):
    return _client_for(bpbj_user)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client_bpbj(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def anon_client():
    return Client()


CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser here


@pytest.fixture
def browser():
    """Headless Chromium driven by Playwright's sync API (browser tests skip without it)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not installed")
    # Playwright's sync API runs an event loop in this thread; live_server's ORM calls are fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
