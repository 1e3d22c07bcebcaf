"""Drop the cached dashboard when the numbers behind it change (cheap: no query)."""

from django.db.models.signals import post_delete, post_save

from .selectors import invalidate_dashboard_cache


def _invalidate(sender, **kwargs):
    invalidate_dashboard_cache()


def connect() -> None:
    from catalog.models import Product, Vendor
    from procurement.models import Budget, Order

    for model in (Order, Product, Budget, Vendor):
        post_save.connect(
            _invalidate, sender=model, dispatch_uid=f"opd_scoring_invalidate_save_{model.__name__}"
        )
        post_delete.connect(
            _invalidate, sender=model, dispatch_uid=f"opd_scoring_invalidate_delete_{model.__name__}"
        )
