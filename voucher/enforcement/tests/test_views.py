"""Oversight pages: recording a sanction through the form, the party's records and workbench card, the
clawback report with a file, repayments and waivers, a spot check drawn, verified and inspected."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from voucher.catalogue.choices import ProductStatus
from voucher.core import clock
from voucher.enforcement import services
from voucher.enforcement.choices import ClawbackStatus, SpotCheckStatus
from voucher.enforcement.models import Clawback, Sanction, SpotCheck
from voucher.testing.enforcement import DAY


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_m5_admin_records_sanction_and_party_sees_it(claim, admin_user, enterprise, provider):
    with clock.frozen_at(DAY):
        response = login(admin_user).post(
            reverse("enforcement:sanction_new"),
            {
                "kind": "fake_contract",
                "facts": "提高合同金额套取资金",
                "decided_on": DAY.isoformat(),
                "enterprise_uscc": claim.enterprise.uscc,
                "provider_uscc": claim.provider.uscc,
                "orders": claim.order.number,
                "products": "",
                "confirm": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        case_page = login(admin_user).get(response["Location"])
        records = login(enterprise).get(reverse("enforcement:records"))
        workbench = login(provider).get(reverse("core:workbench"))
    assert Sanction.objects.count() == 2
    assert (
        claim.order.product.__class__.objects.get(pk=claim.order.product_id).status == ProductStatus.SUSPENDED
    )
    assert "WG" in case_page.content.decode() and "资金追回" in case_page.content.decode()
    text = records.content.decode()
    assert "本单位正处于禁入期" in text and "2028-09-10" in text
    assert "违规处理" in workbench.content.decode() and "2028-09-10" in workbench.content.decode()


def test_m5_form_errors_next_to_fields(db, admin_user, programme_2025):
    with clock.frozen_at(DAY):
        response = login(admin_user).post(
            reverse("enforcement:sanction_new"),
            {
                "kind": "other",
                "facts": "x",
                "decided_on": DAY.isoformat(),
                "enterprise_uscc": "91110000XXXXXXXXXX",
                "confirm": "on",
            },
        )
    assert response.status_code == 200
    assert "未找到统一社会信用代码" in response.content.decode()
    assert not Sanction.objects.exists()


def test_m5_lift_through_the_page(claim, admin_user, enterprise):
    with clock.frozen_at(DAY):
        sanction = services.sanction_record(
            actor=admin_user, kind="other", facts="违规", enterprise=claim.enterprise
        ).sanctions.get()
        response = login(admin_user).post(
            reverse("enforcement:sanction_lift", args=[sanction.pk]), {"reason": ""}
        )
        assert response.status_code == 422
        response = login(admin_user).post(
            reverse("enforcement:sanction_lift", args=[sanction.pk]), {"reason": "复议撤销"}
        )
        assert response.status_code == 302
        records = login(enterprise).get(reverse("enforcement:records")).content.decode()
    assert "已解除" in records and "复议撤销" in records


def test_m1_provider_reports_with_file_and_admin_settles(claim, provider, admin_user):
    pdf = SimpleUploadedFile("退款.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    with clock.frozen_at(DAY):
        page = login(provider).get(reverse("enforcement:clawbacks")).content.decode()
        assert claim.order.number in page
        response = login(provider).post(
            reverse("enforcement:clawback_report", args=[claim.pk]),
            {
                "reason_kind": "partial_refund",
                "amount": "12000.00",
                "reason": "企业申请部分退款",
                "file": pdf,
            },
        )
        assert response.status_code == 302
        clawback = Clawback.objects.get()
        detail = login(provider).get(reverse("enforcement:clawback", args=[clawback.pk])).content.decode()
        assert "已兑付金额仍计为企业已使用额度" in detail and "登记退回" not in detail
        download = login(provider).get(reverse("enforcement:clawback_evidence", args=[clawback.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        admin = login(admin_user)
        bad = admin.post(
            reverse("enforcement:clawback_repay", args=[clawback.pk]),
            {"paid_on": DAY.isoformat(), "amount": "12000.01", "reference": "R1"},
        )
        assert bad.status_code == 422 and "不能超过尚未退回" in bad.content.decode()
        admin.post(
            reverse("enforcement:clawback_repay", args=[clawback.pk]),
            {"paid_on": DAY.isoformat(), "amount": "2000", "reference": "R1"},
        )
        admin.post(reverse("enforcement:clawback_waive", args=[clawback.pk]), {"reason": "企业已破产"})
    clawback.refresh_from_db()
    assert clawback.status == ClawbackStatus.WAIVED and clawback.repaid == 2000


def test_m1_report_refuses_renamed_executable(claim, provider):
    fake = SimpleUploadedFile("退款.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    with clock.frozen_at(DAY):
        response = login(provider).post(
            reverse("enforcement:clawback_report", args=[claim.pk]),
            {"reason_kind": "full_refund", "amount": "1", "reason": "退款", "file": fake},
        )
    assert response.status_code == 200 and "可执行程序" in response.content.decode()
    assert not Clawback.objects.exists()


def test_m2_draw_verify_assign_and_record(claim, admin_user, reviewer_user):
    with clock.frozen_at(DAY):
        admin = login(admin_user)
        response = admin.post(
            reverse("enforcement:spot_check_new"), {"target": "contracts", "size": "1", "seed": "公开种子"}
        )
        assert response.status_code == 302
        check = SpotCheck.objects.get()
        assert check.seed == "公开种子" and check.items.get().contract_id == claim.contract_id
        verify = admin.post(reverse("enforcement:spot_check_verify", args=[check.pk])).content.decode()
        assert "核验结果：一致" in verify
        admin.post(
            reverse("enforcement:spot_check_assign", args=[check.pk]), {"inspector": str(reviewer_user.pk)}
        )
        item = check.items.get()
        reviewer = login(reviewer_user)
        assert "抽查任务" in reviewer.get(reverse("core:workbench")).content.decode()
        reviewer.post(
            reverse("enforcement:spot_check_finding", args=[item.pk]),
            {f"i{item.pk}-outcome": "violation", f"i{item.pk}-findings": "合同金额虚高"},
        )
        check.refresh_from_db()
        assert check.status == SpotCheckStatus.CLOSED
        page = admin.get(reverse("enforcement:spot_check", args=[check.pk])).content.decode()
        assert "立案处理" in page
        prefilled = admin.get(reverse("enforcement:sanction_new") + f"?item={item.pk}").content.decode()
        assert claim.order.number in prefilled and "合同金额虚高" in prefilled
