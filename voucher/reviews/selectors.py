"""Reads for reviewing and notices, filtered by what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from voucher.accounts.selectors import active_users_with
from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.permissions import has_capability
from voucher.programmes.models import ProgrammeYear
from voucher.reviews.choices import ObjectionStatus
from voucher.reviews.models import Notice, NoticeItem, Objection, ReviewAssignment, ReviewDecision

QUEUE_STATUSES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
]


def review_queue(
    user: Any,
    *,
    direction: str = "",
    status: str = ApplicationStatus.SUBMITTED,
    mine: bool = False,
) -> QuerySet[Application]:
    """V1/P10: applications submitted at least once, highest priority (high-growth clients) first.

    A user never sees their own organisation's applications here (conflict of interest).
    """
    if not has_capability(user, "applications.review"):
        return Application.objects.none()
    items = (
        Application.objects.filter(last_submitted_at__isnull=False)
        .select_related("programme", "organisation", "direction", "direction__field", "subtype")
        .prefetch_related(
            Prefetch("review_assignments", queryset=ReviewAssignment.objects.select_related("reviewer"))
        )
        .annotate(
            failed_checks=Count("checks", filter=Q(checks__outcome="fail"), distinct=True),
            unknown_checks=Count("checks", filter=Q(checks__outcome="unknown"), distinct=True),
        )
    )
    if user.organisation_id is not None:
        items = items.exclude(organisation_id=user.organisation_id)
    if status:
        items = items.filter(status=status)
    if direction:
        items = items.filter(direction__number=direction) if direction.isdigit() else items.none()
    if mine:
        items = items.filter(review_assignments__reviewer=user)
    return items.order_by("-priority_score", "last_submitted_at", "id")


def is_overdue(application: Application) -> bool:
    """Still waiting after the programme year's review deadline."""
    return (
        application.status == ApplicationStatus.SUBMITTED
        and clock.today() > application.programme.review_deadline
    )


def overdue_reviews() -> QuerySet[Application]:
    return Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, programme__review_deadline__lt=clock.today()
    )


def assigned_waiting(user: Any) -> QuerySet[Application]:
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED, review_assignments__reviewer=user)


def decisions_for(application: Application) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(application=application).select_related("reviewer")


def reviewers_available(application: Application) -> QuerySet[Any]:
    items = active_users_with("reviews.assignee").select_related("organisation")
    return items.exclude(organisation_id=application.organisation_id).order_by("username")


def approved_not_noticed(programme: ProgrammeYear | None) -> QuerySet[Application]:
    """Approved applications that have no product yet: what a new notice may publish."""
    items = Application.objects.filter(status=ApplicationStatus.APPROVED, product__isnull=True)
    if programme is not None:
        items = items.filter(programme=programme)
    return items.select_related("organisation", "direction").order_by(
        "direction__number", "product_name", "id"
    )


def notices_all() -> QuerySet[Notice]:
    return Notice.objects.select_related("programme").annotate(
        product_count=Count("items", distinct=True),
        open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True),
    )


def notices_public() -> QuerySet[Notice]:
    """Notices that have started: the public page (V3) shows them without login."""
    return notices_all().filter(starts_on__lte=clock.today())


def notice_items(notice: Notice) -> QuerySet[NoticeItem]:
    return notice.items.select_related("product", "product__direction", "product__direction__field")


def notice_objections(notice: Notice) -> QuerySet[Objection]:
    return notice.objections.select_related("product", "resolved_by")


def product_objections() -> QuerySet[Objection]:
    """Objections to product notices (the shared model also holds payout-batch objections)."""
    return Objection.objects.filter(notice__isnull=False)


def objections_open() -> QuerySet[Objection]:
    return Objection.objects.filter(notice__isnull=False, status=ObjectionStatus.OPEN).select_related(
        "notice", "product"
    )


def notices_in_progress() -> QuerySet[Notice]:
    return Notice.objects.filter(closed_at__isnull=True)


def upheld_product_ids(notice: Notice) -> set[int]:
    return set(notice.objections.filter(status=ObjectionStatus.UPHELD).values_list("product_id", flat=True))


def product_notice(product: Product) -> Notice | None:
    item = NoticeItem.objects.filter(product=product).select_related("notice").first()
    return item.notice if item else None
