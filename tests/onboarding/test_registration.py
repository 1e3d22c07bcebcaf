"""Self-registration in steps: account → business → documents → review, nothing lost on an error."""

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from catalog.forms import normalize_kbli, normalize_phone
from catalog.models import Vendor, VendorDocument, VendorStatus
from onboarding.models import DraftStatus, DraftStep, RegistrationDraft
from tests.factories import CategoryFactory

from .conftest import PASSWORD, business_data, pdf_upload, upload

START = reverse("catalog:vendor_register")


def step(draft, name):
    return reverse("onboarding:register_step", args=[draft.token, name])


def start(client, **overrides):
    data = {"username": "busri", "password1": PASSWORD, "password2": PASSWORD, **overrides}
    response = client.post(START, data)
    return response, RegistrationDraft.objects.order_by("-id").first()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("62 812-3456-7890", "081234567890"),
        ("(0341) 512.345", "0341512345"),
        ("081234567890", "081234567890"),
    ],
)
def test_phone_numbers_are_accepted_as_people_type_them(typed, stored):
    assert normalize_phone(typed) == stored


def test_kbli_codes_are_accepted_with_spaces_or_commas():
    assert normalize_kbli(" 10792, 10799 10792") == "10792,10799"


@pytest.mark.django_db
class TestSteps:
    def test_the_first_page_is_the_account_step_without_a_local_checkbox(self, anon_client):
        response = anon_client.get(START)
        html = response.content.decode()
        assert response.status_code == 200
        assert "1. Akun" in html and "4. Periksa dan kirim" in html
        assert "is_local" not in html

    def test_micro_business_registers_in_four_steps_and_waits_for_verification(
        self, anon_client, batu, sisir
    ):
        response, draft = start(anon_client)
        assert response.status_code == 302 and response["Location"] == step(draft, "business")
        assert check_password(PASSWORD, draft.password_hash)

        response = anon_client.post(step(draft, "business"), business_data(batu, sisir))
        assert response["Location"] == step(draft, "documents")
        response = anon_client.post(step(draft, "documents"), {"doc_pirt": pdf_upload("pirt.pdf")})
        assert response["Location"] == step(draft, "review")
        review = anon_client.get(step(draft, "review")).content.decode()
        assert "Kripik Apel Bu Sri" in review and "081234567890" in review and "PIRT" in review

        response = anon_client.post(step(draft, "review"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("catalog:vendor_home")
        vendor = Vendor.objects.get()
        assert vendor.status == VendorStatus.PENDING and not vendor.is_local
        assert vendor.phone == "081234567890" and vendor.kbli == "10792"
        assert vendor.npwp == "012345678901234"
        assert vendor.user.check_password(PASSWORD)
        assert vendor.documents.get().kind == VendorDocument.Kind.PIRT
        assert response.context["user"] == vendor.user
        draft.refresh_from_db()
        assert draft.status == DraftStatus.COMPLETED and draft.vendor == vendor and draft.password_hash == ""

    def test_business_errors_are_listed_at_the_top_with_links_and_entries_are_kept(
        self, anon_client, batu, sisir
    ):
        _response, draft = start(anon_client)
        data = business_data(batu, sisir, nib="12345", phone="12")
        response = anon_client.post(step(draft, "business"), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Ada 2 isian yang perlu diperbaiki" in html
        assert 'href="#f-nib"' in html and 'href="#f-phone"' in html
        assert 'id="f-nib"' in html and 'id="f-phone"' in html
        assert "NIB harus 13 digit" in html and "Nomor telepon tidak valid" in html
        assert 'value="Kripik Apel Bu Sri"' in html
        # The valid fields are saved on the draft too: leaving now loses nothing.
        draft.refresh_from_db()
        assert draft.data["business_name"] == "Kripik Apel Bu Sri" and "nib" not in draft.data
        assert draft.step == DraftStep.BUSINESS
        assert not Vendor.objects.exists()

    def test_kelurahan_outside_the_kecamatan_is_an_error(self, anon_client, batu, punten):
        _response, draft = start(anon_client)
        response = anon_client.post(step(draft, "business"), business_data(batu, punten))
        assert "tidak berada di Kecamatan Batu" in response.content.decode()

    def test_kbli_is_required_and_checked(self, anon_client, batu, sisir):
        _response, draft = start(anon_client)
        response = anon_client.post(step(draft, "business"), business_data(batu, sisir, kbli="1079"))
        assert "Kode KBLI terdiri dari 5 digit" in response.content.decode()
        response = anon_client.post(step(draft, "business"), business_data(batu, sisir, kbli=""))
        assert "Isi kode KBLI" in response.content.decode()

    def test_a_bad_document_keeps_the_good_one_already_uploaded(self, anon_client, batu, sisir):
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        response = anon_client.post(
            step(draft, "documents"),
            {"doc_halal": pdf_upload("halal.pdf"), "doc_pirt": upload("pirt.pdf", b"bukan pdf")},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dokumen harus berupa PDF atau gambar" in html and 'href="#f-doc_pirt"' in html
        assert "halal.pdf" in html  # listed under "Sudah tersimpan"
        assert list(draft.documents.values_list("kind", flat=True)) == ["halal"]
        # Next time only the missing one is sent; the halal certificate is still there.
        anon_client.post(step(draft, "documents"), {"doc_pirt": pdf_upload("pirt.pdf")})
        anon_client.post(step(draft, "review"))
        kinds = set(Vendor.objects.get().documents.values_list("kind", flat=True))
        assert kinds == {"halal", "pirt"}

    def test_a_stored_document_can_be_removed(self, anon_client, batu, sisir):
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        anon_client.post(step(draft, "documents"), {"doc_halal": pdf_upload()})
        document = draft.documents.get()
        anon_client.post(step(draft, "documents"), {"remove": str(document.pk)})
        assert not draft.documents.exists()
        assert anon_client.post(step(draft, "documents"), {"remove": "x'; --"}).status_code == 302

    def test_a_valid_password_is_kept_when_the_username_is_taken(self, anon_client, vendor):
        response, draft = start(anon_client, username=vendor.user.username.upper())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Nama pengguna ini sudah dipakai" in html
        assert "sudah tersimpan" in html
        assert check_password(PASSWORD, draft.password_hash)
        # Only a new username is typed; the password is not asked again.
        response = anon_client.post(START, {"username": "busri", "password1": "", "password2": ""})
        assert response["Location"] == step(draft, "business")
        draft.refresh_from_db()
        assert draft.username == "busri" and check_password(PASSWORD, draft.password_hash)

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [("password2", "lain-sekali-123", "Kedua kata sandi tidak sama"), ("password1", "12345678", "")],
    )
    def test_bad_passwords_are_reported_and_nothing_is_created(self, anon_client, field, value, message):
        data = {"password1": PASSWORD, "password2": PASSWORD, field: value}
        if field == "password1":
            data["password2"] = value
        response, draft = start(anon_client, **data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert draft is None and not Vendor.objects.exists()

    def test_the_registration_resumes_where_it_was_left(self, anon_client, batu, sisir):
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        # Same browser: /daftar/ continues the draft.
        response = anon_client.get(START)
        assert response["Location"] == step(draft, "documents")
        # Another device with the resume link: the entries are there.
        from django.test import Client

        other = Client()
        html = other.get(step(draft, "business")).content.decode()
        assert 'value="Kripik Apel Bu Sri"' in html and 'value="10792"' in html

    def test_steps_ahead_of_the_draft_send_back_to_the_step_reached(self, anon_client):
        _response, draft = start(anon_client)
        assert anon_client.get(step(draft, "review"))["Location"] == step(draft, "business")
        assert anon_client.get(step(draft, "unknown")).status_code == 404

    def test_a_nib_registered_meanwhile_is_reported_at_submission_and_the_draft_stays(
        self, anon_client, batu, sisir, vendor
    ):
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        anon_client.post(step(draft, "documents"), {})
        draft.refresh_from_db()
        RegistrationDraft.objects.filter(pk=draft.pk).update(data={**draft.data, "nib": vendor.nib})
        response = anon_client.post(step(draft, "review"), follow=True)
        assert "NIB ini sudah terdaftar" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == DraftStatus.OPEN and Vendor.objects.count() == 1

    def test_a_sent_registration_cannot_be_changed_by_its_link(self, anon_client, batu, sisir):
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        anon_client.post(step(draft, "documents"), {})
        anon_client.post(step(draft, "review"))
        response = anon_client.post(step(draft, "business"), business_data(batu, sisir, business_name="Lain"))
        assert response.status_code == 302
        assert Vendor.objects.get().business_name == "Kripik Apel Bu Sri"

    def test_the_documents_step_shows_the_checklist_and_the_categories_of_the_kbli(
        self, anon_client, batu, sisir
    ):
        food = CategoryFactory(
            name="Makanan olahan", slug="makanan-olahan", required_documents=["pirt", "halal"]
        )
        CategoryFactory(name="Keripik", slug="keripik", parent=food, kbli_codes="10792")
        CategoryFactory(name="Kerajinan", slug="kerajinan", kbli_codes="32901")
        _response, draft = start(anon_client)
        anon_client.post(step(draft, "business"), business_data(batu, sisir))
        html = anon_client.get(step(draft, "documents")).content.decode()
        assert "Sertifikat halal, PIRT" in html
        assert "Tidak ada dokumen khusus" in html  # Kerajinan
        assert "Anda dapat menjual di kategori: Keripik." in html

    def test_logged_in_user_is_sent_to_the_dashboard(self, vendor_client):
        assert vendor_client.get(START).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["catalog:vendor_register", "onboarding:contact"])
def test_an_empty_post_shows_the_errors_instead_of_failing(anon_client, url_name):
    response = anon_client.post(reverse(url_name), {})
    assert response.status_code == 200
    assert "isian yang perlu diperbaiki" in response.content.decode()


@pytest.mark.django_db
def test_unfinished_registrations_left_too_long_are_deleted_with_their_files(
    anon_client, batu, sisir, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from onboarding.models import DraftDocument
    from onboarding.tasks import purge_stale_drafts

    settings.REGISTRATION_DRAFT_DAYS = 30
    _response, old = start(anon_client)
    anon_client.post(step(old, "business"), business_data(batu, sisir))
    anon_client.post(step(old, "documents"), {"doc_halal": pdf_upload()})
    stored = DraftDocument.objects.get(draft=old).file
    assert stored.storage.exists(stored.name)
    recent = RegistrationDraft.objects.create()
    done = RegistrationDraft.objects.create(status=DraftStatus.COMPLETED)
    RegistrationDraft.objects.filter(pk__in=[old.pk, done.pk]).update(
        updated_at=timezone.now() - timedelta(days=31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_stale_drafts() == 1
    assert set(RegistrationDraft.objects.values_list("pk", flat=True)) == {recent.pk, done.pk}
    assert not stored.storage.exists(stored.name)
