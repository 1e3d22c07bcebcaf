"""Comparing up to four products, kept in the session."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CategoryFactory, ProductFactory

TOGGLE = reverse("catalog:compare_toggle")
COMPARE = reverse("catalog:compare")


@pytest.fixture
def products(db):
    category = CategoryFactory()
    return [
        ProductFactory(
            name=f"Kertas HVS {i}",
            category=category,
            price=40000 + i * 1000,
            specifications=[["Ukuran", "A4"], [f"Khusus {i}", f"nilai {i}"]],
        )
        for i in range(5)
    ]


@pytest.mark.django_db
def test_add_and_remove_a_product(client, products):
    response = client.post(TOGGLE, {"product": products[0].pk})
    assert response.status_code == 302
    assert client.session["compare_ids"] == [products[0].pk]
    client.post(TOGGLE, {"product": products[0].pk})
    assert client.session["compare_ids"] == []


@pytest.mark.django_db
def test_fifth_product_is_refused_with_a_clear_message(client, products):
    for product in products[:4]:
        client.post(TOGGLE, {"product": product.pk})
    response = client.post(TOGGLE, {"product": products[4].pk}, follow=True)
    assert client.session["compare_ids"] == [p.pk for p in products[:4]]
    messages = [str(m) for m in response.context["messages"]]
    assert any("maksimal" in m and products[4].name in m for m in messages)


@pytest.mark.django_db
def test_compare_page_shows_products_side_by_side_with_union_of_spec_keys(client, products):
    for product in products[:3]:
        client.post(TOGGLE, {"product": product.pk})
    response = client.get(COMPARE)
    assert response.status_code == 200
    content = response.content.decode()
    for product in products[:3]:
        assert product.name in content
        assert product.vendor.business_name in content
    assert "Rp41.000" in content
    keys = [key for key, _values in response.context["spec_rows"]]
    assert keys == ["Ukuran", "Khusus 0", "Khusus 1", "Khusus 2"]
    assert dict(response.context["spec_rows"])["Khusus 1"] == ["–", "nilai 1", "–"]


@pytest.mark.django_db
def test_toggle_needs_post_and_csrf(products):
    client = Client(enforce_csrf_checks=True)
    assert client.get(TOGGLE).status_code == 405
    assert client.post(TOGGLE, {"product": products[0].pk}).status_code == 403


@pytest.mark.django_db
def test_toggle_redirects_only_to_safe_next_urls(client, products):
    detail = products[0].get_absolute_url()
    response = client.post(TOGGLE, {"product": products[0].pk, "next": detail})
    assert response["Location"] == detail
    response = client.post(TOGGLE, {"product": products[1].pk, "next": "https://evil.example/"})
    assert response["Location"] == COMPARE


@pytest.mark.django_db
def test_bad_product_ids_do_not_fail(client, products):
    assert client.post(TOGGLE, {"product": "abc"}).status_code == 302
    assert client.post(TOGGLE, {}).status_code == 302
    assert client.post(TOGGLE, {"product": "999999"}).status_code == 404


@pytest.mark.django_db
def test_corrupt_session_data_is_cleaned(client, products):
    session = client.session
    session["compare_ids"] = ["x", products[0].pk, None, 12345678]
    session.save()
    response = client.get(COMPARE)
    assert response.status_code == 200
    assert [p.pk for p in response.context["products"]] == [products[0].pk]
    assert client.session["compare_ids"] == [products[0].pk]


@pytest.mark.django_db
def test_empty_compare_page(client, db):
    response = client.get(COMPARE)
    assert response.status_code == 200
    assert "Belum ada produk untuk dibandingkan" in response.content.decode()


@pytest.mark.django_db
def test_product_page_shows_the_compare_state(client, products):
    url = products[0].get_absolute_url()
    assert "+ Bandingkan" in client.get(url).content.decode()
    client.post(TOGGLE, {"product": products[0].pk})
    assert "Dibandingkan" in client.get(url).content.decode()
