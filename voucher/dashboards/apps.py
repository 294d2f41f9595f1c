from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "voucher.dashboards"
    label = "dashboards"
    verbose_name = "数据看板"

    def ready(self) -> None:
        from voucher.dashboards import cards  # noqa: F401  (registers the workbench card and navigation)
