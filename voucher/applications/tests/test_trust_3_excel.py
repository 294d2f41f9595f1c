"""Issue 17 item 3: a huge workbook is refused quickly, before openpyxl builds it in memory."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from voucher.applications import services
from voucher.applications.excel import FORM_SHEET, HEAD_LABEL, HEAD_VALUE

pytestmark = pytest.mark.django_db


def workbook_bytes(rows: int, columns: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(FORM_SHEET)
    sheet.append([HEAD_LABEL, HEAD_VALUE, *[f"列{c}" for c in range(columns - 2)]])
    for r in range(rows - 1):
        sheet.append([f"行{r}", *range(r * columns, r * columns + columns - 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def huge() -> bytes:
    return workbook_bytes(20_000, 60)


@pytest.fixture
def draft(provider_user, programme_2025):
    return services.application_create(actor=provider_user, programme=programme_2025)


def refused_quickly(actor, draft, data: bytes) -> tuple[ValidationError, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        services.application_import_excel(
            actor=actor, application=draft, file=SimpleUploadedFile("申请表.xlsx", data)
        )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return refused.value, elapsed, peak


def test_trust_3_a_20000_by_60_workbook_is_refused_within_2_seconds(provider_user, draft, huge):
    error, elapsed, peak = refused_quickly(provider_user, draft, huge)
    assert "工作表过大" in "".join(error.message_dict["excel"])
    assert elapsed < 2
    assert peak < 100 * 1024 * 1024


def test_trust_3_a_long_narrow_workbook_is_refused_too(provider_user, draft):
    error, elapsed, _ = refused_quickly(provider_user, draft, workbook_bytes(20_000, 2))
    assert "最多 500 行" in "".join(error.message_dict["excel"]) and elapsed < 2
