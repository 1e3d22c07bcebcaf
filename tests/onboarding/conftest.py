"""Places and uploads of the onboarding tests (the same ones the catalogue tests use)."""

from tests.catalog.conftest import batu, bumiaji, pdf_upload, punten, sisir, upload  # noqa: F401

PASSWORD = "Apel-Batu-2025!"


def business_data(kecamatan, kelurahan, **overrides):
    data = {
        "business_name": "Kripik Apel Bu Sri",
        "owner_name": "Sri Wahyuni",
        "nib": "9120001234567",
        "kbli": "10792",
        "npwp": "01.234.567.8-901.234",
        "scale": "mikro",
        "address": "Jl. Bukit Berbunga 5",
        "kecamatan": kecamatan.pk,
        "kelurahan": kelurahan.pk,
        "phone": "0812-3456-7890",
        "email": "sri@example.test",
        "bank_name": "Bank Jatim",
        "bank_account_number": "0011223344",
        "bank_account_name": "Sri Wahyuni",
    }
    data.update(overrides)
    return data
