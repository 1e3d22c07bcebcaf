from django import forms
from django.utils.translation import gettext_lazy as _


class RealisationUploadForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    period_start = forms.DateField(label=_("Periode mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Periode sampai"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("Berkas realisasi (CSV atau XLSX)"),
        help_text=_("Ekspor realisasi belanja SIPD dengan susunan kolom templat."),
    )
