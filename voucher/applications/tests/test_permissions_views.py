"""Permission matrix over every page and API endpoint (anonymous / wrong role / other organisation / owner /
reviewer / admin), and the pages doing their job."""

from __future__ import annotations

import pytest
from django.urls import reverse

from voucher.applications.choices import ApplicationStatus, MaterialKind
from voucher.applications.models import Application, Material
from voucher.core.clock import frozen_at
from voucher.testing.applications import IN_WINDOW, pdf_file, valid_data

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "enterprise", "other_provider", "owner", "reviewer", "admin"]


@pytest.fixture
def draft(provider_user, programme_2025):
    from voucher.applications import services

    return services.application_create(actor=provider_user, programme=programme_2025)


@pytest.fixture
def people(role_users, other_provider):
    return {
        "anonymous": None,
        "enterprise": role_users["enterprise"],
        "other_provider": other_provider,
        "owner": role_users["provider"],
        "reviewer": role_users["reviewer"],
        "admin": role_users["admin"],
    }


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def status_for(client, user, url, method="get", data=None):
    login(client, user)
    return getattr(client, method)(url, data or {}).status_code


# Expected status per viewer: page views of a submitted application and its files. Another provider does
# not find them (404, as for a number that does not exist); enterprises never use these pages (403).
READ = {
    "anonymous": 302,
    "enterprise": 403,
    "other_provider": 404,
    "owner": 200,
    "reviewer": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["detail", "differences", "excel_template"])
def test_permission_matrix_application_pages(client, people, submitted, who, name):
    url = reverse(f"applications:{name}", args=[submitted.pk])
    assert status_for(client, people[who], url) == READ[who]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["attachment_preview", "attachment_download"])
def test_permission_matrix_files(client, people, submitted, who, name):
    material = submitted.materials.get(kind=MaterialKind.PRICE_PROOF)
    assert status_for(client, people[who], reverse(f"applications:{name}", args=[material.pk])) == READ[who]


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_provider_files(client, people, submitted, who):
    material = Material.objects.filter(application__isnull=True).first()
    assert (
        status_for(client, people[who], reverse("applications:attachment_download", args=[material.pk]))
        == READ[who]
    )


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_api_download(client, people, submitted, who):
    material = submitted.materials.get(kind=MaterialKind.PRICE_PROOF)
    expected = {**READ, "anonymous": 401}
    url = f"/api/v1/applications/materials/{material.pk}/download"
    assert status_for(client, people[who], url) == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_api_detail(client, people, submitted, who):
    expected = {**READ, "anonymous": 401}
    assert status_for(client, people[who], f"/api/v1/applications/{submitted.pk}") == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_drafts_are_private(client, people, provider_user, programme_2025, who):
    from voucher.applications import services

    draft = services.application_create(actor=provider_user, programme=programme_2025)
    # The Bureau's staff do not see a draft never submitted: not found, as for another provider.
    expected = {**READ, "reviewer": 404, "admin": 404}
    assert status_for(client, people[who], reverse("applications:detail", args=[draft.pk])) == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_edit_and_submit(client, people, provider_user, programme_2025, who):
    from voucher.applications import services

    draft = services.application_create(actor=provider_user, programme=programme_2025, data={"summary": "原"})
    code = status_for(
        client,
        people[who],
        reverse("applications:edit", args=[draft.pk]),
        "post",
        {"action": "temp", "summary": "改"},
    )
    draft.refresh_from_db()
    assert (draft.summary == "改") is (who == "owner")
    assert code == {"anonymous": 302, "owner": 302, "other_provider": 404, "reviewer": 404, "admin": 404}.get(
        who, 403
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["list", "attachments"])
def test_permission_matrix_lists(client, people, who, name):
    expected = {
        "anonymous": 302,
        "enterprise": 403,
        "other_provider": 200,
        "owner": 200,
        "reviewer": 200,
        "admin": 200,
    }
    assert status_for(client, people[who], reverse(f"applications:{name}")) == expected[who]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["create", "dossier"])
