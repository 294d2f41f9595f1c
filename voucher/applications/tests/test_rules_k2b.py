"""K2b: 数字化转型通用软件 picks its category from the year's controlled list; the guide's excluded tool types
are refused at save and submit with the guide's reason; the name and summary are screened for them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from voucher.applications import services
from voucher.applications.choices import CheckOutcome
from voucher.applications.rules import software_categories, software_category_choices
from voucher.core.clock import frozen_at
from voucher.programmes.models import Requirement
from voucher.testing.applications import IN_WINDOW, prepare_provider, ready_application, submit, valid_data

pytestmark = pytest.mark.django_db
SOFTWARE = {"direction": "2", "subtype": "general_software"}
REASON = (
    "数字化转型通用软件不含仅为财务管理软件、智能通讯软件、视频会议软件、在线教育、虚拟云桌面等各种工具的产品"
)


def create(user, programme, **overrides):
    with frozen_at(IN_WINDOW):
        return services.application_create(
            actor=user,
            programme=programme,
            full_check=True,
            data=valid_data(user.organisation, **SOFTWARE, **overrides),
        )


def test_rules_k2b_lists_live_in_the_programme_year(programme_2025):
    requirement = Requirement.objects.get(direction__programme=programme_2025, code="K2b")
    cats = software_categories(requirement.direction, requirement.subtype)
    assert cats is not None
    assert {"CAD", "CAE", "PLM", "PLD", "ERP", "CRM", "MES", "APS", "DNC", "WMS"} <= set(cats.allowed)
    assert {"三维仿真", "人工智能应用"} <= set(cats.allowed.values())
    assert set(cats.excluded.values()) == {
        "财务管理软件",
        "智能通讯软件",
        "视频会议软件",
        "在线教育",
        "虚拟云桌面",
    }
    assert cats.other == "other" and REASON in cats.reason
    choices = dict(software_category_choices(programme_2025))
    assert choices["ERP"] == "ERP 企业资源计划" and choices["video_meeting"] == "视频会议软件（指南除外）"


@pytest.mark.parametrize(
    "excluded", ["video_meeting", "finance", "messaging", "online_education", "cloud_desktop"]
)
def test_rules_k2b_excluded_tool_type_refused_at_save(provider_user, programme_2025, excluded):
    with pytest.raises(ValidationError) as exc:
        create(provider_user, programme_2025, software_type=excluded)
    message = exc.value.message_dict["software_type"][0]
    assert "不在支持范围" in message and REASON in message


def test_rules_k2b_excluded_name_typed_in_the_excel_form_refused(provider_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        create(provider_user, programme_2025, software_type="视频会议软件")
    assert "“视频会议软件”不在支持范围" in exc.value.message_dict["software_type"][0]


def test_rules_k2b_free_text_outside_the_list_refused(provider_user, programme_2025):
    # Before, "视频会议系统" passed because only the exact string "视频会议软件" was excluded.
    with pytest.raises(ValidationError) as exc:
        create(provider_user, programme_2025, software_type="视频会议系统")
    assert "请从列表中选择" in exc.value.message_dict["software_type"][0]


def test_rules_k2b_other_needs_a_description(provider_user, programme_2025):
    with pytest.raises(ValidationError) as exc:
        create(provider_user, programme_2025, software_type="other")
    assert "software_type_note" in exc.value.message_dict
    application = create(
        provider_user, programme_2025, software_type="other", software_type_note="质量管理系统 QMS"
    )
    assert application.software_type_note == "质量管理系统 QMS"


def test_rules_k2b_excluded_type_refused_at_submit_after_temp_save(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    application = ready_application(
        provider_user, programme_2025, prepare=False, **SOFTWARE, software_type="ERP"
    )
    with frozen_at(IN_WINDOW):
        services.application_temp_save(
            actor=provider_user,
            application=application,
            data=valid_data(provider_user.organisation, **SOFTWARE, software_type="cloud_desktop"),
        )
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application)
    assert REASON in exc.value.message_dict["software_type"][0]
    application.refresh_from_db()
    assert application.status == "draft"


def test_rules_k2b_name_and_summary_screened_and_flagged(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    application = ready_application(
        provider_user,
        programme_2025,
        prepare=False,
        **SOFTWARE,
        software_type="ERP",
        product_name="京企云视频会议协同ERP",
        summary="集成云会议与在线课程功能的企业管理软件。",
    )
    check = submit(provider_user, application).checks.get(code="K2b")
    assert check.outcome == CheckOutcome.UNKNOWN
    assert "风险提示" in check.message and "视频会议" in check.message and "在线课程" in check.message
    assert any("产品名称" in h for h in check.evidence["筛查命中"])


def test_rules_k2b_clean_product_passes(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    application = ready_application(
        provider_user, programme_2025, prepare=False, **SOFTWARE, software_type="MES"
    )
    check = submit(provider_user, application).checks.get(code="K2b")
    assert check.outcome == CheckOutcome.PASS and "MES 制造执行系统" in check.message


def test_rules_k2b_lists_are_editable_data(provider_user, programme_2025):
    requirement = Requirement.objects.get(direction__programme=programme_2025, code="K2b")
    params = dict(requirement.params)
    params["categories"] = [*params["categories"], {"code": "QMS", "name": "QMS 质量管理系统"}]
    params["excluded"] = [
        *params["excluded"],
        {"code": "crm_only", "name": "通讯录工具", "keywords": ["通讯录"]},
    ]
    requirement.params = params
    requirement.save()
    assert create(provider_user, programme_2025, software_type="QMS").software_type == "QMS"
    with pytest.raises(ValidationError) as exc:
        create(provider_user, programme_2025, software_type="crm_only", product_name="另一个产品")
    assert "通讯录工具" in exc.value.message_dict["software_type"][0]


def test_rules_k2b_form_offers_the_list(provider_user, programme_2025):
    prepare_provider(provider_user, programme_2025)
    client = Client()
    client.force_login(provider_user)
    with frozen_at(IN_WINDOW):
        page = client.get(reverse("applications:create")).content.decode()
    assert '<option value="ERP">ERP 企业资源计划</option>' in page
    assert "视频会议软件（指南除外）" in page
