"""Issue 17, item 1: every Excel export writes text as inert text.

Records get hostile names (formula starts, a bell, a right-to-left override, a zero-width space); each
export of the platform is written and read back with openpyxl: no cell is a formula, no text cell starts
with a formula character, no control or invisible character survives, and nothing fails.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from voucher.accounts.models import Organisation
from voucher.applications import services as application_services
from voucher.applications.excel import build_template, read_cells
from voucher.applications.models import Application
from voucher.catalogue.models import Product
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.audit import audit_record
from voucher.core.audit_export import write_audit_workbook
from voucher.core.exports import inert, restore
from voucher.core.models import AuditEvent
from voucher.dashboards.selectors import Filters
from voucher.dashboards.tables import TABLES, build_table, workbook
from voucher.payouts import services as payout_services
from voucher.payouts.models import PayeeAccount
from voucher.testing.builders import ORDER_DAY
from voucher.testing.factories import UserFactory
from voucher.testing.payouts import approved_claim, batch_approved, payee_for

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\x07响铃",
    "\u202e反转",
    "零宽\u200b",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
INVISIBLE = ("\x07", "\u202e", "\u200b")


def check_workbook(data: bytes) -> list[str]:
    """Every text cell of every sheet; asserts none is a formula or carries a hidden character."""
    texts = []
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (cell.coordinate, cell.value)
                    assert not any(ch in cell.value for ch in INVISIBLE), (cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def hostile_party(programme: Any, index: int) -> Any:
    """An approved claim whose provider, enterprise, product and contract carry hostile names."""
    provider = UserFactory(provider=True)
    claim = approved_claim(programme, provider=provider)
    name = HOSTILE[index % len(HOSTILE)]
    Organisation.objects.filter(pk=claim.provider_id).update(name=f"{name}服务商")
    Organisation.objects.filter(pk=claim.enterprise_id).update(name=f"{name}企业")
    Product.objects.filter(pk=claim.order.product_id).update(name=f"{name}产品")
    Contract.objects.filter(pk=claim.contract_id).update(number=name)
    payee_for(provider)
    PayeeAccount.objects.filter(organisation_id=claim.provider_id).update(
        account_name=name, bank_name=f"{name}银行", branch_name=name
    )
    return claim


def test_trust_1_inert_neutralises_formulas_and_hidden_characters():
    assert inert('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert [inert(v) for v in ("+1", "-1", "@SUM(A1)")] == ["'+1", "'-1", "'@SUM(A1)"]
    assert inert("\x07=1") == "'=1" and inert("\u202e=1") == "'=1" and inert("\r=1") == "'\n=1"
    assert inert("a\u200bb\nc") == "ab\nc"
    assert inert(12) == 12 and inert(None) is None
    assert restore(inert("=1")) == "=1" and restore("'普通") == "'普通"


def test_trust_1_payment_file_is_inert(programme_2025, admin_user, tmp_path):
    claims = [hostile_party(programme_2025, i) for i in range(len(HOSTILE))]
    batch = batch_approved(admin_user, programme_2025, on=(ORDER_DAY + dt.timedelta(days=20)).date())
    path = tmp_path / "pay.xlsx"
    with clock.frozen_at(batch.notice_ends_on + dt.timedelta(days=1)):
        result = payout_services.payout_batch_export(actor=admin_user, batch=batch, out=str(path))
    assert result.rows == len(claims)
    texts = check_workbook(path.read_bytes())
    assert '\'=HYPERLINK("http://x","y")服务商' in texts and "'+1" in texts


def test_trust_1_dashboard_tables_are_inert(programme_2025):
    for index in range(len(HOSTILE)):
        hostile_party(programme_2025, index)
    filters = Filters(programme=programme_2025)
    seen = []
    for key in TABLES:
        seen += check_workbook(workbook(build_table(key, filters), filters))
    assert "'@SUM(A1)产品" in seen and "'-1服务商" in seen


def test_trust_1_audit_export_is_inert(admin_user):
    for name in HOSTILE:
        audit_record(actor=admin_user, action="user.noted", obj=admin_user, note=name, after={"x": name})
    target = io.BytesIO()
    write_audit_workbook(AuditEvent.objects.all(), target)
    texts = check_workbook(target.getvalue())
    assert '\'=HYPERLINK("http://x","y")' in texts


def test_trust_1_application_template_is_inert_and_reads_back(provider_user, programme_2025):
    application = application_services.application_create(actor=provider_user, programme=programme_2025)
    Application.objects.filter(pk=application.pk).update(
        product_name=HOSTILE[0], summary="\u202e" + HOSTILE[3], contact_name=HOSTILE[4]
    )
    application.refresh_from_db()
    data = build_template(application)
    texts = check_workbook(data)
    assert '\'=HYPERLINK("http://x","y")' in texts
    cells = read_cells(data, year=programme_2025.year)[0]
    assert cells["product_name"] == HOSTILE[0]  # the platform's own prefix is taken off again