def test_permission_matrix_provider_only_pages(client, people, who, name):
    expected = {
        "anonymous": 302,
        "enterprise": 403,
        "other_provider": 200,
        "owner": 200,
        "reviewer": 403,
        "admin": 403,
    }
    assert status_for(client, people[who], reverse(f"applications:{name}")) == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_decide(client, people, submitted, who):
    code = status_for(
        client,
        people[who],
        reverse("applications:decide", args=[submitted.pk]),
        "post",
        {"action": "approve"},
    )
    submitted.refresh_from_db()
    assert (submitted.status == ApplicationStatus.APPROVED) is (who in {"reviewer", "admin"})
    assert code == {**READ, "owner": 403, "reviewer": 302, "admin": 302}[who]


# A refused visitor is refused before the submitted values are read: invalid values (an unknown decision,
# no file) get the same refusal as valid ones, never a form error. Whoever may act gets the form error.
@pytest.mark.parametrize("who", WHO)
def test_permission_checked_before_the_decision_is_read(client, people, submitted, who):
    login(client, people[who])
    response = client.post(reverse("applications:decide", args=[submitted.pk]), {"action": "bogus"})
    assert response.status_code == {**READ, "owner": 403, "reviewer": 302, "admin": 302}[who]
    if who in {"reviewer", "admin"}:
        assert "审核结果无效" in client.get(response["Location"]).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert not submitted.review_decisions.exists()


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "field"), [("upload", "file"), ("excel_import", "excel")])
def test_permission_checked_before_the_upload_is_read(client, people, submitted, draft, who, name, field):
    """No file at all: on a submitted application everyone is refused (locked, or not theirs); on a draft its
    provider gets the form's message and everyone else the refusal."""
    login(client, people[who])
    before = sorted(Material.objects.values_list("id", flat=True))
    locked = client.post(reverse(f"applications:{name}", args=[submitted.pk]), {"kind": "price_proof"})
    assert locked.status_code == {**READ, "owner": 403, "reviewer": 403, "admin": 403}[who]
    open_draft = client.post(reverse(f"applications:{name}", args=[draft.pk]), {"kind": "price_proof"})
    expected = {**READ, "owner": 302, "reviewer": 404, "admin": 404}[who]
    assert open_draft.status_code == expected
    if who == "owner":
        assert open_draft["Location"] == reverse("applications:detail", args=[draft.pk])
        message = "请选择材料类型和文件" if field == "file" else "请选择要导入的Excel文件"
        assert message in client.get(open_draft["Location"]).content.decode()
    assert sorted(Material.objects.values_list("id", flat=True)) == before


def test_p7_other_provider_does_not_see_files_in_the_list(client, other_provider, submitted):
    login(client, other_provider)
    response = client.get(reverse("applications:attachments"))
    assert "price_proof.pdf" not in response.content.decode()
    response = client.get("/api/v1/applications/materials")
    assert response.json() == []


def test_p7_search_attachments_by_name(client, provider_user, submitted):
    login(client, provider_user)
    page = client.get(reverse("applications:attachments"), {"q": "price"}).content.decode()
    assert "price_proof.pdf" in page and "licence.pdf" not in page


def test_p7_preview_is_inline_and_download_is_attachment(client, provider_user, submitted):
    login(client, provider_user)
    material = submitted.materials.get(kind=MaterialKind.PRICE_PROOF)
    preview = client.get(reverse("applications:attachment_preview", args=[material.pk]))
    assert preview["Content-Type"] == "application/pdf" and preview["Content-Disposition"].startswith(
        "inline"
    )
    assert b"".join(preview.streaming_content).startswith(b"%PDF-")
    download = client.get(reverse("applications:attachment_download", args=[material.pk]))
    assert download["Content-Disposition"].startswith("attachment")


