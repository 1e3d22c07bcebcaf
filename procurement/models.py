from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OPD(models.Model):
    """A work unit of the city (dinas, badan, kecamatan, RSUD …) that buys."""

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
        KECAMATAN = "kecamatan", _("Kecamatan")
        RSUD = "rsud", _("Rumah Sakit Daerah")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=50, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    head_name = models.CharField(_("nama kepala"), max_length=150, blank=True)
    head_title = models.CharField(_("jabatan kepala"), max_length=150, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self):
        return self.short_name or self.name


class OPDMember(models.Model):
    """A user acting for one OPD in one position."""

    class Position(models.TextChoices):
        PP = "pp", _("Pejabat Pengadaan")
        PPK = "ppk", _("Pejabat Pembuat Komitmen")
        PA = "pa", _("PA/KPA (kepala)")
        TREASURER = "treasurer", _("Bendahara")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opd_member")
    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="members", verbose_name=_("OPD"))
    position = models.CharField(_("jabatan"), max_length=10, choices=Position.choices)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)

    class Meta:
        ordering = ["opd__name", "position"]
        verbose_name = _("pejabat OPD")
        verbose_name_plural = _("pejabat OPD")

    def __str__(self):
        return f"{self.user} – {self.get_position_display()} {self.opd}"
