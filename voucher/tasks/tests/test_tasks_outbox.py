"""Outside deliveries as an outbox (issue 20): a row first, a task after commit, retries with back-off."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.core import clock
from voucher.core.notifications import delivery_attempt, notify, preference_set, retry_delay
from voucher.core.notifications.kinds import MANDATORY
from voucher.tasks.choices import DeliveryStatus
from voucher.tasks.models import Delivery
from voucher.tasks.tasks import deliver, outbox_redispatch_task
from voucher.testing.factories import UserFactory
from voucher.testing.senders import FlakySender, RecordingSender

pytestmark = pytest.mark.django_db

RECORDING = "voucher.testing.senders.RecordingSender"
FLAKY = "voucher.testing.senders.FlakySender"
SMS = "voucher.core.notifications.senders.SmsSender"
EMAIL = "voucher.core.notifications.senders.EmailSender"
MOMENT = dt.datetime(2025, 6, 3, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _reset() -> Any:
    RecordingSender.sent = []
    FlakySender.failures = 0
    yield
    RecordingSender.sent = []


def test_tasks_rollback_means_the_delivery_never_runs(
    settings, provider_user, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[provider_user], kind="order_placed", title="新订单")
        raise RuntimeError("service failed")
    assert callbacks == []
    assert RecordingSender.sent == []
    assert not Delivery.objects.exists()


def test_tasks_commit_runs_the_delivery_exactly_once(
    settings, provider_user, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[provider_user], kind="order_placed", title="新订单")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert RecordingSender.sent == []  # nothing leaves before commit
    for callback in callbacks:
        callback()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None
    # The same message delivered again (broker redelivery, outbox sweep) sends nothing more.
    assert deliver.apply(args=(delivery.pk,)).get() == DeliveryStatus.SENT
    assert delivery_attempt(delivery.pk) == DeliveryStatus.SENT
    assert RecordingSender.sent == ["新订单"]
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_tasks_failed_delivery_is_retried_with_exponential_backoff(settings, provider_user, caplog):
    settings.VOUCHER_NOTIFICATION_SENDERS = [FLAKY]
    settings.VOUCHER_DELIVERY_RETRY_SECONDS = 60
    FlakySender.failures = 3
    with clock.frozen_at(MOMENT):
        notify(recipients=[provider_user], kind="order_placed", title="新订单")
    delivery = Delivery.objects.get()
    due = MOMENT
    with caplog.at_level(logging.ERROR, logger="voucher.core.notifications"):
        for attempt, wait in [(1, 60), (2, 120), (3, 240)]:
            with clock.frozen_at(due):
                assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
                # Arriving early (a countdown message, an eager retry) does nothing.
                assert delivery_attempt(delivery.pk) == DeliveryStatus.PENDING
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            assert delivery.last_error == "ConnectionError: 邮件服务器无响应"
            assert delivery.next_attempt_at == due + dt.timedelta(seconds=wait)
            due = delivery.next_attempt_at
    assert len([r for r in caplog.records if "failed for delivery" in r.getMessage()]) == 3
    with clock.frozen_at(due):
        assert delivery_attempt(delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 4)
    assert RecordingSender.sent == ["新订单"]
    assert retry_delay(5) == dt.timedelta(seconds=960)


def test_tasks_delivery_fails_for_good_after_the_last_attempt(settings, provider_user):
    settings.VOUCHER_NOTIFICATION_SENDERS = [FLAKY]
    settings.VOUCHER_DELIVERY_MAX_ATTEMPTS = 2
    FlakySender.failures = 10
    with clock.frozen_at(MOMENT):
        notify(recipients=[provider_user], kind="order_placed", title="新订单")
    delivery = Delivery.objects.get()
    with clock.frozen_at(MOMENT):
        delivery_attempt(delivery.pk)
    with clock.frozen_at(MOMENT + dt.timedelta(hours=1)):
        assert delivery_attempt(delivery.pk) == DeliveryStatus.FAILED
        assert delivery_attempt(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert RecordingSender.sent == []


def test_tasks_outbox_redispatch_publishes_deliveries_left_pending(
    settings, provider_user, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[provider_user], kind="order_placed", title="新订单")  # the publish is lost
    with clock.frozen_at(MOMENT + dt.timedelta(minutes=1)):
        assert outbox_redispatch_task.apply().get() == {
            "deliveries": 0,
            "notices": 0,
            "jobs": 0,
        }  # not stale yet
    assert RecordingSender.sent == []
    with clock.frozen_at(MOMENT + dt.timedelta(minutes=4)):
        assert outbox_redispatch_task.apply().get() == {"deliveries": 1, "notices": 0, "jobs": 0}
        assert outbox_redispatch_task.apply().get() == {"deliveries": 0, "notices": 0, "jobs": 0}
    assert RecordingSender.sent == ["新订单"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_tasks_sms_goes_through_the_console_gateway(settings, caplog, django_capture_on_commit_callbacks):
    settings.VOUCHER_NOTIFICATION_SENDERS = [EMAIL, SMS]
    user = UserFactory(email="ops@example.cn", mobile="13912345678")
    no_mobile = UserFactory(email="", mobile="")
    with (
        caplog.at_level(logging.INFO, logger="voucher.core.notifications.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[user, no_mobile], kind="acceptance_due", title="今日为接单截止日")
    rows = {(d.channel, d.address, d.status) for d in Delivery.objects.all()}
    assert rows == {("email", "ops@example.cn", "sent"), ("sms", "13912345678", "sent")}
    assert len(mail.outbox) == 1
    assert any(
        "13912345678" in r.getMessage() and "今日为接单截止日" in r.getMessage() for r in caplog.records
    )


def test_tasks_preferences_mute_a_kind_on_a_channel_but_never_deadlines_or_decisions(settings):
    settings.VOUCHER_NOTIFICATION_SENDERS = [EMAIL, SMS]
    user = UserFactory(email="ops@example.cn", mobile="13912345678")
    preference_set(actor=user, kind="order_placed", channel="sms", enabled=False)
    notify(recipients=[user], kind="order_placed", title="新订单")
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"email"}
    assert "acceptance_due" in MANDATORY and "claim_approve" in MANDATORY
    with pytest.raises(ValidationError):
        preference_set(actor=user, kind="acceptance_due", channel="sms", enabled=False)
    with pytest.raises(ValidationError):
        preference_set(actor=user, kind="order_placed", channel="fax", enabled=False)
    Delivery.objects.all().delete()
    notify(recipients=[user], kind="acceptance_due", title="今日为接单截止日")
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"email", "sms"}


def test_tasks_a_pending_notice_reaches_the_members_after_commit_once(
    provider_user, django_capture_on_commit_callbacks
):
    from voucher.core.models import Notification, PendingNotice
    from voucher.core.notifications import notice_dispatch, notify_members_later

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notice = notify_members_later(
            organisation_id=provider_user.organisation_id,
            capability="party.provider",
            kind="order_placed",
            title="新订单",
        )
        assert not Notification.objects.filter(recipient=provider_user).exists()  # nothing read or sent yet
    assert len(callbacks) == 1
    callbacks[0]()  # the worker (eager in tests)
    assert (
        Notification.objects.filter(recipient=provider_user, kind="order_placed", title="新订单").count() == 1
    )
    assert PendingNotice.objects.get(pk=notice.pk).sent_at is not None
    assert notice_dispatch(notice.pk) == 0  # a redelivered message notifies nobody twice
    assert Notification.objects.filter(recipient=provider_user, kind="order_placed").count() == 1


def test_tasks_a_notice_whose_publish_was_lost_is_published_again(provider_user):
    from voucher.core.models import Notification
    from voucher.core.notifications import notify_members_later

    with clock.frozen_at(MOMENT):
        with transaction.atomic():
            notify_members_later(
                organisation_id=provider_user.organisation_id,
                capability="party.provider",
                kind="order_placed",
                title="新订单",
            )  # the test database never commits: the publish after commit is lost
        assert outbox_redispatch_task.apply().get()["notices"] == 0  # not stale yet
    with clock.frozen_at(MOMENT + dt.timedelta(minutes=10)):
        assert outbox_redispatch_task.apply().get()["notices"] == 1
        assert outbox_redispatch_task.apply().get()["notices"] == 0
    assert Notification.objects.filter(recipient=provider_user, kind="order_placed").count() == 1
