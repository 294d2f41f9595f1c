"""Login (password, then the second factor), the organisation profile page and 双重认证."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from voucher.accounts.choices import NameChangeStatus
from voucher.accounts.forms import (
    LoginForm,
    OrganisationForm,
    RecoveryCodesForm,
    SecondFactorCodeForm,
    SecondFactorResetForm,
)
from voucher.accounts.models import NameChangeRequest, User
from voucher.accounts.permissions import (
    can_edit_organisation,
    can_manage_accounts,
    can_manage_second_factor,
    can_reset_second_factor,
)
from voucher.accounts.provisioning import provisioning
from voucher.accounts.selectors import (
    has_second_factor,
    pending_totp,
    second_factor_status,
    staff_with_second_factor_state,
)
from voucher.accounts.services import (
    organisation_name_change_decide,
    organisation_update,
    second_factor_begin,
    second_factor_confirm,
    second_factor_disable,
    second_factor_regenerate_recovery_codes,
    second_factor_reset,
    second_factor_verify,
)

RECOVERY_SESSION_KEY = "voucher_otp_recovery_codes"


class LoginView(auth_views.LoginView):
    """The password step; staff with a second factor continue to the code step."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if has_second_factor(self.request.user):
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return response


def _field_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _safe_next(request: HttpRequest, default: str = "core:workbench") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@login_required
def second_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """The login's second step: a code from the authenticator app or a recovery code."""
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified() or not has_second_factor(user):  # type: ignore[union-attr]
        return redirect(next_url)
    form = SecondFactorCodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(actor=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request, "已使用一个恢复码登录；恢复码用完前请尽快找回手机或重新开启双重认证。"
                )
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """双重认证: status; set up (QR code, secret, first code); turn off with a current code."""
    decision = can_manage_second_factor(request.user)
    decision.enforce()
    return _render_second_factor(request)


def _render_second_factor(
    request: HttpRequest,
    *,
    confirm_form: Any = None,
    disable_form: Any = None,
    regenerate_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    state = second_factor_status(user)
    pending = pending_totp(user) if not state.enabled else None
    return render(
        request,
        "accounts/otp.html",
        {
            "state": state,
            "setup": provisioning(pending) if pending is not None else None,
            "confirm_form": confirm_form or SecondFactorCodeForm(),
            "disable_form": disable_form or SecondFactorCodeForm(allow_recovery=True),
            "regenerate_form": regenerate_form or RecoveryCodesForm(),
            "can_reset_others": can_manage_accounts(user).allowed,
        },
        status=status,
    )


@require_POST
@login_required
def second_factor_begin_view(request: HttpRequest) -> HttpResponseBase:
    """Generate a new secret and show it as a QR code."""
    try:
        second_factor_begin(actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("accounts:otp")


@require_POST
@login_required
def second_factor_confirm_view(request: HttpRequest) -> HttpResponse:
    """The first code from the app turns the second factor on; the recovery codes follow once."""
    can_manage_second_factor(request.user).enforce()
    form = SecondFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            device, codes = second_factor_confirm(actor=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            otp_login(request, device)
            request.session[RECOVERY_SESSION_KEY] = codes
            messages.success(request, "双重认证已开启。")
            return redirect("accounts:otp_recovery_codes")
    return _render_second_factor(request, confirm_form=form, status=422)


@login_required
def second_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once right after setting up or generating new ones."""
    can_manage_second_factor(request.user).enforce()
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        messages.info(request, "恢复码只在生成时显示一次；如已遗失，可在本页重新生成（原有恢复码随即作废）。")
        return redirect("accounts:otp")
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})


@require_POST
@login_required
def second_factor_regenerate_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes in place of all the old ones, shown once; needs the password or a current code."""
    can_manage_second_factor(request.user).enforce()
    form = RecoveryCodesForm(request.POST)
    if form.is_valid():
        try:
            codes = second_factor_regenerate_recovery_codes(
                actor=request.user,  # type: ignore[arg-type]
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            request.session[RECOVERY_SESSION_KEY] = codes
            messages.success(request, "已生成新的恢复码，原有恢复码已全部作废。")
            return redirect("accounts:otp_recovery_codes")
    return _render_second_factor(request, regenerate_form=form, status=422)


@require_POST
@login_required
def second_factor_disable_view(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off; needs a current code."""
    can_manage_second_factor(request.user).enforce()
    form = SecondFactorCodeForm(request.POST, allow_recovery=True)
    if form.is_valid():
        try:
            second_factor_disable(actor=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "双重认证已关闭。")
            return redirect("accounts:otp")
    return _render_second_factor(request, disable_form=form, status=422)


@login_required
def second_factor_users(request: HttpRequest) -> HttpResponse:
    """Admins: reviewers' and admins' second-factor state, with a reset for a lost phone."""
    can_manage_accounts(request.user).enforce()
    users = staff_with_second_factor_state(request.user)
    query = (request.GET.get("q") or "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/otp_users.html", {"page": page, "query": query, "form": SecondFactorResetForm()}
    )


@require_POST
@login_required
def second_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Admins: remove another user's second factor, with a reason (audited, the user is told)."""
    can_manage_accounts(request.user).enforce()
    target = get_object_or_404(User, pk=user_id)
    can_reset_second_factor(request.user, target).enforce()
    form = SecondFactorResetForm(request.POST)
    if form.is_valid():
        try:
            second_factor_reset(actor=request.user, user=target, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"已重置 {target} 的双重认证。")
            return redirect("accounts:otp_users")
    return render(request, "accounts/otp_reset.html", {"target": target, "form": form}, status=422)


@login_required
def name_changes(request: HttpRequest) -> HttpResponse:
    """Admins: pending legal-name changes of authenticated organisations, approved or refused here."""
    can_manage_accounts(request.user).enforce()
    if request.method == "POST":
        change = get_object_or_404(NameChangeRequest, pk=request.POST.get("request"))
        try:
            organisation_name_change_decide(
                actor=request.user,
                request=change,
                approve=request.POST.get("decision") == "approve",
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "名称变更已处理。")
        return redirect("accounts:name_changes")
    pending = NameChangeRequest.objects.filter(status=NameChangeStatus.PENDING).select_related(
        "organisation", "requested_by"
    )
    recent = NameChangeRequest.objects.exclude(status=NameChangeStatus.PENDING).select_related(
        "organisation"
    )[:20]
    return render(request, "accounts/name_changes.html", {"pending": pending, "recent": recent})


@login_required
def organisation_profile(request: HttpRequest) -> HttpResponse:
    """View and edit the user's own organisation (P1 "企业信息")."""
    organisation = request.user.organisation  # type: ignore[union-attr]
    if organisation is None:
        raise PermissionDenied("当前账号未关联机构。")
    decision = can_edit_organisation(request.user, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST":
        decision.enforce()
        if form.is_valid():
            try:
                saved = organisation_update(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "企业信息已保存。")
                if saved.name != form.cleaned_data.get("name", saved.name):
                    messages.info(request, "单位名称变更须经市经信局核验，核准前仍使用原名称。")
                return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {"organisation": organisation, "form": form, "can_edit": decision.allowed},
    )
