from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "voucher.orders"
    label = "orders"
    verbose_name = "服务券订单"
