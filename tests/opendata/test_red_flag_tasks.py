"""Red flags nightly and on demand from the admin."""

from datetime import date

import pytest
from django.urls import reverse

from opendata.models import RedFlag
from opendata.tasks import nightly_red_flags
from procurement.models import OrderStatus

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture
def december(monkeypatch):
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "localdate", lambda *a, **k: date(2025, 12, 20))


def test_nightly_task_stores_this_years_flags(december):
    make_order(OrderStatus.ACCEPTED, total=60 * M, sent=jkt(2025, 12, 14, 9))
    assert nightly_red_flags.delay().result == 3  # the year, Q4 and December each flag the bunching
    assert set(RedFlag.objects.values_list("fiscal_year", "period")) == {
        (2025, ""),
        (2025, "Q4"),
        (2025, "M12"),
    }


def test_bpbj_admin_computes_this_year_on_demand(december, admin_client_bpbj):
    make_order(OrderStatus.ACCEPTED, total=60 * M, sent=jkt(2025, 12, 14, 9))
    changelist = reverse("admin:opendata_redflag_changelist")
    assert (
        reverse("admin:opendata_redflag_compute_this_year")
        in admin_client_bpbj.get(changelist).content.decode()
    )
    response = admin_client_bpbj.post(reverse("admin:opendata_redflag_compute_this_year"), follow=True)
    assert response.status_code == 200
    assert RedFlag.objects.filter(fiscal_year=2025, period="").count() == 1


def test_computing_on_demand_needs_post_and_bpbj(admin_client_bpbj, bpbj_user):
    from django.contrib.auth.models import Permission
    from django.test import Client

    from tests.factories import UserFactory

    url = reverse("admin:opendata_redflag_compute_this_year")
    assert admin_client_bpbj.get(url).status_code == 405
    staff = UserFactory(is_staff=True)  # staff who may view flags, but not BPBJ
    staff.user_permissions.add(Permission.objects.get(codename="view_redflag"))
    client = Client()
    client.force_login(staff)
    assert client.post(url).status_code == 403
