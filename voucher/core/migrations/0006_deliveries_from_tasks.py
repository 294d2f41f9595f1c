"""The notification outbox's rows become kernel models; their tables (created by tasks 0001) stay as
they are, so only the migration state moves (tasks 0003 removes them from the tasks app's state)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_audit_chain_hashes'),
        ('tasks', '0002_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('email', '电子邮件'), ('sms', '短信')], max_length=10, verbose_name='渠道')),
                ('sender', models.CharField(max_length=200, verbose_name='发送程序')),
                ('address', models.CharField(max_length=254, verbose_name='地址')),
                ('status', models.CharField(choices=[('pending', '待发送'), ('sent', '已发送'), ('failed', '发送失败')], default='pending', max_length=10, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='已尝试次数')),
                ('last_error', models.TextField(blank=True, verbose_name='最近一次错误')),
                ('created_at', models.DateTimeField(verbose_name='创建时间')),
                ('next_attempt_at', models.DateTimeField(db_index=True, verbose_name='下次尝试时间')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='core.notification', verbose_name='通知')),
            ],
            options={
                'verbose_name': '通知投递',
                'verbose_name_plural': '通知投递',
                'db_table': 'tasks_delivery',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='delivery_due')],
                'constraints': [models.UniqueConstraint(fields=('notification', 'sender'), name='delivery_once_per_sender'), models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'sent', 'failed'])), name='delivery_status_valid')],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=60, verbose_name='通知类型')),
                ('channel', models.CharField(choices=[('email', '电子邮件'), ('sms', '短信')], max_length=10, verbose_name='渠道')),
                ('enabled', models.BooleanField(default=True, verbose_name='接收')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '通知偏好',
                'verbose_name_plural': '通知偏好',
                'db_table': 'tasks_notificationpreference',
                'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'channel'), name='preference_once_per_kind_channel')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]
