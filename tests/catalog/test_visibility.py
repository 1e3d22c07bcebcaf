"""Only tayang products of verified (non-suspended) vendors are ever visible to the public."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import ProductStatus, VendorStatus
from catalog.selectors import public_products, similar_products, vendor_public_products
from tests.factories import CategoryFactory, ProductFactory, VendorFactory

HIDDEN_PRODUCT_STATUSES = [
    ProductStatus.DRAFT,
    ProductStatus.SUBMITTED,
    ProductStatus.REJECTED,
    ProductStatus.INACTIVE,
]
HIDDEN_VENDOR_STATUSES = [VendorStatus.PENDING, VendorStatus.REJECTED, VendorStatus.SUSPENDED]


@pytest.fixture
def category(db):
    return CategoryFactory(name="Olahan Apel", slug="olahan-apel")


@pytest.fixture
def visible(category):
    return ProductFactory(name="Dodol Apel Tampak", category=category)


def hidden_products(category):
    """One product per way of being hidden, all with the same searchable word."""
    products = [
        ProductFactory(name=f"Dodol Apel Rahasia {status}", category=category, status=status)
        for status in HIDDEN_PRODUCT_STATUSES
    ]
    for status in HIDDEN_VENDOR_STATUSES:
        vendor = VendorFactory(status=status)
        products.append(
            ProductFactory(
                name=f"Dodol Apel Rahasia {status}",
                category=category,
                vendor=vendor,
                status=ProductStatus.PUBLISHED,
            )
        )
    return products


@pytest.mark.django_db
def test_public_products_selector_holds_only_tayang_products_of_verified_vendors(visible, category):
    hidden = hidden_products(category)
    ids = set(public_products().values_list("pk", flat=True))
    assert ids == {visible.pk}
    assert not ids & {p.pk for p in hidden}


@pytest.mark.django_db
def test_catalogue_list_and_search_show_no_hidden_product(client, visible, category):
    hidden_products(category)
    for params in ({}, {"q": "dodol"}, {"q": "rahasia"}, {"kategori": "olahan-apel"}):
        response = client.get(reverse("catalog:product_list"), params)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Rahasia" not in content
        if params.get("q") != "rahasia":
            assert "Dodol Apel Tampak" in content


@pytest.mark.django_db
@pytest.mark.parametrize("status", HIDDEN_PRODUCT_STATUSES)
def test_detail_of_unpublished_product_is_404(client, category, status):
    product = ProductFactory(category=category, status=status)
    response = client.get(reverse("catalog:product_detail", args=[product.pk, product.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", HIDDEN_VENDOR_STATUSES)
def test_detail_of_published_product_of_hidden_vendor_is_404(client, category, status):
    product = ProductFactory(category=category, vendor=VendorFactory(status=status))
    response = client.get(reverse("catalog:product_detail", args=[product.pk, product.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", HIDDEN_VENDOR_STATUSES)
def test_vendor_page_of_hidden_vendor_is_404(client, status):
    vendor = VendorFactory(status=status)
    ProductFactory(vendor=vendor)
    assert client.get(reverse("catalog:vendor_detail", args=[vendor.slug])).status_code == 404
    assert not vendor_public_products(vendor).exists()


@pytest.mark.django_db
def test_vendor_page_lists_only_its_tayang_products(client, category):
    vendor = VendorFactory()
    shown = ProductFactory(vendor=vendor, category=category, name="Sari Apel Tayang")
    for status in HIDDEN_PRODUCT_STATUSES:
        ProductFactory(
            vendor=vendor, category=category, status=status, name=f"Sari Apel {status} Tersembunyi"
        )
    response = client.get(reverse("catalog:vendor_detail", args=[vendor.slug]))
    assert response.status_code == 200
    assert shown.name in response.content.decode()
    assert "Tersembunyi" not in response.content.decode()


@pytest.mark.django_db
def test_similar_products_never_include_hidden_products(visible, category):
    hidden = hidden_products(category)
    other = ProductFactory(category=category, name="Jenang Apel")
    similar = similar_products(visible)
    assert [p.pk for p in similar] == [other.pk]
    assert not {p.pk for p in similar} & {p.pk for p in hidden}


@pytest.mark.django_db
def test_compare_refuses_and_drops_hidden_products(client, visible, category):
    hidden = hidden_products(category)
    url = reverse("catalog:compare_toggle")
    for product in hidden:
        assert client.post(url, {"product": product.pk}).status_code == 404
    # A product that leaves the catalogue after being added disappears from the comparison.
    client.post(url, {"product": visible.pk})
    assert client.session["compare_ids"] == [visible.pk]
    visible.status = ProductStatus.INACTIVE
    visible.save()
    response = client.get(reverse("catalog:compare"))
    assert list(response.context["products"]) == []
    assert "tidak lagi tayang" in response.content.decode()
    assert client.session["compare_ids"] == []


@pytest.mark.django_db
def test_suspending_a_vendor_removes_its_products_from_the_catalogue(client, visible, bpbj_user):
    detail = reverse("catalog:product_detail", args=[visible.pk, visible.slug])
    assert client.get(detail).status_code == 200
    # Through the service, as BPBJ does: it updates the products' copy of the vendor status.
    services.suspend_vendor(vendor=visible.vendor, by=bpbj_user, reason="Sementara")
    assert client.get(detail).status_code == 404
    assert visible.name not in client.get(reverse("catalog:product_list")).content.decode()
    assert visible.name not in client.get(reverse("catalog:home")).content.decode()
