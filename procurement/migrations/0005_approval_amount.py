from django.db import migrations
from django.db.models import F

import catalog.money


def backfill_approved_amount(apps, schema_editor):
    """Orders approved before the amount was recorded: the approval covered the total of that time.

    That is the current total unless an accepted negotiation offer changed it after the approval;
    those orders keep no approved amount, so an increase made that way still needs a PA/KPA.
    """
    Order = apps.get_model("procurement", "Order")
    NegotiationOffer = apps.get_model("procurement", "NegotiationOffer")
    renegotiated = set()
    for order_id, offer_at, approved_at in NegotiationOffer.objects.filter(
        action="accept", order__approved_at__isnull=False
    ).values_list("order_id", "created_at", "order__approved_at"):
        if offer_at > approved_at:
            renegotiated.add(order_id)
    Order.objects.filter(approved_at__isnull=False).exclude(pk__in=renegotiated).update(
        approved_amount=F("total")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0004_delivery_note_private_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="approved_amount",
            field=catalog.money.MoneyField(
                blank=True, decimal_places=0, max_digits=18, null=True, verbose_name="jumlah yang disetujui PA/KPA"
            ),
        ),
        migrations.RunPython(backfill_approved_amount, migrations.RunPython.noop),
    ]
