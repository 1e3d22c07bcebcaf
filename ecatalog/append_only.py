"""Append-only records: audit trails, histories and the money path's receipts and payments.

Once written, these rows are evidence; nothing in the application changes or removes them.
Three layers refuse it:

* the model: ``save`` of an existing row and ``delete`` raise ``AuditTrailError``;
* the queryset: ``update``, ``delete`` and ``bulk_update`` raise it too (the Django admin's
  bulk delete, a shell session);
* PostgreSQL: a BEFORE UPDATE OR DELETE row trigger and a BEFORE TRUNCATE statement trigger
  (``sql_triggers``), so raw SQL from the application's database role is refused as well.
  The application role also lacks TRUNCATE, ownership (ALTER TABLE ... DISABLE TRIGGER) and
  superuser (SET session_replication_role): docs/DEPLOY.md, "Two database roles".

Foreign keys *to* these rows' parents are PROTECT, not CASCADE or SET_NULL: deleting a vendor,
product, order or user that has history would otherwise have to delete or rewrite the history.
"""

from contextlib import contextmanager

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditTrailError(Exception):
    """Raised on any attempt to change or remove an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Queryset that refuses bulk UPDATE and DELETE."""

    def update(self, **kwargs):
        raise AuditTrailError(_("Jejak audit tidak dapat diubah."))

    def delete(self):
        raise AuditTrailError(_("Jejak audit tidak dapat dihapus."))

    def _raw_delete(self, using):
        raise AuditTrailError(_("Jejak audit tidak dapat dihapus."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailError(_("Jejak audit tidak dapat diubah."))


class AppendOnlyModel(models.Model):
    """Rows are inserted once, never updated or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditTrailError(_("Jejak audit tidak dapat diubah."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailError(_("Jejak audit tidak dapat dihapus."))


@contextmanager
def keep_given_timestamps(*models):
    """Let inserts keep the timestamps we set (auto_now/auto_now_add off for a while).

    Append-only rows cannot be backdated by an UPDATE after the insert, so demo data and test
    factories that need history insert it with its time already in place.
    """
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
