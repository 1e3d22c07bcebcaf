"""Ids and numbers that str.isdigit() accepts but int() or the database refuse never cause a 500."""

import pytest
from django.urls import reverse

from ecatalog.params import parse_id
from procurement.models import CartItem

from ..factories import ProductFactory

ODD = ["²", "٣", "99999999999999999999", "9223372036854775808", "-1", "0", " 7 ", "1e3", ""]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("²", None),
        ("٣", None),
        ("0", None),
        ("-1", None),
        ("9223372036854775808", None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD)
def test_odd_ids_in_posts_and_queries(odd, anon_client, buyer_client, bpbj_client, opd_member):
    product = ProductFactory()
    CartItem.objects.create(user=opd_member.user, product=product, quantity=1)
    responses = [
        anon_client.post(reverse("catalog:compare_toggle"), {"product": odd}),
        buyer_client.post(reverse("procurement:cart"), {"remove": odd}),
        buyer_client.post(reverse("procurement:cart"), {f"qty_{odd}": "2"}),
        buyer_client.post(reverse("procurement:notifications"), {"open": odd}),
        bpbj_client.get(reverse("procurement:rup_list"), {"tahun": odd}),
        bpbj_client.post(reverse("catalog:bulk_approve"), {"ids": [odd]}),
        anon_client.get(reverse("opd_scoring:dashboard"), {"tahun": odd}),
        anon_client.get(reverse("opd_scoring:ranking_download", args=["csv"]), {"snapshot": odd}),
    ]
    assert [r.status_code for r in responses if r.status_code >= 500] == []
