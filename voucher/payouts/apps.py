from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "voucher.payouts"
    label = "payouts"
    verbose_name = "兑付批次"

    def ready(self) -> None:
        # Registers workbench cards, navigation and the order list's stage figure.
        from voucher.payouts import cards, stage  # noqa: F401
