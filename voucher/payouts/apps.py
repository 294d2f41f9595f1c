from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "voucher.payouts"
    label = "payouts"
    verbose_name = "兑付批次"

    def ready(self) -> None:
        from voucher.payouts import cards  # noqa: F401  (registers workbench cards and navigation)
