"""Forms of the vendor and curation pages (validation only; writes go through services)."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecatalog.numbers import LocalDecimalField, LocalIntegerField

from .images import open_checked_image, validate_document
from .models import (
    REVIEWED_VENDOR_FIELDS,
    BusinessScale,
    Category,
    Kecamatan,
    Kelurahan,
    Product,
    ProductStatus,
    Vendor,
    VendorDocument,
    VendorStatus,
)
from .services import VENDOR_PROFILE_FIELDS

MAX_SPEC_LINES = 30
MAX_SPEC_KEY = 60
MAX_SPEC_VALUE = 200


# --------------------------------------------------------------------------- reusable fields


class RupiahField(forms.DecimalField):
    """Whole Rupiah typed the way people type it: ``25000``, ``25.000``, ``Rp 25.000`` or ``25.000,00``."""

    default_error_messages = {
        "invalid": _("Masukkan harga dalam Rupiah tanpa sen, mis. 25000 atau 25.000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_rupiah(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


def normalize_rupiah(text: str) -> str:
    """``"Rp 1.250.000,00"`` -> ``"1250000"``; other text is returned stripped for the normal checks."""
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if value[:2].lower() == "rp":
        value = value[2:]
    value = re.sub(r",0{1,2}$", "", value)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")
    return value


def normalize_phone(text: str) -> str:
    """The forms people type a phone number in, as one form: ``0812-3456-7890``, ``+62 812 3456 7890``,
    ``(0341) 512345`` or ``62812…`` -> ``081234567890``. Anything else is returned for the validator."""
    value = re.sub(r"[\s\-.()/]", "", text or "")
    if value.startswith("+62"):
        value = "0" + value[3:]
    elif value.startswith("62") and len(value) > 10:
        value = "0" + value[2:]
    return value


def normalize_kbli(text: str) -> str:
    """``"10792, 10799"`` or ``"10792 10799"`` -> ``"10792,10799"`` (order kept, repeats dropped)."""
    codes = [code for code in re.split(r"[\s,;/]+", text or "") if code]
    return ",".join(dict.fromkeys(codes))


def parse_specifications(text: str, *, separator: str = "\n") -> list[list[str]]:
    """Parse ``Kunci: nilai`` lines into ``[[kunci, nilai], ...]`` or raise ValidationError.

    Blank lines are ignored; each line needs a key and a value; keys are unique.
    """
    pairs: list[list[str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    lines = [line.strip() for line in (text or "").replace("\r", "").split(separator)]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            errors.append(
                str(_("Baris %(n)s: tulis dengan format “Kunci: nilai” (mis. Berat: 500 g).") % {"n": number})
            )
            continue
        if len(key) > MAX_SPEC_KEY or len(value) > MAX_SPEC_VALUE:
            errors.append(
                str(
                    _("Baris %(n)s: kunci maksimal %(k)s karakter dan nilai maksimal %(v)s karakter.")
                    % {"n": number, "k": MAX_SPEC_KEY, "v": MAX_SPEC_VALUE}
                )
            )
            continue
        if key.casefold() in seen:
            errors.append(str(_("Baris %(n)s: kunci “%(key)s” sudah ada.") % {"n": number, "key": key}))
            continue
        seen.add(key.casefold())
        pairs.append([key, value])
    if len(pairs) > MAX_SPEC_LINES:
        errors.append(str(_("Spesifikasi maksimal %(n)s baris.") % {"n": MAX_SPEC_LINES}))
    if errors:
        raise ValidationError(errors)
    return pairs


def specifications_to_text(pairs) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (pairs or []) if k)


def category_tree(categories=None) -> list[tuple[Category, int]]:
    """All categories in tree order (parents before children) with their depth."""
    categories = list(categories if categories is not None else Category.objects.all())
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Category, int]] = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, []):
            ordered.append((category, depth))
            if depth < 10:
                walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def category_choices(empty_label=None) -> list[tuple]:
    """Indented ``<option>``s for the category tree."""
    choices = [("", empty_label or "---------")]
    for category, depth in category_tree():
        choices.append((category.pk, "\u2003" * depth + ("└ " if depth else "") + category.name))
    return choices


def grouped_kelurahan_choices() -> list[tuple]:
    """Desa/kelurahan grouped by kecamatan (``<optgroup>``), so phones need no script."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for kel in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(kel.kecamatan.name, []).append((kel.pk, str(kel)))
    return [("", "---------"), *groups.items()]


