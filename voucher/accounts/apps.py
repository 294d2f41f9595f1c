from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "voucher.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_migrate, post_save

        from voucher.accounts import cards  # noqa: F401  (registers workbench cards)
        from voucher.accounts.backends import user_changed
        from voucher.accounts.middleware import start_idle_clock
        from voucher.accounts.models import User
        from voucher.accounts.signals import sync_admin_group

        post_migrate.connect(sync_admin_group, dispatch_uid="voucher_sync_admin_group")
        post_save.connect(user_changed, sender=User, dispatch_uid="voucher_user_cache_save")
        post_delete.connect(user_changed, sender=User, dispatch_uid="voucher_user_cache_delete")
        user_logged_in.connect(start_idle_clock, dispatch_uid="voucher_idle_clock")
