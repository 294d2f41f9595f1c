"""P6: the form as an Excel template, uploaded back with cell-level errors; P5: form/Excel differences."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from voucher.applications import services
from voucher.applications.choices import MaterialKind
from voucher.applications.excel import FORM_SHEET, build_template, differences
from voucher.testing.applications import as_upload, filled_workbook, pdf_file, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(provider_user, programme_2025):
    return services.application_create(actor=provider_user, programme=programme_2025)


def test_p6_template_has_every_row_and_the_current_values(provider_user, programme_2025):
    application = services.application_create(
        actor=provider_user,
        programme=programme_2025,
        data=valid_data(provider_user.organisation),
        full_check=True,
    )
    sheet = load_workbook(io.BytesIO(build_template(application)))[FORM_SHEET]
    rows = {str(r[0].value).lstrip("＊"): r[1].value for r in sheet.iter_rows(min_row=2)}
    assert rows["服务产品名称"] == "京韵外观设计服务"
    assert rows["日常销售/实际成交价格（元+单位）"] == "100000元/年"
    assert rows["大模型产品在网信办备案情况：备案号"] == "不涉及"
    assert len(rows) == 20


def test_p6_upload_fills_the_form_and_keeps_the_excel(provider_user, draft):
    services.application_import_excel(
        actor=provider_user,
        application=draft,
        file=as_upload(filled_workbook(draft, provider_user.organisation)),
    )
    draft.refresh_from_db()
    assert draft.product_name == "外观设计服务"
    assert draft.direction.number == 9
    assert draft.price_unit == "年" and draft.client_count == 20
    assert draft.has_ip and draft.has_after_sales and not draft.has_sales_system
    assert draft.market_share_display == "6%"
    assert draft.materials.filter(kind=MaterialKind.FORM_EXCEL).count() == 1


def test_p6_wrong_file_type_is_refused(provider_user, draft):
    with pytest.raises(ValidationError) as exc:
        services.application_import_excel(
            actor=provider_user, application=draft, file=pdf_file("申请表.xlsx")
        )
    assert "excel" in exc.value.message_dict


def test_p6_missing_column_label_is_reported_at_its_cell(provider_user, draft):
    workbook = filled_workbook(draft, provider_user.organisation)
    workbook[FORM_SHEET]["B1"] = "内容"
    with pytest.raises(ValidationError) as exc:
        services.application_import_excel(actor=provider_user, application=draft, file=as_upload(workbook))
    assert any("B1" in m and "填写内容" in m for m in exc.value.message_dict["excel"])


def test_p6_missing_row_label_is_reported(provider_user, draft):
    workbook = filled_workbook(draft, provider_user.organisation)
    sheet = workbook[FORM_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value).lstrip("＊") == "定价依据":
            row[0].value = "价格说明"
    with pytest.raises(ValidationError) as exc:
        services.application_import_excel(actor=provider_user, application=draft, file=as_upload(workbook))
    assert any("缺少行标题“定价依据”" in m for m in exc.value.message_dict["excel"])


def test_p6_301_character_summary_is_reported_at_its_cell_and_nothing_changes(provider_user, draft):
    workbook = filled_workbook(draft, provider_user.organisation, 服务产品简介="字" * 301)
    with pytest.raises(ValidationError) as exc:
        services.application_import_excel(actor=provider_user, application=draft, file=as_upload(workbook))
    messages = exc.value.message_dict["excel"]
    assert any(m.startswith("单元格B8（服务产品简介）") and "301" in m for m in messages)
    draft.refresh_from_db()
    assert draft.summary == "" and not draft.materials.exists()


def test_p6_several_cell_errors_at_once(provider_user, draft):
    workbook = filled_workbook(
        draft,
        provider_user.organisation,
        联系人手机号码="12345",
        **{"2024年度该产品在北京地区签约企业家数": "十家", "日常销售/实际成交价格": "100000"},
    )
    with pytest.raises(ValidationError) as exc:
        services.application_import_excel(actor=provider_user, application=draft, file=as_upload(workbook))
    text = "\n".join(exc.value.message_dict["excel"])
    assert "B21" in text and "B11" in text and "B9" in text


def test_p5_differences_between_form_and_excel(provider_user, draft):
    workbook = filled_workbook(draft, provider_user.organisation)
    services.application_import_excel(actor=provider_user, application=draft, file=as_upload(workbook))
    draft.refresh_from_db()
    assert not any(r["differs"] for r in differences(draft, as_upload(workbook).read()))
    services.application_temp_save(actor=provider_user, application=draft, data={"summary": "改过的简介"})
    draft.refresh_from_db()
    changed = [r["key"] for r in differences(draft, as_upload(workbook).read()) if r["differs"]]
    assert changed == ["summary"]
