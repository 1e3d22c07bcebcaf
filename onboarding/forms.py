"""Forms of the registration steps, outreach events and the contact form (validation only)."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.forms import DOCUMENT_FIELDS, DocumentFileField, VendorProfileForm, normalize_phone
from catalog.models import Kecamatan, Kelurahan, phone_validator

from .models import HelpTicket, OutreachEvent


def _check_password(form, cleaned, *, username="", email="", name=""):
    password1, password2 = cleaned.get("password1"), cleaned.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", _("Kedua kata sandi tidak sama."))
    elif password1:
        user = get_user_model()(username=username, email=email, first_name=name)
        try:
            password_validation.validate_password(password1, user)
        except ValidationError as exc:
            form.add_error("password1", exc)


class LoginChoiceForm(forms.Form):
    """The login a new vendor picks (self-registration step 1, or the owner confirming)."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Untuk masuk. Huruf, angka dan @/./+/-/_ saja."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, password_saved=False, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_saved = password_saved
        self.person = person or {}
        if password_saved:
            # Saved earlier (only its hash): left empty, it is kept.
            for name in ("password1", "password2"):
                self.fields[name].required = False
            self.fields["password1"].help_text = _(
                "Kata sandi Anda sudah tersimpan. Kosongkan untuk tetap memakainya, atau isi untuk menggantinya."
            )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username

    def clean(self):
        cleaned = super().clean()
        _check_password(
            self,
            cleaned,
            username=cleaned.get("username", ""),
            email=self.person.get("email", ""),
            name=self.person.get("owner_name", ""),
        )
        return cleaned

    def valid_password(self) -> str:
        """The new password when it passed every check (even if the username did not)."""
        if not self.is_bound or "password1" in self.errors or "password2" in self.errors:
            return ""
        return self.cleaned_data.get("password1") or ""


class OwnerConfirmForm(LoginChoiceForm):
    agree = forms.BooleanField(
        label=_("Data usaha di atas benar, dan saya setuju usaha saya didaftarkan sebagai penyedia."),
        error_messages={"required": _("Centang persetujuan untuk mengonfirmasi pendaftaran.")},
    )


class BusinessForm(VendorProfileForm):
    """Step 2: the business, its place and contact, and the bank account (the profile fields)."""

    sections = (
        (
            _("Data usaha"),
            ("business_name", "owner_name", "nib", "kbli", "npwp", "scale", "is_pkp", "description"),
        ),
        (_("Alamat dan kontak"), ("address", "kecamatan", "kelurahan", "phone", "email")),
        (_("Rekening untuk pembayaran"), ("bank_name", "bank_account_number", "bank_account_name")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kbli"].required = True
        self.fields["kbli"].error_messages["required"] = _("Isi kode KBLI usaha Anda (lihat NIB di OSS).")

    def grouped(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def valid_part(self) -> dict:
        """The fields that passed their own checks, to keep next to the ones in error."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class DocumentsForm(forms.Form):
    """Step 3: supporting documents, each optional, each stored as soon as it is valid."""

    doc_halal = DocumentFileField(label=_("Sertifikat halal"))
    doc_pirt = DocumentFileField(label=_("PIRT"))
    doc_sni = DocumentFileField(label=_("SNI"))
    doc_tkdn = DocumentFileField(label=_("Sertifikat TKDN"))

    def valid_uploads(self) -> list[tuple[str, object]]:
        cleaned = getattr(self, "cleaned_data", {})
        return [
            (kind, cleaned[name])
            for name, kind in DOCUMENT_FIELDS
            if cleaned.get(name) and name not in self.errors
        ]


class OutreachEventForm(forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = ["name", "held_on", "kecamatan", "kelurahan", "place", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.all()
        self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan")


class ContactForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Telepon / WhatsApp"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Mis. 0812-3456-7890. Isi email atau telepon agar BPBJ dapat membalas."),
    )

    class Meta:
        model = HelpTicket
        fields = ["name", "email", "phone", "topic", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data.get("phone"))
        if phone:
            phone_validator(phone)
        return phone

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) > 5000:
            raise ValidationError(_("Pesan maksimal 5.000 karakter."))
        return message

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors.get("phone"):
            self.add_error("email", _("Isi email atau nomor telepon agar BPBJ dapat membalas."))
        return cleaned

    def ticket_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=HelpTicket.Status.choices)
    note = forms.CharField(
        label=_("Catatan BPBJ"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
