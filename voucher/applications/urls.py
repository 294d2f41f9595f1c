from django.urls import path

from voucher.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("profile/", views.dossier, name="dossier"),
    path("profile/upload/", views.dossier_upload, name="dossier_upload"),
    path("attachments/", views.attachments, name="attachments"),
    path("attachments/<int:pk>/", views.attachment_preview, name="attachment_preview"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/decide/", views.application_decide, name="decide"),
    path("<int:pk>/upload/", views.application_upload, name="upload"),
    path("<int:pk>/excel/template/", views.excel_template, name="excel_template"),
    path("<int:pk>/excel/import/", views.excel_import, name="excel_import"),
    path("<int:pk>/differences/", views.application_differences, name="differences"),
]
