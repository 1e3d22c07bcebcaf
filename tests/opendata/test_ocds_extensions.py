"""OCDS extensions: declared in every package, served, and covering every field we publish.

The checks are lib-cove-ocds's, done here offline: read the package's ``extensions``, load each
extension's release-schema patch (the Organization scale extension from the copy in
tests/data/ocds/extensions, ours from the URL the package names), merge-patch them into the
core release schema, close every object (no undeclared field), and validate the packages.
"""

import json
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse

from catalog.models import BusinessScale
from opendata import ocds
from procurement.models import OrderStatus
from tests.factories import VendorFactory

from .factories import jkt, make_order
from .ocds_schema import EXTENSION_DIR, strict_errors

pytestmark = pytest.mark.django_db

# Every published shape of an order: each status, and a cancellation before and after acceptance.
STATUSES = [
    (OrderStatus.SENT, {}),
    (OrderStatus.NEGOTIATING, {}),
    (OrderStatus.ACCEPTED, {}),
    (OrderStatus.SHIPPED, {}),
    (OrderStatus.PARTIALLY_RECEIVED, {}),
    (OrderStatus.RECEIVED, {}),
    (OrderStatus.PAID, {}),
    (OrderStatus.COMPLETED, {}),
    (OrderStatus.REJECTED, {}),
    (OrderStatus.CANCELLED, {}),
    (OrderStatus.CANCELLED, {"accepted_before_cancel": True}),
]
SCALES = [BusinessScale.MIKRO, BusinessScale.KECIL, BusinessScale.MENENGAH, BusinessScale.BESAR]


@pytest.fixture
def demo_like_orders():
    """Orders in every published state, from vendors of every scale, local and not."""
    orders = []
    for index, (status, extra) in enumerate(STATUSES):
        vendor = VendorFactory(scale=SCALES[index % 4], is_local=index % 2 == 0)
        orders.append(make_order(status, vendor=vendor, sent=jkt(2025, 3, 1 + index, 9), **extra))
    return orders


def _path(url: str) -> str:
    return urlparse(url).path


def declared_patches(client, package: dict) -> list[dict]:
    """The release-schema patches of the extensions a package declares (lib-cove's first step)."""
    patches = []
    for url in package.get("extensions", []):
        if url == ocds.PARTY_SCALE_EXTENSION:
            folder = EXTENSION_DIR / "partyScale"
            meta = json.loads((folder / "extension.json").read_text())
            patches += [json.loads((folder / name).read_text()) for name in meta["schemas"]]
            continue
        response = client.get(_path(url))
        assert response.status_code == 200, url
        meta = response.json()
        for name in meta["schemas"]:
            schema_response = client.get(_path(urljoin(url, name)))
            assert schema_response.status_code == 200, name
            patches.append(schema_response.json())
    return patches


def test_packages_declare_the_organization_scale_extension_and_ours(anon_client, demo_like_orders):
    order = demo_like_orders[0]
    package = anon_client.get(reverse("opendata:ocds_record_package", args=[ocds.ocid_for(order)])).json()
    own = reverse("opendata:ocds_extension", args=["extension.json"])
    assert package["extensions"][0] == ocds.PARTY_SCALE_EXTENSION
    assert _path(package["extensions"][1]) == own
    meta = anon_client.get(own).json()
    assert meta["schemas"] == ["release-schema.json"]
    assert meta["compatibility"] == ["1.1"]
    assert meta["name"]["en"] and meta["description"]["en"] and meta["contactPoint"]["email"]
    assert meta["documentationUrl"]["en"].endswith(reverse("opendata:index") + "#ekstensi")
    shipped = json.loads((ocds.EXTENSION_DIR / "release-schema.json").read_text())
    assert anon_client.get(reverse("opendata:ocds_extension", args=["release-schema.json"])).json() == shipped


def test_unknown_extension_file_is_a_json_404(anon_client):
    response = anon_client.get(reverse("opendata:ocds_extension", args=["rahasia.json"]))
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("scale", "code"),
    [
        (BusinessScale.MIKRO, "micro"),
        (BusinessScale.KECIL, "small"),
        (BusinessScale.MENENGAH, "medium"),
        (BusinessScale.BESAR, "large"),
    ],
)
def test_vendor_scale_uses_the_organization_scale_codes_and_keeps_ours(scale, code):
    vendor = VendorFactory(scale=scale, is_local=True)
    order = make_order(OrderStatus.ACCEPTED, vendor=vendor)
    party = next(p for p in ocds.releases_for(order)[-1]["parties"] if "supplier" in p["roles"])
    assert party["details"] == {
        "scale": code,
        "skalaUsaha": scale,
        "umk": scale in (BusinessScale.MIKRO, BusinessScale.KECIL),
        "local": True,
    }


def test_every_package_has_no_schema_error_and_no_undeclared_field(anon_client, demo_like_orders):
    packages = []
    for order in demo_like_orders:
        ocid = ocds.ocid_for(order)
        packages.append(
            (
                "release-package-schema.json",
                anon_client.get(reverse("opendata:ocds_release_package", args=[ocid])),
            )
        )
        packages.append(
            (
                "record-package-schema.json",
                anon_client.get(reverse("opendata:ocds_record_package", args=[ocid])),
            )
        )
    packages.append(
        (
            "record-package-schema.json",
            anon_client.get(reverse("opendata:ocds_record_list"), {"page_size": 100}),
        )
    )
    for schema_name, response in packages:
        assert response.status_code == 200
        package = response.json()
        patches = declared_patches(anon_client, package)
        assert len(patches) == 2
        assert strict_errors(schema_name, package, patches) == [], package["uri"]


