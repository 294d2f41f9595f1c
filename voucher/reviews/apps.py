from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "voucher.reviews"
    label = "reviews"
    verbose_name = "评审与公示"

    def ready(self) -> None:
        from voucher.applications.decisions import install_review_desk
        from voucher.reviews import cards  # noqa: F401  (registers workbench cards and navigation)
        from voucher.reviews.desk import ApplicationReviewDesk

        install_review_desk(ApplicationReviewDesk())
