"""PostgreSQL-only indexes for catalogue search (SQLite gets none and searches with LIKE).

- GIN on the stored tsvector: full-text search on the public catalogue.
- GIN trigram on UPPER(name): icontains fallback and typo-tolerant matching.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS product_search_vector_gin ON catalog_product USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS product_name_upper_trgm ON catalog_product USING gin (UPPER(name) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS vendor_name_upper_trgm ON catalog_vendor USING gin (UPPER(business_name) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("product_search_vector_gin", "product_name_upper_trgm", "vendor_name_upper_trgm"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
