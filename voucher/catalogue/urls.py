from django.urls import path

from voucher.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("manage/", views.manage, name="manage"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/on-sale/", views.put_on_sale, name="on_sale"),
]
