"""Mini-kompetisi pages: start form, offers through the page, vendor home "Peluang", public Peluang."""

from datetime import date

from django.test import Client
from django.urls import reverse

from competition.models import Competition, Offer

from .conftest import at, moment, offer

MONDAY = date(2026, 3, 2)
DEADLINE = moment(date(2026, 3, 5), 10)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_buyer_starts_a_reserved_mini_kompetisi_through_the_form(
    opd_member, package, category, bidders, big_vendor
):
    client = _client(opd_member.user)
    data = {
        "kind": "mini",
        "package": package.pk,
        "title": "Seragam batik",
        "category": category.pk,
        "item-0-spec": "Kemeja batik motif apel, lengan panjang",
        "item-0-qty": "40",
        "item-0-unit": "potong",
        "hps": "8000000",
        "delivery_address": "Kantor Dinas",
        "needed_by": "2026-03-30",
        "deadline_date": "2026-03-05",
        "deadline_time": "10:00",
        "reserve_umk": "1",
    }
    with at(MONDAY):
        response = client.post(reverse("competition:start"), data)
        competition = Competition.objects.get()
        assert response.status_code == 302
        assert competition.reserve_umk and competition.invitations.count() == 3
        # Too short a deadline: a clear message, nothing created.
        data["deadline_date"] = "2026-03-03"
        page = client.post(reverse("competition:start"), data, follow=True).content.decode()
    assert "paling cepat" in page and Competition.objects.count() == 1


def test_a_vendor_offers_through_the_page_and_sees_the_invitation_on_its_home(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
        client = _client(bidders[0].user)
        home = client.get(reverse("catalog:vendor_home")).content.decode()
        assert competition.number in home
        item = competition.items.get()
        client.post(
            reverse("competition:action", args=[competition.pk, "tawar"]),
            {f"price-{item.pk}": "25.000", "delivery_cost": "0", "delivery_days": "1"},
        )
        too_high = client.post(
            reverse("competition:action", args=[competition.pk, "tawar"]),
            {f"price-{item.pk}": "40000", "delivery_cost": "0", "delivery_days": "1"},
            follow=True,
        ).content.decode()
    assert Offer.objects.get().total == 2500000
    assert "melebihi HPS" in too_high


def test_the_public_peluang_page_lists_open_requests_without_amounts(start, bidders, anon_client):
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 25000)
        page = anon_client.get(reverse("competition:opportunities")).content.decode()
    assert competition.title in page
    assert "3.000.000" not in page and "2.500.000" not in page


def test_the_list_pages_do_not_grow_queries_with_competitions(
    start, bidders, opd_member, django_assert_max_num_queries
):
    client = _client(opd_member.user)
    with at(MONDAY):
        start(DEADLINE)
        with django_assert_max_num_queries(12):
            client.get(reverse("competition:list"))
        for _i in range(4):
            start(DEADLINE, hps="1000000")
        with django_assert_max_num_queries(12):
            client.get(reverse("competition:list"))
        with django_assert_max_num_queries(8):
            Client().get(reverse("competition:opportunities"))
