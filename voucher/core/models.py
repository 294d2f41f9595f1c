"""Models every part of the platform uses: the audit log, the notification inbox, the working-day calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from voucher.core.audit_hash import GENESIS, content_hash_of
from voucher.core.choices import Channel, DeliveryStatus


class MoneyField(models.DecimalField):
    """An amount in CNY: Decimal with two places (see :mod:`voucher.core.money`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == 14:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == 2:
            del kwargs["decimal_places"]
        return name, path, args, kwargs


class TimeStampedModel(models.Model):
    """Base for business records: creation and last-change times."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=_label(obj), object_id=str(obj.pk))


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


class AuditEvent(models.Model):
    """One state change, decision or upload (SPEC M3): who, when, what, before → after.

    Append-only: the model refuses updates and deletes, and a database trigger refuses them too.
    Tamper-evident: ``content_hash`` is written with the row; sealing (:mod:`voucher.core.audit_chain`)
    later gives it its place in the chain (``chain_seq``, ``chain_hash``) — the only change the
    database lets through, and only while those fields are still empty.
    """

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人（记录时）", max_length=200)
    action = models.CharField("动作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=300)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    content_hash = models.CharField("内容哈希", max_length=64, editable=False)
    chain_seq = models.PositiveBigIntegerField("链序号", null=True, blank=True, unique=True, editable=False)
    chain_hash = models.CharField("链哈希", max_length=64, null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(
                fields=["id"], condition=models.Q(chain_seq__isnull=True), name="core_audit_unsealed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chain_seq__isnull=True, chain_hash__isnull=True)
                | models.Q(chain_seq__isnull=False, chain_hash__isnull=False),
                name="audit_chain_fields_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        self.content_hash = content_hash_of(self)
        self.chain_seq = self.chain_hash = None
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class AuditLog(models.Model):
    """The audit log as a whole: one row holding the head of the sealed chain (SPEC M3).

    Sealing locks this row, so concurrent sealers take turns while business transactions, which only
    insert events, never wait for it. Events about the log itself (exports) are recorded against it.
    """

    SINGLETON = 1

    seq = models.PositiveBigIntegerField("已封存条数", default=0)
    head_hash = models.CharField("链头哈希", max_length=64, default=GENESIS)
    sealed_at = models.DateTimeField("最近封存时间", null=True, blank=True)

    class Meta:
        verbose_name = "审计日志链"
        verbose_name_plural = "审计日志链"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_log_single_row")]

    def __str__(self) -> str:
        return "审计日志"


class Notification(models.Model):
    """An item in a user's in-platform inbox (SPEC N1)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类型", max_length=60)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class HolidayScheduleYear(models.Model):
    """A year's published holiday schedule (国务院办公厅关于部分节假日安排的通知) — SPEC Y4.

    Working days can only be computed for years that have one; the days are :class:`CalendarDay` rows.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    notice = models.CharField("通知名称及文号", max_length=300)
    published_on = models.DateField("发布日期", null=True, blank=True)

    class Meta:
        verbose_name = "节假日安排（年度）"
        verbose_name_plural = "节假日安排（年度）"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"


class CalendarDay(models.Model):
    """A date that differs from the Monday-to-Friday rule: a day off (放假) or a weekend working day (调休上班)."""

    class Kind(models.TextChoices):
        REST = "rest", "放假"
        WORK = "work", "调休上班"

    schedule = models.ForeignKey(
        HolidayScheduleYear, verbose_name="年度安排", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)
    festival = models.CharField("节日", max_length=40)

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["rest", "work"]), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}（{self.festival}）"


class Delivery(models.Model):
    """One notification sent on one outside channel (e-mail, SMS): its state, attempts and last error."""

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    sender = models.CharField("发送程序", max_length=200)
    address = models.CharField("地址", max_length=254)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    created_at = models.DateTimeField("创建时间")
    next_attempt_at = models.DateTimeField("下次尝试时间", db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        db_table = "tasks_delivery"
        verbose_name = "通知投递"
        verbose_name_plural = "通知投递"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "sender"], name="delivery_once_per_sender"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}"


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification on one outside channel (default: receive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("通知类型", max_length=60)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    enabled = models.BooleanField("接收", default=True)

    class Meta:
        db_table = "tasks_notificationpreference"
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="preference_once_per_kind_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel} {'接收' if self.enabled else '不接收'}"


class PendingNotice(models.Model):
    """A notification to an organisation's members, written in the business transaction, sent after it.

    Hot paths (an order placed on launch day) write this one row instead of reading the recipients and
    writing their inbox rows inside their transaction; after commit a worker turns it into the members'
    notifications (:func:`voucher.core.notifications.notice_dispatch`), exactly once.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="接收单位", on_delete=models.CASCADE, related_name="+"
    )
    capability = models.CharField("接收人的权限", max_length=40)
    kind = models.CharField("通知类型", max_length=60)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notice_pending")]

    def __str__(self) -> str:
        return self.title
