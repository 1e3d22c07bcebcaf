"""The demo seed makes a competition in every state, and their OCDS output validates."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog.models import BusinessScale
from competition import ocds
from competition.models import Competition, CompetitionRule, CompetitionStatus
from tests.factories import CategoryFactory, OPDMemberFactory, ProductFactory, VendorFactory
from tests.opendata.ocds_schema import strict_errors
from tests.procurement.factories import RUPPackageFactory

from .test_ocds import bids_patch

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_competitions_makes_every_state_once():
    member = OPDMemberFactory(user__username="pembeli")
    RUPPackageFactory(opd=member.opd, pagu=Decimal("500000000"))
    for _c in range(2):
        category = CategoryFactory()
        for _v in range(3):
            ProductFactory(vendor=VendorFactory(scale=BusinessScale.MIKRO, is_local=True), category=category)
    call_command("seed_demo_competitions")
    statuses = set(Competition.objects.values_list("status", flat=True))
    assert statuses == set(CompetitionStatus.values)
    assert Competition.objects.filter(kind=Competition.Kind.RFQ).exists()
    assert CompetitionRule.objects.exists()
    for competition in Competition.objects.all():
        package = ocds.release_package(competition, uri="https://example.test/")
        assert strict_errors("release-package-schema.json", package, bids_patch()) == [], competition.status
    count = Competition.objects.count()
    call_command("seed_demo_competitions")
    assert Competition.objects.count() == count
