"""Pages of oversight (/oversight/)."""

from django.urls import path

from voucher.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/", views.records, name="records"),
    path("sanctions/", views.sanction_list, name="sanctions"),
    path("sanctions/new/", views.sanction_new, name="sanction_new"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="sanction"),
    path("sanctions/<int:pk>/lift/", views.sanction_lift, name="sanction_lift"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("products/<int:pk>/resume/", views.product_resume_view, name="product_resume"),
    path("clawbacks/", views.clawback_list, name="clawbacks"),
    path("clawbacks/new/", views.clawback_new, name="clawback_new"),
    path("clawbacks/report/<int:claim_id>/", views.clawback_report, name="clawback_report"),
    path("clawbacks/<int:pk>/", views.clawback_detail, name="clawback"),
    path("clawbacks/<int:pk>/repay/", views.clawback_repay, name="clawback_repay"),
    path("clawbacks/<int:pk>/waive/", views.clawback_waive, name="clawback_waive"),
    path("clawbacks/<int:pk>/evidence/", views.clawback_evidence, name="clawback_evidence"),
    path("spot-checks/", views.spot_check_list, name="spot_checks"),
    path("spot-checks/new/", views.spot_check_new, name="spot_check_new"),
    path("spot-checks/<int:pk>/", views.spot_check_detail, name="spot_check"),
    path("spot-checks/<int:pk>/verify/", views.spot_check_verify_view, name="spot_check_verify"),
    path("spot-checks/<int:pk>/assign/", views.spot_check_assign, name="spot_check_assign"),
    path("spot-checks/items/<int:pk>/finding/", views.spot_check_finding, name="spot_check_finding"),
]
