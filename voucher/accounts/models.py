"""Organisations and the people who act for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from voucher.accounts.choices import NameChangeStatus, Role
from voucher.core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    """A legal entity on the platform: an enterprise, a provider, a review body or the Bureau.

    One organisation may be both an enterprise and a provider (SPEC §2); the flags say which.
    """

    name = models.CharField("单位名称（与营业执照一致）", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    registered_address = models.CharField("注册地址", max_length=300, blank=True)
    operating_address = models.CharField("经营地址", max_length=300, blank=True)
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    is_enterprise = models.BooleanField("中小微企业", default=False)
    is_provider = models.BooleanField("服务商", default=False)
    is_review_body = models.BooleanField("评审机构", default=False)
    is_authority = models.BooleanField("主管部门", default=False)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_enterprise=True)
                | models.Q(is_provider=True)
                | models.Q(is_review_body=True)
                | models.Q(is_authority=True),
                name="organisation_has_a_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds_display(self) -> str:
        labels = [
            label
            for flag, label in (
                (self.is_enterprise, "企业"),
                (self.is_provider, "服务商"),
                (self.is_review_body, "评审机构"),
                (self.is_authority, "主管部门"),
            )
            if flag
        ]
        return "、".join(labels)


class User(AbstractUser):
    """A person who logs in. Acts in one role for one organisation (the Bureau's staff: role admin)."""

    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    display_name = models.CharField("姓名", max_length=60, blank=True)
    mobile = models.CharField("手机号码", max_length=11, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles


class ExternalIdentity(TimeStampedModel):
    """A login at an outside identity provider (the city's unified identity, OIDC) linked to a user."""

    provider = models.CharField("身份提供方", max_length=40)
    subject = models.CharField("外部用户标识", max_length=200)
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="identities")
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta:
        verbose_name = "外部身份"
        verbose_name_plural = "外部身份"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class NameChangeRequest(models.Model):
    """A change of an authenticated organisation's legal name, waiting for re-verification.

    Until the Bureau (or the configured registry check) approves it, the organisation keeps its old name.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="name_changes"
    )
    old_name = models.CharField("原名称", max_length=200)
    new_name = models.CharField("申请变更为", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=NameChangeStatus.choices, default=NameChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("核验时间", null=True, blank=True)
    reason = models.TextField("核验意见", blank=True)

    class Meta:
        verbose_name = "机构名称变更核验"
        verbose_name_plural = "机构名称变更核验"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(status="pending"), name="one_pending_name_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
