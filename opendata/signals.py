"""A change to a published order makes its year's OCDS bulk file stale: ask for a rebuild."""

from django.db import transaction
from django.db.models.signals import post_save

from . import bulk


def _order_saved(sender, instance, **kwargs):
    if instance.sent_at and instance.fiscal_year:
        year = instance.fiscal_year
        transaction.on_commit(lambda: bulk.schedule_rebuild(year))


def connect() -> None:
    from procurement.models import Order

    post_save.connect(_order_saved, sender=Order, dispatch_uid="opendata_ocds_bulk_order_saved")
