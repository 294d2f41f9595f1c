from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "voucher.programmes"
    label = "programmes"
    verbose_name = "年度政策"

    def ready(self) -> None:
        from voucher.programmes import cards, front  # noqa: F401  (registers workbench cards and the front page)
