from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "voucher.reviews"
    label = "reviews"
    verbose_name = "评审与公示"

    def ready(self) -> None:
        from voucher.reviews import cards  # noqa: F401  (registers workbench cards and navigation)
