from django.urls import path

from voucher.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/decisions/", views.decisions, name="decisions"),
    path("assignments/<int:pk>/remove/", views.unassign, name="unassign"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("objections/<int:pk>/file/", views.objection_file, name="objection_file"),
    path("public/notices/", views.public_notices, name="public_notices"),
    path("public/notices/<int:pk>/", views.public_notice, name="public_notice"),
]
