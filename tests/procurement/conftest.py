"""Procurement personas on top of the shared ones: one OPD with its PA/KPA and treasurer, products, a RUP package."""

from decimal import Decimal

import pytest

from procurement.models import OPDMember
from procurement.services import ActorRole
from tests.factories import OPDMemberFactory, ProductFactory

from .factories import RUPPackageFactory


@pytest.fixture
def opd(opd_member):
    return opd_member.opd


@pytest.fixture
def buyer(opd_member):
    return opd_member.user


@pytest.fixture
def approver(opd):
    return OPDMemberFactory(opd=opd, position=OPDMember.Position.PA).user


@pytest.fixture
def treasurer(opd):
    return OPDMemberFactory(opd=opd, position=OPDMember.Position.TREASURER).user


@pytest.fixture
def package(opd):
    return RUPPackageFactory(opd=opd, pagu=Decimal("100000000"))


@pytest.fixture
def other_package(other_opd_member):
    return RUPPackageFactory(opd=other_opd_member.opd)


@pytest.fixture
def product(vendor):
    return ProductFactory(vendor=vendor, price=Decimal("25000"), stock=100, min_order=1)


@pytest.fixture
def other_product(other_vendor):
    return ProductFactory(vendor=other_vendor, price=Decimal("40000"), stock=50, min_order=2)


@pytest.fixture
def role_users(buyer, approver, treasurer, vendor):
    """The user playing each role on an order of ``opd`` from ``vendor``."""
    return {
        ActorRole.BUYER: buyer,
        ActorRole.APPROVER: approver,
        ActorRole.TREASURER: treasurer,
        ActorRole.VENDOR: vendor.user,
    }


@pytest.fixture
def outsiders(other_opd_member, other_vendor, bpbj_user):
    """Users who play no role on an order of ``opd`` from ``vendor``."""
    return {"other_buyer": other_opd_member.user, "other_vendor": other_vendor.user, "bpbj": bpbj_user}
