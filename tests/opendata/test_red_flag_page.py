from decimal import Decimal

import pytest
from django.urls import reverse

from opendata.models import RedFlag
from opendata.redflags import Period, store_red_flags
from procurement.models import OrderStatus
from tests.factories import OPDFactory

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db

URL = reverse("opendata:red_flags")
M = Decimal(1_000_000)


@pytest.fixture
def bunched():
    opd = OPDFactory(name="Dinas Akhir Tahun")
    return make_order(OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 14, 9))


def test_anonymous_is_sent_to_login(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_vendor_and_buyer_are_forbidden(vendor_client, buyer_client):
    assert vendor_client.get(URL).status_code == 403
    assert buyer_client.get(URL).status_code == 403


def test_bpbj_sees_flags_with_their_orders(bpbj_client, bunched):
    response = bpbj_client.get(URL, {"tahun": 2025})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dinas Akhir Tahun" in content
    assert bunched.number in content
    assert bunched.get_absolute_url() in content


def test_bpbj_filters_by_kind_and_period(bpbj_client, bunched):
    only_late = bpbj_client.get(URL, {"tahun": 2025, "jenis": "late_payment"}).content.decode()
    assert bunched.number not in only_late
    q2 = bpbj_client.get(URL, {"tahun": 2025, "periode": "Q2"}).content.decode()
    assert bunched.number not in q2
    other_year = bpbj_client.get(URL, {"tahun": 2024}).content.decode()
    assert bunched.number not in other_year


@pytest.mark.parametrize("params", [{"tahun": "abc"}, {"tahun": 2025, "jenis": "x"}, {"periode": "Q9"}])
def test_bad_filters_show_the_form_not_a_500(bpbj_client, params):
    response = bpbj_client.get(URL, params)
    assert response.status_code == 200


def test_page_query_count_is_bounded(bpbj_client, django_assert_max_num_queries):
    for day in range(1, 13):
        opd = OPDFactory()
        make_order(OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 1 + day, 9))
    # Two of these belong to the rule comparing realised spending with catalogue payments; the
    # reviews of the flags and the OPD filter's choices are one query each, whatever the rows.
    with django_assert_max_num_queries(24):
        response = bpbj_client.get(URL, {"tahun": 2025})
    assert response.content.decode().count("od-flag-head") == 12


def test_admin_lists_stored_flags_and_settings(admin_client_bpbj, bunched):
    store_red_flags(Period(2025))
    flag = RedFlag.objects.get()
    assert admin_client_bpbj.get(reverse("admin:opendata_redflag_changelist")).status_code == 200
    detail = admin_client_bpbj.get(reverse("admin:opendata_redflag_change", args=[flag.pk]))
    assert detail.status_code == 200
    assert bunched.number in detail.content.decode()
    settings_page = admin_client_bpbj.get(reverse("admin:opendata_redflagsettings_changelist"))
    assert settings_page.status_code == 302
    assert admin_client_bpbj.get(settings_page["Location"]).status_code == 200


def test_admin_recompute_action(admin_client_bpbj, bunched):
    store_red_flags(Period(2025))
    flag = RedFlag.objects.get()
    response = admin_client_bpbj.post(
        reverse("admin:opendata_redflag_changelist"),
        {"action": "recompute", "_selected_action": [flag.pk]},
    )
    assert response.status_code == 302
    assert RedFlag.objects.count() == 1
    assert RedFlag.objects.get().pk != flag.pk
