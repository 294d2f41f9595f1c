from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "voucher.payouts"
    label = "payouts"
    verbose_name = "兑付批次"
