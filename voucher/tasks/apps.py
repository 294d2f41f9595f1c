from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "voucher.tasks"
    label = "tasks"
    verbose_name = "后台任务与通知投递"

    def ready(self) -> None:
        from voucher.core.background import install_job_services
        from voucher.core.notifications import install_delivery_publisher, install_notice_publisher
        from voucher.tasks import (
            cards,  # noqa: F401  (registers the navigation)
            services,
        )
        from voucher.tasks.tasks import publish_delivery, publish_notice
        from voucher.tasks.views import job_state

        install_delivery_publisher(publish_delivery)
        install_notice_publisher(publish_notice)
        install_job_services(
            {
                "dashboard_export": services.dashboard_export_job_start,
                "claim_prechecks": services.claim_prechecks_job_start,
                "claim_prechecks_pending": services.claim_prechecks_pending,
                "claim_prechecks_finished": services.claim_prechecks_finished,
                "claim_merge": services.claim_merge_job_start,
                "application_import": services.application_import_job_start,
                "credit_list_import": services.credit_list_import_job_start,
                "credit_list_apply": services.credit_list_apply_job_start,
                "job_state": job_state,
            }
        )
