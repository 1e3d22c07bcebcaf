"""Signals of the procurement app that reach into other apps' caches."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.page_cache import bump_catalog_version

from .models import VendorRating


@receiver([post_save, post_delete], sender=VendorRating, dispatch_uid="procurement.signals.rating_changed")
def _rating_changed(**kwargs) -> None:
    # The public vendor page shows the vendor's average rating inside its cached fragment.
    bump_catalog_version()