def test_bulk_records_have_no_undeclared_field(anon_client, demo_like_orders):
    package = anon_client.get(reverse("opendata:ocds_record_list")).json()
    patches = declared_patches(anon_client, package)
    response = anon_client.get(reverse("opendata:ocds_bulk", args=[2025]))
    records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert len(records) == len(demo_like_orders)
    bulk_package = {**{k: package[k] for k in ("uri", "version", "extensions", "publishedDate", "publisher")}}
    bulk_package["records"] = records
    assert strict_errors("record-package-schema.json", bulk_package, patches) == []


def test_the_strict_check_catches_undeclared_fields(anon_client, demo_like_orders):
    """Without our extension, its fields are undeclared; an invented field is always reported."""
    order = demo_like_orders[2]
    package = anon_client.get(reverse("opendata:ocds_release_package", args=[ocds.ocid_for(order)])).json()
    party_scale_only = declared_patches(anon_client, {"extensions": [ocds.PARTY_SCALE_EXTENSION]})
    errors = strict_errors("release-package-schema.json", package, party_scale_only)
    assert any("skalaUsaha" in e for e in errors)
    package["releases"][0]["parties"][1]["details"]["rahasia"] = "x"
    errors = strict_errors("release-package-schema.json", package, declared_patches(anon_client, package))
    assert any("rahasia" in e for e in errors)
    # And our codes are not the Organization scale extension's (its codelist is closed).
    package = anon_client.get(reverse("opendata:ocds_release_package", args=[ocds.ocid_for(order)])).json()
    package["releases"][0]["parties"][1]["details"]["scale"] = "mikro"
    errors = strict_errors("release-package-schema.json", package, declared_patches(anon_client, package))
    assert any("mikro" in e for e in errors)


def test_publisher_scheme_uid_and_uri_are_configurable(anon_client, demo_like_orders, settings):
    order = demo_like_orders[0]
    url = reverse("opendata:ocds_release_package", args=[ocds.ocid_for(order)])
    assert set(anon_client.get(url).json()["publisher"]) == {"name"}
    settings.OCDS_PUBLISHER_SCHEME = "ID-KEMENDAGRI"
    settings.OCDS_PUBLISHER_UID = "35.79"
    settings.OCDS_PUBLISHER_URI = "https://batukota.go.id/"
    publisher = anon_client.get(url).json()["publisher"]
    assert publisher == {
        "name": settings.OCDS_PUBLISHER_NAME,
        "scheme": "ID-KEMENDAGRI",
        "uid": "35.79",
        "uri": "https://batukota.go.id/",
    }


def _add_accepted_addendum(order, *, new_total, when):
    from procurement.models import Addendum, AddendumLine, AddendumStatus

    line = order.lines.get()
    addendum = Addendum.objects.create(
        order=order,
        sequence=1,
        number=f"{order.sp_number or order.number}/ADD-1",
        status=AddendumStatus.ACCEPTED,
        proposed_by=order.buyer,
        proposed_role="buyer",
        reason="Peserta rapat bertambah",
        old_needed_by=order.needed_by,
        new_needed_by=order.needed_by,
        old_total=order.total,
        new_total=new_total,
        accepted_at=when,
    )
    AddendumLine.objects.create(
        addendum=addendum,
        order_line=line,
        old_quantity=line.quantity,
        new_quantity=line.quantity + 2,
        old_unit_price=line.unit_price,
        new_unit_price=line.unit_price,
    )
    return addendum


def test_accepted_addenda_are_contract_amendments_valid_against_the_schemas(anon_client):
    order = make_order(OrderStatus.PAID, sent=jkt(2025, 3, 3, 9))
    original = order.total
    addendum = _add_accepted_addendum(order, new_total=original + 100000, when=jkt(2025, 3, 5, 10))
    ocid = ocds.ocid_for(order)
    package = anon_client.get(reverse("opendata:ocds_release_package", args=[ocid])).json()
    patches = declared_patches(anon_client, package)
    assert strict_errors("release-package-schema.json", package, patches) == []
    records = anon_client.get(reverse("opendata:ocds_record_package", args=[ocid])).json()
    assert strict_errors("record-package-schema.json", records, patches) == []

    releases = {r["id"]: r for r in package["releases"]}
    amended = releases[f"{ocid}-addendum-{addendum.pk}"]
    assert amended["tag"] == ["contractAmendment"]
    (amendment,) = amended["contracts"][0]["amendments"]
    assert amendment["id"] == addendum.number and amendment["rationale"] == "Peserta rapat bertambah"
    assert amendment["releaseID"] == amended["id"]
    assert amendment["amendsReleaseID"] in releases
    assert amended["contracts"][0]["value"]["amount"] == float(original + 100000)
    # Before the addendum the contract was worth the original total, with no amendment.
    award = releases[f"{ocid}-award"]
    assert award["contracts"][0]["value"]["amount"] == float(original)
    assert "amendments" not in award["contracts"][0]
