"""The payout-objection table is gone (its rows are in reviews.Objection); the item links take its name."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payouts', '0004_objections_to_shared_model'),
    ]

    operations = [
        migrations.DeleteModel(
            name='PayoutObjection',
        ),
        migrations.RenameField(
            model_name='payoutitem',
            old_name='shared_objections',
            new_name='objections',
        ),
    ]
