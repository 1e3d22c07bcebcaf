"""A verified vendor's legal name, NIB, NPWP, PKP status and bank account change only when BPBJ approves."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog import services
from catalog.models import VendorChangeRequest, VendorEvent, VendorStatus
from procurement.models import Notification
from procurement.services import ppn_rate_for
from tests.factories import VendorFactory

Status = VendorChangeRequest.Status
QUEUE = "catalog:change_request_queue"


@pytest.fixture
def bpbj(bpbj_user):
    return bpbj_user


def request_change(vendor, **changes):
    return services.request_vendor_change(vendor=vendor, changes=changes, by=vendor.user)


def profile_post_data(client):
    form = client.get(reverse("catalog:vendor_profile_edit")).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["is_pkp"] = "on" if form["is_pkp"].value() else ""
    return data


class TestRequestService:
    def test_name_pkp_and_bank_changes_of_a_verified_vendor_wait_for_bpbj(
        self, vendor, mailoutbox, django_capture_on_commit_callbacks
    ):
        old = (vendor.business_name, vendor.is_pkp, vendor.bank_account_number)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_vendor_profile(
                vendor=vendor,
                data={
                    "business_name": "CV Nama Baru",
                    "is_pkp": True,
                    "bank_account_number": "9876543210",
                    "phone": "081111111111",
                },
                by=vendor.user,
            )
        vendor.refresh_from_db()
        assert (vendor.business_name, vendor.is_pkp, vendor.bank_account_number) == old
        assert vendor.phone == "081111111111"  # not reviewed: saved at once
        assert vendor.status == VendorStatus.VERIFIED
        assert ppn_rate_for(vendor) == Decimal("0")  # no PPN on new orders until approved
        change = vendor.change_requests.get()
        assert change.status == Status.PENDING
        assert change.changes == {
            "business_name": {"old": old[0], "new": "CV Nama Baru"},
            "is_pkp": {"old": False, "new": True},
            "bank_account_number": {"old": old[2], "new": "9876543210"},
        }
        event = vendor.events.first()
        assert event.actor == vendor.user
        assert f"#{change.pk} diajukan" in event.note
        assert Notification.objects.get(user=vendor.user).message.startswith("Permintaan perubahan data")
        # One e-mail per address (the outbox sends each on its own), the registered one among them.
        mail = next(m for m in mailoutbox if vendor.email in m.to)
        assert all(len(m.to) == 1 for m in mailoutbox)
        assert "pengalihan pembayaran" in mail.body  # a bank change carries the fraud warning
        assert "9876543210" not in mail.body and "…3210" in mail.body  # account number masked

    def test_bank_change_is_announced_to_the_email_registered_before_the_edit(
        self, vendor, mailoutbox, django_capture_on_commit_callbacks
    ):
        registered = vendor.email
        with django_capture_on_commit_callbacks(execute=True):
            services.update_vendor_profile(
                vendor=vendor,
                data={"email": "penipu@example.test", "bank_account_number": "5555555555"},
                by=vendor.user,
            )
        vendor.refresh_from_db()
        assert vendor.email == "penipu@example.test"
        sent_to = [address for m in mailoutbox for address in m.to]
        assert registered in sent_to
        assert "penipu@example.test" not in sent_to
        change = vendor.change_requests.get()
        assert change.registered_email == registered
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.reject_vendor_change(change_request=change, by=vendor.user, reason="Tidak dikenal")
        assert registered in [address for m in mailoutbox for address in m.to]  # and on the decision

    def test_pending_vendor_edits_its_data_directly(self, pending_vendor):
        services.update_vendor_profile(
            vendor=pending_vendor, data={"business_name": "UD Benar", "is_pkp": True}, by=pending_vendor.user
        )
        pending_vendor.refresh_from_db()
        assert pending_vendor.business_name == "UD Benar"
        assert pending_vendor.is_pkp
        assert not pending_vendor.change_requests.exists()
        with pytest.raises(services.CatalogError, match="belum diverifikasi"):
            request_change(pending_vendor, nib="9999999999999")

    def test_suspended_vendor_changes_also_need_approval(self, vendor, bpbj):
        services.suspend_vendor(vendor=vendor, by=bpbj, reason="Sementara")
        services.update_vendor_profile(vendor=vendor, data={"npwp": "123456789012345"}, by=vendor.user)
        vendor.refresh_from_db()
        assert vendor.npwp != "123456789012345"
        assert vendor.change_requests.get().status == Status.PENDING

    def test_one_open_request_at_a_time_which_the_vendor_may_withdraw(self, vendor):
        first = request_change(vendor, npwp="123456789012345")
        with pytest.raises(services.CatalogError, match="menunggu keputusan"):
            request_change(vendor, npwp="123456789012346")
        with pytest.raises(services.CatalogError, match="menunggu keputusan"):
            services.update_vendor_profile(vendor=vendor, data={"nib": "9999999999999"}, by=vendor.user)
        services.withdraw_vendor_change(change_request=first, by=vendor.user)
        first.refresh_from_db()
        assert first.status == Status.WITHDRAWN
        second = request_change(vendor, npwp="123456789012346")
        assert second.is_pending
        assert "dibatalkan penyedia" in vendor.events.filter(note__contains=f"#{first.pk}").first().note

    def test_the_database_refuses_a_second_open_request(self, vendor):
        request_change(vendor, npwp="123456789012345")
        with pytest.raises(IntegrityError), transaction.atomic():
            VendorChangeRequest.objects.create(vendor=vendor, changes={"npwp": {"old": "1", "new": "2"}})

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"nib": "12345"}, "NIB harus 13 digit"),
            ({"bank_account_number": "12-34"}, "hanya angka"),
            ({"owner_name": "Orang Lain"}, "tidak memerlukan permintaan"),
        ],
    )
    def test_invalid_requests_are_refused_with_a_message(self, vendor, changes, message):
        with pytest.raises(services.CatalogError, match=message):
            request_change(vendor, **changes)
        assert not vendor.change_requests.exists()

    def test_a_request_that_changes_nothing_is_refused(self, vendor):
        with pytest.raises(services.CatalogError, match="Tidak ada perubahan"):
            request_change(vendor, npwp=vendor.npwp)

    def test_nib_of_another_vendor_is_refused(self, vendor, other_vendor):
        with pytest.raises(services.CatalogError, match="sudah dipakai"):
            request_change(vendor, nib=other_vendor.nib)


class TestDecisionService:
    def test_approval_puts_the_new_values_in_force_logs_and_tells_the_vendor(
        self, vendor, bpbj, mailoutbox, django_capture_on_commit_callbacks
    ):
        change = request_change(vendor, is_pkp=True, bank_account_number="9876543210", nib="9999999999999")
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_vendor_change(change_request=change, by=bpbj)
        vendor.refresh_from_db()
        assert vendor.is_pkp and vendor.bank_account_number == "9876543210" and vendor.nib == "9999999999999"
        assert ppn_rate_for(vendor) == Decimal("0.11")
        assert vendor.status == VendorStatus.VERIFIED
        change.refresh_from_db()
        assert (change.status, change.decided_by) == (Status.APPROVED, bpbj)
        assert change.decided_at is not None
        event = vendor.events.first()
        assert event.actor == bpbj and f"#{change.pk} disetujui" in event.note
        assert "disetujui" in Notification.objects.filter(user=vendor.user).first().message
        assert "pengalihan pembayaran" in mailoutbox[0].body

    def test_rejection_needs_a_reason_keeps_the_old_values_and_tells_the_vendor(
        self, vendor, bpbj, django_capture_on_commit_callbacks
    ):
        old_name = vendor.business_name
        change = request_change(vendor, business_name="PT Lain")
        with pytest.raises(services.CatalogError, match="Alasan wajib"):
            services.reject_vendor_change(change_request=change, by=bpbj, reason="  ")
        with django_capture_on_commit_callbacks(execute=True):
            services.reject_vendor_change(change_request=change, by=bpbj, reason="Akta belum dilampirkan")
        vendor.refresh_from_db()
        assert vendor.business_name == old_name
        change.refresh_from_db()
        assert (change.status, change.decision_reason) == (Status.REJECTED, "Akta belum dilampirkan")
        assert "Akta belum dilampirkan" in vendor.events.first().note
        assert "Akta belum dilampirkan" in Notification.objects.filter(user=vendor.user).first().message

    def test_a_decided_request_cannot_be_decided_again(self, vendor, bpbj):
        change = request_change(vendor, business_name="PT Lain")
        services.reject_vendor_change(change_request=change, by=bpbj, reason="Tidak")
        with pytest.raises(services.CatalogError, match="sudah ditolak"):
            services.approve_vendor_change(change_request=change, by=bpbj)
        vendor.refresh_from_db()
        assert vendor.business_name != "PT Lain"

    def test_approval_refuses_a_nib_taken_meanwhile(self, vendor, bpbj):
        change = request_change(vendor, nib="9999999999999")
        VendorFactory(nib="9999999999999", status=VendorStatus.PENDING)
        with pytest.raises(services.CatalogError, match="NIB"):
            services.approve_vendor_change(change_request=change, by=bpbj)
        change.refresh_from_db()
        assert change.is_pending


class TestQueuePage:
    def test_vendor_and_buyer_cannot_see_the_queue_or_decide(
        self, vendor_client, buyer_client, vendor, client
    ):
        change = request_change(vendor, business_name="PT Lain")
        decide = reverse("catalog:change_request_decide", args=[change.pk])
        for c in (vendor_client, buyer_client):
            assert c.get(reverse(QUEUE)).status_code == 403
            assert c.post(decide, {"action": "approve"}).status_code == 403
        assert client.get(reverse(QUEUE)).status_code == 302  # to login
        change.refresh_from_db()
        assert change.is_pending

    def test_queue_shows_old_and_new_side_by_side_with_the_bank_warning(self, bpbj_client, vendor):
        old_account = vendor.bank_account_number
        request_change(vendor, bank_account_number="9876543210", is_pkp=True)
        response = bpbj_client.get(reverse(QUEUE))
        html = response.content.decode()
        assert response.status_code == 200
        assert vendor.business_name in html
        assert old_account in html and "9876543210" in html
        assert "pengalihan pembayaran" in html
        assert "PKP (PPN 11% ditambahkan)" in html and "Bukan PKP" in html
        assert "lalu" in html  # age

    def test_queue_is_paginated_oldest_first_and_query_count_does_not_grow(
        self, bpbj_client, django_assert_max_num_queries
    ):
        vendors = VendorFactory.create_batch(23)
        for v in vendors:
            request_change(v, npwp="123456789012345")
        with django_assert_max_num_queries(10):
            response = bpbj_client.get(reverse(QUEUE))
        page = response.context["change_requests"]
        assert len(page) == 20
        assert page[0].vendor == vendors[0]
        assert len(bpbj_client.get(reverse(QUEUE), {"page": 2}).context["change_requests"]) == 3

    def test_bpbj_approves_from_the_queue(self, bpbj_client, bpbj_user, vendor):
        change = request_change(vendor, business_name="PT Nama Baru")
        response = bpbj_client.post(
            reverse("catalog:change_request_decide", args=[change.pk]), {"action": "approve"}
        )
        assert response.status_code == 302
        vendor.refresh_from_db()
        assert vendor.business_name == "PT Nama Baru"
        assert VendorEvent.objects.filter(vendor=vendor, actor=bpbj_user).exists()

    def test_rejecting_without_a_reason_says_so_and_changes_nothing(self, bpbj_client, vendor):
        change = request_change(vendor, business_name="PT Nama Baru")
        url = reverse("catalog:change_request_decide", args=[change.pk])
        response = bpbj_client.post(url, {"action": "reject", "reason-reason": ""}, follow=True)
        assert "Alasan penolakan wajib diisi" in response.content.decode()
        change.refresh_from_db()
        assert change.is_pending
        bpbj_client.post(url, {"action": "reject", "reason-reason": "Tidak sesuai akta"})
        change.refresh_from_db()
        assert (change.status, change.decision_reason) == (Status.REJECTED, "Tidak sesuai akta")
        response = bpbj_client.post(url, {"action": "approve"}, follow=True)
        assert "sudah ditolak" in response.content.decode()  # a message, not a 500

    def test_unknown_request_is_404(self, bpbj_client, db):
        assert bpbj_client.post(reverse("catalog:change_request_decide", args=[999999])).status_code == 404

    def test_queue_is_linked_next_to_vendor_verification(self, bpbj_client, vendor):
        request_change(vendor, business_name="PT Nama Baru")
        html = bpbj_client.get(reverse("catalog:vendor_queue")).content.decode()
        assert reverse(QUEUE) in html
        html = bpbj_client.get(reverse("catalog:vendor_review", args=[vendor.pk])).content.decode()
        assert "menunggu keputusan" in html


class TestVendorProfilePage:
    def test_vendor_sees_its_pending_request_and_cannot_edit_those_fields_meanwhile(
        self, vendor_client, vendor
    ):
        old_nib = vendor.nib
        data = profile_post_data(vendor_client)
        data.update(nib="9999999999999", bank_account_number="9876543210")
        response = vendor_client.post(reverse("catalog:vendor_profile_edit"), data, follow=True)
        html = response.content.decode()
        assert "diajukan ke BPBJ" in html
        assert "9999999999999" in html and old_nib in html  # old → new on the profile page
        form = response.context["form"]
        assert form.fields["nib"].disabled and form.fields["bank_account_number"].disabled
        data.update(nib="8888888888888", phone="082222222222")
        vendor_client.post(reverse("catalog:vendor_profile_edit"), data)
        vendor.refresh_from_db()
        assert vendor.nib == old_nib
        assert vendor.phone == "082222222222"
        assert vendor.change_requests.get().changes["nib"]["new"] == "9999999999999"
        assert "9999999999999" in vendor_client.get(reverse("catalog:vendor_home")).content.decode()

    def test_vendor_withdraws_its_own_request_but_not_another_vendors(
        self, vendor_client, vendor, other_vendor
    ):
        own = request_change(vendor, business_name="PT Lain")
        other = request_change(other_vendor, business_name="PT Lain Lagi")
        url = "catalog:change_request_withdraw"
        assert vendor_client.post(reverse(url, args=[other.pk])).status_code == 404
        assert vendor_client.post(reverse(url, args=[own.pk])).status_code == 302
        own.refresh_from_db()
        other.refresh_from_db()
        assert own.status == Status.WITHDRAWN and other.is_pending
        form = vendor_client.get(reverse("catalog:vendor_profile_edit")).context["form"]
        assert not form.fields["nib"].disabled

    def test_vendor_sees_why_a_request_was_rejected(self, vendor_client, vendor, bpbj):
        change = request_change(vendor, business_name="PT Lain")
        services.reject_vendor_change(change_request=change, by=bpbj, reason="Akta tidak cocok")
        assert (
            "Akta tidak cocok" in vendor_client.get(reverse("catalog:vendor_profile_edit")).content.decode()
        )
