"""The oversight index and a party's 处理记录 (all its cases, sanctions and clawbacks)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from voucher.core import clock
from voucher.core.permissions import has_capability
from voucher.enforcement import permissions
from voucher.enforcement.choices import ACTIVE_CLAWBACK_STATUSES, SpotCheckStatus
from voucher.enforcement.models import Clawback, SanctionCase, SpotCheck
from voucher.enforcement.selectors import (
    clawbacks_visible_to,
    sanction_in_force,
    sanctions_in_force,
    sanctions_visible_to,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """监督管理: the Bureau's overview; the parties go to their records, inspectors to their spot checks."""
    user = request.user
    if has_capability(user, "enforcement.manage"):
        today = clock.today()
        context = {
            "in_force": sanctions_in_force(today).count(),
            "open_clawbacks": Clawback.objects.filter(status__in=ACTIVE_CLAWBACK_STATUSES).count(),
            "open_checks": SpotCheck.objects.filter(status=SpotCheckStatus.OPEN).count(),
            "cases": SanctionCase.objects.prefetch_related("sanctions__organisation")[:10],
        }
        return render(request, "enforcement/index.html", context)
    if has_capability(user, "enforcement.inspect"):
        return redirect("enforcement:spot_checks")
    permissions.can_view_records(user).enforce()
    return redirect("enforcement:records")


@login_required
def records(request: HttpRequest) -> HttpResponse:
    """处理记录: the organisation's own sanctions (with the reason and the ban's dates) and clawbacks."""
    permissions.can_view_records(request.user).enforce()
    sanctions = list(sanctions_visible_to(request.user))
    today = clock.today()
    current = sanction_in_force(organisation_id=int(request.user.organisation_id), on=today)  # type: ignore[union-attr,arg-type]
    return render(
        request,
        "enforcement/records.html",
        {
            "sanctions": sanctions,
            "current": current,
            "clawbacks": list(clawbacks_visible_to(request.user)[:50]),
            "reportable": has_capability(request.user, "enforcement.report_refund"),
        },
    )
