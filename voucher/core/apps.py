from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "voucher.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import pre_save

        from voucher.core import cards  # noqa: F401  (registers workbench cards)
        from voucher.core.text import clean_model_text

        for model in apps.get_models():
            if model.__module__.startswith("voucher."):
                pre_save.connect(
                    clean_model_text, sender=model, dispatch_uid=f"clean_text_{model._meta.label}"
                )
