from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "voucher.tasks"
    label = "tasks"
    verbose_name = "后台任务与通知投递"

    def ready(self) -> None:
        from voucher.tasks import cards  # noqa: F401  (registers the navigation)
