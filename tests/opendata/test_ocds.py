import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from opendata import ocds
from procurement.models import Order, OrderStatus
from tests.factories import OPDFactory, VendorFactory

from .factories import make_order
from .ocds_schema import errors

PUBLISHED = [s for s in OrderStatus.values if s not in (OrderStatus.DRAFT, OrderStatus.PENDING_APPROVAL)]


def _load(order: Order) -> Order:
    return ocds.with_ocds_relations(Order.objects.filter(pk=order.pk)).get()


def _private_vendor():
    return VendorFactory(
        owner_name="Siti Pemilikusaha",
        phone="081299887766",
        email="siti.pemilik@example.test",
        npwp="019876543210987",
        bank_account_number="7788990011",
        bank_account_name="Siti Pemilikusaha",
    )


def _package(order):
    return ocds.release_package(ocds.releases_for(order), uri="https://example.test/p")


def _records(order):
    return ocds.record_package([ocds.record_for(order)], uri="https://example.test/r")


@pytest.mark.django_db
@pytest.mark.parametrize("status", OrderStatus.values)
def test_every_status_gives_schema_valid_releases_or_none(status):
    order = _load(make_order(status))
    releases = ocds.releases_for(order)
    if status in (OrderStatus.DRAFT, OrderStatus.PENDING_APPROVAL):
        assert releases == []
        assert ocds.record_for(order) is None
        assert ocds.find_published_order(ocds.ocid_for(order)) is None
        return
    assert releases
    for release in releases:
        assert errors("release-schema.json", release) == []
    assert errors("release-package-schema.json", _package(order)) == []
    record_package = _records(order)
    assert errors("record-package-schema.json", record_package) == []
    assert errors("release-schema.json", record_package["records"][0]["compiledRelease"]) == []


@pytest.mark.django_db
def test_cancelled_after_acceptance_is_schema_valid_award_cancellation():
    order = _load(make_order(OrderStatus.CANCELLED, accepted_before_cancel=True))
    releases = ocds.releases_for(order)
    assert [r["tag"] for r in releases] == [
        ["tender"],
        ["tenderUpdate", "award", "contract"],
        ["awardCancellation", "contractTermination"],
    ]
    last = releases[-1]
    assert last["awards"][0]["status"] == "cancelled"
    assert last["contracts"][0]["status"] == "terminated"
    assert "Stok bahan baku habis" in last["awards"][0]["description"]
    assert errors("record-package-schema.json", _records(order)) == []


@pytest.mark.django_db
def test_cancelled_before_it_reached_the_vendor_is_not_published():
    order = _load(make_order(OrderStatus.CANCELLED, never_sent=True))
    assert ocds.releases_for(order) == []
    assert not ocds.published_orders().filter(pk=order.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "tags", "tender_status"),
    [
        (OrderStatus.SENT, [["tender"]], "active"),
        (OrderStatus.NEGOTIATING, [["tender"]], "active"),
        (OrderStatus.ACCEPTED, [["tender"], ["tenderUpdate", "award", "contract"]], "complete"),
        (OrderStatus.REJECTED, [["tender"], ["tenderCancellation"]], "unsuccessful"),
        (OrderStatus.CANCELLED, [["tender"], ["tenderCancellation"]], "cancelled"),
        (
            OrderStatus.COMPLETED,
            [
                ["tender"],
                ["tenderUpdate", "award", "contract"],
                ["implementation"],
                ["implementation"],
                ["implementation", "contractTermination"],
            ],
            "complete",
        ),
    ],
)
def test_milestones_and_tags(status, tags, tender_status):
    order = _load(make_order(status))
    releases = ocds.releases_for(order)
    assert [r["tag"] for r in releases] == tags
    assert releases[-1]["tender"]["status"] == tender_status
    dates = [r["date"] for r in releases]
    assert dates == sorted(dates)
    assert len({r["id"] for r in releases}) == len(releases)


@pytest.mark.django_db
def test_award_release_has_method_items_values_supplier_and_sp_number():
    vendor = VendorFactory(business_name="CV Apel Makmur", nib="9120000001234")
    order = _load(make_order(OrderStatus.ACCEPTED, vendor=vendor, unit_price=45000, quantity=4))
    award_release = ocds.releases_for(order)[1]
    tender = award_release["tender"]
    assert tender["procurementMethod"] == "limited"
    assert tender["procurementMethodDetails"] == "e-purchasing katalog lokal"
    item = tender["items"][0]
    assert item["quantity"] == 4
    assert item["unit"] == {"name": "rim", "value": {"amount": 45000, "currency": "IDR"}}
    assert item["classification"]["scheme"] == ocds.CATEGORY_SCHEME
    award = award_release["awards"][0]
    assert award["suppliers"] == [{"id": "penyedia-9120000001234", "name": "CV Apel Makmur"}]
    assert award["value"] == {"amount": 180000, "currency": "IDR"}
    contract = award_release["contracts"][0]
    assert contract["awardID"] == award["id"]
    assert order.sp_number in contract["title"]
    assert isinstance(contract["value"]["amount"], int)
    supplier = next(p for p in award_release["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {
        "scheme": ocds.NIB_SCHEME,
        "id": "9120000001234",
        "legalName": "CV Apel Makmur",
    }
    buyer = next(p for p in award_release["parties"] if "buyer" in p["roles"])
    assert "procuringEntity" in buyer["roles"]
    assert award_release["buyer"]["id"] == buyer["id"]
    assert award_release["date"].endswith("+07:00")


@pytest.mark.django_db
def test_compiled_release_of_completed_order_has_transactions_and_final_statuses():
    order = _load(make_order(OrderStatus.COMPLETED, unit_price=10000, quantity=3))
    compiled = ocds.record_for(order)["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    contract = compiled["contracts"][0]
    assert contract["status"] == "terminated"
    transactions = contract["implementation"]["transactions"]
    assert [t["value"] for t in transactions] == [{"amount": 30000, "currency": "IDR"}]
    assert transactions[0]["payer"]["id"].startswith("opd-")
    assert contract["implementation"]["milestones"][0]["status"] == "met"
    roles = {p["id"]: p["roles"] for p in compiled["parties"]}
    assert any("payee" in r for r in roles.values())


@pytest.mark.django_db
def test_ocid_uses_prefix_and_finds_numbers_with_slashes(settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    order = make_order(OrderStatus.SENT, number="PSN/2025/00777")
    ocid = ocds.ocid_for(order)
    assert ocid == "ocds-abc123-PSN-2025-00777"
    assert ocds.find_published_order(ocid).pk == order.pk
    assert ocds.find_published_order("ocds-abc123-PSN-2025-99999") is None
    assert ocds.find_published_order("ocds-other-PSN-2025-00777") is None
    assert ocds.find_published_order("ocds-abc123-PSN/2025/00777") is None


@pytest.mark.django_db
def test_releases_are_deterministic():
    order = make_order(OrderStatus.COMPLETED)
    assert ocds.releases_for(_load(order)) == ocds.releases_for(_load(order))


@pytest.mark.django_db
@pytest.mark.parametrize("status", PUBLISHED)
def test_no_private_data_in_any_release(status):
    vendor = _private_vendor()
    order = _load(make_order(status, vendor=vendor, accepted_before_cancel=True))
    text = json.dumps(_records(order), cls=DjangoJSONEncoder)
    for secret in [
        "Siti Pemilikusaha",
        "081299887766",
        "siti.pemilik@example.test",
        "019876543210987",
        "7788990011",
        "Jl. Diponegoro",  # the vendor's street address
        "Bambang",  # the official who placed the order
        "Pejabatsekali",
        "TRF-9988776655",  # payment reference
        "Diterima oleh",  # BAST note
        order.buyer.email,
    ]:
        assert secret not in text, secret


@pytest.mark.django_db
def test_official_names_only_when_configured(settings):
    settings.OCDS_PUBLISH_OFFICIAL_NAMES = True
    order = _load(make_order(OrderStatus.ACCEPTED, opd=OPDFactory()))
    text = json.dumps(ocds.releases_for(order))
    assert "Bambang Pejabatsekali" in text
    assert errors("release-package-schema.json", _package(order)) == []


def test_merge_follows_ocds_rules():
    a = {"parties": [{"id": "1", "name": "A", "roles": ["buyer"]}], "tender": {"status": "active", "x": 1}}
    b = {
        "parties": [{"id": "1", "roles": ["buyer", "payer"]}, {"id": "2", "name": "B"}],
        "tender": {"status": "complete"},
    }
    merged = ocds._merge(a, b)
    assert merged["parties"] == [
        {"id": "1", "name": "A", "roles": ["buyer", "payer"]},
        {"id": "2", "name": "B"},
    ]
    assert merged["tender"] == {"status": "complete", "x": 1}
