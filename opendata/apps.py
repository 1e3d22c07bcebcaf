from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Data terbuka dan integritas")

    def ready(self):
        # Registers the drf-spectacular extension that puts filter bounds and enums in the spec.
        from . import (
            schema,  # noqa: F401
            signals,
        )

        signals.connect()
