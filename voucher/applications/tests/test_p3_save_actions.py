"""P3: 临时保存 checks nothing, 保存 reports every problem at once, 提交 validates and locks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from voucher.applications import services
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.core.models import AuditEvent
from voucher.testing.applications import IN_WINDOW, ready_application, submit

pytestmark = pytest.mark.django_db


def test_p3_temp_save_stores_an_incomplete_form(provider_user, programme_2025):
    application = services.application_create(
        actor=provider_user, programme=programme_2025, data={"summary": "x" * 400, "contact_mobile": "123"}
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.summary == "x" * 400
    assert application.contact_mobile == "123"
    assert AuditEvent.objects.filter(action="application.created", object_id=str(application.pk)).exists()


def test_p3_temp_save_refuses_only_unstorable_values(provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    with pytest.raises(ValidationError) as exc:
        services.application_temp_save(
            actor=provider_user, application=application, data={"client_count": "十家"}
        )
    assert "client_count" in exc.value.message_dict


def test_p3_save_reports_every_problem_at_its_field_at_once(provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    with pytest.raises(ValidationError) as exc:
        services.application_save(
            actor=provider_user,
            application=application,
            data={
                "summary": "x" * 301,
                "client_count": "abc",
                "contact_mobile": "12345",
                "provider_name": "别的公司",
            },
        )
    fields = exc.value.message_dict
    for name in [
        "direction",
        "product_name",
        "provider_name",
        "summary",
        "price_amount",
        "price_unit",
        "pricing_basis",
        "client_count",
        "revenue_wan",
        "ip_sales",
        "contact_mobile",
    ]:
        assert name in fields, name
    assert "301" in fields["summary"][0]


def test_p3_refused_save_changes_nothing(provider_user, programme_2025):
    application = services.application_create(
        actor=provider_user, programme=programme_2025, data={"summary": "原简介"}
    )
    with pytest.raises(ValidationError):
        services.application_save(actor=provider_user, application=application, data={"summary": "新简介"})
    application.refresh_from_db()
    assert application.summary == "原简介"


def test_p3_submit_locks_the_form(provider_user, programme_2025):
    application = submit(provider_user, ready_application(provider_user, programme_2025))
    assert application.status == ApplicationStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.application_temp_save(actor=provider_user, application=application, data={"summary": "改"})
    with pytest.raises(PermissionDenied):
        services.application_save(actor=provider_user, application=application, data={"summary": "改"})


def test_p3_returned_application_can_be_edited_and_resubmitted(provider_user, reviewer_user, programme_2025):
    application = submit(provider_user, ready_application(provider_user, programme_2025))
    services.application_return(actor=reviewer_user, application=application, comment="请补充定价依据")
    application.refresh_from_db()
    services.application_temp_save(
        actor=provider_user, application=application, data={"pricing_basis": "补充后的依据"}
    )
    again = submit(provider_user, application)
    assert again.status == ApplicationStatus.SUBMITTED
    assert again.pricing_basis == "补充后的依据"


def test_p11_pledge_is_required_and_stored_with_time_and_user(provider_user, programme_2025):
    from voucher.core.clock import frozen_at

    application = ready_application(provider_user, programme_2025)
    with frozen_at(IN_WINDOW), pytest.raises(ValidationError) as exc:
        services.application_submit(actor=provider_user, application=application, pledge_accepted=False)
    assert "pledge" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    submitted = submit(provider_user, application)
    assert submitted.pledge_accepted_by == provider_user
    assert submitted.pledge_accepted_at.date() == IN_WINDOW
    assert "2025年度北京市中小企业服务券配券产品" in submitted.pledge_text


def test_p3_submit_needs_the_required_materials(provider_user, programme_2025):
    from voucher.core.clock import frozen_at
    from voucher.testing.applications import prepare_provider, valid_data

    prepare_provider(provider_user, programme_2025)
    with frozen_at(IN_WINDOW):
        application = services.application_create(
            actor=provider_user,
            programme=programme_2025,
            data=valid_data(provider_user.organisation),
            full_check=True,
        )
        with pytest.raises(ValidationError) as exc:
            services.application_submit(actor=provider_user, application=application, pledge_accepted=True)
    fields = exc.value.message_dict
    for kind in [
        "form_excel",
        "form_scan",
        "price_proof",
        "revenue_method",
        "client_list",
        "ip_proof",
        "high_growth_list",
    ]:
        assert f"material_{kind}" in fields
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT
