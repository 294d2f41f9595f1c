"""Public pages about the programme year."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import directions_with_rules


def programme_detail(request: HttpRequest, year: int) -> HttpResponse:
    """Every parameter of a year and its nine directions with their requirements (public)."""
    programme = get_object_or_404(ProgrammeYear, year=year)
    return render(
        request,
        "programmes/detail.html",
        {"programme": programme, "directions": directions_with_rules(programme)},
    )
