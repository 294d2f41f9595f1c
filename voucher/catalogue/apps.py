from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "voucher.catalogue"
    label = "catalogue"
    verbose_name = "配券产品目录"

    def ready(self) -> None:
        from voucher.catalogue import cards  # noqa: F401  (registers workbench cards and navigation)
