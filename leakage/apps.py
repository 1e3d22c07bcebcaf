from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeakageConfig(AppConfig):
    name = "leakage"
    verbose_name = _("Belanja di luar katalog")
