"""Tamper evidence for the audit log (SPEC M3): content hash and chain fields, and the chain head."""

from django.conf import settings
from django.db import migrations, models

SQLITE_GUARD_0002 = """
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;
"""


def restore_sqlite_guard(apps, schema_editor):
    # Removing the columns rebuilds the SQLite table, which drops its triggers; put back the 0002 guard.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD_0002)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_seed_holiday_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_guard),
        migrations.CreateModel(
            name="AuditLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="已封存条数")),
                (
                    "head_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                        verbose_name="链头哈希",
                    ),
                ),
                ("sealed_at", models.DateTimeField(blank=True, null=True, verbose_name="最近封存时间")),
            ],
            options={
                "verbose_name": "审计日志链",
                "verbose_name_plural": "审计日志链",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, verbose_name="链哈希"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.PositiveBigIntegerField(
                blank=True, editable=False, null=True, unique=True, verbose_name="链序号"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="内容哈希"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("chain_seq__isnull", True)), fields=["id"], name="core_audit_unsealed_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("chain_hash__isnull", True), ("chain_seq__isnull", True)),
                    models.Q(("chain_hash__isnull", False), ("chain_seq__isnull", False)),
                    _connector="OR",
                ),
                name="audit_chain_fields_together",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditlog",
            constraint=models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_log_single_row"),
        ),
    ]
