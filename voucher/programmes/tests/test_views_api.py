"""Programme pages, the admin site's copy action and the programme API."""

from __future__ import annotations

import pytest

from voucher.programmes.models import ProgrammeYear

pytestmark = pytest.mark.django_db


def test_public_programme_page_shows_every_parameter_and_direction(client, programme_2025):
    body = client.get("/programme/2025/").content.decode()
    for text in [
        "30%",
        "200,000.00 元",
        "2025-05-16",
        "2025-09-30",
        "2025-10-20",
        "5 个工作日",
        "不少于 15 份",
        "8,000,000 元",
    ]:
        assert text in body, text
    for text in ["大模型应用", "协同管理平台", "K2a", "K6b", "碳足迹认证"]:
        assert text in body, text


def test_unknown_year_is_404(client, programme_2025):
    assert client.get("/programme/1999/").status_code == 404


def test_admin_sees_2025_parameters_and_directions(client, admin_user, programme_2025):
    client.force_login(admin_user)
    body = client.get(f"/admin/programmes/programmeyear/{programme_2025.pk}/change/").content.decode()
    assert "200000.00" in body and "2025/05/16" in body and "数字化营销" in body
    direction = programme_2025.directions.get(code="marketing")
    body = client.get(f"/admin/programmes/direction/{direction.pk}/change/").content.decode()
    assert "K4a" in body and "C1515" in body


def test_admin_copy_action_creates_next_year(client, admin_user, programme_2025):
    client.force_login(admin_user)
    url = "/admin/programmes/programmeyear/"
    form = client.post(url, {"action": "copy_year", "_selected_action": [programme_2025.pk]})
    assert form.status_code == 200 and "复制年度" in form.content.decode()
    done = client.post(
        url, {"action": "copy_year", "_selected_action": [programme_2025.pk], "year": 2026, "confirm": "1"}
    )
    assert done.status_code == 302
    assert ProgrammeYear.objects.filter(year=2026).exists()
    again = client.post(
        url, {"action": "copy_year", "_selected_action": [programme_2025.pk], "year": 2026, "confirm": "1"}
    )
    assert "2026 年度已存在" in again.content.decode()


def test_non_admin_cannot_open_the_admin_site(client, provider_user):
    client.force_login(provider_user)
    assert client.get("/admin/programmes/programmeyear/").status_code == 302


def test_api_programme_detail_has_directions_and_requirements(
    client, programme_2025, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/programmes/2025").json()
    assert data["annual_cap_per_enterprise"] == "200000.00"
    assert data["acceptance_working_days"] == 5
    assert len(data["directions"]) == 9
    transformation = next(d for d in data["directions"] if d["code"] == "transformation")
    assert [s["code"] for s in transformation["subtypes"]] == [
        "collaboration",
        "ai_coding",
        "general_software",
    ]
    assert {r["code"]: r["subtype"] for r in transformation["requirements"]} == {
        "K2a": "collaboration",
        "K2b": "general_software",
    }


def test_api_programme_list_and_missing_year(client, programme_2025):
    assert [p["year"] for p in client.get("/api/v1/programmes/").json()] == [2025]
    missing = client.get("/api/v1/programmes/1999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
