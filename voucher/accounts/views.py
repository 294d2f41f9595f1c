"""Login/logout and the organisation profile page (企业信息)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from voucher.accounts.forms import LoginForm, OrganisationForm
from voucher.accounts.permissions import can_edit_organisation
from voucher.accounts.services import organisation_update


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
                organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "企业信息已保存。")
                return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {"organisation": organisation, "form": form, "can_edit": decision.allowed},
    )
