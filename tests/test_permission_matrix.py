"""Every page of the platform against every kind of visitor (ARCHITECTURE convention 9).

Each named URL outside the admin site and the API must have a row here, or be listed for its app's own
permission matrix in ``voucher/testing/matrix.py``; a new view with neither fails
:func:`test_every_page_is_in_a_matrix`. The core, account, catalogue, enterprise, application, review
and order pages have their rows here; claims, contracts, dashboards, oversight and payouts keep their own
(and so does the page replacing the recovery codes, which needs a second factor set up).

A visitor refused an object they may not see gets the same answer as for an object that does not exist
(:func:`test_refused_visitors_cannot_tell_a_hidden_object_from_a_missing_one`): 404 for an outsider of
the owner's kind, 403 for a role that never uses the page, decided before any lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from voucher.applications import services as application_services
from voucher.applications.choices import MaterialKind
from voucher.applications.models import Application, Material
from voucher.applications.samples import tiny_pdf
from voucher.catalogue.choices import ProductStatus
from voucher.catalogue.models import Product
from voucher.core import clock
from voucher.core.models import AuditEvent, Notification
from voucher.core.notifications import notify
from voucher.demo.codes import make_uscc
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.models import CreditListEntry
from voucher.enterprises.services import credit_list_entry_create, credit_list_import_preview
from voucher.orders.models import Order
from voucher.reviews.models import Notice, Objection, ReviewAssignment
from voucher.reviews.services import notice_publish, objection_file, review_assign
from voucher.tasks.choices import JobKind
from voucher.tasks.models import Job
from voucher.testing.applications import as_upload, filled_workbook
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product, place_order
from voucher.testing.catalogue import application as application_row
from voucher.testing.enterprises import CSV as CREDIT_CSV
from voucher.testing.factories import UserFactory
from voucher.testing.matrix import APP_MATRIX_PAGES
from voucher.testing.reviews import NOTICE_START
from voucher.testing.urls import site_pages

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the login page
CLEAR_SEQUENCE = 1_000_000  # application numbers no builder reaches in a run
ROLES = ["anonymous", "enterprise", "enterprise_other", "provider", "provider_other", "reviewer", "admin"]
# A number no object has (fits every integer column on PostgreSQL), and an order number nobody issued.
MISSING_ID = 2_000_000_000
MISSING_NUMBER = "NO-SUCH-0000"


Context = dict[str, Any]


@dataclass
class Row:
    """Expected outcome per role: an HTTP status, or LOGIN for a redirect to the login page.

    ``data`` may be a function of the context (it is called for every request, so uploads are fresh).
    ``state`` reads what the action changes: a refused visitor must leave it as it was, an allowed one
    must change it. ``sees`` names the visitors refused (403) although they may see the object: for them
    a missing object is a 404; every other refused visitor gets the same answer as for a missing one.
    ``case`` tells apart the rows of one page on different objects.
    """

    name: str
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: Callable[[Context], dict[str, Any]] = field(default=lambda ctx: {})
    data: dict[str, Any] | Callable[[Context], dict[str, Any]] = field(default_factory=dict)
    state: Callable[[Context], Any] | None = None
    sees: frozenset[str] = frozenset()
    case: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}/{self.case}" if self.case else self.name


def _everyone(status: int) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def _members(status: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], status)}


def _only(role: str, status: int, others: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], others), role: status}


def _application_page(owner: int, staff: int) -> dict[str, int | str]:
    """An application or its file: its provider and the Bureau's staff; another provider does not find it
    (404, as for a number that does not exist); enterprises never use these pages (403)."""
    return {
        "anonymous": LOGIN,
        "enterprise": 403,
        "enterprise_other": 403,
        "provider": owner,
        "provider_other": 404,
        "reviewer": staff,
        "admin": staff,
    }


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def _materials(ctx: Context, application: str) -> list[tuple[int, str]]:
    return sorted(Material.objects.filter(application=ctx[application]).values_list("id", "kind"))


def _status(model: Any, key: str) -> Callable[[Context], Any]:
    return lambda ctx: model.objects.filter(pk=ctx[key].pk).values_list("status", flat=True).get()


def _parties(status: int, *, other: int, **overrides: int) -> dict[str, int | str]:
    """For an order: the two parties, outsiders of the same roles, and the Bureau's staff."""
    return {
        "anonymous": LOGIN,
        **dict.fromkeys(["enterprise", "provider", "reviewer", "admin"], status),
        "enterprise_other": other,
        "provider_other": other,
        **overrides,
    }


