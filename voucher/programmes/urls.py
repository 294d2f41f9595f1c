from django.urls import path

from voucher.programmes import views

app_name = "programmes"

urlpatterns = [
    path("<int:year>/", views.programme_detail, name="detail"),
]
