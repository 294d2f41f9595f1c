"""Pages of the dashboard (/dashboard/)."""

from django.urls import path

from voucher.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
]
