from django.urls import path

from voucher.tasks import views

app_name = "tasks"

urlpatterns = [
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("preferences/", views.preferences, name="preferences"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("jobs/payout-export/<int:batch_pk>/", views.payout_export_start, name="payout_export_start"),
    path("jobs/audit-export/", views.audit_export_start, name="audit_export_start"),
    path("backups/", views.backups, name="backups"),
]
