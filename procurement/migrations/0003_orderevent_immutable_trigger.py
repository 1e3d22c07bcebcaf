"""On PostgreSQL a trigger makes the order audit trail append-only at the database level."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION procurement_orderevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'procurement_orderevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS procurement_orderevent_no_change ON procurement_orderevent;
CREATE TRIGGER procurement_orderevent_no_change
    BEFORE UPDATE OR DELETE ON procurement_orderevent
    FOR EACH ROW EXECUTE FUNCTION procurement_orderevent_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS procurement_orderevent_no_change ON procurement_orderevent;
DROP FUNCTION IF EXISTS procurement_orderevent_immutable();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("procurement", "0002_order_checkout_unique_event_manager")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
