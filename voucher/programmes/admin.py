"""Admin for the programme year: every parameter editable, copying a year to start the next."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from voucher.core.admin import AuditedAdminMixin
from voucher.core.forms import PlatformForm
from voucher.programmes.models import Direction, DirectionSubtype, Field, ProgrammeYear, Requirement
from voucher.programmes.services import programme_year_copy


class FieldInline(admin.TabularInline):
    model = Field
    extra = 0


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0
    fields = ["number", "name", "field", "code"]
    show_change_link = True


class CopyYearForm(PlatformForm):
    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "year",
        "title",
        "status",
        "subsidy_rate_cap",
        "annual_cap_per_enterprise",
        "last_order_day",
    ]
    list_filter = ["status"]
    inlines = [FieldInline, DirectionInline]
    actions = ["copy_year"]
    fieldsets = [
        ("年度", {"fields": ["year", "title", "guide_reference", "status"]}),
        (
            "补贴标准",
            {
                "fields": [
                    "subsidy_rate_cap",
                    "annual_cap_per_enterprise",
                    "max_service_period_months",
                    "rating_edit_days",
                ]
            },
        ),
        (
            "时间安排",
            {
                "fields": [
                    "application_opens_on",
                    "application_closes_on",
                    "review_deadline",
                    "notice_period_days",
                    "last_order_day",
                    "acceptance_working_days",
                    "max_open_orders_per_product",
                    "claim_weeks_after_use",
                    "claim_final_date",
                ]
            },
        ),
        (
            "服务商条件与申报材料",
            {
                "fields": [
                    "provider_min_years_established",
                    "provider_min_beijing_sme_contracts",
                    "provider_min_revenue",
                    "credit_lookback_years",
                    "price_proof_months",
                    "price_proof_sets",
                    "provider_intro_min_chars",
                    "product_summary_max_chars",
                    "pricing_basis_max_chars",
                ]
            },
        ),
        (
            "领券资格与监管",
            {
                "fields": [
                    "individual_businesses_eligible",
                    "farmer_cooperatives_eligible",
                    "uncovered_industry_group",
                    "redeclaration_needs_evidence",
                    "sanction_years",
                    "claim_risk_price_ratio",
                    "claim_invoice_amount_basis",
                    "payout_notice_days",
                    "clawback_restores_quota",
                ]
            },
        ),
    ]

    @admin.action(description="复制所选年度，创建新年度")
    def copy_year(self, request: HttpRequest, queryset: QuerySet[ProgrammeYear]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个年度进行复制。", messages.ERROR)
            return None
        source = queryset.get()
        form = CopyYearForm(
            request.POST if "confirm" in request.POST else None, initial={"year": source.year + 1}
        )
        if form.is_valid():
            try:
                copy = programme_year_copy(actor=request.user, source=source, year=form.cleaned_data["year"])
            except ValidationError as exc:
                form.add_error("year", exc.message_dict.get("year", exc.messages))
            else:
                self.message_user(
                    request, f"已创建 {copy.year} 年度（筹备中），请核对并修改参数。", messages.SUCCESS
                )
                return redirect("admin:programmes_programmeyear_change", copy.pk)
        return render(
            request,
            "admin/programmes/copy_year.html",
            {**self.admin_site.each_context(request), "form": form, "source": source, "title": "复制年度"},
        )


class SubtypeInline(admin.TabularInline):
    model = DirectionSubtype
    extra = 0


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["subtype"].queryset = DirectionSubtype.objects.filter(direction=obj)  # type: ignore[attr-defined]
        return formset


@admin.register(Direction)
class DirectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "number", "name", "field"]
    list_filter = ["programme"]
    inlines = [SubtypeInline, RequirementInline]
