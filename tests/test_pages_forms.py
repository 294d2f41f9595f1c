"""Forms never lose what is stored: every form of the platform shows its values as a browser can show them,
and submitting a record's form unchanged changes nothing.

The forms are found, not listed: :func:`test_pages_every_form_is_a_platform_form` walks every form class
of the code, and :func:`test_pages_walk_every_page_and_submit_every_form_unchanged` follows the links of
every role's pages over the demo year, reads each form as Chromium does and submits the record's forms
unchanged.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client

import voucher
from voucher.accounts.models import Organisation, User
from voucher.claims.models import Claim
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.forms import PlatformFormMixin
from voucher.demo.seed import seed_demo
from voucher.enforcement.choices import ACTIVE_CLAWBACK_STATUSES
from voucher.enforcement.models import Clawback
from voucher.programmes.models import ProgrammeYear
from voucher.testing.pages import PageForm, crawl, page_name, plain_pages, read_page

pytestmark = pytest.mark.django_db

PAGES_PER_VIEW = 2
# One user of each role of the demo, and a second provider and enterprise (different stages of the year).
WALKERS = ["admin", "reviewer1", "provider_ai", "provider_green", "ent_food", "ent_soft"]
# Rows that record what happened rather than what is stored.
NOT_STORED = {"core.auditevent", "core.auditlog", "core.notification", "sessions.session"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(voucher.__path__, "voucher."):
        if (
            module.name.rsplit(".", 1)[-1] in {"forms", "views", "admin", "audit_views"}
            and ".tests" not in module.name
        ):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("voucher.") and sub.__module__ != "voucher.core.forms":
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_pages_every_form_is_a_platform_form():
    classes = _form_classes()
    assert len(classes) > 40
    outside = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, PlatformFormMixin)]
    assert outside == []


def _instance(cls: type[forms.BaseForm], programme: ProgrammeYear) -> forms.BaseForm:
    """The form as a page makes it, with the keyword arguments its constructor requires."""
    given = {"programme": programme, "product": True}
    required = {
        name: given[name]
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    if "request" in inspect.signature(cls.__init__).parameters:
        return cls(None, **required)  # the login form takes the request first
    return cls(**required)


@pytest.mark.parametrize("cls", _form_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_pages_every_date_and_choice_renders_as_a_browser_shows_it(cls, programme_2025):
    form = _instance(cls, programme_2025)
    for name, field in form.fields.items():
        bound = form[name]
        if isinstance(field, forms.DateField) and not field.widget.is_hidden:
            html = field.widget.render(name, dt.date(2026, 12, 3))
            assert 'value="2026-12-03"' in html and 'type="date"' in html, (name, html)
            assert field.clean("2026-12-03") == dt.date(2026, 12, 3)
        if isinstance(field, forms.DateTimeField) and not field.widget.is_hidden:
            html = field.widget.render(name, dt.datetime(2026, 12, 3, 21, 47))
            assert 'value="2026-12-03T21:47"' in html and 'type="datetime-local"' in html, (name, html)
        if isinstance(field, forms.ChoiceField):
            assert "---------" not in str(bound), name


# The walk over the demo year ------------------------------------------------------------------------


def _stored() -> dict[tuple[str, Any], dict[str, Any]]:
    """Every stored row of the platform, without the fields the database keeps up to date itself."""
    rows: dict[tuple[str, Any], dict[str, Any]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_STORED or not model.__module__.startswith("voucher."):
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not getattr(f, "auto_now", False) and not isinstance(f, models.FileField)
        ]
        for row in model.objects.values(*names):
            rows[(label, row[model._meta.pk.attname])] = row
    return rows


def _changes(before: dict, after: dict) -> list[str]:
    out = []
    for key, row in before.items():
        new = after.get(key)
        if new is None:
            continue  # removed rows are actions (e.g. a withdrawn draft), not edits
        out += [f"{key[0]}#{key[1]}.{f}: {v!r} → {new[f]!r}" for f, v in row.items() if new[f] != v]
    return out


# Pages whose save re-runs a check against outside records (the credit screening of E4), which is their point.
CHECKS = {"enterprises:authenticate", "enterprises:classify"}


def _is_record_form(form: PageForm, page: str) -> bool:
    """A form showing a stored record for editing: it posts to its own page and arrives filled in.

    A page that creates something (``…/new/…``) is an action: submitting it as shown makes the record.
    """
    if form.method != "post" or form.action not in {"", page} or "/new/" in page or page_name(page) in CHECKS:
        return False
    filled = [
        i
        for i in form.inputs
        if i["type"] not in {"hidden", "checkbox", "radio", "password"}
        and i["value"]
        and i["name"] != "csrfmiddlewaretoken"
    ]
    return bool(filled)


def _walk(client: Client, start: list[str]) -> tuple[list[str], list[str], int]:
    """Follow every link of the role's pages; return what a browser dropped and what an unchanged save changed."""
    dropped: list[str] = []
    changed: list[str] = []
    submitted = 0
    for path, _view, _response, page_forms in crawl(start, client.get, per_view=PAGES_PER_VIEW):
        for form in page_forms:
            dropped += [f"{path} {n} ({kind}): {value!r}" for n, kind, value in form.dropped]
            if form.has_file or not _is_record_form(form, path):
                continue
            before = _stored()
            result = client.post(path, form.as_post(confirm=True))
            submitted += 1
            after = _stored()
            changed += [f"{path}: {c}" for c in _changes(before, after)]
            if result.status_code == 200:
                changed += [f"{path}: refused unchanged — {e}" for e in _errors_on_shown_values(form, result)]
    return dropped, changed, submitted


