"""Reads of applications and their files, always filtered by what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from voucher.applications.choices import ApplicationStatus
from voucher.applications.models import Application, Material, ProviderDossier
from voucher.core.permissions import has_capability
from voucher.programmes.models import ProgrammeYear


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Owner providers see their organisation's; reviewers and admins see those submitted at least once."""
    base = Application.objects.select_related("programme", "organisation", "direction", "subtype")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if has_capability(user, "applications.file") and user.organisation_id:
        return base.filter(organisation_id=user.organisation_id)
    if has_capability(user, "applications.review"):
        return base.filter(last_submitted_at__isnull=False)
    return base.none()


def application_list(user: Any, *, status: str | None = None) -> QuerySet[Application]:
    """我的申报 (providers, newest first) or the reviewers' list (P10: highest priority first)."""
    items = applications_visible_to(user)
    if status:
        items = items.filter(status=status)
    if has_capability(user, "applications.review"):
        return items.order_by("-priority_score", "last_submitted_at", "id")
    return items.order_by("-updated_at", "-id")


def status_counts(user: Any) -> dict[str, int]:
    """How many applications the user can see in each status (the filter tabs)."""
    rows = applications_visible_to(user).values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in ApplicationStatus}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def materials_visible_to(user: Any, *, query: str = "") -> QuerySet[Material]:
    """附件管理: the files the user may read, searchable by file name."""
    base = Material.objects.select_related("application", "organisation", "programme").order_by(
        "-uploaded_at", "-id"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if has_capability(user, "applications.file") and user.organisation_id:
        items = base.filter(organisation_id=user.organisation_id)
    elif has_capability(user, "applications.review"):
        items = base.filter(Q(application__isnull=True) | Q(application__last_submitted_at__isnull=False))
    else:
        return base.none()
    if query.strip():
        items = items.filter(original_name__icontains=query.strip())
    return items


def provider_materials(organisation_id: int, programme: ProgrammeYear) -> QuerySet[Material]:
    return Material.objects.filter(
        organisation_id=organisation_id, programme=programme, application__isnull=True
    ).order_by("kind", "uploaded_at")


def dossier_for(organisation_id: int, programme: ProgrammeYear) -> ProviderDossier | None:
    return ProviderDossier.objects.filter(organisation_id=organisation_id, programme=programme).first()


def waiting_for_review() -> int:
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
