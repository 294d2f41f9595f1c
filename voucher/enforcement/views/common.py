"""Shared pieces of the oversight pages: paging a list and renaming a refusal's fields for a form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, 20).get_page(request.GET.get("page"))


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})