def test_view_browser_flow_temp_save_save_with_errors_fix_upload_submit(
    client, provider_user, programme_2025
):
    from voucher.testing.applications import attach_product_files, prepare_provider

    prepare_provider(provider_user, programme_2025)
    login(client, provider_user)
    with frozen_at(IN_WINDOW):
        response = client.post(
            reverse("applications:create"), {"action": "temp", "product_name": "浏览器产品"}
        )
        application = Application.objects.get(product_name="浏览器产品")
        assert response.status_code == 302
        page = client.post(
            reverse("applications:edit", args=[application.pk]),
            {"action": "save", "product_name": "浏览器产品", "summary": "字" * 301},
        )
        html = page.content.decode()
        assert page.status_code == 200 and "当前301字" in html and "请选择服务产品所属类别" in html
        data = valid_data(
            provider_user.organisation,
            product_name="浏览器产品",
            has_ip="on",
            price_transactions="2025-03-01 100000",
        )
        response = client.post(
            reverse("applications:edit", args=[application.pk]), {"action": "save", **data}
        )
        assert response.status_code == 302
        application.refresh_from_db()
        response = client.post(
            reverse("applications:upload", args=[application.pk]),
            {"kind": MaterialKind.PRICE_PROOF, "file": pdf_file("报价.pdf")},
        )
        assert application.materials.filter(original_name="报价.pdf").exists()
        attach_product_files(provider_user, application)
        detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
        assert "申报承诺" in detail and f"{application.sequence}-浏览器产品" in detail
        client.post(reverse("applications:submit", args=[application.pk]), {"pledge": "on"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    response = client.get(reverse("applications:edit", args=[application.pk]))
    assert response.status_code == 302  # locked: back to the detail page


def test_view_my_applications_tabs_and_last_submit_time(client, provider_user, submitted):
    login(client, provider_user)
    html = client.get(reverse("applications:list")).content.decode()
    for label in ["全部", "待提交", "待审核", "已通过", "退回修改", "审核不通过"]:
        assert label in html
    assert submitted.last_submitted_at.astimezone().strftime("%Y-%m-%d") in html
    assert (
        "京韵外观设计服务"
        not in client.get(reverse("applications:list"), {"status": "draft"}).content.decode()
    )


def test_view_submit_outside_window_shows_the_date(client, provider_user, programme_2025):
    from voucher.testing.applications import ready_application

    application = ready_application(provider_user, programme_2025)
    login(client, provider_user)
    with frozen_at(programme_2025.application_closes_on.replace(day=20)):
        response = client.post(
            reverse("applications:submit", args=[application.pk]), {"pledge": "on"}, follow=True
        )
    assert "2025年05月16日" in response.content.decode()


def test_view_excel_import_errors_shown(client, provider_user, programme_2025):
    from voucher.applications import services

    draft = services.application_create(actor=provider_user, programme=programme_2025)
    login(client, provider_user)
    response = client.post(
        reverse("applications:excel_import", args=[draft.pk]), {"excel": pdf_file("a.xlsx")}, follow=True
    )
    assert "内容不是允许的格式" in response.content.decode()


def test_view_dossier_saves_and_uploads(client, provider_user, programme_2025):
    login(client, provider_user)
    with frozen_at(IN_WINDOW):
        client.post(
            reverse("applications:dossier"),
            {
                "introduction": "介绍",
                "revenue_last_year_wan": "900",
                "sme_contracts": "北京甲公司 2024-03-01",
            },
        )
        client.post(
            reverse("applications:dossier_upload"),
            {"kind": MaterialKind.LICENCE, "file": pdf_file("执照.pdf")},
        )
    from voucher.applications.models import ProviderDossier

    dossier = ProviderDossier.objects.get(organisation=provider_user.organisation)
    assert dossier.sme_contracts == [{"enterprise": "北京甲公司", "signed_on": "2024-03-01"}]
    assert Material.objects.filter(original_name="执照.pdf", application__isnull=True).exists()


def test_workbench_cards_and_navigation(client, provider_user, reviewer_user, submitted):
    login(client, provider_user)
    with frozen_at(IN_WINDOW):
        html = client.get(reverse("core:workbench")).content.decode()
    assert "配券产品申报" in html and "剩余10天" in html
    client.force_login(reviewer_user)
    html = client.get(reverse("core:workbench")).content.decode()
    assert "待审核的配券产品申报" in html