MATRIX: list[Row] = [
    Row("core:home", _everyone(200)),
    Row("core:healthz", _everyone(200)),
    Row("core:readyz", _everyone(200)),
    Row("core:workbench", _members(200)),
    Row("core:inbox", _members(200)),
    Row("core:inbox_read_all", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}, method="post"),
    # Only the recipient may open a notification; everyone else gets 404, not a hint that it exists.
    Row(
        "core:inbox_read",
        {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "enterprise": 302},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["enterprise_notification"].pk},
        state=lambda ctx: Notification.objects.get(pk=ctx["enterprise_notification"].pk).read_at,
    ),
    # The audit log (SPEC M3) is for the Bureau's administrators only.
    Row("core:audit_list", _only("admin", 200, 403)),
    Row(
        "core:audit_detail",
        _only("admin", 200, 403),
        kwargs=lambda ctx: {"pk": AuditEvent.objects.order_by("id").values_list("id", flat=True).first()},
    ),
    Row("core:audit_export", _only("admin", 200, 403)),
    # Background work: the Bureau's delivery records and exports; anyone's own notification settings; a job
    # is its owner's alone (a number nobody owns is a 404 for everyone).
    Row("tasks:deliveries", _only("admin", 200, 403)),
    Row("tasks:preferences", _members(200)),
    Row("tasks:audit_export_start", _only("admin", 302, 403), method="post"),
    Row("tasks:backups", _only("admin", 200, 403)),
    Row(
        "tasks:backups",
        _only("admin", 302, 403),
        method="post",
        state=lambda ctx: Job.objects.filter(kind=JobKind.BACKUP).count(),
        case="start",
    ),
    *[
        Row(
            f"tasks:{name}",
            {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)},
            kwargs=lambda ctx: {"pk": 10**9},
        )
        for name in ("job_detail", "job_file")
    ],
    Row("accounts:login", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    Row("accounts:logout", _everyone(302), method="post"),
    Row("accounts:organisation", _members(200)),
    # Second factor: reviewers and admins only; nobody here has a device, so the code step passes through.
    Row("accounts:otp_verify", _members(302)),
    Row("accounts:otp", {**_only("reviewer", 200, 403), "admin": 200}),
    Row("accounts:otp_begin", {**_only("reviewer", 302, 403), "admin": 302}, method="post"),
    Row("accounts:otp_confirm", {**_only("reviewer", 422, 403), "admin": 422}, method="post"),
    Row("accounts:otp_recovery_codes", {**_only("reviewer", 302, 403), "admin": 302}),
    Row("accounts:otp_disable", {**_only("reviewer", 422, 403), "admin": 422}, method="post"),
    Row("accounts:otp_users", _only("admin", 200, 403)),
    Row("accounts:name_changes", _only("admin", 200, 403)),
    Row(
        "accounts:otp_reset",
        _only("admin", 422, 403),
        method="post",
        kwargs=lambda ctx: {"user_id": ctx["reviewer"].pk},
    ),
    Row("programmes:detail", _everyone(200), kwargs=lambda ctx: {"year": 2025}),
    # The catalogue is public (O1); putting a product on sale is the Bureau's (V4).
    Row("catalogue:list", _everyone(200)),
    Row("catalogue:detail", _everyone(200), kwargs=lambda ctx: {"pk": ctx["product"].pk}),
    Row("catalogue:manage", _only("admin", 200, 403)),
    Row(
        "catalogue:on_sale",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["ready_product"].pk},
        data=lambda ctx: {f"p{ctx['ready_product'].pk}-quantity": "20"},
        state=_status(Product, "ready_product"),
    ),
    # The enterprise's own steps (E1–E6): enterprises only; the wizard sends a finished one to its result.
    Row("enterprises:signup", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    Row("enterprises:wizard", {**_only("enterprise", 302, 403), "enterprise_other": 302}),
    *(
        Row(f"enterprises:{name}", {**_only("enterprise", 200, 403), "enterprise_other": 200})
        for name in ("authenticate", "classify", "result", "pledge", "quota")
    ),
    Row("enterprises:industries", _everyone(200)),
    Row("enterprises:list", {**_only("admin", 200, 403), "reviewer": 200}),
    # One enterprise's record: itself and the Bureau's staff. Another enterprise does not find it (404, so
    # nobody can probe which enterprises are registered); providers never read enterprise records (403).
    *(
        Row(
            f"enterprises:{name}",
            {**_only("enterprise", 200, 403), "enterprise_other": 404, "reviewer": 200, "admin": 200},
            kwargs=lambda ctx: {"pk": ctx["enterprise"].organisation_id},
        )
        for name in ("detail", "pledge_for")
    ),
    # Confirming a re-declaration is the Bureau's; a classification that is not the enterprise's is a 404.
    Row(
        "enterprises:classification_review",
        {**_only("admin", 404, 403), "enterprise": 404, "enterprise_other": 404, "reviewer": 404},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["enterprise"].organisation_id, "classification_pk": 10**9},
    ),
    Row("enterprises:credit_list", _only("admin", 200, 403)),
    Row(
        "enterprises:credit_import",
        _only("admin", 200, 403),
        kwargs=lambda ctx: {"pk": ctx["credit_import"].pk},
    ),
    Row(
        "enterprises:credit_deactivate",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["credit_entry"].pk},
        state=lambda ctx: CreditListEntry.objects.get(pk=ctx["credit_entry"].pk).active,
    ),
    # Providers' applications (P1–P9): the list is for providers and the Bureau's staff.
    Row(
        "applications:list",
        {**_only("provider", 200, 403), "provider_other": 200, "reviewer": 200, "admin": 200},
    ),
    Row(
        "applications:attachments",
        {**_only("provider", 200, 403), "provider_other": 200, "reviewer": 200, "admin": 200},
    ),
    Row("applications:create", {**_only("provider", 200, 403), "provider_other": 200}),
    Row("applications:dossier", {**_only("provider", 200, 403), "provider_other": 200}),
    # A submitted application: its provider and the Bureau's staff.
    *(
        Row(
            f"applications:{name}",
            _application_page(200, 200),
            kwargs=lambda ctx: {"pk": ctx["application"].pk},
        )
        for name in ("detail", "excel_template", "differences")
    ),
    # Locked once submitted: whoever may read it is sent back to the detail page.
    Row(
        "applications:edit",
        _application_page(302, 302),
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    # Already submitted: refused to everyone, the owner included.
    Row(
        "applications:submit",
        _application_page(403, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"pledge": "on"},
        state=_status(Application, "application"),
        sees=frozenset({"provider", "reviewer", "admin"}),
    ),
    # Deciding is the reviewers' and the Bureau's, never the applicant's (V2).
    Row(
        "applications:decide",
        _application_page(403, 302),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"action": "approve"},
        state=_status(Application, "application"),
        sees=frozenset({"provider"}),
    ),
    # Files and the Excel form go into a draft, by its provider only; the Bureau's staff do not see drafts.
    Row(
        "applications:upload",
        _application_page(302, 404),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["draft"].pk},
        data=lambda ctx: {"kind": MaterialKind.PRICE_PROOF, "file": _pdf("报价.pdf")},
        state=lambda ctx: _materials(ctx, "draft"),
        case="draft",
    ),
    Row(
        "applications:excel_import",
        _application_page(302, 404),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["draft"].pk},
        data=lambda ctx: {"excel": as_upload(filled_workbook(ctx["draft"], ctx["provider"].organisation))},
        # The upload is saved and queued as a job; the worker fills the form.
        state=lambda ctx: (
            Application.objects.get(pk=ctx["draft"].pk).product_name,
            _materials(ctx, "draft"),
            Job.objects.filter(kind=JobKind.APPLICATION_IMPORT).count(),
        ),
        case="draft",
    ),
    # A submitted application takes no more files, whoever sends a valid one.
    *(
        Row(
            f"applications:{name}",
            _application_page(403, 403),
            method="post",
            kwargs=lambda ctx: {"pk": ctx["application"].pk},
            data=data,
            state=lambda ctx: _materials(ctx, "application"),
            sees=frozenset({"provider", "reviewer", "admin"}),
            case="submitted",
        )
        for name, data in (
            ("upload", lambda ctx: {"kind": MaterialKind.PRICE_PROOF, "file": _pdf("报价.pdf")}),
            (
                "excel_import",
                lambda ctx: {
                    "excel": as_upload(filled_workbook(ctx["application"], ctx["provider"].organisation))
                },
            ),
        )
    ),
    # The provider's own files (申报资料): every provider uploads its own; nobody else.
    Row(
        "applications:dossier_upload",
        {**_only("provider", 302, 403), "provider_other": 302},
        method="post",
        data=lambda ctx: {"kind": MaterialKind.LICENCE, "file": _pdf("执照.pdf")},
        state=lambda ctx: sorted(Material.objects.filter(application=None).values_list("id", flat=True)),
    ),
    # A provider file: its provider and the Bureau's staff; a draft's file only its provider.
    *(
        Row(
            f"applications:{name}",
            _application_page(200, 200),
            kwargs=lambda ctx: {"pk": ctx["provider_file"].pk},
        )
        for name in ("attachment_preview", "attachment_download")
    ),
    Row(
        "applications:attachment_preview",
        _application_page(200, 404),
        kwargs=lambda ctx: {"pk": ctx["draft_file"].pk},
        case="draft",
    ),
    Row(
        "applications:attachment_delete",
        _application_page(302, 404),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["draft_file"].pk},
        state=lambda ctx: _materials(ctx, "draft"),
    ),
    # Reviews (R1–R3): the queue for reviewers, notices for the Bureau, the published notices for all.
    Row("reviews:queue", {**_only("reviewer", 200, 403), "admin": 200}),
    Row("reviews:notice_list", _only("admin", 200, 403)),
    Row("reviews:notice_create", _only("admin", 200, 403)),
    Row("reviews:public_notices", _everyone(200)),
    Row("reviews:public_notice", _everyone(200), kwargs=lambda ctx: {"pk": ctx["notice"].pk}),
    Row("reviews:notice_detail", _only("admin", 200, 403), kwargs=lambda ctx: {"pk": ctx["notice"].pk}),
    Row(
        "reviews:detail",
        {**_only("reviewer", 200, 403), "admin": 200},
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row(
        "reviews:decide",
        {**_only("reviewer", 302, 403), "admin": 302},
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
        data={"action": "approve"},
        state=_status(Application, "application"),
    ),
    Row(
        "reviews:unassign",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["assignment"].pk},
        state=lambda ctx: ReviewAssignment.objects.filter(pk=ctx["assignment"].pk).exists(),
    ),
    # Assigning reviewers and closing a notice are the Bureau's (no reviewer chosen: sent back with a message).
    Row(
        "reviews:assign",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row(
        "reviews:notice_close",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["notice"].pk},
        state=lambda ctx: Notice.objects.get(pk=ctx["notice"].pk).closed_at,
    ),
    # Objections to a notice and their evidence are the Bureau's to read and resolve (V3).
    Row(
        "reviews:objection_resolve",
        _only("admin", 302, 403),
        method="post",
        kwargs=lambda ctx: {"pk": ctx["objection"].pk},
        data=lambda ctx: {
            f"o{ctx['objection'].pk}-action": "dismiss",
            f"o{ctx['objection'].pk}-resolution": "经核实，价格与成交记录一致。",
        },
        state=_status(Objection, "objection"),
    ),
    Row("reviews:objection_file", _only("admin", 200, 403), kwargs=lambda ctx: {"pk": ctx["objection"].pk}),
    # The decisions on an application are shown to its provider too, never to another provider.
    Row(
        "reviews:decisions",
        _application_page(200, 200),
        kwargs=lambda ctx: {"pk": ctx["application"].pk},
    ),
    Row("orders:index", _members(200)),
    Row(
        "orders:new",
        {**_only("enterprise", 200, 403), "enterprise_other": 200},
        kwargs=lambda ctx: {"product_id": ctx["product"].pk},
    ),
    Row("orders:detail", _parties(200, other=404), kwargs=lambda ctx: {"number": ctx["order"].number}),
    # Only the product's provider decides, only the enterprise cancels; the other party and the Bureau's
    # staff see the order but are refused, outsiders do not learn it exists.
    *(
        Row(
            f"orders:{name}",
            _parties(403, other=404, **{decider: 302}),
            method="post",
            kwargs=lambda ctx: {"number": ctx["order"].number},
            data=data,
            state=_status(Order, "order"),
            sees=frozenset({"enterprise", "provider", "reviewer", "admin"} - {decider}),
        )
        for name, decider, data in (
            ("accept", "provider", {}),
            ("decline", "provider", {"reason": "本月排期已满"}),
            ("cancel", "enterprise", {}),
        )
    ),
]


