from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "voucher.contracts"
    label = "contracts"
    verbose_name = "服务合同与评价"

    def ready(self) -> None:
        from voucher.contracts import cards, pages  # noqa: F401  (registers workbench cards, navigation, page sections)
