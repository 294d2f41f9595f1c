"""Programme year as data (SPEC Y1–Y3, K1–K6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from voucher.core.audit import snapshot
from voucher.core.models import AuditEvent
from voucher.programmes.choices import RequirementKind, YearStatus
from voucher.programmes.models import Direction, ProgrammeYear, Requirement
from voucher.programmes.services import programme_year_copy, programme_year_update

pytestmark = pytest.mark.django_db


def test_y2_2025_is_seeded_with_every_parameter_of_the_guide(programme_2025):
    p = programme_2025
    assert p.subsidy_rate_cap == Decimal("0.3")
    assert p.annual_cap_per_enterprise == Decimal("200000.00")
    assert p.application_closes_on == dt.date(2025, 5, 16)
    assert p.review_deadline == dt.date(2025, 6, 10)
    assert p.last_order_day == dt.date(2025, 9, 30)
    assert p.claim_final_date == dt.date(2025, 10, 20)
    assert p.claim_weeks_after_use == 2
    assert p.acceptance_working_days == 5
    assert p.max_service_period_months == 12
    assert p.provider_min_years_established == 1
    assert p.provider_min_beijing_sme_contracts == 15
    assert p.provider_min_revenue == Decimal("8000000.00")
    assert p.credit_lookback_years == 3
    assert p.sanction_years == 3
    assert (p.product_summary_max_chars, p.pricing_basis_max_chars, p.provider_intro_min_chars) == (
        300,
        200,
        2000,
    )
    assert (p.price_proof_months, p.price_proof_sets) == (6, 5)
    assert p.individual_businesses_eligible is False
    assert p.farmer_cooperatives_eligible is False


def test_k_2025_has_three_fields_and_nine_directions(programme_2025):
    fields = list(programme_2025.fields.values_list("name", flat=True))
    assert fields == ["数智赋能", "绿色低碳", "高端时尚"]
    directions = list(
        Direction.objects.filter(programme=programme_2025).values_list("number", "name", "field__name")
    )
    assert [d[0] for d in directions] == list(range(1, 10))
    assert directions[0][1:] == ("大模型应用", "数智赋能")
    assert directions[5][1:] == ("能源管理体系建设咨询和认证", "绿色低碳")
    assert directions[8][1:] == ("工业设计", "高端时尚")


def test_k2_transformation_systems_have_three_subtypes(programme_2025):
    direction = programme_2025.directions.get(code="transformation")
    assert list(direction.subtypes.values_list("name", flat=True)) == [
        "协同管理平台",
        "人工智能辅助编程系统",
        "数字化转型通用软件",
    ]


@pytest.mark.parametrize(
    ("direction", "code", "kind", "subtype"),
    [
        ("llm", "K1", RequirementKind.CAC_FILING, None),
        ("transformation", "K2a", RequirementKind.PROVIDER_QUALIFICATION, "collaboration"),
        ("transformation", "K2b", RequirementKind.EXCLUDED_PRODUCT_TYPES, "general_software"),
        ("dcmm", "K3", RequirementKind.PROVIDER_QUALIFICATION, None),
        ("marketing", "K4a", RequirementKind.ENTERPRISE_INDUSTRY, None),
        ("marketing", "K4b", RequirementKind.OWN_BRAND_ONLY, None),
        ("chip", "K5a", RequirementKind.PROVIDER_QUALIFICATION, None),
        ("chip", "K5b", RequirementKind.PROVIDER_QUALIFICATION, None),
        ("energy_management", "K6a", RequirementKind.PROVIDER_QUALIFICATION, None),
        ("energy_management", "K6b", RequirementKind.EXCLUSIVE_PRODUCT_LINES, None),
    ],
)
def test_k1_to_k6_requirements_are_data(programme_2025, direction, code, kind, subtype):
    requirement = Requirement.objects.get(
        direction__programme=programme_2025, direction__code=direction, code=code
    )
    assert requirement.kind == kind
    assert (requirement.subtype.code if requirement.subtype else None) == subtype


def test_k4_marketing_industries_are_parameters(programme_2025):
    requirement = Requirement.objects.get(direction__programme=programme_2025, code="K4a")
    assert requirement.params["gbt4754_codes"] == ["C13", "C14", "C1515"]


def test_directions_without_extra_rules_have_no_requirements(programme_2025):
    for code in ["energy_audit", "carbon_footprint", "industrial_design"]:
        assert not programme_2025.directions.get(code=code).requirements.exists()


def test_r1_claim_deadline_is_two_weeks_after_use_but_never_after_the_final_date(programme_2025):
    assert programme_2025.claim_deadline(dt.date(2025, 8, 1)) == dt.date(2025, 8, 15)
    assert programme_2025.claim_deadline(dt.date(2025, 10, 10)) == dt.date(2025, 10, 20)


def test_p8_application_window_is_inclusive(programme_2025):
    assert programme_2025.application_window_open(dt.date(2025, 5, 16))
    assert not programme_2025.application_window_open(dt.date(2025, 5, 17))


def test_y2_copy_makes_2026_and_changes_nothing_in_2025(programme_2025, admin_user):
    before = snapshot(programme_2025)
    rules_before = list(
        Requirement.objects.filter(direction__programme=programme_2025).values("code", "params", "title")
    )
    copy = programme_year_copy(actor=admin_user, source=programme_2025, year=2026)
    programme_2025.refresh_from_db()
    assert snapshot(programme_2025) == before
    assert (
        list(
            Requirement.objects.filter(direction__programme=programme_2025).values("code", "params", "title")
        )
        == rules_before
    )
    assert copy.year == 2026
    assert copy.status == YearStatus.DRAFT
    assert copy.title == "2026年北京市中小企业服务券"
    assert copy.last_order_day == dt.date(2026, 9, 30)
    assert copy.claim_final_date == dt.date(2026, 10, 20)
    assert copy.annual_cap_per_enterprise == programme_2025.annual_cap_per_enterprise
    assert copy.directions.count() == 9
    assert Requirement.objects.filter(direction__programme=copy).count() == 10
    k2a = Requirement.objects.get(direction__programme=copy, code="K2a")
    assert k2a.subtype is not None and k2a.subtype.direction.programme == copy
    assert AuditEvent.objects.filter(action="programme.copied", object_id=str(copy.pk)).exists()


def test_y2_editing_the_copy_leaves_the_source_alone(programme_2025, admin_user):
    copy = programme_year_copy(actor=admin_user, source=programme_2025, year=2026)
    programme_year_update(actor=admin_user, programme=copy, annual_cap_per_enterprise=Decimal("250000.00"))
    Requirement.objects.filter(direction__programme=copy, code="K4a").update(
        params={"gbt4754_codes": ["C13"]}
    )
    programme_2025.refresh_from_db()
    assert programme_2025.annual_cap_per_enterprise == Decimal("200000.00")
    assert Requirement.objects.get(direction__programme=programme_2025, code="K4a").params[
        "gbt4754_codes"
    ] == [
        "C13",
        "C14",
        "C1515",
    ]


def test_y2_copy_refuses_an_existing_year(programme_2025, admin_user):
    with pytest.raises(ValidationError) as exc:
        programme_year_copy(actor=admin_user, source=programme_2025, year=2025)
    assert "已存在" in exc.value.message_dict["year"][0]


def test_y2_copy_moves_29_february_to_28(programme_2025, admin_user):
    programme_year_update(
        actor=admin_user, programme=programme_2025, application_opens_on=dt.date(2024, 2, 29)
    )
    copy = programme_year_copy(actor=admin_user, source=ProgrammeYear.objects.get(year=2025), year=2026)
    assert copy.application_opens_on == dt.date(2025, 2, 28)


@pytest.mark.parametrize("role", ["enterprise", "provider", "reviewer"])
def test_y1_only_admins_configure_the_programme(role_users, programme_2025, role):
    with pytest.raises(PermissionDenied):
        programme_year_copy(actor=role_users[role], source=programme_2025, year=2030)
    with pytest.raises(PermissionDenied):
        programme_year_update(actor=role_users[role], programme=programme_2025, notice_period_days=9)


def test_y1_update_is_validated_and_audited(programme_2025, admin_user):
    with pytest.raises(ValidationError):
        programme_year_update(actor=admin_user, programme=programme_2025, subsidy_rate_cap=Decimal("1.5"))
    programme_2025.refresh_from_db()
    assert programme_2025.subsidy_rate_cap == Decimal("0.3")
    programme_year_update(actor=admin_user, programme=programme_2025, notice_period_days=7)
    event = AuditEvent.objects.filter(action="programme.updated").latest("id")
    assert event.before == {"notice_period_days": 5}
    assert event.after == {"notice_period_days": 7}
    assert event.actor == admin_user


def test_y1_application_window_order_is_a_database_constraint(programme_2025):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.filter(pk=programme_2025.pk).update(application_opens_on=dt.date(2025, 6, 1))


def test_rate_cap_reads_as_a_plain_percentage(programme_2025):
    assert programme_2025.subsidy_rate_percent == "30"
    programme_2025.subsidy_rate_cap = Decimal("0.275")
    assert programme_2025.subsidy_rate_percent == "27.5"
