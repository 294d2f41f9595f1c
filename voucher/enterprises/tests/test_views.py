"""Pages: permission matrix for every view, and the browser flow from sign-up to "200,000 available"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from voucher.demo.codes import make_uscc
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.models import CreditListEntry, CreditListImport, QuotaAccount, SizeClassification
from voucher.enterprises.services import credit_list_entry_create, credit_list_import_preview


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(eligible_user, other_enterprise_user, provider_user, reviewer_user, admin_user) -> dict[str, Any]:
    entry = credit_list_entry_create(
        actor=admin_user,
        uscc=make_uscc(990),
        name="北京某公司",
        kind=CreditListKind.DISHONEST_DEBTOR,
        recorded_on=dt.date(2024, 1, 1),
    )
    batch = credit_list_import_preview(
        actor=admin_user, file_name="a.csv", content="统一社会信用代码\n".encode()
    )
    return {
        "users": {
            "anonymous": None,
            "owner": eligible_user,
            "other_enterprise": other_enterprise_user,
            "provider": provider_user,
            "reviewer": reviewer_user,
            "admin": admin_user,
        },
        "org": eligible_user.organisation,
        "entry": entry,
        "batch": batch,
    }


OWN_PAGES = ["wizard", "authenticate", "classify", "result", "pledge", "quota"]
# For pages about the user's own enterprise "other_enterprise" is an enterprise of its own (not yet
# authenticated): it may open its own wizard, never the owner's data.
OWN_EXPECTED = {"anonymous": 302, "provider": 403, "reviewer": 403, "admin": 403}


@pytest.mark.parametrize("name", OWN_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "provider", "reviewer", "admin", "owner"])
def test_permission_matrix_own_enterprise_pages(world, name: str, who: str) -> None:
    response = client_for(world["users"][who]).get(reverse(f"enterprises:{name}"))
    if who == "owner":
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert "/accounts/login" not in response["Location"]
    else:
        assert response.status_code == OWN_EXPECTED[who]
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_other_enterprise_sees_only_its_own_status(world) -> None:
    client = client_for(world["users"]["other_enterprise"])
    page = client.get(reverse("enterprises:result")).content.decode()
    assert world["org"].name not in page
    assert client.get(reverse("enterprises:pledge")).status_code == 409
    assert client.get(reverse("enterprises:quota")).content.decode().count("尚无本年度额度") == 1


ORG_PAGES = ["detail", "pledge_for"]
# Another enterprise does not find it (404, as for a number that does not exist, so nobody can probe which
# enterprises are registered); a provider never reads enterprise records (403 for every number).
ORG_EXPECTED = {
    "anonymous": 302,
    "provider": 403,
    "other_enterprise": 404,
    "owner": 200,
    "reviewer": 200,
    "admin": 200,
}


@pytest.mark.parametrize("name", ORG_PAGES)
@pytest.mark.parametrize("who", list(ORG_EXPECTED))
def test_permission_matrix_organisation_pages(world, name: str, who: str) -> None:
    client = client_for(world["users"][who])
    response = client.get(reverse(f"enterprises:{name}", args=[world["org"].pk]))
    assert response.status_code == ORG_EXPECTED[who]
    # A number no enterprise has: 404 for whoever reads enterprise records, the same refusal for the rest.
    missing = client.get(reverse(f"enterprises:{name}", args=[2_000_000_000]))
    assert missing.status_code == {200: 404}.get(ORG_EXPECTED[who], ORG_EXPECTED[who])


LIST_EXPECTED = {
    "list": {
        "anonymous": 302,
        "provider": 403,
        "owner": 403,
        "other_enterprise": 403,
        "reviewer": 200,
        "admin": 200,
    },
    "credit_list": {
        "anonymous": 302,
        "provider": 403,
        "owner": 403,
        "other_enterprise": 403,
        "reviewer": 403,
        "admin": 200,
    },
    "credit_import": {
        "anonymous": 302,
        "provider": 403,
        "owner": 403,
        "other_enterprise": 403,
        "reviewer": 403,
        "admin": 200,
    },
}


@pytest.mark.parametrize("name", list(LIST_EXPECTED))
@pytest.mark.parametrize("who", ["anonymous", "provider", "owner", "other_enterprise", "reviewer", "admin"])
def test_permission_matrix_admin_pages(world, name: str, who: str) -> None:
    args = [world["batch"].pk] if name == "credit_import" else []
    response = client_for(world["users"][who]).get(reverse(f"enterprises:{name}", args=args))
    assert response.status_code == LIST_EXPECTED[name][who]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("provider", 403), ("owner", 403), ("reviewer", 403), ("admin", 302)],
)
def test_permission_matrix_credit_deactivate(world, who: str, status: int) -> None:
    response = client_for(world["users"][who]).post(
        reverse("enterprises:credit_deactivate", args=[world["entry"].pk])
    )
    assert response.status_code == status
    world["entry"].refresh_from_db()
    assert world["entry"].active is (status != 302 or who == "anonymous")


@pytest.mark.parametrize("who", ["anonymous", "owner", "provider", "admin"])
def test_industry_picker_is_public(world, who: str) -> None:
    response = client_for(world["users"][who]).get(reverse("enterprises:industries"), {"q": "葡萄酒"})
    assert response.status_code == 200
    assert "C1515" in response.content.decode()


def test_e1_e3_e6_browser_flow_from_signup_to_200000_available(programme_2025) -> None:
    client = Client()
    assert client.get(reverse("enterprises:signup")).status_code == 200
    response = client.post(
        reverse("enterprises:signup"),
        {
            "name": "北京新芽食品有限公司",
            "uscc": make_uscc(4321, division="110302"),
            "registered_address": "北京经济技术开发区",
            "contact_name": "刘一",
            "contact_phone": "13900001111",
            "username": "xinya",
            "password": "Xinya-2025-food",
            "password_again": "Xinya-2025-food",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:classify")
    page = client.get(reverse("enterprises:classify")).content.decode()
    assert "C1515" in page and "其他未列明行业" in page
    response = client.post(
        reverse("enterprises:classify"),
        {
            "industry_code": "C1515 葡萄酒制造",
            "employees": "30",
            "revenue_wan": "800",
            "assets_wan": "500",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("enterprises:result")).content.decode()
    assert "小型企业" in page and "¥200,000.00" in page and "可以购买" in page
    assert "¥200,000.00" in client.get(reverse("enterprises:quota")).content.decode()
    assert "¥200,000.00" in client.get(reverse("core:workbench")).content.decode()
    pdf = client.get(reverse("enterprises:pledge"), {"order": "DD20250001"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("enterprises:pledge"), {"order": "<bad>"}).status_code == 400


def test_e2_signup_refusal_shows_the_reason_at_the_field(db) -> None:
    response = Client().post(
        reverse("enterprises:signup"),
        {
            "name": "上海某公司",
            "uscc": make_uscc(4322, division="310115"),
            "contact_name": "刘一",
            "contact_phone": "13900001111",
            "username": "sh",
            "password": "Shanghai-2025-x",
            "password_again": "Shanghai-2025-x",
        },
    )
    assert response.status_code == 200
    assert "不是北京市的登记机关" in response.content.decode()


def test_e3_large_refusal_reason_shown_on_result_page(verified_user, programme_2025) -> None:
    client = client_for(verified_user)
    client.post(
        reverse("enterprises:classify"),
        {
            "industry_code": "I6513",
            "employees": "500",
            "revenue_wan": "20000",
            "assets_wan": "1",
            "confirm": "on",
        },
    )
    record = SizeClassification.objects.get(organisation=verified_user.organisation)
    page = client.get(reverse("enterprises:result")).content.decode()
    assert record.reason in page and "大型企业" in page
    assert client.get(reverse("enterprises:pledge")).status_code == 409


def test_e3_classify_form_shows_field_errors_in_chinese(verified_user, programme_2025) -> None:
    response = client_for(verified_user).post(
        reverse("enterprises:classify"),
        {"industry_code": "G59", "employees": "5", "revenue_wan": "1", "assets_wan": "1", "confirm": "on"},
    )
    assert response.status_code == 200
    assert "请选择主营业务所属的小类" in response.content.decode()


def test_authenticate_step_refusal_redirects_to_result_with_reason(enterprise_user, programme_2025) -> None:
    organisation = enterprise_user.organisation
    organisation.uscc = None
    organisation.save()
    client = client_for(enterprise_user)
    response = client.post(
        reverse("enterprises:authenticate"),
        {"uscc": make_uscc(77, authority_type="51"), "name": organisation.name, "confirm": "on"},
    )
    assert response["Location"] == reverse("enterprises:result")
    assert "社会团体" in client.get(reverse("enterprises:result")).content.decode()


def test_admin_adds_and_imports_credit_list_through_pages(
    admin_user, django_capture_on_commit_callbacks
) -> None:
    client = client_for(admin_user)
    response = client.post(
        reverse("enterprises:credit_list"),
        {
            "action": "add",
            "uscc": make_uscc(501),
            "name": "北京甲",
            "kind": "dishonest_debtor",
            "recorded_on": "2024-01-02",
        },
    )
    assert response.status_code == 302 and CreditListEntry.objects.count() == 1
    csv = f"统一社会信用代码,单位名称,类型,认定日期\n{make_uscc(502)},北京乙,严重失信,2024-03-04\nbad,北京丙,严重失信,2024-03-04\n"
    with django_capture_on_commit_callbacks(execute=True):  # the rows are read by a background job
        response = client.post(
            reverse("enterprises:credit_list"),
            {
                "action": "import",
                "file": SimpleUploadedFile("list.csv", csv.encode(), content_type="text/csv"),
            },
        )
    batch = CreditListImport.objects.get()
    job = client.get(response["Location"]).content.decode()  # the job's page, with each wrong row
    preview = reverse("enterprises:credit_import", args=[batch.pk])
    assert "第 3 行" in job and f'href="{preview}"' in job
    page = client.get(preview).content.decode()
    assert "北京乙" in page and "第 3 行" in page
    with django_capture_on_commit_callbacks(execute=True):  # and added by another one
        applied = client.post(preview, {"action": "apply"})
    assert "已导入 1 条记录" in client.get(applied["Location"]).content.decode()
    assert CreditListEntry.objects.count() == 2


def test_quota_page_shows_the_four_figures(eligible_user) -> None:
    page = client_for(eligible_user).get(reverse("enterprises:quota")).content.decode()
    for label in ["可用", "已预占", "合同已确认", "已兑付"]:
        assert label in page
    assert QuotaAccount.objects.get().available == 200000
