"""The payout items an objection concerns, linked to the shared objection model (filled by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payouts', '0002_payee_snapshot'),
        ('reviews', '0002_objection_both_notice_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='payoutitem',
            name='shared_objections',
            field=models.ManyToManyField(blank=True, related_name='payout_items', to='reviews.objection', verbose_name='涉及本明细的公示异议'),
        ),
    ]
