"""Pages of payouts."""

from django.urls import path

from voucher.payouts import views

app_name = "payouts"

urlpatterns = [
    path("", views.index, name="index"),
    path("payee/", views.payee, name="payee"),
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("batches/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batches/<int:pk>/paid/", views.batch_paid, name="batch_paid"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/paid/", views.item_paid, name="item_paid"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("objections/<int:pk>/file/", views.objection_file, name="objection_file"),
    path("public/", views.public_batches, name="public_batches"),
    path("public/<int:pk>/", views.public_batch, name="public_batch"),
]
