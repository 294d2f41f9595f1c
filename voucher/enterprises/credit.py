"""Credit screening (SPEC E4): a pluggable checker and the one entry point every feature calls.

``credit_check(organisation=…, actor=…, context=…)`` works for any organisation (enterprises at
classification, order time and claim review; providers at application). The checker is chosen by the
``VOUCHER_CREDIT_CHECKER`` setting (a dotted path); the default reads the admin-maintained credit list.
A production registry client implements :class:`CreditChecker` and is configured there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from voucher.accounts.models import Organisation
from voucher.core import clock, periods
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.enterprises.choices import CreditContext, CreditListKind, CreditOutcome
from voucher.enterprises.models import CreditCheck, CreditListEntry
from voucher.enterprises.permissions import can_run_credit_check
from voucher.programmes.selectors import programme_current

logger = logging.getLogger(__name__)

DEFAULT_CHECKER = "voucher.enterprises.credit.ListCreditChecker"
DEFAULT_LOOKBACK_YEARS = 3


@dataclass(frozen=True)
class CreditResult:
    outcome: str
    reason: str
    details: list[dict[str, Any]] = field(default_factory=list)


class CreditChecker(Protocol):
    """Checks one organisation: serious negative record in the look-back years; dishonest-debtor list."""

    name: str

    def check(self, organisation: Organisation, *, lookback_years: int) -> CreditResult: ...


class ListCreditChecker:
    """The default: the admin-maintained credit list (信用中国（北京） and court list extracts)."""

    name = "平台信用名单"

    def check(self, organisation: Organisation, *, lookback_years: int) -> CreditResult:
        if not organisation.uscc:
            return CreditResult(CreditOutcome.UNKNOWN, "该单位未登记统一社会信用代码，无法核查信用。")
        since = periods.earliest_event(clock.today(), years=lookback_years)
        entries = CreditListEntry.objects.filter(uscc=organisation.uscc, active=True)
        hits = [
            e
            for e in entries
            if e.kind == CreditListKind.DISHONEST_DEBTOR
            or (e.kind == CreditListKind.SERIOUS_NEGATIVE and e.recorded_on >= since)
        ]
        if not hits:
            return CreditResult(
                CreditOutcome.PASS,
                f"近{lookback_years}年无严重失信记录，未被列入失信被执行人名单。",
            )
        parts = [
            f"{e.get_kind_display()}（认定日期 {e.recorded_on:%Y-%m-%d}{'，' + e.source if e.source else ''}）"
            for e in hits
        ]
        return CreditResult(
            CreditOutcome.FAIL,
            "该单位在信用名单中：" + "；".join(parts) + "。按指南规定不能领用或兑付服务券。",
            [
                {"id": e.pk, "kind": e.kind, "recorded_on": e.recorded_on.isoformat(), "source": e.source}
                for e in hits
            ],
        )


def get_checker() -> CreditChecker:
    checker: CreditChecker = import_string(getattr(settings, "VOUCHER_CREDIT_CHECKER", DEFAULT_CHECKER))()
    return checker


def _lookback_years() -> int:
    programme = programme_current()
    return programme.credit_lookback_years if programme else DEFAULT_LOOKBACK_YEARS


@transaction.atomic
def credit_check(*, organisation: Organisation, actor: Any, context: str) -> CreditCheck:
    """Run the configured checker on ``organisation`` and store the outcome, reason and time.

    Never raises for a checker failure: an unreachable registry gives outcome ``unknown`` (callers treat
    anything but ``pass`` as blocking). ``context`` is one of :class:`CreditContext`.
    """
    can_run_credit_check(actor, organisation).enforce()
    context = CreditContext(context)
    checker = get_checker()
    try:
        result = checker.check(organisation, lookback_years=_lookback_years())
    except Exception:
        logger.exception("credit checker %s failed for organisation %s", checker.name, organisation.pk)
        result = CreditResult(CreditOutcome.UNKNOWN, "信用核查服务暂时无法使用，请稍后重试。")
    record = CreditCheck.objects.create(
        organisation=organisation,
        context=context,
        outcome=CreditOutcome(result.outcome),
        reason=result.reason,
        checker=checker.name,
        details=result.details,
        checked_at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="credit.checked", obj=record, after=snapshot(record))
    if record.outcome == CreditOutcome.FAIL:
        notify(
            recipients=organisation.members.filter(is_active=True),
            kind="credit_failed",
            title="信用核查未通过",
            body=record.reason,
        )
    return record
