from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (``manage.py demo_seed``); it has no models and sits above every stage."""

    name = "voucher.demo"
    label = "demo"
    verbose_name = "演示数据"
