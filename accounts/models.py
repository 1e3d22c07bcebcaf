from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VENDOR = "vendor", _("Penyedia")
    BUYER = "buyer", _("Pejabat OPD")
    CATALOG_MANAGER = "catalog_manager", _("Pengelola Katalog BPBJ")
    ADMIN = "admin", _("Admin BPBJ")


class User(AbstractUser):
    """A person who logs in. The role decides what they may see and do.

    A vendor user is linked from ``catalog.Vendor.user``; an OPD user from
    ``procurement.OPDMember.user`` (the links live on the other side so this
    app depends on nothing).
    """

    role = models.CharField(
        _("peran"), max_length=20, choices=Role.choices, default=Role.VENDOR, db_index=True
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_vendor(self) -> bool:
        return self.role == Role.VENDOR

    @property
    def is_buyer(self) -> bool:
        return self.role == Role.BUYER

    @property
    def is_bpbj(self) -> bool:
        """Catalogue managers and BPBJ admins curate and watch everything."""
        return self.role in (Role.CATALOG_MANAGER, Role.ADMIN) or self.is_superuser

    @cached_property
    def vendor_profile(self):
        """The vendor this user represents, or None."""
        from catalog.models import Vendor

        return Vendor.objects.filter(user_id=self.pk).first() if self.is_vendor else None

    @cached_property
    def opd_membership(self):
        """The OPD membership (OPD and position) of this user, or None."""
        from procurement.models import OPDMember

        if not self.is_buyer:
            return None
        return OPDMember.objects.select_related("opd").filter(user_id=self.pk).first()

    @property
    def opd(self):
        membership = self.opd_membership
        return membership.opd if membership else None

    @property
    def may_order(self) -> bool:
        """Only the OPD's Pejabat Pengadaan/PPK orders; the PA/KPA approves and the treasurer pays."""
        from procurement.models import OPDMember

        membership = self.opd_membership
        return membership is not None and membership.position in OPDMember.ORDERING_POSITIONS
