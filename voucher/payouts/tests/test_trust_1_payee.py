"""Issue 17, item 1 (SPEC R7): the payment file pays the payee account published with the batch.

A batch published for notice copies each provider's payee account into its items; the payment file is
written from that copy. A provider cannot change its account while an unpaid item of it is in a batch
under notice, approved or being paid; every accepted change is audited with the number masked, told
to the provider's other users and to the Bureau, and shown to reviewers as a risk flag.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from voucher.claims.risk import risk_flags
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.payouts import services
from voucher.payouts.choices import BatchStatus
from voucher.payouts.models import PayeeAccount, PayoutItem
from voucher.testing.factories import UserFactory
from voucher.testing.payouts import PUBLISH_DAY

pytestmark = pytest.mark.django_db

NEW_NUMBER = "6222000099998888"


def change(user, number=NEW_NUMBER, bank="招商银行", branch="北京望京支行"):
    return services.payee_account_save(
        actor=user,
        organisation=user.organisation,
        account_name="",
        bank_name=bank,
        branch_name=branch,
        account_number=number,
    )


def payment_rows(batch, admin, path):
    services.payout_batch_export(actor=admin, batch=batch, out=str(path))
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))[2:-1]


def test_trust_1_publishing_copies_each_providers_payee_account_into_its_items(
    draft, payees, admin_user, provider_a
):
    assert not PayoutItem.objects.exclude(payee_account_number="").exists()
    with clock.frozen_at(PUBLISH_DAY):
        batch = services.payout_batch_publish(actor=admin_user, batch=draft)
    items = list(PayoutItem.objects.filter(batch=batch, provider=provider_a.organisation))
    account = payees[0]
    assert items and all(
        (i.payee_account_name, i.payee_bank_name, i.payee_account_number, i.payee_captured_at)
        == (account.account_name, account.bank_name, account.account_number, batch.published_at)
        for i in items
    )


def test_trust_1_the_payment_file_pays_the_published_copy_not_the_live_account(
    approved, admin_user, after_notice, tmp_path, payees
):
    published = payees[0].account_number
    # Whatever happens to the live row (a database edit, a restore), the file pays what was published.
    PayeeAccount.objects.filter(pk=payees[0].pk).update(account_number=NEW_NUMBER, bank_name="别的银行")
    rows = payment_rows(approved, admin_user, tmp_path / "pay.xlsx")
    numbers = {r[6] for r in rows}
    assert published in numbers and NEW_NUMBER not in numbers
    assert "别的银行" not in {r[3] for r in rows}


@pytest.mark.parametrize("state", ["noticed", "approved", "exported", "partly_paid"])
def test_trust_1_payee_change_refused_while_a_batch_holds_an_unpaid_item(
    state, request, claims, payees, admin_user, provider_a, tmp_path
):
    if state == "noticed":
        with clock.frozen_at(PUBLISH_DAY):
            batch = services.payout_batch_publish(actor=admin_user, batch=request.getfixturevalue("draft"))
    elif state == "partly_paid":
        batch = request.getfixturevalue("exported")
        item = batch.items.filter(provider=provider_a.organisation).first()
        with clock.frozen_at(batch.notice_ends_on + dt.timedelta(days=2)):
            services.payout_mark_paid(
                actor=admin_user, batch=batch, reference="P-1", paid_on=clock.today(), item_ids=[item.pk]
            )
    else:
        batch = request.getfixturevalue(state)
    batch.refresh_from_db()
    assert batch.status == state
    with pytest.raises(ValidationError) as info:
        change(provider_a)
    errors = info.value.error_dict["account_number"]
    assert errors[0].code == "payee_locked" and batch.number in errors[0].messages[0]
    assert "不能修改收款账户" in errors[0].messages[0]
    assert PayeeAccount.objects.get(organisation=provider_a.organisation).account_number != NEW_NUMBER
    # The Bureau is held to the same rule: the published account is what gets paid.
    with pytest.raises(ValidationError):
        change_as(admin_user, provider_a.organisation)


def change_as(user, organisation):
    return services.payee_account_save(
        actor=user, organisation=organisation, account_name="", bank_name="银行", account_number=NEW_NUMBER
    )


def test_trust_1_payee_change_accepted_once_everything_is_paid(admin_user, provider_b, exported):
    # ``exported`` holds all three claims; provider B is locked, then free once its item is paid.
    with pytest.raises(ValidationError):
        change(provider_b)
    with clock.frozen_at(exported.notice_ends_on + dt.timedelta(days=2)):
        services.payout_mark_paid(actor=admin_user, batch=exported, reference="P-9", paid_on=clock.today())
    exported.refresh_from_db()
    assert exported.status == BatchStatus.PAID
    assert change(provider_b).account_number == NEW_NUMBER
    # The paid items keep the account they were paid to.
    assert not PayoutItem.objects.filter(payee_account_number=NEW_NUMBER).exists()


def test_trust_1_a_change_with_only_a_draft_batch_is_accepted(draft, payees, provider_a):
    assert change(provider_a).account_number == NEW_NUMBER


def test_trust_1_first_registration_during_the_notice_fills_the_copy(noticed, admin_user, provider_a):
    assert services.missing_payees(noticed)
    account = change(provider_a)
    items = PayoutItem.objects.filter(batch=noticed, provider=provider_a.organisation)
    assert {i.payee_account_number for i in items} == {account.account_number}
    assert provider_a.organisation.name not in services.missing_payees(noticed)
    # Once registered, the account is locked like any other.
    with pytest.raises(ValidationError):
        change(provider_a, number="6222000011112222")


def test_trust_1_payee_change_is_audited_masked_and_notified(payees, provider_a, admin_user):
    colleague = UserFactory(role=provider_a.role, organisation=provider_a.organisation)
    stranger = UserFactory(provider=True)
    old = payees[0].account_number
    change(provider_a)
    event = AuditEvent.objects.filter(action="payee.saved").order_by("-id").first()
    text = json.dumps([event.before, event.after], ensure_ascii=False)
    assert old not in text and NEW_NUMBER not in text
    assert event.before["account_number"] == f"****{old[-4:]}"
    assert event.after["account_number"] == f"****{NEW_NUMBER[-4:]}"
    assert event.after["bank_name"] == "招商银行" and event.note == "变更收款账户"
    told = set(Notification.objects.filter(kind="payee.changed").values_list("recipient_id", flat=True))
    assert colleague.pk in told and admin_user.pk in told
    assert provider_a.pk not in told and stranger.pk not in told
    body = Notification.objects.filter(recipient=colleague, kind="payee.changed").get().body
    assert "****8888" in body and NEW_NUMBER not in body


def test_trust_1_same_last_four_digits_still_logged_as_a_number_change(payees, provider_a):
    old = payees[0].account_number
    change(provider_a, number="9" + old[1:], bank=payees[0].bank_name, branch="")
    event = AuditEvent.objects.filter(action="payee.saved").order_by("-id").first()
    assert event.after.get("account_number_changed") is True


def test_trust_1_payee_change_is_a_risk_flag_for_reviewers(claims, payees, provider_a):
    claim = claims[0]
    assert "payee_changed" not in {f.code for f in risk_flags(claim)}  # first registration only
    change(provider_a)
    claim.refresh_from_db()
    flags = {f.code: f for f in risk_flags(claim)}
    assert "payee_changed" in flags and "****8888" in flags["payee_changed"].detail
    with clock.frozen_at(clock.now() + dt.timedelta(days=91)):
        assert "payee_changed" not in {f.code for f in risk_flags(claim)}


def test_trust_1_api_refuses_a_locked_change_with_the_reason(payees, noticed, provider_a):
    client = Client()
    client.force_login(provider_a)
    response = client.put(
        "/api/v1/payouts/payee",
        data=json.dumps({"bank_name": "银行", "account_number": NEW_NUMBER}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "account_number" in response.json()["fields"]
    assert "不能修改收款账户" in json.dumps(response.json(), ensure_ascii=False)


def test_trust_1_payee_page_says_the_account_is_locked(payees, noticed, provider_a):
    client = Client()
    client.force_login(provider_a)
    page = client.get("/payouts/payee/").content.decode()
    assert noticed.number in page and "不能修改收款账户" in page
    refused = client.post("/payouts/payee/", {"bank_name": "银行", "account_number": NEW_NUMBER})
    assert refused.status_code == 422 and "不能修改收款账户" in refused.content.decode()
