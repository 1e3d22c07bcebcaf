from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpdScoringConfig(AppConfig):
    name = "opd_scoring"
    verbose_name = _("Indeks OPD dan penghargaan")

    def ready(self):
        from . import signals

        signals.connect()
