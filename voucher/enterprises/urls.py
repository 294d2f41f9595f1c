from django.urls import path

from voucher.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.wizard, name="wizard"),
    path("signup/", views.signup, name="signup"),
    path("authenticate/", views.authenticate_step, name="authenticate"),
    path("classify/", views.classify_step, name="classify"),
    path("result/", views.result, name="result"),
    path("pledge.pdf", views.pledge, name="pledge"),
    path("quota/", views.quota, name="quota"),
    path("industries/", views.industries, name="industries"),
    path("organisations/", views.enterprise_list, name="list"),
    path("organisations/<int:pk>/", views.enterprise_detail, name="detail"),
    path("organisations/<int:pk>/pledge.pdf", views.pledge_for, name="pledge_for"),
    path(
        "organisations/<int:pk>/classifications/<int:classification_pk>/review/",
        views.classification_review,
        name="classification_review",
    ),
    path("credit-list/", views.credit_list_page, name="credit_list"),
    path("credit-list/<int:pk>/deactivate/", views.credit_deactivate, name="credit_deactivate"),
    path("credit-list/imports/<int:pk>/", views.credit_import, name="credit_import"),
]
