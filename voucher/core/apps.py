from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "voucher.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from voucher.core import cards  # noqa: F401  (registers workbench cards)