def test_every_page_is_in_a_matrix():
    pages = {name for name, _route in site_pages()}
    rows = {row.name for row in MATRIX}
    in_apps = set().union(*APP_MATRIX_PAGES.values())
    assert rows <= pages, f"rows for pages that do not exist: {sorted(rows - pages)}"
    assert in_apps <= pages, f"COVERED_PAGES names that do not exist: {sorted(in_apps - pages)}"
    missing = pages - rows - in_apps
    assert not missing, f"pages without a permission matrix test: {sorted(missing)}"


@pytest.fixture
def context(role_users, programme_2025, settings, tmp_path) -> Iterator[Context]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    provider = role_users["provider"]
    with clock.frozen_at(ORDER_DAY):
        [note] = notify(
            recipients=[role_users["enterprise"]], kind="test", title="测试通知", url="/workbench/"
        )
        make_eligible(role_users["enterprise"], programme_2025)
        application = application_row(role_users["provider"], programme_2025)
        approved = application_row(role_users["provider"], programme_2025, status="approved")
        # The builder numbers rows from a counter shared by every test of the run (and make_product counts
        # from 1): move these rows far beyond both, so no later row of this test can take their numbers.
        Application.objects.filter(pk=application.pk).update(sequence=CLEAR_SEQUENCE + 1)
        Application.objects.filter(pk=approved.pk).update(sequence=CLEAR_SEQUENCE + 2)
        assignment = review_assign(
            actor=role_users["admin"], application=application, reviewer=role_users["reviewer"]
        )
        credit_entry = credit_list_entry_create(
            actor=role_users["admin"],
            uscc=make_uscc(990001),
            name="北京失信测试有限公司",
            kind=CreditListKind.DISHONEST_DEBTOR,
            recorded_on=dt.date(2024, 5, 1),
        )
        credit_import = credit_list_import_preview(
            actor=role_users["admin"], file_name="名单.csv", content=CREDIT_CSV.encode()
        )
        # A second notice carries the open objection, so the first one can still be closed.
        objected = application_row(provider, programme_2025, status="approved")
        Application.objects.filter(pk=objected.pk).update(sequence=CLEAR_SEQUENCE + 3)
        with clock.frozen_at(NOTICE_START):
            notice, objected_notice = (
                notice_publish(
                    actor=role_users["admin"],
                    programme=programme_2025,
                    applications=[row],
                    starts_on=NOTICE_START,
                )
                for row in (approved, objected)
            )
            objection = objection_file(
                actor=None,
                notice=objected_notice,
                product=objected_notice.items.get().product,
                name="王五",
                contact="13700000000",
                text="该产品价格与实际成交不符。",
                file=_pdf("证明.pdf"),
            )
        other_enterprise = make_eligible(UserFactory(), programme_2025)
        product = make_product(programme_2025, provider=role_users["provider"])
        ready_product = make_product(
            programme_2025, provider=role_users["provider"], status=ProductStatus.READY
        )
        order = place_order(role_users["enterprise"], product, idempotency_key="matrix-order-0001")
        # After the builder's rows, so the draft's own sequence number stays clear of theirs.
        draft = application_services.application_create(actor=provider, programme=programme_2025)
        draft_file, provider_file = (
            application_services.material_upload(
                actor=provider,
                organisation=provider.organisation,
                programme=programme_2025,
                kind=kind,
                file=_pdf(f"{kind}.pdf"),
                application=application,
            )
            for kind, application in ((MaterialKind.PRICE_PROOF, draft), (MaterialKind.LICENCE, None))
        )
        yield {
            **role_users,
            "enterprise_other": other_enterprise,
            "provider_other": UserFactory(provider=True),
            "enterprise_notification": note,
            "product": product,
            "ready_product": ready_product,
            "application": application,
            "draft": draft,
            "draft_file": draft_file,
            "provider_file": provider_file,
            "notice": notice,
            "objection": objection,
            "assignment": assignment,
            "credit_entry": credit_entry,
            "credit_import": credit_import,
            "order": order,
        }


