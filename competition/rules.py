"""When a direct order is not allowed: BPBJ's CompetitionRule per category (or above an amount).

Keputusan Kepala LKPP 93/2025 makes mini-kompetisi the method when more than one vendor offers
the same product: a cart line falls under a rule when its category (or the category's parent)
is marked, or an amount-only rule covers its order's total, and another verified vendor has a
published product in the same category. Checkout refuses such a cart; the cart page says so
and offers to start a mini-kompetisi from the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Product

from .models import CompetitionRule


@dataclass
class Requirement:
    item: object  # the CartItem
    message: str
    start_url: str


def _rule_for(rules, category) -> CompetitionRule | None:
    return (
        rules.get(category.pk)
        or (rules.get(category.parent_id) if category.parent_id else None)
        or rules.get(None)
    )


def requirements(groups) -> list[Requirement]:
    """``groups`` = [(vendor_id, [CartItem with product and product.category], total)]."""
    all_rules = list(CompetitionRule.objects.all())
    if not all_rules:
        return []
    rules = {r.category_id: r for r in all_rules}
    found = []
    for vendor_id, items, total in groups:
        for item in items:
            product = item.product
            rule = _rule_for(rules, product.category)
            if rule is None or (rule.min_amount is not None and Decimal(total) <= rule.min_amount):
                continue
            others = (
                Product.objects.public()
                .filter(category_id=product.category_id)
                .exclude(vendor_id=vendor_id)
                .values("vendor_id")
                .distinct()
                .count()
            )
            if not others:
                continue
            params = {
                "title": product.name,
                "category": product.category_id,
                "item-0-spec": product.name,
                "item-0-qty": item.quantity,
                "item-0-unit": product.unit,
                "from_cart": "1",
            }
            found.append(
                Requirement(
                    item,
                    _(
                        "%(name)s: pesanan langsung tidak diizinkan karena %(n)s penyedia lain menawarkan "
                        "produk sejenis di kategori %(cat)s; gunakan mini-kompetisi."
                    )
                    % {"name": product.name, "n": others, "cat": product.category},
                    reverse("competition:start") + "?" + urlencode(params),
                )
            )
    return found
