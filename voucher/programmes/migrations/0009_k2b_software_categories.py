"""K2b as a controlled list: the 2025 software categories and excluded tool types, in the year's data."""

from django.db import migrations


def forward(apps, schema_editor):
    from voucher.programmes.guide_2025 import K2B_PARAMS

    Requirement = apps.get_model("programmes", "Requirement")
    for requirement in Requirement.objects.filter(code="K2b", kind="excluded_product_types"):
        if "categories" not in (requirement.params or {}):
            requirement.params = K2B_PARAMS
            requirement.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_redeclaration")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
