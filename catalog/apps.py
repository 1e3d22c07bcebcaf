from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Katalog produk lokal")

    def ready(self):
        # Connects the signals that invalidate cached catalogue fragments.
        from . import page_cache  # noqa: F401
