from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "voucher.catalogue"
    label = "catalogue"
    verbose_name = "配券产品目录"
