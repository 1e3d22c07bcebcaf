"""Property-based: arbitrary text, numbers and files thrown at public forms never cause a 500.

Each form is one ``FormTarget`` in ``TARGETS``: its URL, method, the fields it reads and
the persona that may use it. Adding a form (product form, checkout …) is one more entry.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.models import CartItem

from ..factories import CategoryFactory, KelurahanFactory, ProductFactory
from ..procurement.factories import RUPPackageFactory

# Anything a browser, a bot or an attacker might send: unicode, control characters and NUL
# (PostgreSQL refuses NUL in text), SQL and template syntax, very long values.
NASTY = st.sampled_from(
    ["", " ", "\x00", "' OR 1=1 --", "{{ 7*7 }}", "<script>alert(1)</script>", "%", "_", "\\", "a" * 5000]
)
TEXT = st.one_of(NASTY, st.text(max_size=300))
NUMBER_TEXT = st.one_of(
    TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e309", "-0", "0x10", "1.000.000", "Rp 25.000", "NaN", "99999999999999999999"]),
)
FILE = st.builds(
    lambda name, data: SimpleUploadedFile(name, data),
    st.sampled_from(["foto.png", "dokumen.pdf", "x.php", "../../etc/passwd", "a" * 300 + ".jpg"]),
    st.binary(max_size=2048),
)


@dataclass
class FormTarget:
    name: str
    url_name: str
    method: str = "get"
    text_fields: tuple[str, ...] = ()
    number_fields: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()
    persona: str = "anon_client"  # a conftest fixture giving a (logged-in) client
    url_args: tuple = field(default_factory=tuple)


TARGETS = [
    FormTarget(
        name="catalogue search and filters",
        url_name="catalog:product_list",
        text_fields=("q", "kategori", "kecamatan", "skala", "urut", "umk", "halaman", "page", "setelah"),
        number_fields=("harga_min", "harga_maks", "harga_max", "tkdn_min", "page"),
    ),
    FormTarget(
        name="vendor registration",
        url_name="catalog:vendor_register",
        method="post",
        text_fields=(
            "username",
            "email",
            "password1",
            "password2",
            "business_name",
            "owner_name",
            "nib",
            "npwp",
            "scale",
            "address",
            "kecamatan",
            "kelurahan",
            "phone",
            "bank_name",
            "bank_account_number",
            "bank_account_name",
            "description",
            "is_pkp",
        ),
        number_fields=("kecamatan", "kelurahan"),
        file_fields=("document", "dokumen", "file"),
    ),
    FormTarget(
        name="vendor product form",
        url_name="catalog:product_create",
        method="post",
        persona="vendor_client",
        text_fields=("name", "category", "unit", "description", "specifications_text"),
        number_fields=("category", "price", "min_order", "stock", "lead_time_days", "tkdn"),
    ),
    FormTarget(
        name="buyer cart",
        url_name="procurement:cart",
        method="post",
        persona="buyer_client",
        text_fields=("remove", "update"),
        number_fields=("remove", "quantity", "qty_1", "qty_2"),
    ),
    FormTarget(
        name="buyer checkout",
        url_name="procurement:checkout",
        method="post",
        persona="buyer_client",
        text_fields=("token", "delivery_address", "needed_by", "note", "package_all"),
        number_fields=("package_all", "needed_by"),
    ),
]


def form_data(target: FormTarget):
    fields = {name: TEXT for name in target.text_fields}
    fields.update({name: NUMBER_TEXT for name in target.number_fields})
    fields.update({name: FILE for name in target.file_fields if target.method == "post"})
    optional = {name: st.one_of(st.none(), strategy) for name, strategy in fields.items()}
    return st.fixed_dictionaries({}, optional=optional).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@pytest.fixture
def catalogue_rows(db, opd_member):
    kelurahan = KelurahanFactory()
    category = CategoryFactory(name="Makanan Olahan", slug="makanan-olahan")
    products = [
        ProductFactory(category=category, vendor__kelurahan=kelurahan, name=f"Keripik Apel {i}")
        for i in range(3)
    ]
    # The buyer has a budgeted package and a cart, so checkout examples reach the real checks.
    RUPPackageFactory(opd=opd_member.opd)
    for product in products[:2]:
        CartItem.objects.create(user=opd_member.user, product=product, quantity=2)


def _send(client: Client, target: FormTarget, data: dict):
    url = reverse(target.url_name, args=target.url_args)
    if target.method == "get":
        # Files make no sense in a query string; everything else goes as text.
        return client.get(url, {k: str(v) for k, v in data.items()})
    return client.post(url, data)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@pytest.mark.django_db
def test_public_form_never_answers_500(request, target, catalogue_rows):
    client = request.getfixturevalue(target.persona)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(data=form_data(target))
    def check(data):
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        response = _send(client, target, data)
        assert response.status_code < 500, (target.name, data)

    check()
