from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "voucher.enterprises"
    label = "enterprises"
    verbose_name = "企业认证与额度"
