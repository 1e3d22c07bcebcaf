"""BPBJ's rule: where a direct order is not allowed, the cart says so and checkout refuses."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from competition.models import CompetitionRule
from procurement import services
from procurement.models import CartItem, Order
from tests.factories import CategoryFactory, ProductFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory


@pytest.fixture
def cart(opd_member):
    category = CategoryFactory(name="Alat tulis kantor")
    product = ProductFactory(category=category, price=Decimal("50000"))
    ProductFactory(vendor=VendorFactory(), category=category)  # a comparable product of another vendor
    CartItem.objects.create(user=opd_member.user, product=product, quantity=10)
    package = RUPPackageFactory(opd=opd_member.opd)
    return category, product, package


def _checkout(user, product, package):
    return services.checkout(
        user=user,
        token=uuid.uuid4().hex,
        expected=services.current_checkout_snapshot(user),
        packages={product.vendor_id: package.pk},
        delivery_address="Balai Kota",
        needed_by=timezone.localdate() + timedelta(days=7),
    )


def test_a_marked_category_refuses_a_direct_order_and_the_cart_offers_a_mini_kompetisi(
    cart, opd_member, buyer_client
):
    category, product, package = cart
    CompetitionRule.objects.create(category=category)
    page = buyer_client.get(reverse("procurement:cart")).content.decode()
    assert 'id="wajib-mini-kompetisi"' in page
    assert reverse("competition:start") + "?" in page and "from_cart=1" in page
    with pytest.raises(services.CheckoutError, match="mini-kompetisi"):
        _checkout(opd_member.user, product, package)
    assert not Order.objects.exists()


def test_an_amount_rule_applies_only_above_the_amount(cart, opd_member):
    category, product, package = cart
    rule = CompetitionRule.objects.create(min_amount=Decimal("500000"))  # the cart is exactly 500.000
    assert len(_checkout(opd_member.user, product, package)) == 1
    CartItem.objects.create(user=opd_member.user, product=product, quantity=11)
    rule.min_amount = Decimal("499999")
    rule.save()
    with pytest.raises(services.CheckoutError, match="mini-kompetisi"):
        _checkout(opd_member.user, product, package)


def test_without_a_comparable_product_of_another_vendor_the_direct_order_stands(opd_member):
    category = CategoryFactory()
    product = ProductFactory(category=category)
    CartItem.objects.create(user=opd_member.user, product=product, quantity=1)
    CompetitionRule.objects.create(category=category)
    package = RUPPackageFactory(opd=opd_member.opd)
    assert len(_checkout(opd_member.user, product, package)) == 1


def test_a_rule_on_the_parent_category_covers_its_sub_categories(opd_member):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    product = ProductFactory(category=child)
    ProductFactory(category=child)
    CartItem.objects.create(user=opd_member.user, product=product, quantity=1)
    CompetitionRule.objects.create(category=parent)
    package = RUPPackageFactory(opd=opd_member.opd)
    with pytest.raises(services.CheckoutError, match="mini-kompetisi"):
        _checkout(opd_member.user, product, package)


def test_the_start_form_is_prefilled_from_the_cart(cart, buyer_client):
    category, product, package = cart
    CompetitionRule.objects.create(category=category)
    page = buyer_client.get(reverse("procurement:cart")).content.decode()
    start_url = page.split('href="' + reverse("competition:start"))[1].split('"')[0].replace("&amp;", "&")
    form = buyer_client.get(reverse("competition:start") + start_url).content.decode()
    assert f'value="{product.name}"' in form and 'name="from_cart" value="1"' in form
