"""A pending notice names the capability of its recipients (``party.provider``), not a role."""

from django.db import migrations, models

FORWARD = {"provider": "party.provider", "enterprise": "party.enterprise", "admin": "bureau.admin"}


def to_capabilities(apps, schema_editor):
    PendingNotice = apps.get_model("core", "PendingNotice")
    for role, capability in FORWARD.items():
        PendingNotice.objects.filter(capability=role).update(capability=capability)


def to_roles(apps, schema_editor):
    PendingNotice = apps.get_model("core", "PendingNotice")
    for role, capability in FORWARD.items():
        PendingNotice.objects.filter(capability=capability).update(capability=role)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_pending_notice")]

    operations = [
        migrations.RenameField("pendingnotice", "role", "capability"),
        migrations.AlterField(
            "pendingnotice", "capability", models.CharField("接收人的权限", max_length=40)
        ),
        migrations.RunPython(to_capabilities, to_roles),
    ]
