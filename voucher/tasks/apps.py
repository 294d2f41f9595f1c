from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "voucher.tasks"
    label = "tasks"
    verbose_name = "后台任务与通知投递"

    def ready(self) -> None:
        from voucher.core.notifications import install_delivery_publisher
        from voucher.tasks.tasks import publish_delivery

        install_delivery_publisher(publish_delivery)
