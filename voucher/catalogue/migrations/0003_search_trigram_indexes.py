"""Catalogue search (O1): fill provider names of existing rows; on PostgreSQL add trigram GIN indexes.

The catalogue searches with ``icontains`` (``UPPER(col) LIKE UPPER('%词%')``), which finds Chinese
substrings on every database. On PostgreSQL a ``gin_trgm_ops`` index on ``UPPER(col)`` serves those
``LIKE '%…%'`` scans; SQLite has no such index and simply scans. The SQL runs only on PostgreSQL.
"""

from django.db import migrations

FIELDS = ("name", "summary", "provider_name")


def fill_provider_names(apps, schema_editor):
    Product = apps.get_model("catalogue", "Product")
    for product in Product.objects.filter(provider_name="").select_related("provider"):
        product.provider_name = product.provider.name
        product.save(update_fields=["provider_name"])


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalogue_product_{field}_trgm "
            f'ON catalogue_product USING gin (UPPER("{field}") gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalogue_product_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_product_on_sale_by_product_provider_name_and_more")]

    operations = [
        migrations.RunPython(fill_provider_names, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
