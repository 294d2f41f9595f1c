"""Load the whole GB/T 4754-2017 table (1,381 小类) as project data; existing codes keep their rows."""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def forward(apps, schema_editor):
    from voucher.enterprises.reference import load_industry_codes

    load_industry_codes(apps.get_model("enterprises", "IndustryCode"), Path(settings.BASE_DIR) / "data" / "reference")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_industry_note_text")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