# --------------------------------------------------------------------------- vendor profile


class VendorProfileForm(forms.ModelForm):
    """The business data a vendor enters and keeps up to date ("lokal" is not here: BPBJ confirms it)."""

    # Longer than the stored value: people paste "01.234.567.8-901.234"; clean_* strips the punctuation
    # and the model's validators check the digits.
    nib = forms.CharField(
        label=_("NIB"),
        max_length=20,
        help_text=_("13 digit, dari OSS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    npwp = forms.CharField(
        label=_("NPWP"),
        max_length=25,
        help_text=_("15 atau 16 digit; titik dan strip boleh."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Telepon / WhatsApp"),
        max_length=30,
        help_text=_("Mis. 0812-3456-7890 atau +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    kbli = forms.CharField(
        label=_("Kode KBLI"),
        max_length=200,
        required=False,
        help_text=_(
            "5 digit, tertera di NIB (OSS). Beberapa kode boleh, pisahkan dengan koma. Menentukan kategori "
            "produk yang boleh Anda jual."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Vendor
        # The same fields the services accept, so form and service never drift apart.
        fields = list(VENDOR_PROFILE_FIELDS)
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            "bank_account_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "scale": forms.RadioSelect,
        }
        help_texts = {
            "address": _("Alamat usaha di Kota Batu."),
        }

    def __init__(self, *args, change_pending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.all()
        self.fields["kelurahan"].queryset = Kelurahan.objects.all()
        self.fields["kelurahan"].widget.choices = grouped_kelurahan_choices()
        self.fields["scale"].choices = BusinessScale.choices
        if self.instance.pk and self.instance.is_under_change_review:
            for name in REVIEWED_VENDOR_FIELDS:
                field = self.fields[name]
                if change_pending:
                    # One open request at a time (services.request_vendor_change); shown, not editable.
                    field.disabled = True
                    field.help_text = _("Terkunci: permintaan perubahan sedang menunggu keputusan BPBJ.")
                else:
                    field.help_text = " ".join(
                        filter(
                            None, [str(field.help_text), str(_("Perubahan berlaku setelah disetujui BPBJ."))]
                        )
                    )

    def clean_nib(self):
        return re.sub(r"[.\-\s]", "", self.cleaned_data.get("nib") or "")

    def clean_npwp(self):
        return re.sub(r"[.\-\s]", "", self.cleaned_data.get("npwp") or "")

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone"))

    def clean_kbli(self):
        return normalize_kbli(self.cleaned_data.get("kbli"))

    # Desa/kelurahan inside the kecamatan is checked by Vendor.clean() (run by _post_clean), so the
    # admin and the services hold to the same rule.

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


DOCUMENT_FIELDS = [
    ("doc_halal", VendorDocument.Kind.HALAL),
    ("doc_pirt", VendorDocument.Kind.PIRT),
    ("doc_sni", VendorDocument.Kind.SNI),
    ("doc_tkdn", VendorDocument.Kind.TKDN),
]


class DocumentFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".pdf,image/jpeg,image/png"}))
        kwargs.setdefault("help_text", _("PDF, JPEG atau PNG, maksimal %(mb)s MB.") % {"mb": 5})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            validate_document(value)


class VendorDocumentForm(forms.ModelForm):
    file = DocumentFileField(label=_("Berkas"), required=True)

    class Meta:
        model = VendorDocument
        fields = ["kind", "number", "valid_until", "file"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


# --------------------------------------------------------------------------- products


class ProductForm(forms.ModelForm):
    """A product as the vendor edits it; specifications are typed as ``Kunci: nilai`` lines."""

    price = RupiahField(label=_("Harga satuan (Rp)"), help_text=_("Rupiah utuh, mis. 25000 atau 25.000."))
    specifications_text = forms.CharField(
        label=_("Spesifikasi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Berat: 500 g\nBahan: apel manalagi"}),
        help_text=_("Satu baris satu spesifikasi, format “Kunci: nilai”."),
    )

    class Meta:
        model = Product
        fields = [
            "name",
            "category",
            "unit",
            "price",
            "min_order",
            "stock",
            "lead_time_days",
            "description",
            "specifications_text",
            "tkdn",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "min_order": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "stock": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "lead_time_days": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "tkdn": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        }
        # Typed the Indonesian way: "85,5" for TKDN, "1.250" for stock.
        field_classes = {
            "min_order": LocalIntegerField,
            "stock": LocalIntegerField,
            "lead_time_days": LocalIntegerField,
            "tkdn": LocalDecimalField,
        }
        help_texts = {"tkdn": _("Persen, boleh dengan koma, mis. 45,5.")}

    def __init__(self, *args, categories_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories_choices or category_choices()
        if self.instance.pk and not self.is_bound:
            self.initial["specifications_text"] = specifications_to_text(self.instance.specifications)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_specifications_text(self):
        return parse_specifications(self.cleaned_data.get("specifications_text", ""))

    def _post_clean(self):
        if "specifications_text" in self.cleaned_data:
            self.instance.specifications = self.cleaned_data["specifications_text"]
        super()._post_clean()

    def product_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["specifications"] = data.pop("specifications_text", [])
        return data


class PhotoUploadForm(forms.Form):
    # A plain FileField: our own checks (bytes, pixels, bomb, full decode) give the
    # messages; Django's ImageField would let a decompression bomb through with a warning.
    photo = forms.FileField(
        label=_("Foto produk"),
        help_text=_("JPEG, PNG atau WEBP, maksimal %(mb)s MB.")
        % {"mb": settings.MAX_PHOTO_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        try:
            open_checked_image(photo)
        finally:
            photo.seek(0)
        return photo


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ProductStatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *ProductStatus.choices]
    )
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)


# --------------------------------------------------------------------------- BPBJ


LOCAL_CHOICES = [
    ("1", _("Ya, penyedia lokal: domisili usaha di kota ini sudah dicek")),
    ("0", _("Bukan penyedia lokal: usaha berdomisili di luar kota ini")),
]


def _local_choice_field():
    # An explicit choice with nothing preselected: an unticked box silently made local businesses
    # non-local, and their sales stopped counting toward the local-spending target.
    return forms.TypedChoiceField(
        label=_("Penyedia lokal?"),
        choices=LOCAL_CHOICES,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih apakah penyedia ini penyedia lokal atau bukan.")},
    )


class VerifyVendorForm(forms.Form):
    is_local = _local_choice_field()
    note = forms.CharField(label=_("Catatan"), required=False, max_length=500)


class VendorLocalForm(forms.Form):
    """BPBJ corrects the "penyedia lokal" decision later, with the reason on record."""

    is_local = _local_choice_field()
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Alasan wajib diisi.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Alasan wajib diisi.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Alasan wajib diisi."))
        return reason


class VendorQueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *VendorStatus.choices]
    )
    q = forms.CharField(label=_("Cari nama, NIB, pemilik"), required=False, max_length=100)


class CurationFilterForm(forms.Form):
    SORT_CHOICES = [("lama", _("Terlama dulu")), ("baru", _("Terbaru dulu"))]

    q = forms.CharField(label=_("Cari produk atau penyedia"), required=False, max_length=100)
    urut = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)
    category = forms.TypedChoiceField(label=_("Kategori"), required=False, coerce=int, empty_value=None)
    vendor = forms.ModelChoiceField(
        label=_("Penyedia"), required=False, queryset=Vendor.objects.none(), empty_label=_("Semua penyedia")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(_("Semua kategori"))
        self.fields["vendor"].queryset = Vendor.objects.filter(
            products__status=ProductStatus.SUBMITTED
        ).distinct()
