from django.urls import path

from voucher.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_index, name="index"),
    path("new/<str:number>/", views.contract_new, name="new"),
    path("<str:number>/", views.contract_detail, name="detail"),
    path("<str:number>/amend/", views.contract_amend, name="amend"),
    path("<str:number>/confirm/", views.contract_confirm, name="confirm"),
    path("<str:number>/complete/", views.contract_complete, name="complete"),
    path("<str:number>/rating/", views.rating_edit, name="rating_edit"),
    path("<str:number>/rating/reply/", views.rating_reply, name="rating_reply"),
    path("<str:number>/annex/", views.annex_page, name="annex"),
    path("<str:number>/annex.pdf", views.annex_pdf, name="annex_pdf"),
    path("<str:number>/annex.docx", views.annex_docx, name="annex_docx"),
]
