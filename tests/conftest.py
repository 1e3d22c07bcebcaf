"""Personas shared by all tests: each role, logged in, plus its 'other' twin."""

import pytest
from django.test import Client

from accounts.models import Role

from .factories import OPDMemberFactory, UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


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
