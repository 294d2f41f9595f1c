from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "voucher.enforcement"
    label = "enforcement"
    verbose_name = "监督管理（追回、违规处理、抽查）"

    def ready(self) -> None:
        from voucher.enforcement import cards  # noqa: F401  (registers workbench cards and navigation)
        from voucher.enforcement.standing import SanctionRegister
        from voucher.standing import install_register

        install_register(SanctionRegister())
