"""Top-level URLs: pages, the admin site, and the JSON API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

admin.site.site_header = "北京市中小企业服务券平台 · 管理后台"
admin.site.site_title = "服务券管理后台"
admin.site.index_title = "市经信局管理"

urlpatterns = [
    path("", include("voucher.core.urls")),
    path("accounts/", include("voucher.accounts.urls")),
    path("programme/", include("voucher.programmes.urls")),
    path("enterprise/", include("voucher.enterprises.urls")),
    path("applications/", include("voucher.applications.urls")),
    path("reviews/", include("voucher.reviews.urls")),
    path("catalogue/", include("voucher.catalogue.urls")),
    path("orders/", include("voucher.orders.urls")),
    path("contracts/", include("voucher.contracts.urls")),
    path("claims/", include("voucher.claims.urls")),
    path("payouts/", include("voucher.payouts.urls")),
    path("oversight/", include("voucher.enforcement.urls")),
    path("dashboard/", include("voucher.dashboards.urls")),
    path("tasks/", include("voucher.tasks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
