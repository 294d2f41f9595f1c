"""Review decisions, assignment, notices and objections through the services (SPEC V1–V4, P10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from voucher.applications.models import Application
from voucher.applications.samples import tiny_pdf
from voucher.applications.transitions import IllegalTransition
from voucher.catalogue import services as catalogue_services
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core.clock import frozen_at
from voucher.core.models import AuditEvent, Notification
from voucher.reviews import permissions, selectors, services
from voucher.reviews.choices import NoticePhase, ObjectionStatus
from voucher.reviews.models import ReviewDecision
from voucher.testing import catalogue as builders
from voucher.testing.factories import UserFactory
from voucher.testing.reviews import AFTER_NOTICE, IN_NOTICE, NOTICE_START, REVIEW_DAY

pytestmark = pytest.mark.django_db


def _objection(notice, *, file=None, text="该产品价格与实际成交不符。"):
    product = notice.items.get().product
    return services.objection_file(
        actor=None, notice=notice, product=product, name="王五", contact="13700000000", text=text, file=file
    )


# --- V2 decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   "])
def test_v2_return_needs_a_comment(reviewer_user, submitted, comment):
    with pytest.raises(ValidationError) as exc:
        services.review_decide(actor=reviewer_user, application=submitted, action="return", comment=comment)
    assert "comment" in exc.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not ReviewDecision.objects.exists()


def test_v2_reject_needs_a_reason(reviewer_user, submitted):
    with pytest.raises(ValidationError) as exc:
        services.review_decide(actor=reviewer_user, application=submitted, action="reject", comment="")
    assert "comment" in exc.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_v2_unknown_action_refused(reviewer_user, submitted):
    with pytest.raises(ValidationError):
        services.review_decide(actor=reviewer_user, application=submitted, action="submit")


def test_v2_decision_recorded_with_reviewer_and_time_and_provider_told(
    reviewer_user, provider_user, submitted
):
    with frozen_at(REVIEW_DAY):
        decision = services.review_decide(
            actor=reviewer_user, application=submitted, action="return", comment="请补充价格证明。"
        )
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.decided_by == reviewer_user
    assert decision.reviewer == reviewer_user
    assert decision.decided_at.date() == REVIEW_DAY
    assert decision.comment == "请补充价格证明。"
    assert Notification.objects.filter(recipient=provider_user, body__contains="请补充价格证明").exists()
    assert AuditEvent.objects.filter(action="review.decided", object_id=str(decision.pk)).exists()


def test_v2_history_keeps_every_decision(reviewer_user, submitted):
    services.review_decide(actor=reviewer_user, application=submitted, action="return", comment="补充材料")
    Application.objects.filter(pk=submitted.pk).update(status="submitted")  # the provider resubmitted
    services.review_decide(actor=reviewer_user, application=submitted, action="approve")
    actions = list(selectors.decisions_for(submitted).values_list("action", flat=True))
    assert actions == ["approve", "return"]


def test_v2_decided_application_cannot_be_decided_again(reviewer_user, submitted):
    services.review_decide(actor=reviewer_user, application=submitted, action="approve")
    with pytest.raises(IllegalTransition):
        services.review_decide(actor=reviewer_user, application=submitted, action="reject", comment="x")


@pytest.mark.parametrize("role", ["enterprise_user", "provider_user", "other_provider"])
def test_v2_only_reviewers_and_admins_decide(request, role, submitted):
    with pytest.raises(PermissionDenied):
        services.review_decide(actor=request.getfixturevalue(role), application=submitted, action="approve")


# --- conflict of interest and assignment --------------------------------------------------------


def test_conflict_of_interest_refused_in_permission_and_service(same_org_reviewer, submitted):
    decision = permissions.can_decide(same_org_reviewer, submitted)
    assert not decision and decision.code == "conflict_of_interest"
    with pytest.raises(PermissionDenied):
        services.review_decide(actor=same_org_reviewer, application=submitted, action="approve")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_conflict_of_interest_refused_for_assignment(admin_user, same_org_reviewer, submitted):
    assert not permissions.can_assign(admin_user, submitted, same_org_reviewer)
    with pytest.raises(PermissionDenied):
        services.review_assign(actor=admin_user, application=submitted, reviewer=same_org_reviewer)


def test_once_assigned_only_assigned_reviewers_or_admins_decide(
    admin_user, reviewer_user, second_reviewer, submitted
):
    assert permissions.can_decide(second_reviewer, submitted)
    services.review_assign(actor=admin_user, application=submitted, reviewer=reviewer_user)
    refused = permissions.can_decide(second_reviewer, submitted)
    assert not refused and refused.code == "not_assigned"
    with pytest.raises(PermissionDenied):
        services.review_decide(actor=second_reviewer, application=submitted, action="approve")
    assert permissions.can_decide(reviewer_user, submitted)
    assert permissions.can_decide(admin_user, submitted)
    services.review_decide(actor=reviewer_user, application=submitted, action="approve")


def test_assignment_notifies_reviewer_and_can_be_removed(
    admin_user, reviewer_user, second_reviewer, submitted
):
    assignment = services.review_assign(actor=admin_user, application=submitted, reviewer=reviewer_user)
    assert Notification.objects.filter(recipient=reviewer_user, kind="review.assigned").exists()
    with pytest.raises(ValidationError):
        services.review_assign(actor=admin_user, application=submitted, reviewer=reviewer_user)
    services.review_unassign(actor=admin_user, assignment=assignment)
    assert permissions.can_decide(second_reviewer, submitted)
    assert AuditEvent.objects.filter(action="review.unassigned").exists()


def test_only_admins_assign_and_only_reviewers_are_assigned(
    reviewer_user, admin_user, enterprise_user, submitted
):
    with pytest.raises(PermissionDenied):
        services.review_assign(actor=reviewer_user, application=submitted, reviewer=reviewer_user)
    with pytest.raises(PermissionDenied):
        services.review_assign(actor=admin_user, application=submitted, reviewer=enterprise_user)


# --- V1 queue, P10 priority, review deadline -----------------------------------------------------


def test_p10_queue_ranked_by_priority_and_filtered(
    reviewer_user, provider_user, other_provider, programme_2025
):
    low = builders.application(provider_user, programme_2025, priority=1, direction=9)
    high = builders.application(other_provider, programme_2025, priority=8, direction=7)
    builders.application(provider_user, programme_2025, status="draft")
    returned = builders.application(provider_user, programme_2025, status="returned")
    assert list(selectors.review_queue(reviewer_user)) == [high, low]
    assert list(selectors.review_queue(reviewer_user, direction="7")) == [high]
    assert list(selectors.review_queue(reviewer_user, status="returned")) == [returned]


def test_v1_queue_hides_own_organisation(same_org_reviewer, provider_user, other_provider, programme_2025):
    builders.application(provider_user, programme_2025)
    theirs = builders.application(other_provider, programme_2025)
    assert list(selectors.review_queue(same_org_reviewer)) == [theirs]


def test_v1_queue_only_for_reviewers_and_admins(enterprise_user, provider_user, submitted):
    assert not selectors.review_queue(enterprise_user).exists()
    assert not selectors.review_queue(provider_user).exists()


def test_review_deadline_overdue(submitted, programme_2025):
    with frozen_at(programme_2025.review_deadline):
        assert not selectors.is_overdue(submitted)
        assert not selectors.overdue_reviews().exists()
    with frozen_at(programme_2025.review_deadline + dt.timedelta(days=1)):
        assert selectors.is_overdue(submitted)
        assert list(selectors.overdue_reviews()) == [submitted]


# --- V3 notices and objections --------------------------------------------------------------------


def test_v3_publish_creates_noticed_products_and_locks_names(notice, approved, provider_user, programme_2025):
    approved.refresh_from_db()
    product = Product.objects.get(application=approved)
    assert product.status == ProductStatus.NOTICED
    assert product.name == approved.product_name
    assert product.provider_name == approved.provider_name
    assert approved.name_locked_at is not None
    assert notice.ends_on == NOTICE_START + dt.timedelta(days=programme_2025.notice_period_days)
    assert Notification.objects.filter(recipient=provider_user, kind="product.noticed").exists()
    assert AuditEvent.objects.filter(action="notice.published").exists()


def test_v3_publish_refuses_unapproved_and_twice(admin_user, submitted, notice, approved, programme_2025):
    with frozen_at(NOTICE_START), pytest.raises(ValidationError) as exc:
        services.notice_publish(
            actor=admin_user, programme=programme_2025, applications=[submitted], starts_on=NOTICE_START
        )
    assert "applications" in exc.value.message_dict
    with frozen_at(NOTICE_START), pytest.raises(ValidationError):
        services.notice_publish(
            actor=admin_user, programme=programme_2025, applications=[approved], starts_on=NOTICE_START
        )


def test_v3_publish_checks_dates_and_role(admin_user, reviewer_user, approved, programme_2025):
    with frozen_at(NOTICE_START), pytest.raises(ValidationError) as exc:
        services.notice_publish(
            actor=admin_user,
            programme=programme_2025,
            applications=[approved],
            starts_on=NOTICE_START,
            ends_on=NOTICE_START - dt.timedelta(days=1),
        )
    assert "ends_on" in exc.value.message_dict
    with frozen_at(NOTICE_START), pytest.raises(PermissionDenied):
        services.notice_publish(
            actor=reviewer_user, programme=programme_2025, applications=[approved], starts_on=NOTICE_START
        )
    assert not Product.objects.exists()


def test_v3_objection_only_during_notice(notice):
    with frozen_at(NOTICE_START - dt.timedelta(days=1)), pytest.raises(PermissionDenied):
        _objection(notice)
    with frozen_at(AFTER_NOTICE), pytest.raises(PermissionDenied):
        _objection(notice)
    with frozen_at(notice.ends_on):
        objection = _objection(notice)
    assert objection.status == ObjectionStatus.OPEN


def test_v3_objection_tells_admins_and_needs_fields(notice, admin_user):
    with frozen_at(IN_NOTICE):
        _objection(notice)
        with pytest.raises(ValidationError) as exc:
            _objection(notice, text="  ")
    assert "text" in exc.value.message_dict
    assert Notification.objects.filter(recipient=admin_user, kind="objection.filed").count() == 1


def test_v3_objection_file_checked_by_content(notice):
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with frozen_at(IN_NOTICE), pytest.raises(ValidationError) as exc:
        _objection(notice, file=fake)
    assert "file" in exc.value.message_dict
    with frozen_at(IN_NOTICE):
        objection = _objection(notice, file=SimpleUploadedFile("证明.pdf", tiny_pdf("proof")))
    assert objection.file_content_type == "application/pdf" and objection.file_sha256


def test_v3_objection_for_a_product_outside_the_notice_refused(notice, provider_user, programme_2025):
    stranger = builders.product(provider_user, programme_2025, status=ProductStatus.NOTICED)
    with frozen_at(IN_NOTICE), pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=None, notice=notice, product=stranger, name="王五", contact="137", text="异议"
        )
    assert "product" in exc.value.message_dict


def test_v3_upheld_objection_withdraws_product_which_never_goes_on_sale(notice, admin_user, provider_user):
    with frozen_at(IN_NOTICE):
        objection = _objection(notice)
        with pytest.raises(ValidationError):
            services.objection_resolve(actor=admin_user, objection=objection, action="uphold", resolution="")
        services.objection_resolve(
            actor=admin_user, objection=objection, action="uphold", resolution="价格不实"
        )
    product = notice.items.get().product
    product.refresh_from_db()
    assert product.status == ProductStatus.WITHDRAWN
    with frozen_at(AFTER_NOTICE):
        services.notice_close(actor=admin_user, notice=notice)
        with pytest.raises(PermissionDenied):
            catalogue_services.product_put_on_sale(actor=admin_user, product=product, quantity=20)
    product.refresh_from_db()
    assert product.status == ProductStatus.WITHDRAWN and product.vouchers_total == 0
    assert Notification.objects.filter(recipient=provider_user, kind="product.withdrawn").exists()


def test_v3_dismissed_objection_leaves_product_and_resolution_is_final(notice, admin_user):
    with frozen_at(IN_NOTICE):
        objection = _objection(notice)
        services.objection_resolve(
            actor=admin_user, objection=objection, action="dismiss", resolution="经核实无误"
        )
        with pytest.raises(PermissionDenied):
            services.objection_resolve(
                actor=admin_user, objection=objection, action="uphold", resolution="改判"
            )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and objection.resolved_by == admin_user
    assert notice.items.get().product.status == ProductStatus.NOTICED


def test_v3_only_admins_resolve(notice, reviewer_user):
    with frozen_at(IN_NOTICE):
        objection = _objection(notice)
        with pytest.raises(PermissionDenied):
            services.objection_resolve(
                actor=reviewer_user, objection=objection, action="dismiss", resolution="x"
            )


def test_v3_close_needs_period_end_and_resolved_objections(notice, admin_user):
    with frozen_at(IN_NOTICE):
        objection = _objection(notice)
        with pytest.raises(PermissionDenied):
            services.notice_close(actor=admin_user, notice=notice)
    with frozen_at(AFTER_NOTICE):
        assert notice.phase(AFTER_NOTICE) == NoticePhase.ENDED
        with pytest.raises(PermissionDenied):
            services.notice_close(actor=admin_user, notice=notice)
        services.objection_resolve(actor=admin_user, objection=objection, action="dismiss", resolution="无误")
        services.notice_close(actor=admin_user, notice=notice)
    notice.refresh_from_db()
    assert notice.phase(AFTER_NOTICE) == NoticePhase.CLOSED
    assert notice.items.get().product.status == ProductStatus.READY


# --- V4 going on sale ---------------------------------------------------------------------------------


def test_v4_put_on_sale_after_notice(notice, admin_user, approved, provider_user):
    product = notice.items.get().product
    with frozen_at(IN_NOTICE), pytest.raises(PermissionDenied):
        catalogue_services.product_put_on_sale(actor=admin_user, product=product, quantity=20)
    with frozen_at(AFTER_NOTICE):
        services.notice_close(actor=admin_user, notice=notice)
        with pytest.raises(ValidationError) as exc:
            catalogue_services.product_put_on_sale(actor=admin_user, product=product, quantity=0)
        assert "quantity" in exc.value.message_dict
        catalogue_services.product_put_on_sale(actor=admin_user, product=product, quantity=20)
    product.refresh_from_db()
    assert (product.status, product.vouchers_total, product.vouchers_left) == (ProductStatus.ON_SALE, 20, 20)
    assert product.on_sale_at is not None and product.on_sale_at.date() == AFTER_NOTICE
    approved.refresh_from_db()
    assert approved.name_locked_at is not None and product.name == approved.product_name
    assert Notification.objects.filter(recipient=provider_user, kind="product.on_sale").exists()
    with pytest.raises(PermissionDenied):
        catalogue_services.product_put_on_sale(actor=admin_user, product=product, quantity=30)


def test_v4_only_admins_put_on_sale(notice, admin_user, reviewer_user, provider_user):
    product = notice.items.get().product
    with frozen_at(AFTER_NOTICE):
        services.notice_close(actor=admin_user, notice=notice)
    for user in (reviewer_user, provider_user, UserFactory()):
        with pytest.raises(PermissionDenied):
            catalogue_services.product_put_on_sale(actor=user, product=product, quantity=5)