def _check(client: Client, context: Context, row: Row, role: str, *, missing: bool = False) -> str | None:
    """Request the row's page as ``role`` (for an object that does not exist when ``missing``); a sentence
    describing the mismatch, or None."""
    user = context[role]
    if user is not None:
        client.force_login(user)
    kwargs = row.kwargs(context)
    expected = row.expect[role]
    if missing:
        kwargs = {
            key: MISSING_ID if isinstance(value, int) else MISSING_NUMBER for key, value in kwargs.items()
        }
        if expected != LOGIN and not (expected == 403 and role not in row.sees):
            expected = 404
    data = row.data(context) if callable(row.data) else row.data
    response = getattr(client, row.method)(reverse(row.name, kwargs=kwargs), data)
    if expected == LOGIN:
        if response.status_code == 302 and response.url.startswith(reverse("accounts:login")):
            return None
    elif response.status_code == expected:
        return None
    missing_note = " (no such object)" if missing else ""
    return f"{row.id}{missing_note} as {role}: expected {expected}, got {response.status_code}"


def _refused(expected: int | str) -> bool:
    return expected in (LOGIN, 403, 404)


# Reading pages changes nothing, so one context serves every GET row and every visitor.
READS = [row for row in MATRIX if row.method == "get"]
WRITES = [row for row in MATRIX if row.method != "get"]


def test_permission_matrix_pages(context):
    mismatches = [
        problem
        for row in READS
        for role in ROLES
        if (problem := _check(Client(), context, row, role)) is not None
    ]
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("row", WRITES, ids=lambda r: r.id)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_actions(client, context, row: Row, role: str):
    """Each action on its own context: an allowed one changes the state the next visitor would meet."""
    before = row.state(context) if row.state is not None else None
    assert _check(client, context, row, role) is None
    if row.state is not None:
        after = row.state(context)
        if _refused(row.expect[role]):
            assert after == before, f"{row.id} refused to {role} but changed {before!r} to {after!r}"
        else:
            assert after != before, f"{row.id} allowed to {role} but left {before!r} as it was"


def test_refused_visitors_cannot_tell_a_hidden_object_from_a_missing_one(context):
    """The same request for an object that does not exist: 404 for whoever may see such objects, and for a
    refused visitor exactly the answer the real object gave (nothing to probe). Nothing exists to change,
    so one context serves the actions too."""
    mismatches = [
        problem
        for row in MATRIX
        if row.kwargs(context)
        for role in ROLES
        if (problem := _check(Client(), context, row, role, missing=True)) is not None
    ]
    assert not mismatches, "\n".join(mismatches)
