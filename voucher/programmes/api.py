"""API: programme years with every parameter, directions and requirements (public, read-only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from voucher.programmes.models import Direction, ProgrammeYear
from voucher.programmes.selectors import directions_with_rules, programme_list

router = Router(tags=["programmes"], auth=None)


class RequirementOut(Schema):
    code: str
    kind: str
    title: str
    description: str
    subtype: str | None
    params: dict[str, Any]

    @staticmethod
    def resolve_subtype(obj: Any) -> str | None:
        return obj.subtype.code if obj.subtype_id else None


class SubtypeOut(Schema):
    code: str
    name: str
    description: str


class DirectionOut(Schema):
    number: int
    code: str
    name: str
    field: str
    description: str
    subtypes: list[SubtypeOut]
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_field(obj: Direction) -> str:
        return obj.field.name

    @staticmethod
    def resolve_subtypes(obj: Direction) -> list[Any]:
        return list(obj.subtypes.all())

    @staticmethod
    def resolve_requirements(obj: Direction) -> list[Any]:
        return list(obj.requirements.all())


class ProgrammeOut(Schema):
    year: int
    title: str
    status: str
    subsidy_rate_cap: Decimal
    annual_cap_per_enterprise: Decimal
    max_service_period_months: int
    application_opens_on: dt.date
    application_closes_on: dt.date
    review_deadline: dt.date
    notice_period_days: int
    last_order_day: dt.date
    acceptance_working_days: int
    max_open_orders_per_product: int
    claim_weeks_after_use: int
    claim_final_date: dt.date
    provider_min_years_established: int
    provider_min_beijing_sme_contracts: int
    provider_min_revenue: Decimal
    credit_lookback_years: int
    sanction_years: int
    individual_businesses_eligible: bool
    farmer_cooperatives_eligible: bool


class ProgrammeDetailOut(ProgrammeOut):
    directions: list[DirectionOut]


@router.get("/", response=list[ProgrammeOut], summary="年度政策列表")
def programmes(request: HttpRequest) -> list[ProgrammeYear]:
    return list(programme_list())


@router.get("/{year}", response=ProgrammeDetailOut, summary="年度政策详情（含 9 个方向及要求）")
def programme(request: HttpRequest, year: int) -> dict[str, Any]:
    item = get_object_or_404(ProgrammeYear, year=year)
    data = ProgrammeOut.from_orm(item).dict()
    data["directions"] = list(directions_with_rules(item))
    return data
