from django.contrib.auth import views as auth_views
from django.urls import path

from voucher.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.second_factor_verify_view, name="otp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", views.organisation_profile, name="organisation"),
    path("name-changes/", views.name_changes, name="name_changes"),
    path("2fa/", views.second_factor_page, name="otp"),
    path("2fa/begin/", views.second_factor_begin_view, name="otp_begin"),
    path("2fa/confirm/", views.second_factor_confirm_view, name="otp_confirm"),
    path("2fa/recovery-codes/", views.second_factor_recovery_codes, name="otp_recovery_codes"),
    path("2fa/recovery-codes/new/", views.second_factor_regenerate_view, name="otp_regenerate"),
    path("2fa/disable/", views.second_factor_disable_view, name="otp_disable"),
    path("2fa/users/", views.second_factor_users, name="otp_users"),
    path("2fa/users/<int:user_id>/reset/", views.second_factor_reset_view, name="otp_reset"),
]
