"""Create the 2025 programme year from the published guide."""

from types import SimpleNamespace

from django.db import migrations


def forward(apps, schema_editor):
    from voucher.programmes.loader import load_guide_2025

    names = ["ProgrammeYear", "Field", "Direction", "DirectionSubtype", "Requirement"]
    load_guide_2025(SimpleNamespace(**{n: apps.get_model("programmes", n) for n in names}))


def backward(apps, schema_editor):
    apps.get_model("programmes", "ProgrammeYear").objects.filter(year=2025).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