def _errors_on_shown_values(form: PageForm, result: Any) -> list[str]:
    """Errors on fields that arrived filled in (or were shown blank by the browser): a save unchanged must
    not be refused for them. An error on a field the person has yet to fill in is the form doing its job."""
    shown = {name for name, value in form.data if value} | {name for name, _, _ in form.dropped}
    html = result.content.decode()
    out = []
    for auto_id, messages in re.findall(r'id="([\w-]+)_error"[^>]*>(.*?)</div>', html, re.S):
        name = auto_id.split("_", 1)[1] if "_" in auto_id else auto_id
        if name in shown:
            out.append(f"{name}: {re.sub(r'<[^>]+>', '', messages).strip()}")
    return out


def _form_with(client: Client, path: str, field: str) -> PageForm:
    response = client.get(path)
    assert response.status_code == 200, path
    page_forms, _ = read_page(response.content.decode())
    return next(f for f in page_forms if any(i["name"] == field for i in f.inputs))


def _value(form: PageForm, name: str) -> str:
    return next(i["value"] for i in form.inputs if i["name"] == name)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_pages_named_dates_are_shown_and_kept():
    """The cases the first users met: each date arrives as its stored ISO value, and the "today" defaults show."""
    seed_demo()
    today = clock.today().isoformat()
    # 企业信息: changing only the e-mail keeps 成立日期.
    provider = _client("provider_ai")
    organisation = Organisation.objects.get(members__username="provider_ai")
    form = _form_with(provider, "/accounts/organisation/", "established_on")
    assert _value(form, "established_on") == organisation.established_on.isoformat()
    data = form.as_post()
    data["contact_email"] = ["new@demo.example"]
    provider.post("/accounts/organisation/", data)
    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.contact_email == "new@demo.example"
    assert stored.established_on == organisation.established_on
    # 变更合同: the three contract dates.
    contract = next(
        c
        for c in Contract.objects.filter(order__provider=organisation)
        if provider.get(f"/contracts/{c.order.number}/amend/").status_code == 200
    )
    form = _form_with(provider, f"/contracts/{contract.order.number}/amend/", "signed_on")
    for name in ["signed_on", "service_start", "service_end"]:
        assert _value(form, name) == getattr(contract, name).isoformat(), name
    # 兑券申请第一步: the invoice and receipt dates, revisited.
    claim = Claim.objects.exclude(invoice_date=None).select_related("order__provider").first()
    owner = _client(claim.order.provider.members.first().username)
    form = _form_with(owner, f"/claims/{claim.order.number}/data/", "invoice_date")
    assert _value(form, "invoice_date") == claim.invoice_date.isoformat()
    assert _value(form, "receipt_date") == claim.receipt_date.isoformat()
    # The "today" defaults: 发布公示, 处理决定日, 登记退回.
    admin = _client("admin")
    assert _value(_form_with(admin, "/reviews/notices/new/", "starts_on"), "starts_on") == today
    assert _value(_form_with(admin, "/oversight/sanctions/new/", "decided_on"), "decided_on") == today
    clawback = Clawback.objects.filter(status__in=ACTIVE_CLAWBACK_STATUSES).first()
    assert _value(_form_with(admin, f"/oversight/clawbacks/{clawback.pk}/", "paid_on"), "paid_on") == today


def test_pages_walk_every_page_and_submit_every_form_unchanged():
    seed_demo()
    dropped: list[str] = []
    changed: list[str] = []
    submitted = 0
    for username in WALKERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        d, c, s = _walk(client, plain_pages())
        dropped += [f"{username} {x}" for x in d]
        changed += [f"{username} {x}" for x in c]
        submitted += s
    assert dropped == [], "\n".join(dropped)
    assert changed == [], "\n".join(changed)
    assert submitted >= 5
