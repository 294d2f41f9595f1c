from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "voucher.claims"
    label = "claims"
    verbose_name = "兑券申请"

    def ready(self) -> None:
        from voucher.claims import cards  # noqa: F401  (registers workbench cards and navigation)
