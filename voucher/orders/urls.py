from django.urls import path

from voucher.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_index, name="index"),
    path("new/<int:product_id>/", views.order_new, name="new"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/accept/", views.order_accept, name="accept"),
    path("<str:number>/decline/", views.order_decline, name="decline"),
    path("<str:number>/cancel/", views.order_cancel, name="cancel"),
]
