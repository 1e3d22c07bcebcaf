"""Mini-kompetisi personas: a buyer's OPD with a package, a category with three invited vendors."""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog.models import BusinessScale
from competition import services
from tests.factories import CategoryFactory, ProductFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory

JKT = ZoneInfo("Asia/Jakarta")


def at(day, hour=9, minute=0, second=0):
    """Travel to a local (Asia/Jakarta) moment with the clock stopped."""
    return time_machine.travel(datetime.combine(day, time(hour, minute, second), tzinfo=JKT), tick=False)


def moment(day, hour=9, minute=0, second=0):
    return datetime.combine(day, time(hour, minute, second), tzinfo=JKT)


@pytest.fixture(autouse=True)
def _competition_settings(settings):
    settings.COMPETITION_MIN_OFFER_DAYS = 2
    settings.COMPETITION_CONFIRM_DAYS = 2
    settings.COMPETITION_TKDN_MIN = "25"
    settings.COMPETITION_TKDN_MAX_PREFERENCE = "0.25"


@pytest.fixture
def category(db):
    return CategoryFactory(name="Nasi kotak")


@pytest.fixture
def bidders(category):
    """Three verified local micro vendors with published products in the category."""
    vendors = [VendorFactory(scale=BusinessScale.MIKRO, is_local=True) for _ in range(3)]
    for v in vendors:
        ProductFactory(vendor=v, category=category, tkdn=Decimal("0"))
    return vendors


@pytest.fixture
def big_vendor(category):
    vendor = VendorFactory(scale=BusinessScale.MENENGAH, is_local=False)
    ProductFactory(vendor=vendor, category=category)
    return vendor


@pytest.fixture
def package(opd_member):
    return RUPPackageFactory(opd=opd_member.opd, pagu=Decimal("10000000"))


@pytest.fixture
def start(opd_member, package, category):
    """Start a competition as the buyer (call inside the clock you want)."""

    def _start(deadline, **kw):
        fields = {
            "user": opd_member.user,
            "package_id": package.pk,
            "title": "Nasi kotak rapat koordinasi",
            "category_id": category.pk,
            "items": [services.ItemInput("Nasi kotak ayam bakar, air mineral", 100, "kotak")],
            "hps": "3000000",
            "delivery_address": "Balai Kota Among Tani, Jl. Panglima Sudirman 507",
            "needed_by": deadline.date().replace(day=28),
            "offer_deadline": deadline,
        }
        fields.update(kw)
        return services.start_competition(**fields)

    return _start


def offer(competition, vendor, unit_price, *, delivery_cost=0, product=None):
    item = competition.items.get()
    return services.submit_offer(
        competition=competition,
        user=vendor.user,
        prices={item.pk: str(unit_price)},
        products={item.pk: product.pk if product else ""},
        delivery_cost=str(delivery_cost),
        delivery_days="2",
    )
