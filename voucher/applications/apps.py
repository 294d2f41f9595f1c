from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "voucher.applications"
    label = "applications"
    verbose_name = "配券产品申报"

    def ready(self) -> None:
        from voucher.applications import cards  # noqa: F401  (registers workbench cards and navigation)
