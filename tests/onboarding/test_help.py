"""Help pages per role, the document checklist, and the contact form into BPBJ's ticket queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onboarding.models import HelpTicket
from outbox.models import OutboxMessage
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

CONTACT = reverse("onboarding:contact")


@pytest.mark.parametrize(
    ("role", "text"),
    [
        ("penyedia", "Menerima pembayaran"),
        ("opd", "Bendahara: membayar"),
        ("bpbj", "Pendampingan di kecamatan"),
    ],
)
def test_each_role_has_a_help_page_in_plain_indonesian(anon_client, role, text):
    response = anon_client.get(reverse("onboarding:help_role", args=[role]))
    assert response.status_code == 200
    assert text in response.content.decode()
    assert reverse("onboarding:contact") in response.content.decode()


def test_an_unknown_help_page_is_404(anon_client):
    assert anon_client.get(reverse("onboarding:help_role", args=["rahasia"])).status_code == 404


def test_the_vendor_help_covers_register_list_answer_and_get_paid(anon_client):
    html = anon_client.get(reverse("onboarding:help_role", args=["penyedia"])).content.decode()
    for heading in (
        "Mendaftar sebagai penyedia",
        "Menayangkan produk",
        "Menjawab pesanan",
        "Menerima pembayaran",
    ):
        assert heading in html


def test_forms_link_to_the_help_of_the_user_role(vendor_client, buyer_client):
    html = vendor_client.get(reverse("catalog:vendor_profile_edit")).content.decode()
    assert reverse("onboarding:help_role", args=["penyedia"]) in html
    assert f"{CONTACT}?dari=" in html


def test_the_footer_links_to_help(anon_client):
    assert reverse("onboarding:help_index") in anon_client.get("/").content.decode()


def test_the_document_guide_lists_each_category_with_inherited_documents(anon_client):
    food = CategoryFactory(name="Makanan olahan", slug="mo", required_documents=["halal"])
    CategoryFactory(
        name="Sambal", slug="sambal", parent=food, required_documents=["pirt"], kbli_codes="10771"
    )
    html = anon_client.get(reverse("onboarding:document_guide")).content.decode()
    assert "Makanan olahan" in html and "Sertifikat halal, PIRT" in html and "10771" in html


def test_anyone_can_send_a_question_that_lands_in_bpbj_queue(anon_client, bpbj_user, bpbj_client):
    response = anon_client.post(
        CONTACT,
        {
            "name": "Sri",
            "phone": "+62 812-3456-7890",
            "topic": "registration",
            "message": "NIB saya belum terbaca.",
            "page": "/daftar/",
        },
    )
    assert response["Location"] == reverse("onboarding:help_index")
    ticket = HelpTicket.objects.get()
    assert ticket.phone == "081234567890" and ticket.page == "/daftar/" and ticket.status == "new"
    assert OutboxMessage.objects.filter(user=bpbj_user, body__contains=f"#{ticket.pk}").exists()
    queue = bpbj_client.get(reverse("onboarding:ticket_queue")).content.decode()
    assert "Pendaftaran penyedia" in queue and "NIB saya belum terbaca" in queue


def test_a_question_needs_a_way_to_answer(anon_client):
    response = anon_client.post(CONTACT, {"name": "Sri", "topic": "other", "message": "Halo"})
    html = response.content.decode()
    assert "Isi email atau nomor telepon" in html and 'href="#f-email"' in html
    assert not HelpTicket.objects.exists()


def test_an_outside_page_address_is_not_kept(anon_client):
    anon_client.post(
        CONTACT,
        {
            "name": "A",
            "email": "a@example.test",
            "topic": "other",
            "message": "x",
            "page": "https://jahat.test/",
        },
    )
    assert HelpTicket.objects.get().page == ""


def test_a_logged_in_asker_is_linked_and_told_when_bpbj_updates(vendor_client, vendor, bpbj_client):
    vendor_client.post(
        CONTACT, {"name": "V", "email": "v@example.test", "topic": "product", "message": "Foto?"}
    )
    ticket = HelpTicket.objects.get()
    assert ticket.user == vendor.user
    response = bpbj_client.post(
        reverse("onboarding:ticket_detail", args=[ticket.pk]), {"status": "resolved", "note": "Sudah dijawab"}
    )
    assert response["Location"] == reverse("onboarding:ticket_queue")
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.bpbj_note == "Sudah dijawab"
    assert OutboxMessage.objects.filter(user=vendor.user, body__contains="Selesai").exists()
    # Resolved tickets leave the default queue, stay under "Semua".
    assert "Foto?" not in bpbj_client.get(reverse("onboarding:ticket_queue")).content.decode()
    assert "Foto?" in bpbj_client.get(reverse("onboarding:ticket_queue") + "?status=semua").content.decode()


def test_the_ticket_queue_has_no_query_per_ticket(bpbj_client, vendor):
    def load():
        with CaptureQueriesContext(connection) as queries:
            bpbj_client.get(reverse("onboarding:ticket_queue"))
        return len(queries)

    HelpTicket.objects.create(name="A", email="a@x.test", topic="other", message="m", user=vendor.user)
    load()
    few = load()
    for i in range(5):
        HelpTicket.objects.create(
            name=f"B{i}", email="b@x.test", topic="order", message="m", user=vendor.user
        )
    assert load() == few


@pytest.mark.parametrize("persona", ["anon_client", "vendor_client", "buyer_client"])
def test_the_ticket_queue_is_bpbj_only(request, persona):
    ticket = HelpTicket.objects.create(name="A", email="a@x.test", topic="other", message="m")
    client = request.getfixturevalue(persona)
    assert client.get(reverse("onboarding:ticket_queue")).status_code in (302, 403)
    response = client.post(reverse("onboarding:ticket_detail", args=[ticket.pk]), {"status": "resolved"})
    assert response.status_code in (302, 403)
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_bpbj_home_lists_open_tickets_oldest_first(bpbj_client):
    first = HelpTicket.objects.create(name="A", email="a@x.test", topic="payment", message="m")
    HelpTicket.objects.create(name="B", email="b@x.test", topic="other", message="m")
    HelpTicket.objects.create(name="C", email="c@x.test", topic="other", message="m", status="resolved")
    response = bpbj_client.get(reverse("accounts:dashboard"))
    section = next(s for s in response.context["sections"] if s.key == "tickets")
    assert section.total == 2 and section.items[0].label == f"#{first.pk} Pembayaran"
    assert section.more_url == reverse("onboarding:ticket_queue")
