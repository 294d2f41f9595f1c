"""Payout-batch objections move into the shared objection model (reviews.Objection, with ``batch`` set),
with the items each concerns; backwards they move back into payouts.PayoutObjection.

The stored evidence files keep their names. Audit events already recorded keep naming the old rows
(the audit log is append-only and hash-chained).
"""

from django.db import migrations

FIELDS = [
    "name",
    "contact",
    "text",
    "file",
    "file_name",
    "file_content_type",
    "file_sha256",
    "filed_by_id",
    "filed_at",
    "status",
    "resolution",
    "resolved_by_id",
    "resolved_at",
]


def forwards(apps, schema_editor):
    PayoutObjection = apps.get_model("payouts", "PayoutObjection")
    PayoutItem = apps.get_model("payouts", "PayoutItem")
    Objection = apps.get_model("reviews", "Objection")
    Link = PayoutItem.shared_objections.through
    links = []
    for old in PayoutObjection.objects.order_by("id"):
        new = Objection.objects.create(batch_id=old.batch_id, **{f: getattr(old, f) for f in FIELDS})
        links += [Link(payoutitem_id=item_id, objection_id=new.pk) for item_id in old.items.values_list("id", flat=True)]
    Link.objects.bulk_create(links)


def backwards(apps, schema_editor):
    PayoutObjection = apps.get_model("payouts", "PayoutObjection")
    PayoutItem = apps.get_model("payouts", "PayoutItem")
    Objection = apps.get_model("reviews", "Objection")
    Link = PayoutItem.shared_objections.through
    moved = Objection.objects.filter(batch__isnull=False).order_by("id")
    for new in moved:
        old = PayoutObjection.objects.create(batch_id=new.batch_id, **{f: getattr(new, f) for f in FIELDS})
        old.items.set(Link.objects.filter(objection_id=new.pk).values_list("payoutitem_id", flat=True))
    Link.objects.filter(objection__batch__isnull=False).delete()
    moved.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('payouts', '0003_objection_item_links'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
