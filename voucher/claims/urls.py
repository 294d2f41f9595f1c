from django.urls import path

from voucher.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_index, name="index"),
    path("review/", views.claim_queue, name="queue"),
    path("files/<int:pk>/preview/", views.material_preview, name="preview"),
    path("files/<int:pk>/download/", views.material_download, name="download"),
    path("<str:number>/", views.claim_detail, name="detail"),
    path("<str:number>/start/", views.claim_start, name="start"),
    path("<str:number>/data/", views.claim_data, name="data"),
    path("<str:number>/materials/", views.claim_materials, name="materials"),
    path("<str:number>/materials/<int:pk>/withdraw/", views.material_withdraw, name="withdraw"),
    path("<str:number>/checks/", views.claim_checks, name="checks"),
    path("<str:number>/confirm/", views.claim_confirm, name="confirm"),
    path("<str:number>/waive/", views.claim_waive, name="waive"),
    path("<str:number>/waiver-file/", views.waiver_download, name="waiver_file"),
    path("<str:number>/decide/", views.claim_decide, name="decide"),
    path("<str:number>/credit/", views.claim_credit, name="credit"),
]
