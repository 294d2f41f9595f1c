from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _order_rules_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A programme year or a provider organisation was saved (by a service or in the admin site): the
    products' cached order facts stop holding once it commits (:mod:`voucher.orders.product_facts`)."""
    from voucher.core.cache import facts_changed

    if sender.__name__ == "Organisation" and not instance.is_provider:
        return
    facts_changed("order-rules")


class OrdersConfig(AppConfig):
    name = "voucher.orders"
    label = "orders"
    verbose_name = "服务券订单"

    def ready(self) -> None:
        from voucher.accounts.models import Organisation
        from voucher.orders import cards  # noqa: F401  (registers workbench cards and navigation)
        from voucher.programmes.models import ProgrammeYear

        for model in (ProgrammeYear, Organisation):
            post_save.connect(
                _order_rules_changed, sender=model, dispatch_uid=f"order-facts-{model.__name__}"
            )
            post_delete.connect(
                _order_rules_changed, sender=model, dispatch_uid=f"order-facts-del-{model.__name__}"
            )
