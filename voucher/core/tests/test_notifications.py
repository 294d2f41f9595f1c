"""Notifications (SPEC N1): an inbox row per recipient, outside senders only after commit."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from voucher.core import clock
from voucher.core.models import Notification
from voucher.core.notifications import (
    deliveries_publish,
    notification_mark_all_read,
    notification_mark_read,
    notify,
)
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

RECORDING = "voucher.core.tests.test_notifications.RecordingSender"
FAILING = "voucher.core.tests.test_notifications.FailingSender"
EMAIL = "voucher.core.notifications.senders.EmailSender"


class RecordingSender:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, notification: Notification) -> None:
        RecordingSender.sent.append((notification.recipient.get_username(), notification.title))


class FailingSender:
    def send(self, notification: Notification) -> None:
        raise ConnectionError("SMS gateway down")


@pytest.fixture(autouse=True)
def _reset_recording() -> Any:
    RecordingSender.sent = []
    yield
    RecordingSender.sent = []


def test_n1_notify_puts_one_row_in_each_inbox(enterprise_user, provider_user):
    moment = dt.datetime(2025, 6, 3, 9, 0, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(moment):
        created = notify(
            recipients=[enterprise_user, provider_user, enterprise_user],
            kind="order.new",
            title="新订单待接单",
            body="请在 5 个工作日内接单。",
            url="/orders/1/",
        )
    assert len(created) == 2
    assert {n.recipient for n in created} == {enterprise_user, provider_user}
    row = Notification.objects.get(recipient=provider_user)
    assert (row.kind, row.title, row.body, row.url) == (
        "order.new",
        "新订单待接单",
        "请在 5 个工作日内接单。",
        "/orders/1/",
    )
    assert row.created_at == moment
    assert row.read_at is None and not row.is_read


def test_n1_dedupe_key_gives_each_recipient_the_notice_once(enterprise_user, provider_user):
    first = notify(recipients=[provider_user], kind="order.due", title="即将到期", dedupe_key="order:1:due")
    again = notify(
        recipients=[provider_user, enterprise_user],
        kind="order.due",
        title="即将到期",
        dedupe_key="order:1:due",
    )
    assert len(first) == 1
    assert [n.recipient for n in again] == [enterprise_user]
    assert Notification.objects.filter(recipient=provider_user, dedupe_key="order:1:due").count() == 1
    # Without a key, repeats are allowed.
    notify(recipients=[provider_user], kind="x", title="a")
    notify(recipients=[provider_user], kind="x", title="a")
    assert Notification.objects.filter(recipient=provider_user, dedupe_key="").count() == 2


def test_n1_dedupe_is_enforced_by_the_database(provider_user, enterprise_user):
    base = {"kind": "k", "title": "t", "created_at": clock.now()}
    Notification.objects.create(recipient=provider_user, dedupe_key="key", **base)
    Notification.objects.create(recipient=enterprise_user, dedupe_key="key", **base)  # other recipient: fine
    Notification.objects.create(recipient=provider_user, dedupe_key="", **base)
    Notification.objects.create(recipient=provider_user, dedupe_key="", **base)  # empty key: no constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=provider_user, dedupe_key="key", **base)
    assert Notification.objects.filter(recipient=provider_user).count() == 3


def test_n1_senders_run_only_after_commit(settings, provider_user, django_capture_on_commit_callbacks):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[provider_user], kind="order.new", title="新订单")
        assert RecordingSender.sent == []
    assert len(callbacks) == 1
    assert RecordingSender.sent == []  # still not committed
    callbacks[0]()
    assert RecordingSender.sent == [(provider_user.get_username(), "新订单")]


def test_n1_nothing_is_sent_when_the_transaction_rolls_back(
    settings, provider_user, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[provider_user], kind="order.new", title="新订单")
        raise RuntimeError("service failed")
    assert callbacks == []
    assert RecordingSender.sent == []
    assert not Notification.objects.filter(recipient=provider_user).exists()


def test_n1_no_dispatch_when_everything_was_deduplicated(
    settings, provider_user, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [RECORDING]
    notify(recipients=[provider_user], kind="k", title="t", dedupe_key="once")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify(recipients=[provider_user], kind="k", title="t", dedupe_key="once") == []
    assert callbacks == []
    assert RecordingSender.sent == []


def test_n1_email_sender_mails_recipients_with_an_address(settings, django_capture_on_commit_callbacks):
    settings.VOUCHER_NOTIFICATION_SENDERS = [EMAIL]
    with_mail = UserFactory(email="ops@example.cn")
    without_mail = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[with_mail, without_mail], kind="claim.decided", title="兑券审核结果", body="已核定。"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.cn"]
    assert "兑券审核结果" in mail.outbox[0].subject
    assert mail.outbox[0].body == "已核定。"


def test_n1_failing_sender_is_logged_and_others_still_run(
    settings, provider_user, caplog, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = [FAILING, RECORDING]
    with (
        caplog.at_level(logging.ERROR, logger="voucher.core.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = notify(recipients=[provider_user], kind="k", title="公示发布")
    assert RecordingSender.sent == [(provider_user.get_username(), "公示发布")]
    failures = [r for r in caplog.records if "FailingSender" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert Notification.objects.filter(pk=created[0].pk).exists()


def test_n1_dispatch_keeps_working_after_the_senders_module_is_imported(
    settings, provider_user, django_capture_on_commit_callbacks
):
    # The default EmailSender lives in voucher.core.notifications.senders; importing it must not
    # break later dispatches (it used to shadow the package's senders() function).
    importlib.import_module("voucher.core.notifications.senders")
    settings.VOUCHER_NOTIFICATION_SENDERS = [EMAIL, RECORDING]
    for title in ["第一条", "第二条"]:
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[provider_user], kind="k", title=title)
    assert [title for _, title in RecordingSender.sent] == ["第一条", "第二条"]


def test_n1_unloadable_sender_is_logged_and_others_still_run(
    settings, provider_user, caplog, django_capture_on_commit_callbacks
):
    settings.VOUCHER_NOTIFICATION_SENDERS = ["voucher.core.tests.test_notifications.NoSuchSender", RECORDING]
    with (
        caplog.at_level(logging.ERROR, logger="voucher.core.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[provider_user], kind="k", title="t")
    assert RecordingSender.sent == [(provider_user.get_username(), "t")]
    assert any("NoSuchSender" in r.getMessage() for r in caplog.records)


def test_n1_publishing_directly_is_safe_with_a_failing_sender(settings, provider_user):
    settings.VOUCHER_NOTIFICATION_SENDERS = [FAILING]
    created = notify(recipients=[provider_user], kind="k", title="t")
    ids = list(created[0].deliveries.values_list("pk", flat=True))
    assert deliveries_publish(ids) is None


def test_n1_mark_read_sets_the_time_once(provider_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    first = dt.datetime(2025, 7, 1, 10, 0, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(first):
        notification_mark_read(actor=provider_user, notification=item)
    with clock.frozen_at(first + dt.timedelta(days=1)):
        notification_mark_read(actor=provider_user, notification=item)
    item.refresh_from_db()
    assert item.read_at == first
    assert item.is_read


def test_n1_mark_read_refuses_another_users_notification(provider_user, enterprise_user):
    (item,) = notify(recipients=[provider_user], kind="k", title="t")
    with pytest.raises(PermissionError):
        notification_mark_read(actor=enterprise_user, notification=item)
    item.refresh_from_db()
    assert item.read_at is None


def test_n1_mark_all_read_touches_only_the_actors_unread(provider_user, enterprise_user):
    mine = notify(recipients=[provider_user], kind="k", title="1") + notify(
        recipients=[provider_user], kind="k", title="2"
    )
    theirs = notify(recipients=[enterprise_user], kind="k", title="3")
    notification_mark_read(actor=provider_user, notification=mine[0])
    assert notification_mark_all_read(actor=provider_user) == 1
    assert not Notification.objects.filter(recipient=provider_user, read_at__isnull=True).exists()
    theirs[0].refresh_from_db()
    assert theirs[0].read_at is None
    assert notification_mark_all_read(actor=provider_user) == 0


def test_n1_several_recipients_in_one_statement_and_dedupe_skips_only_those_notified(
    enterprise_user, provider_user, django_assert_max_num_queries
):
    notify(recipients=[provider_user], kind="k", title="一", dedupe_key="once")
    # Who already has it, one insert for the rest, who switched the kind off, one insert for the deliveries.
    with django_assert_max_num_queries(4):
        created = notify(
            recipients=[provider_user, enterprise_user, enterprise_user],
            kind="k",
            title="一",
            dedupe_key="once",
        )
    assert [n.recipient for n in created] == [enterprise_user]
    assert Notification.objects.filter(dedupe_key="once").count() == 2
    with django_assert_max_num_queries(3):
        assert len(notify(recipients=[provider_user, enterprise_user], kind="k", title="二")) == 2
