"""Admin for organisations, users and linked outside identities."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from voucher.accounts.models import ExternalIdentity, Organisation, User
from voucher.core.admin import AuditedAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "uscc", "is_enterprise", "is_provider", "is_review_body", "is_authority"]
    list_filter = ["is_enterprise", "is_provider", "is_review_body", "is_authority"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "organisation__name"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("平台身份", {"fields": ["role", "organisation", "display_name", "mobile"]}),
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("平台身份", {"fields": ["role", "organisation"]}))


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ["provider", "subject", "user", "last_login_at"]
    search_fields = ["subject", "user__username"]


# Second factors are removed only through the audited reset (双重认证管理), never edited here.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
