"""The deliveries and notification preferences now belong to the kernel (core 0006); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0002_schedule'),
        ('core', '0006_deliveries_from_tasks'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='notificationpreference',
            name='user',
        ),
        migrations.DeleteModel(
            name='Delivery',
        ),
        migrations.DeleteModel(
            name='NotificationPreference',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]
