from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "voucher.contracts"
    label = "contracts"
    verbose_name = "服务合同与评价"

    def ready(self) -> None:
        # Registers workbench cards, navigation, page sections and the order list's stage figure.
        from voucher.contracts import cards, pages, stage  # noqa: F401
