"""Login, password change and reset pages (Django's views, our Indonesian templates)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.parametrize(
    "name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_public_auth_pages_render_in_indonesian(anon_client, db, name):
    response = anon_client.get(reverse(name))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


def test_login_with_wrong_password_shows_message(anon_client, vendor):
    response = anon_client.post(reverse("login"), {"username": vendor.user.username, "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_vendor_logs_in_and_lands_on_vendor_home(anon_client, vendor):
    response = anon_client.post(
        reverse("login"), {"username": vendor.user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("catalog:vendor_home")


def test_password_change(vendor_client, vendor):
    assert vendor_client.get(reverse("password_change")).status_code == 200
    response = vendor_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Apel-Manalagi-77", "new_password2": "Apel-Manalagi-77"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Kata sandi Anda sudah diganti" in response.content.decode()
    vendor.user.refresh_from_db()
    assert vendor.user.check_password("Apel-Manalagi-77")


def test_password_reset_flow(anon_client, vendor):
    response = anon_client.post(reverse("password_reset"), {"email": vendor.user.email}, follow=True)
    assert "Periksa email Anda" in response.content.decode()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "kata sandi" in body
    link = re.search(r"https?://[^/]+(/\S+)", body).group(1)
    response = anon_client.get(link, follow=True)
    assert "Buat kata sandi baru" in response.content.decode()
    confirm_url = response.redirect_chain[-1][0]
    response = anon_client.post(
        confirm_url, {"new_password1": "Apel-Manalagi-77", "new_password2": "Apel-Manalagi-77"}, follow=True
    )
    assert "Kata sandi tersimpan" in response.content.decode()
    vendor.user.refresh_from_db()
    assert vendor.user.check_password("Apel-Manalagi-77")


def test_invalid_reset_link(anon_client, db):
    response = anon_client.get(reverse("password_reset_confirm", args=["xx", "bad-token"]))
    assert "Tautan tidak berlaku" in response.content.decode()
