"""Load the SME size standard and the 2025 quota tier as project data (GB/T 4754-2017 codes: 0004)."""

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import migrations


def forward(apps, schema_editor):
    from voucher.enterprises.reference import load_size_standard

    directory = Path(settings.BASE_DIR) / "data" / "reference"
    names = ["SizeStandard", "SizeIndustryGroup", "SizeThreshold", "IndustryGroupMapping"]
    load_size_standard(SimpleNamespace(**{n: apps.get_model("enterprises", n) for n in names}), directory)
    ProgrammeYear = apps.get_model("programmes", "ProgrammeYear")
    QuotaTier = apps.get_model("enterprises", "QuotaTier")
    for programme in ProgrammeYear.objects.filter(year=2025):
        # Guide §一.2: one tier, 20万元 per enterprise per year.
        QuotaTier.objects.create(
            programme=programme, code="standard", name="中小微企业", cap=Decimal("200000.00"), is_default=True
        )


def backward(apps, schema_editor):
    for name in ["QuotaTier", "IndustryGroupMapping", "SizeThreshold", "SizeIndustryGroup", "SizeStandard"]:
        apps.get_model("enterprises", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial"), ("programmes", "0003_uncovered_industry_group")]
    operations = [migrations.RunPython(forward, backward)]
