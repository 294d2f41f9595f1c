from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "voucher.reviews"
    label = "reviews"
    verbose_name = "评审与公示"
