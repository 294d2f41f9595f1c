from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "voucher.enterprises"
    label = "enterprises"
    verbose_name = "企业认证与额度"

    def ready(self) -> None:
        from voucher.enterprises import cards, receivers  # noqa: F401  (registers workbench cards, navigation, receivers)
