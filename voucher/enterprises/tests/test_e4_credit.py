"""E4: credit screening — pluggable checker, stored results, the admin list and its import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.demo.codes import make_uscc
from voucher.enterprises.choices import (
    CreditContext,
    CreditListKind,
    CreditOutcome,
    ImportStatus,
    RefusalCode,
)
from voucher.enterprises.credit import CreditResult, credit_check
from voucher.enterprises.models import CreditCheck, CreditListEntry, QuotaAccount
from voucher.enterprises.selectors import enterprise_eligibility
from voucher.enterprises.services import (
    credit_list_entry_create,
    credit_list_entry_deactivate,
    credit_list_import_apply,
    credit_list_import_discard,
    credit_list_import_preview,
)
from voucher.testing.enterprises import CSV, classify_small


def _list(admin_user, organisation, kind=CreditListKind.DISHONEST_DEBTOR, recorded_on=dt.date(2024, 6, 1)):
    return credit_list_entry_create(
        actor=admin_user,
        uscc=organisation.uscc,
        name=organisation.name,
        kind=kind,
        recorded_on=recorded_on,
        source="测试",
    )


def test_e4_credit_hit_blocks_classification_with_clear_reason(
    verified_user, programme_2025, admin_user
) -> None:
    _list(admin_user, verified_user.organisation)
    record = classify_small(verified_user, programme_2025)
    assert not record.eligible
    assert record.refusal_code == RefusalCode.CREDIT
    assert "失信被执行人" in record.reason
    assert record.credit_check.outcome == CreditOutcome.FAIL
    assert not QuotaAccount.objects.filter(organisation=verified_user.organisation).exists()
    decision = enterprise_eligibility(organisation=verified_user.organisation, programme=programme_2025)
    assert not decision and "失信被执行人" in decision.reason
    assert Notification.objects.filter(recipient=verified_user, kind="credit_failed").exists()


def test_e4_serious_negative_counts_only_within_lookback_years(
    verified_user, admin_user, programme_2025
) -> None:
    organisation = verified_user.organisation
    with clock.frozen_at(dt.date(2025, 7, 1)):
        _list(admin_user, organisation, CreditListKind.SERIOUS_NEGATIVE, dt.date(2022, 6, 30))
        assert (
            credit_check(organisation=organisation, actor=None, context="order").outcome == CreditOutcome.PASS
        )
        _list(admin_user, organisation, CreditListKind.SERIOUS_NEGATIVE, dt.date(2022, 7, 1))
        assert (
            credit_check(organisation=organisation, actor=None, context="order").outcome == CreditOutcome.FAIL
        )


def test_e4_deactivated_entry_no_longer_blocks(verified_user, admin_user) -> None:
    entry = _list(admin_user, verified_user.organisation)
    credit_list_entry_deactivate(actor=admin_user, entry=entry, note="已移出失信名单")
    assert (
        credit_check(organisation=verified_user.organisation, actor=None, context="order").outcome
        == CreditOutcome.PASS
    )


@pytest.mark.parametrize("context", [c.value for c in CreditContext])
def test_e4_every_check_stores_outcome_reason_and_time(verified_user, context: str) -> None:
    moment = dt.datetime(2025, 8, 1, 10, 30, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(moment):
        record = credit_check(organisation=verified_user.organisation, actor=verified_user, context=context)
    stored = CreditCheck.objects.get(pk=record.pk)
    assert (stored.outcome, stored.context, stored.checked_at) == (CreditOutcome.PASS, context, moment)
    assert stored.reason
    assert AuditEvent.objects.filter(action="credit.checked", object_id=str(record.pk)).exists()


def test_e4_credit_check_works_for_providers(provider_user, admin_user) -> None:
    organisation = provider_user.organisation
    assert (
        credit_check(organisation=organisation, actor=provider_user, context="application").outcome == "pass"
    )
    _list(admin_user, organisation, CreditListKind.SERIOUS_NEGATIVE, clock.today())
    record = credit_check(organisation=organisation, actor=provider_user, context="application")
    assert record.outcome == "fail" and "严重失信" in record.reason


def test_e4_credit_check_of_other_organisation_refused(enterprise_user, other_enterprise_user) -> None:
    with pytest.raises(PermissionDenied):
        credit_check(organisation=other_enterprise_user.organisation, actor=enterprise_user, context="manual")


class BrokenChecker:
    name = "broken registry"

    def check(self, organisation, *, lookback_years):
        raise ConnectionError("registry down")


class AlwaysFailChecker:
    name = "strict registry"

    def check(self, organisation, *, lookback_years):
        return CreditResult(CreditOutcome.FAIL, f"登记的失信记录（近{lookback_years}年）")


def test_e4_checker_is_pluggable(settings, verified_user) -> None:
    settings.VOUCHER_CREDIT_CHECKER = "voucher.enterprises.tests.test_e4_credit.AlwaysFailChecker"
    record = credit_check(organisation=verified_user.organisation, actor=None, context="order")
    assert (record.outcome, record.checker, record.reason) == (
        "fail",
        "strict registry",
        "登记的失信记录（近3年）",
    )


def test_e4_unreachable_checker_gives_unknown_and_blocks(settings, verified_user, programme_2025) -> None:
    settings.VOUCHER_CREDIT_CHECKER = "voucher.enterprises.tests.test_e4_credit.BrokenChecker"
    record = classify_small(verified_user, programme_2025)
    assert record.credit_check.outcome == CreditOutcome.UNKNOWN
    assert not record.eligible and record.refusal_code == RefusalCode.CREDIT_UNKNOWN


def test_e4_organisation_without_code_is_unknown(db) -> None:
    from voucher.testing.factories import OrganisationFactory

    organisation = OrganisationFactory(enterprise=True, uscc=None)
    assert (
        credit_check(organisation=organisation, actor=None, context="manual").outcome == CreditOutcome.UNKNOWN
    )


def test_e4_only_admins_maintain_the_list(enterprise_user, reviewer_user) -> None:
    for user in (enterprise_user, reviewer_user, None):
        with pytest.raises(PermissionDenied):
            credit_list_entry_create(
                actor=user,
                uscc=make_uscc(7),
                name="x",
                kind=CreditListKind.DISHONEST_DEBTOR,
                recorded_on=dt.date(2024, 1, 1),
            )


def test_e4_csv_import_preview_reports_row_errors_then_applies(admin_user) -> None:
    batch = credit_list_import_preview(
        actor=admin_user, file_name="名单.csv", content=CSV.encode("utf-8-sig")
    )
    assert [r["name"] for r in batch.rows] == ["北京甲公司", "北京戊公司"]
    lines = {e["line"]: e["message"] for e in batch.errors}
    assert set(lines) == {3, 4, 5, 6}
    assert "校验位" in lines[3] and "单位名称" in lines[4] and "类型" in lines[5] and "认定日期" in lines[6]
    assert not CreditListEntry.objects.exists()
    entries = credit_list_import_apply(actor=admin_user, batch=batch)
    assert len(entries) == 2 and batch.status == ImportStatus.APPLIED
    assert CreditListEntry.objects.get(name="北京戊公司").recorded_on == dt.date(2023, 7, 9)
    with pytest.raises(ValidationError):
        credit_list_import_apply(actor=admin_user, batch=batch)


def test_e4_gbk_csv_is_read(admin_user) -> None:
    batch = credit_list_import_preview(actor=admin_user, file_name="gbk.csv", content=CSV.encode("gb18030"))
    assert len(batch.rows) == 2


def test_e4_xlsx_import_with_dates_and_errors(admin_user) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "单位名称", "类型", "认定日期"])
    ws.append([make_uscc(811), "北京己公司", "失信被执行人", dt.datetime(2024, 2, 3)])
    ws.append([make_uscc(811), "北京己公司", "失信被执行人", dt.datetime(2024, 2, 3)])
    ws.append(["bad", "北京庚公司", "严重失信", "2024-01-01"])
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = credit_list_import_preview(actor=admin_user, file_name="list.xlsx", content=buffer.getvalue())
    assert [r["recorded_on"] for r in batch.rows] == ["2024-02-03"]
    assert [e["line"] for e in batch.errors] == [3, 4]
    assert "重复" in batch.errors[0]["message"]


def test_e4_wrong_header_and_file_type_reported(admin_user) -> None:
    batch = credit_list_import_preview(actor=admin_user, file_name="x.csv", content="名称,代码\n".encode())
    assert batch.errors[0]["line"] == 1 and "表头" in batch.errors[0]["message"]
    batch = credit_list_import_preview(actor=admin_user, file_name="x.txt", content=b"abc")
    assert "csv" in batch.errors[0]["message"]
    credit_list_import_discard(actor=admin_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED


def test_e4_listing_notifies_the_listed_organisation(admin_user, enterprise_user) -> None:
    _list(admin_user, enterprise_user.organisation)
    assert Notification.objects.filter(recipient=enterprise_user, kind="credit_listed").exists()


def test_e4_quota_figures_untouched_by_credit_checks(eligible_user, programme_2025) -> None:
    account = QuotaAccount.objects.get(organisation=eligible_user.organisation)
    credit_check(organisation=eligible_user.organisation, actor=None, context="order")
    account.refresh_from_db()
    assert account.available == Decimal("200000.00")
