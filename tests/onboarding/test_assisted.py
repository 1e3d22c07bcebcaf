"""Assisted registration at an outreach event: BPBJ fills in, the owner confirms by a one-time link."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Vendor, VendorStatus
from onboarding import services
from onboarding.models import DraftStatus, OutreachEvent, RegistrationDraft
from outbox.models import OutboxMessage
from tests.factories import VendorFactory

from .conftest import PASSWORD, business_data, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(bumiaji, bpbj_user):
    return OutreachEvent.objects.create(
        name="Pendampingan UMKM Bumiaji", held_on=date(2026, 3, 10), kecamatan=bumiaji, created_by=bpbj_user
    )


def assisted_draft(bpbj_client, event, punten):
    response = bpbj_client.post(reverse("onboarding:event_register", args=[event.pk]))
    draft = RegistrationDraft.objects.get(event=event)
    assert response["Location"] == reverse("onboarding:register_step", args=[draft.token, "business"])
    url = reverse("onboarding:register_step", args=[draft.token, "business"])
    bpbj_client.post(
        url, business_data(punten.kecamatan, punten, nib="9120009999999", email="tani@example.test")
    )
    bpbj_client.post(
        reverse("onboarding:register_step", args=[draft.token, "documents"]), {"doc_pirt": pdf_upload()}
    )
    return draft


def send_link(bpbj_client, draft):
    response = bpbj_client.post(reverse("onboarding:register_step", args=[draft.token, "review"]))
    assert response["Location"] == reverse("onboarding:event_detail", args=[draft.event_id])
    # The e-mail is written to the outbox with the step (delivered after commit by a worker).
    message = OutboxMessage.objects.filter(to_email="tani@example.test").latest("id")
    assert "Konfirmasi pendaftaran Kripik Apel Bu Sri" in message.subject
    return re.search(r"/daftar/konfirmasi/[^/\s]+/", message.body).group(0)


def test_bpbj_registers_a_business_and_its_owner_confirms_by_a_one_time_link(bpbj_client, event, punten):
    draft = assisted_draft(bpbj_client, event, punten)
    html = bpbj_client.get(reverse("onboarding:register_step", args=[draft.token, "review"])).content.decode()
    assert "Kirim tautan konfirmasi ke pemilik" in html
    link = send_link(bpbj_client, draft)
    assert not Vendor.objects.exists()  # nothing exists until the owner agrees
    page = bpbj_client.get(reverse("onboarding:event_detail", args=[event.pk])).content.decode()
    assert "Menunggu konfirmasi pemilik" in page and link in page

    owner = Client()
    html = owner.get(link).content.decode()
    assert "Kripik Apel Bu Sri" in html and "Pendampingan UMKM Bumiaji" in html
    response = owner.post(
        link, {"username": "petani", "password1": PASSWORD, "password2": PASSWORD, "agree": "on"}
    )
    assert response["Location"] == reverse("catalog:vendor_home")
    vendor = Vendor.objects.get()
    assert vendor.status == VendorStatus.PENDING and vendor.user.username == "petani"
    assert vendor.user.check_password(PASSWORD)
    assert vendor.documents.get().kind == "pirt"
    assert "pendampingan" in vendor.events.get().note
    draft.refresh_from_db()
    assert draft.status == DraftStatus.COMPLETED and draft.vendor == vendor
    # One time only.
    again = Client().post(
        link, {"username": "lain", "password1": PASSWORD, "password2": PASSWORD, "agree": "on"}
    )
    assert again.status_code == 404 and "Tautan tidak berlaku" in again.content.decode()
    assert Vendor.objects.count() == 1


def test_the_owner_must_agree_and_a_failed_attempt_keeps_the_link(bpbj_client, event, punten):
    link = send_link(bpbj_client, assisted_draft(bpbj_client, event, punten))
    owner = Client()
    response = owner.post(link, {"username": "petani", "password1": PASSWORD, "password2": PASSWORD})
    assert (
        "Centang persetujuan" in response.content.decode() and 'href="#f-agree"' in response.content.decode()
    )
    assert owner.get(link).status_code == 200


def test_an_expired_or_replaced_link_no_longer_works(bpbj_client, event, punten, settings):
    draft = assisted_draft(bpbj_client, event, punten)
    first = send_link(bpbj_client, draft)
    second = send_link(bpbj_client, draft)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    RegistrationDraft.objects.filter(pk=draft.pk).update(
        confirm_expires_at=draft.created_at - timedelta(days=1)
    )
    assert Client().get(second).status_code == 404


def test_two_confirmations_at_once_create_one_vendor(bpbj_client, event, punten):
    link = send_link(bpbj_client, assisted_draft(bpbj_client, event, punten))
    token = link.rstrip("/").rsplit("/", 1)[1]
    services.confirm_by_owner(token, username="petani", password=PASSWORD)
    with pytest.raises(services.CatalogError):
        services.confirm_by_owner(token, username="petani2", password=PASSWORD)
    assert Vendor.objects.count() == 1


def test_assisted_drafts_are_only_for_bpbj(bpbj_client, event, punten, vendor_client, anon_client):
    draft = assisted_draft(bpbj_client, event, punten)
    url = reverse("onboarding:register_step", args=[draft.token, "business"])
    assert anon_client.get(url).status_code == 404
    assert vendor_client.get(url).status_code == 404
    for client in (anon_client, vendor_client):
        response = client.post(reverse("onboarding:event_register", args=[event.pk]))
        assert response.status_code in (302, 403)
    assert RegistrationDraft.objects.count() == 1


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_bpbj_records_events_and_sees_reach_by_kecamatan(bpbj_client, batu, bumiaji, punten):
    VendorFactory.create_batch(2, kecamatan=batu, status=VendorStatus.VERIFIED)
    response = bpbj_client.post(
        reverse("onboarding:outreach"),
        {
            "name": "Pendampingan Punten",
            "held_on": "2026-04-01",
            "kecamatan": bumiaji.pk,
            "kelurahan": punten.pk,
        },
    )
    event = OutreachEvent.objects.get()
    assert response["Location"] == reverse("onboarding:event_detail", args=[event.pk])
    link = send_link(bpbj_client, assisted_draft(bpbj_client, event, punten))
    Client().post(link, {"username": "petani", "password1": PASSWORD, "password2": PASSWORD, "agree": "on"})
    OutreachEvent.objects.create(name="Kegiatan 0", held_on=date(2026, 5, 1), kecamatan=batu)
    bpbj_client.get(reverse("onboarding:outreach"))  # shows and clears the messages waiting
    _response, few = count_queries(bpbj_client, reverse("onboarding:outreach"))
    for i in range(1, 5):
        OutreachEvent.objects.create(name=f"Kegiatan {i}", held_on=date(2026, 5, i + 1), kecamatan=batu)
    response, many = count_queries(bpbj_client, reverse("onboarding:outreach"))
    assert many == few  # no query per event or per kecamatan
    reach = {row["kecamatan"].name: row for row in response.context["reach"]}
    assert reach["Batu"]["verified"] >= 2 and reach["Batu"]["events"] == 5
    assert reach["Bumiaji"]["verified"] == 0 and reach["Bumiaji"]["registered"] == 1
    assert reach["Bumiaji"]["waiting"] == 1 and reach["Bumiaji"]["events"] == 1
    assert "belum terjangkau" in response.content.decode()
    assert response.context["reach"][0]["kecamatan"].name == "Bumiaji"  # least reached first


def test_an_event_kelurahan_outside_its_kecamatan_is_refused(bpbj_client, batu, punten):
    response = bpbj_client.post(
        reverse("onboarding:outreach"),
        {"name": "Salah", "held_on": "2026-04-01", "kecamatan": batu.pk, "kelurahan": punten.pk},
    )
    assert "tidak berada di kecamatan" in response.content.decode()
    assert not OutreachEvent.objects.exists()


@pytest.mark.parametrize("persona", ["anon_client", "vendor_client", "buyer_client"])
def test_outreach_pages_are_bpbj_only(request, persona, event):
    client = request.getfixturevalue(persona)
    for url in (reverse("onboarding:outreach"), reverse("onboarding:event_detail", args=[event.pk])):
        assert client.get(url).status_code in (302, 403)
