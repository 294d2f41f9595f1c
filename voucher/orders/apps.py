from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "voucher.orders"
    label = "orders"
    verbose_name = "服务券订单"

    def ready(self) -> None:
        from voucher.orders import cards  # noqa: F401  (registers workbench cards and navigation)
