"""Shared pieces of the application writes: the audited form fields, the pledge text, the upload limit,
writing the form's values and telling the provider.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from voucher.accounts.selectors import active_members
from voucher.applications.models import (
    Application,
    PriceTransaction,
)
from voucher.applications.validation import (
    Errors,
    product_name_taken,
)
from voucher.core.audit import audit_record, snapshot
from voucher.core.notifications import notify
from voucher.programmes.models import ProgrammeYear

FORM_SNAPSHOT = [
    "status",
    "direction_id",
    "subtype_id",
    "product_line",
    "software_type",
    "software_type_note",
    "product_name",
    "provider_name",
    "summary",
    "price_amount",
    "price_unit",
    "pricing_basis",
    "client_count",
    "revenue_wan",
    "has_ip",
    "has_sales_qualification",
    "has_sales_system",
    "has_after_sales",
    "cac_model_name",
    "cac_filing_unit",
    "cac_filing_number",
    "market_share_percent",
    "market_share_unavailable",
    "ranking",
    "high_growth_count",
    "contact_name",
    "contact_mobile",
    "priority_score",
]
DOSSIER_FIELDS = [
    "introduction",
    "revenue_last_year_wan",
    "sme_contracts",
    "qualifications",
    "qualification_notes",
]
BEIJING = "北京"


def pledge_text(programme: ProgrammeYear) -> str:
    """The pledge of annex 2-1-2 for this year, stored verbatim with the submission (P11)."""
    return (
        f"我单位提供的关于“{programme.year}年度北京市中小企业服务券配券产品”申报相关材料真实无误，"
        "接受财政或审计部门的监督。如发现弄虚作假、恶意欺骗等违规行为，承诺退回对应资金，"
        "承担相应的经济和法律责任，以后不再享有服务券申请及兑付资格。"
    )


def max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _provider_users(application: Application) -> list[Any]:
    members = list(active_members(application.organisation_id, "party.provider"))
    return [*members, application.created_by]


def _notify_status(application: Application, title: str, body: str = "") -> None:
    notify(
        recipients=_provider_users(application),
        kind="application.status",
        title=title,
        body=body,
        url=f"/applications/{application.pk}/",
    )


def _write(application: Application, values: dict[str, Any]) -> None:
    """Put parsed values on the (locked, unsaved) row; the price transactions are written after save."""
    if (
        "product_name" in values
        and application.name_locked_at is not None
        and values["product_name"] != application.product_name
    ):
        raise ValidationError({"product_name": "产品已公示，名称不可修改。"})
    for name, value in values.items():
        if name != "price_transactions":
            setattr(application, name, value)
    if application.subtype is not None and application.subtype.direction_id != application.direction_id:
        application.subtype = None


def _save_transactions(application: Application, values: dict[str, Any]) -> None:
    if "price_transactions" not in values:
        return
    application.price_transactions.all().delete()
    PriceTransaction.objects.bulk_create(
        PriceTransaction(application=application, transacted_on=day, amount=amount)
        for day, amount in values["price_transactions"]
    )


def _name_taken(application: Application) -> Errors:
    if product_name_taken(application):
        return {
            "product_name": [
                f"本单位本年度已有名为“{application.product_name}”的申报产品，产品名称不能重复。"
            ]
        }
    return {}


def _store(
    application: Application, values: dict[str, Any], *, actor: Any, action: str, before: dict[str, Any]
) -> None:
    application.save()
    _save_transactions(application, values)
    audit_record(
        actor=actor, action=action, obj=application, before=before, after=snapshot(application, FORM_SNAPSHOT)
    )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("programme", "organisation")
        .get(pk=application.pk)
    )
