"""Contract pages: the whole flow in the browser's steps, errors at their fields, the order page links."""

from __future__ import annotations

import pytest

from voucher.contracts.choices import ContractStatus
from voucher.contracts.models import Contract, Rating

pytestmark = pytest.mark.django_db

FORM = {
    "number": "HT-2025-088",
    "total_amount": "300000.00",
    "signed_on": "2025-07-01",
    "service_start": "2025-07-01",
    "service_end": "2026-12-31",
    "deduction": "60000.00",
    "own_payment": "",
}


def test_record_confirm_complete_and_rate_through_the_pages(client, order, provider, buyer):
    client.force_login(provider)
    body = client.get(f"/orders/{order.number}/").content.decode()
    assert "录入合同" in body and f"/contracts/new/{order.number}/" in body
    page = client.get(f"/contracts/new/{order.number}/").content.decode()
    assert order.number in page and order.product.name in page and "下载 PDF" in page
    response = client.post(
        f"/contracts/new/{order.number}/", {**FORM, "counterparty_uscc": buyer.organisation.uscc}
    )
    assert response.status_code == 302 and response.url == f"/contracts/{order.number}/"
    contract = Contract.objects.get()
    assert contract.subsidisable_amount == 200000 and contract.own_payment == 240000
    assert "查看合同" in client.get(f"/orders/{order.number}/").content.decode()
    assert client.get(f"/contracts/{order.number}/annex.pdf")["Content-Type"] == "application/pdf"

    client.force_login(buyer)
    detail = client.get(f"/contracts/{order.number}/").content.decode()
    assert "确认合同条款" in detail and "60,000.00 元" in detail and "240,000.00 元" in detail
    client.post(f"/contracts/{order.number}/confirm/")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CONFIRMED
    page = client.get(f"/contracts/{order.number}/complete/").content.decode()
    assert "服务质量" in page and "总体满意度" in page
    bad = client.post(f"/contracts/{order.number}/complete/", {"quality": "5"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"responsiveness", "expertise", "overall"}
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CONFIRMED  # nothing half-saved
    done = client.post(
        f"/contracts/{order.number}/complete/",
        {"quality": "5", "responsiveness": "4", "expertise": "5", "overall": "5", "comment": "专业高效"},
    )
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED and Rating.objects.get().comment == "专业高效"

    client.force_login(provider)
    client.post(f"/contracts/{order.number}/rating/reply/", {"reply": "感谢认可"})
    assert "感谢认可" in client.get(f"/contracts/{order.number}/").content.decode()
    assert "回复（仅可回复一次）" not in client.get(f"/contracts/{order.number}/").content.decode()


def test_record_errors_appear_at_their_fields(client, order, provider, buyer):
    client.force_login(provider)
    response = client.post(
        f"/contracts/new/{order.number}/",
        {
            **FORM,
            "signed_on": "2025-06-30",
            "deduction": "90000.00",
            "counterparty_uscc": "91110000000000000X",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "不得早于企业在线下单日期 2025-07-01" in form.errors["signed_on"][0]
    assert "60,000.00" in form.errors["deduction"][0]
    assert "下单企业" in form.errors["counterparty_uscc"][0]
    assert not Contract.objects.exists()


def test_amend_page_reconfirms(client, contract, provider, buyer):
    client.force_login(provider)
    data = {**FORM, "number": contract.number, "counterparty_uscc": buyer.organisation.uscc}
    data.update(total_amount="100000.00", service_end="2026-06-30", deduction="25000.00", reason="金额调整")
    response = client.post(f"/contracts/{contract.order.number}/amend/", data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.deduction == 25000 and contract.amendment_count == 1


def test_lists_and_workbench_cards(client, order, provider, buyer):
    client.force_login(provider)
    assert order.number in client.get("/contracts/").content.decode()
    assert "已接单待录入合同" in client.get("/workbench/").content.decode()
    client.force_login(buyer)
    assert "待确认合同" in client.get("/workbench/").content.decode()
