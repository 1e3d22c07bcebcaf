"""Drop the cached dashboard when the numbers behind it change (cheap: no query).

The dashboard shows paid and committed spending, budgets, vendors and the published
ranking. An order that the vendor has not agreed to yet (a checkout, a draft waiting
for the PA/KPA, a negotiation, a rejection) changes none of them, so saving it keeps
the cache: otherwise every checkout would flush it and, under checkout load, every
dashboard view would rebuild it (~1 s of grouped queries at national size). Product
edits do not flush it either; the product count may lag by ``DASHBOARD_CACHE_TIMEOUT``.
"""

from django.db.models.signals import post_delete, post_save

from procurement.models import OrderStatus

from .selectors import invalidate_dashboard_cache

UNCOUNTED_ORDER_STATUSES = frozenset(
    {
        OrderStatus.DRAFT,
        OrderStatus.PENDING_APPROVAL,
        OrderStatus.SENT,
        OrderStatus.NEGOTIATING,
        OrderStatus.REJECTED,
    }
)


def _invalidate(sender, **kwargs):
    invalidate_dashboard_cache()


def _order_changed(sender, instance, **kwargs):
    if instance.status not in UNCOUNTED_ORDER_STATUSES:
        invalidate_dashboard_cache()


def connect() -> None:
    from catalog.models import Vendor
    from procurement.models import Budget, Order  # noqa: I001

    post_save.connect(_order_changed, sender=Order, dispatch_uid="opd_scoring_invalidate_save_Order")
    post_delete.connect(_invalidate, sender=Order, dispatch_uid="opd_scoring_invalidate_delete_Order")
    for model in (Budget, Vendor):
        post_save.connect(
            _invalidate, sender=model, dispatch_uid=f"opd_scoring_invalidate_save_{model.__name__}"
        )
        post_delete.connect(
            _invalidate, sender=model, dispatch_uid=f"opd_scoring_invalidate_delete_{model.__name__}"
        )
