"""Forms of the procurement pages; the services re-check every rule."""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from catalog.images import validate_document
from catalog.money import format_rupiah
from ecatalog.numbers import LocalIntegerField

from . import services
from .services import MAX_QUANTITY, MAX_UNIT_PRICE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuantityForm(forms.Form):
    quantity = LocalIntegerField(
        label=_("Jumlah"),
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages={"invalid": _("Jumlah harus berupa bilangan bulat.")},
    )


class CheckoutForm(forms.Form):
    """Delivery details plus one RUP package per vendor group (or one for all)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The signed snapshot of what the page showed (the view renders a fresh one every time).
    snapshot = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Formulir pesanan tidak lengkap; muat ulang halaman.")},
    )
    package_all = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Paket RUP untuk semua pesanan"),
        empty_label=_("— pilih per penyedia di bawah —"),
    )
    delivery_address = forms.CharField(
        label=_("Alamat pengiriman"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    needed_by = forms.DateField(label=_("Dibutuhkan tanggal"), widget=DATE)
    note = forms.CharField(
        label=_("Catatan untuk penyedia"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Payment plan of every order of this checkout; the service checks the city's limits.
    advance_percent = forms.DecimalField(
        label=_("Uang muka (% dari total)"), required=False, min_value=0, max_digits=5, decimal_places=2
    )
    pay_per_bast = forms.BooleanField(label=_("Bayar per BAST (termin)"), required=False)
    retention_percent = forms.DecimalField(
        label=_("Retensi (% dari total)"), required=False, min_value=0, max_digits=5, decimal_places=2
    )
    retention_until = forms.DateField(label=_("Retensi ditahan sampai"), required=False, widget=DATE)

    def plan(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.PLAN_FIELDS}

    def __init__(self, *args, packages, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.packages = packages
        self.fields["package_all"].queryset = packages
        self.fields["package_all"].label_from_instance = self.package_label
        self.group_fields = []
        for group in groups:
            name = f"package_{group['vendor'].pk}"
            self.fields[name] = forms.ModelChoiceField(
                queryset=packages,
                required=False,
                label=_("Paket RUP untuk %(vendor)s") % {"vendor": group["vendor"]},
                empty_label=_("— pilih paket —"),
            )
            self.fields[name].label_from_instance = self.package_label
            self.group_fields.append((group, name))
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    @staticmethod
    def package_label(package):
        from catalog.money import format_rupiah

        return f"{package.kode_rup} – {package.name} (sisa {format_rupiah(package.remaining)})"

    def clean_needed_by(self):
        value = self.cleaned_data["needed_by"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Tanggal dibutuhkan tidak boleh sebelum hari ini."))
        return value

    def clean_snapshot(self):
        try:
            return services.load_checkout_snapshot(self.cleaned_data["snapshot"])
        except services.CheckoutError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        chosen = {}
        for group, name in self.group_fields:
            package = data.get(name) or data.get("package_all")
            if package is None:
                self.add_error(name, _("Pilih paket RUP."))
            else:
                chosen[group["vendor"].pk] = package.pk
        data["packages"] = chosen
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalForm(NoteForm):
    """PA/KPA approval; ``amount`` is the total the approver was shown (the service compares it)."""

    amount = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={"invalid": _("Jumlah yang disetujui tidak valid; muat ulang halaman.")},
    )


class OfferForm(forms.Form):
    """Unit price and quantity per order line (buyer proposal or vendor counter-offer)."""

    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines, proposed=None, **kwargs):
        """``proposed``: {line id: (unit price, quantity)} of the offer being answered, as the starting values."""
        super().__init__(*args, **kwargs)
        proposed = proposed or {}
        self.rows = []
        for line in lines:
            price = f"price_{line.pk}"
            qty = f"qty_{line.pk}"
            start_price, start_qty = proposed.get(line.pk, (line.unit_price, line.quantity))
            self.fields[price] = LocalIntegerField(
                label=_("Harga satuan"), min_value=1, max_value=int(MAX_UNIT_PRICE), initial=int(start_price)
            )
            self.fields[qty] = LocalIntegerField(
                label=_("Jumlah"), min_value=1, max_value=MAX_QUANTITY, initial=start_qty
            )
            self.rows.append((line, price, qty))

    def offer_lines(self):
        return {line.pk: (self.cleaned_data[p], self.cleaned_data[q]) for line, p, q in self.rows}


class ShipForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan pengiriman"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    delivery_note_file = forms.FileField(
        label=_("Surat jalan (PDF/JPG/PNG, opsional)"), required=False, widget=forms.ClearableFileInput
    )

    def clean_delivery_note_file(self):
        f = self.cleaned_data.get("delivery_note_file")
        if not f:
            return f
        ext = Path(f.name).suffix.lower()
        if ext not in {".pdf", ".jpg", ".jpeg", ".png"}:
            raise forms.ValidationError(_("Hanya PDF, JPG atau PNG."))
        validate_document(f)  # size limit and content check (a renamed file is refused)
        f.name = f"{uuid.uuid4().hex}{ext}"
        return f


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Tanggal terima"), widget=DATE)
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, order, lines, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks the date (after the role); the form shows the allowed range.
        earliest, today = services.receipt_date_bounds(order)
        self.fields["received_on"].widget.attrs.update(min=earliest.isoformat(), max=today.isoformat())
        self.fields["received_on"].help_text = _("Antara %(start)s (barang dikirim) dan hari ini.") % {
            "start": date_format(earliest)
        }
        self.initial.setdefault("received_on", today)
        self.rows = []
        for line in lines:
            outstanding = line.quantity - line.received_quantity
            name = f"recv_{line.pk}"
            self.fields[name] = LocalIntegerField(
                label=line.product_name,
                min_value=0,
                max_value=outstanding,
                initial=outstanding,
                required=False,
            )
            self.rows.append((line, name, outstanding))

    def quantities(self):
        return {line.pk: self.cleaned_data.get(name) or 0 for line, name, _o in self.rows}


class PaymentForm(forms.Form):
    installment = forms.ChoiceField(label=_("Angsuran"), required=False)
    paid_on = forms.DateField(label=_("Tanggal transfer"), widget=DATE)
    reference = forms.CharField(label=_("Nomor referensi transfer"), max_length=100)
    pph_code = forms.ChoiceField(label=_("PPh dipotong"), required=False)

    def __init__(self, *args, order, receipts=None, installments=None, **kwargs):
        super().__init__(*args, **kwargs)
        due = [i for i in (installments or []) if i.due and not i.paid]
        self.fields["installment"].choices = [
            (i.key, f"{i.label}: {format_rupiah(i.amount)}") for i in due
        ] or [("", _("Tidak ada angsuran yang jatuh tempo"))]
        self.fields["pph_code"].choices = services.pph_choices()
        # The service checks the date (after the role); the form shows the allowed range.
        earliest, today = services.payment_date_bounds(order, receipts=receipts)
        self.fields["paid_on"].widget.attrs.update(min=earliest.isoformat(), max=today.isoformat())
        self.fields["paid_on"].help_text = _("Antara %(start)s (BAST pertama) dan hari ini.") % {
            "start": date_format(earliest)
        }
        self.initial.setdefault("paid_on", today)


class AddendumForm(forms.Form):
    """New quantity and unit price per line (0 removes a line), date, reason, optional new plan."""

    new_needed_by = forms.DateField(label=_("Tanggal dibutuhkan"), widget=DATE)
    reason = forms.CharField(
        label=_("Alasan perubahan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_plan = forms.BooleanField(label=_("Ubah rencana pembayaran"), required=False)
    advance_percent = CheckoutForm.base_fields["advance_percent"]
    pay_per_bast = CheckoutForm.base_fields["pay_per_bast"]
    retention_percent = CheckoutForm.base_fields["retention_percent"]
    retention_until = CheckoutForm.base_fields["retention_until"]

    def __init__(self, *args, order, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("new_needed_by", order.needed_by)
        for name in services.PLAN_FIELDS:
            self.initial.setdefault(name, getattr(order, name))
        self.rows = []
        for line in lines:
            price, qty = f"price_{line.pk}", f"qty_{line.pk}"
            self.fields[price] = forms.CharField(
                label=_("Harga satuan %(name)s") % {"name": line.product_name},
                initial=int(line.unit_price),
                max_length=20,
            )
            self.fields[qty] = forms.IntegerField(
                label=_("Jumlah %(name)s") % {"name": line.product_name},
                initial=line.quantity,
                min_value=0,
            )
            self.rows.append((line, price, qty))

    def lines(self) -> dict:
        return {line.pk: (self.cleaned_data[p], self.cleaned_data[q]) for line, p, q in self.rows}

    def plan(self) -> dict | None:
        if not self.cleaned_data.get("change_plan"):
            return None
        return {name: self.cleaned_data.get(name) for name in services.PLAN_FIELDS}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Nilai penyedia (1–5)"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Komentar"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RUPImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV atau XLSX"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        ext = Path(f.name).suffix.lower()
        if ext not in {".csv", ".xlsx"}:
            raise forms.ValidationError(_("Unggah berkas .csv atau .xlsx."))
        if f.size > settings.MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maks. 5 MB)."))
        return f
