from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "voucher.claims"
    label = "claims"
    verbose_name = "兑券申请"

    def ready(self) -> None:
        # Registers workbench cards, navigation and the order list's stage figure.
        from voucher.claims import cards, stage  # noqa: F401
