"""Offers are sealed until the deadline on every path: other vendors, the buyer, BPBJ, the Django
admin, the public JSON and open data. Server time decides, not the browser's."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from competition import services

from .conftest import at, moment, offer

MONDAY = date(2026, 3, 2)
DEADLINE = moment(date(2026, 3, 5), 10)
SECRET = "2.345.678"  # the total of the first offer as Rupiah text


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sealed(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 23456, delivery_cost=78)  # total Rp2.345.678
        offer(competition, bidders[1], 24000)
    return competition


def _pages(competition):
    return [
        reverse("competition:detail", args=[competition.pk]),
        reverse("competition:json", args=[competition.pk]),
    ]


@pytest.mark.parametrize("who", ["other_bidder", "buyer", "bpbj", "admin", "anon"])
def test_nobody_sees_an_offers_content_before_the_deadline(
    who, sealed, bidders, opd_member, bpbj_user, admin_user
):
    users = {
        "other_bidder": bidders[1].user,
        "buyer": opd_member.user,
        "bpbj": bpbj_user,
        "admin": admin_user,
        "anon": None,
    }
    client = _client(users[who]) if users[who] else Client()
    last_second = moment(date(2026, 3, 5), 9, 59, 59)
    with at(last_second.date(), 9, 59, 59):
        for url in _pages(sealed):
            body = client.get(url).content.decode()
            assert SECRET not in body and "2345678" not in body
        json_data = client.get(reverse("competition:json", args=[sealed.pk])).json()
        assert "bids" not in json_data and "tenderers" not in json_data
        if who == "admin":
            for url in (
                reverse("admin:competition_offer_changelist"),
                reverse("admin:competition_competition_change", args=[sealed.pk]),
                reverse("admin:competition_competitionevent_changelist"),
            ):
                response = client.get(url)
                assert response.status_code == 200
                assert SECRET not in response.content.decode()
            offer_pk = sealed.offers.first().pk
            assert client.get(reverse("admin:competition_offer_change", args=[offer_pk])).status_code in (
                302,
                404,
            )


def test_a_bidder_sees_only_its_own_offer_before_the_deadline(sealed, bidders):
    with at(MONDAY):
        own = _client(bidders[0].user).get(reverse("competition:detail", args=[sealed.pk])).content.decode()
        other = _client(bidders[1].user).get(reverse("competition:detail", args=[sealed.pk])).content.decode()
    assert SECRET in own
    assert SECRET not in other


def test_after_the_deadline_the_buyer_sees_the_ranking_and_a_bidder_its_rank_and_the_winning_price(
    sealed, bidders, opd_member, bpbj_user, admin_user
):
    with at(DEADLINE.date(), 10, 0, 0):
        buyer_page = (
            _client(opd_member.user).get(reverse("competition:detail", args=[sealed.pk])).content.decode()
        )
        loser_page = (
            _client(bidders[1].user).get(reverse("competition:detail", args=[sealed.pk])).content.decode()
        )
        admin_list = _client(admin_user).get(reverse("admin:competition_offer_changelist")).content.decode()
    assert "papan-peringkat" in buyer_page and SECRET in buyer_page
    assert "papan-peringkat" not in loser_page
    assert "Peringkat Anda: 2" in loser_page and SECRET in loser_page  # the winning price
    assert "2345678" in admin_list.replace(".", "").replace(",", "")


def test_open_data_shows_tenderers_after_the_deadline_and_bids_only_after_the_award(sealed, opd_member):
    url = reverse("competition:json", args=[sealed.pk])
    with at(DEADLINE.date(), 11):
        closed = Client().get(url).json()
        assert closed["number_of_tenderers"] == 2 and "bids" not in closed
        services.award(competition=sealed, user=opd_member.user)
        awarded = Client().get(url).json()
    assert [b["total"] for b in awarded["bids"]] == [2345678, 2400000]


def test_an_uninvited_vendor_and_another_opd_get_404(sealed, other_vendor, other_opd_member):
    url = reverse("competition:detail", args=[sealed.pk])
    with at(MONDAY):
        assert _client(other_vendor.user).get(url).status_code == 404
        assert _client(other_opd_member.user).get(url).status_code == 404
        response = _client(other_vendor.user).post(
            reverse("competition:action", args=[sealed.pk, "tawar"]), {"delivery_cost": "0"}
        )
    assert response.status_code == 404


def test_the_trail_cannot_be_changed(sealed):
    from ecatalog.append_only import AuditTrailError

    event = sealed.events.first()
    with pytest.raises(AuditTrailError):
        event.save()
    with pytest.raises(AuditTrailError):
        sealed.events.all().delete()
