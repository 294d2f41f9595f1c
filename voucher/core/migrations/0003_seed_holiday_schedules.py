"""Seed the 2025 and 2026 holiday schedules from the State Council notices (data/reference)."""

from types import SimpleNamespace

from django.db import migrations


def forward(apps, schema_editor):
    from voucher.core.holiday_data import read_schedule_csv, store_schedule

    models = SimpleNamespace(
        HolidayScheduleYear=apps.get_model("core", "HolidayScheduleYear"),
        CalendarDay=apps.get_model("core", "CalendarDay"),
    )
    for year, data in sorted(read_schedule_csv().items()):
        store_schedule(models, year, data["notice"], data["days"])


def backward(apps, schema_editor):
    apps.get_model("core", "HolidayScheduleYear").objects.filter(year__in=[2025, 2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forward, backward)]
