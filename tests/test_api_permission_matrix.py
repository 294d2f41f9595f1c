"""Every JSON API operation against every kind of visitor (ARCHITECTURE convention 9, issue 11).

The operations come from the OpenAPI schema (``/api/v1/openapi.json``); each needs a row in
:data:`MATRIX`, or :func:`test_every_operation_has_a_row` fails naming it. Each row says, per visitor,
what the operation answers:

* ``401`` for the anonymous visitor, everywhere except the public operations;
* ``403`` for a visitor whose role never uses the operation (checked before the record is looked up, so
  the answer is the same for every number), and for a party asking for another party's step;
* ``404`` for a visitor of another organisation asking about a record it may not see, as for a number
  that does not exist (and for the Bureau's staff asking about a draft never submitted). The oversight
  records answer 404 to everyone who may not see them, whatever the role (see :func:`hidden`);
* ``OK`` for a visitor who may use it: anything but 401/403/404 — a 2xx, or a 4xx refusal of the
  minimal request (validation, state, deadline) that carries a machine-readable ``code``.

Every path parameter names a real record of one world, built once for the module: the records belong to
"enterprise" and "provider"; "enterprise_other" and "provider_other" are outsiders of the same roles.
Each call runs in a savepoint that is rolled back, so every visitor meets the same world; a refused call
must change nothing (audit log, rows of the records the API writes).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client

from voucher.accounts.signals import ADMIN_GROUP, sync_admin_group
from voucher.applications import services as application_services
from voucher.applications.models import Application
from voucher.applications.samples import tiny_pdf
from voucher.catalogue.choices import ProductStatus
from voucher.claims import services as claim_services
from voucher.claims.choices import MaterialKind as ClaimMaterialKind
from voucher.contracts import services as contract_services
from voucher.core import clock
from voucher.core.models import AuditEvent
from voucher.core.notifications import notify
from voucher.demo.codes import make_uscc
from voucher.enforcement import services as enforcement_services
from voucher.enterprises.choices import CreditListKind
from voucher.enterprises.services import credit_list_entry_create, credit_list_import_preview
from voucher.payouts import services as payout_services
from voucher.programmes.models import ProgrammeYear
from voucher.reviews import services as review_services
from voucher.testing import catalogue as catalogue_builders
from voucher.testing import enforcement as enforcement_builders
from voucher.testing import payouts as payout_builders
from voucher.testing.api_world import module_world, session_cookies
from voucher.testing.builders import ORDER_DAY, make_eligible, make_product, place_order
from voucher.testing.claims import fill, image_file, pdf_file
from voucher.testing.contracts import place_and_accept, terms
from voucher.testing.enterprises import CSV as CREDIT_CSV
from voucher.testing.factories import UserFactory
from voucher.testing.reviews import IN_NOTICE, NOTICE_START, REVIEW_DAY
from voucher.testing.second_factor import enable_second_factor

CLEAR_SEQUENCE = 1_000_000  # application numbers no builder reaches in a run
ROLES = ["anonymous", "enterprise", "enterprise_other", "provider", "provider_other", "reviewer", "admin"]
OK = "ok"  # the visitor may use the operation: neither 401, 403 nor 404
REFUSED = {401, 403, 404}

IN_WINDOW = dt.date(2025, 5, 6)  # the 2025 application window is 2025-04-28 … 2025-05-16
CLAIM_DAY = dt.datetime(2025, 7, 15, 10, 0, tzinfo=clock.SHANGHAI)
PUBLISH_DAY = dt.date(2025, 7, 21)  # payout batch A's notice
SECOND_PUBLISH_DAY = dt.date(2025, 8, 4)  # the other batches' notices
AFTER_SECOND_NOTICE = dt.date(2025, 8, 25)
OVERSIGHT_DAY = dt.date(2025, 9, 10)
AMOUNT = Decimal("20000.00")


# --- expectations ------------------------------------------------------------------------------------------

Expect = dict[str, int | str]


def public() -> Expect:
    """No login needed; every visitor gets an answer."""
    return dict.fromkeys(ROLES, OK)


def members() -> Expect:
    """Any logged-in visitor (each sees only what is theirs)."""
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], OK)}


def only(*roles: str, **overrides: int | str) -> Expect:
    """The listed visitors may; every other logged-in visitor is refused (403)."""
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], 403), **dict.fromkeys(roles, OK), **overrides}


def party(
    *roles: str, parties: tuple[str, ...] = ("enterprise", "provider"), **overrides: int | str
) -> Expect:
    """A record of "enterprise" and "provider" (an order, a contract, a claim): the listed visitors may;
    another organisation of a party's role does not learn it exists (404); every other role is refused
    (403)."""
    expect = only(*roles)
    for role in parties:
        expect[f"{role}_other"] = 404
    return {**expect, **overrides}


def applicant(*roles: str, **overrides: int | str) -> Expect:
    """A record of the provider alone (an application, its files)."""
    return party(*roles, parties=("provider",), **overrides)


def hidden(*roles: str, sees: tuple[str, ...] = ()) -> Expect:
    """An oversight record (sanction, clawback, spot check): whoever may not see it gets 404, whatever the
    role, as for a number that does not exist; ``sees`` may see it but not do this (403)."""
    return {
        "anonymous": 401,
        **dict.fromkeys(ROLES[1:], 404),
        **dict.fromkeys(sees, 403),
        **dict.fromkeys(roles, OK),
    }


def admin() -> Expect:
    return only("admin")


# --- rows --------------------------------------------------------------------------------------------------

World = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """How to call one operation and what each visitor gets.

    ``params`` fills the path parameters from the world; ``body`` is sent as JSON, ``form`` as multipart
    (a callable builds fresh files per call); ``day`` is the date the clock stands on.
    """

    expect: Expect
    params: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    form: Callable[[World], dict[str, Any]] | None = None
    day: dt.date | dt.datetime = ORDER_DAY


def number(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"number": w[key].number}


def pk(key: str, name: str = "pk") -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: w[key].pk}


def contract(key: str) -> Callable[[World], dict[str, Any]]:
    """A contract (or a claim) is named by its order's number."""
    return lambda w: {"number": w[key].order.number}


claim = contract


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf("matrix"), content_type="application/pdf")


TERMS = {
    "number": "HT-MATRIX-1",
    "total_amount": "20000.00",
    "signed_on": "2025-07-01",
    "service_start": "2025-07-01",
    "service_end": "2025-08-31",
    "deduction": "6000.00",
}
RATING = {"quality": 5, "responsiveness": 4, "expertise": 5, "overall": 4, "comment": "好"}
APPLICATION = {"product_name": "矩阵测试产品", "summary": "简介"}

# An application once submitted: its provider and the Bureau's staff. A draft never submitted is the
# provider's alone: the staff do not learn it exists either.
SUBMITTED = applicant("provider", "reviewer", "admin")
DRAFT = applicant("provider", reviewer=404, admin=404)
# An order, contract or claim: its two parties and the Bureau's staff read it.
READ_BY_PARTIES = party("enterprise", "provider", "reviewer", "admin")

MATRIX: dict[str, Row] = {
    # core: the notification inbox, the working-day calendar (public), the audit log (admins)
    "GET /api/v1/notifications": Row(members()),
    "POST /api/v1/notifications/{notification_id}/read": Row(
        hidden("enterprise"), params=pk("notification", "notification_id")
    ),
    "GET /api/v1/calendar/working-deadline": Row(public(), query={"start": "2025-07-01", "days": 5}),
    "GET /api/v1/audit/events": Row(admin()),
    "GET /api/v1/audit/events/{event_id}": Row(admin(), params=pk("audit_event", "event_id")),
    # accounts: who am I, and the second factor of reviewers and admins
    "GET /api/v1/accounts/me": Row(members()),
    "GET /api/v1/accounts/otp": Row(members()),
    "POST /api/v1/accounts/otp/begin": Row(only("reviewer", "admin")),
    "POST /api/v1/accounts/otp/confirm": Row(only("reviewer", "admin"), body={"code": "123456"}),
    # The login's code step: nobody here has a device, so everyone is told so (422).
    "POST /api/v1/accounts/otp/verify": Row(members(), body={"code": "123456"}),
    "POST /api/v1/accounts/otp/disable": Row(only("reviewer", "admin"), body={"code": "123456"}),
    "POST /api/v1/accounts/otp/recovery-codes": Row(only("reviewer", "admin"), body={"code": "123456"}),
    "POST /api/v1/accounts/users/{user_id}/otp/reset": Row(
        admin(), params=pk("staff_with_device", "user_id"), body={"reason": "手机丢失"}
    ),
    # programmes: public
    "GET /api/v1/programmes/": Row(public()),
    "GET /api/v1/programmes/{year}": Row(public(), params=lambda w: {"year": 2025}),
    # enterprises: the enterprise's own steps, the Bureau's lists, the credit list
    "POST /api/v1/enterprises/uscc/check": Row(public(), body={"uscc": make_uscc(123)}),
    "GET /api/v1/enterprises/me": Row(only("enterprise", "enterprise_other")),
    "POST /api/v1/enterprises/me/authenticate": Row(
        only("enterprise", "enterprise_other"), body={"uscc": make_uscc(124)}
    ),
    "POST /api/v1/enterprises/me/classify": Row(
        only("enterprise", "enterprise_other"),
        body={"industry_code": "I6513", "employees": 40, "revenue_wan": "2000", "assets_wan": "1500"},
    ),
    "GET /api/v1/enterprises/me/classifications": Row(only("enterprise", "enterprise_other")),
    "GET /api/v1/enterprises/me/quota": Row(only("enterprise", "enterprise_other")),
    "GET /api/v1/enterprises/me/quota/ledger": Row(only("enterprise", "enterprise_other")),
    "GET /api/v1/enterprises/me/pledge": Row(only("enterprise", "enterprise_other")),
    "GET /api/v1/enterprises/industries": Row(public()),
    "GET /api/v1/enterprises/industries/{code}": Row(public(), params=lambda w: {"code": "I65"}),
    "GET /api/v1/enterprises/organisations": Row(only("reviewer", "admin")),
    "GET /api/v1/enterprises/organisations/{organisation_id}": Row(
        party("enterprise", "reviewer", "admin", parties=("enterprise",)),
        params=lambda w: {"organisation_id": w["enterprise"].organisation_id},
    ),
    # Anyone checks its own organisation, the Bureau's staff any; another organisation is not found.
    "POST /api/v1/enterprises/credit-checks": Row(
        hidden("enterprise", "reviewer", "admin"),
        body=lambda w: {"organisation_id": w["enterprise"].organisation_id},
    ),
    "GET /api/v1/enterprises/credit-list": Row(admin()),
    "POST /api/v1/enterprises/credit-list": Row(
        admin(),
        body={
            "uscc": make_uscc(990002),
            "name": "北京某公司",
            "kind": "dishonest_debtor",
            "recorded_on": "2024-05-01",
        },
    ),
    "POST /api/v1/enterprises/credit-list/{entry_id}/deactivate": Row(
        admin(), params=pk("credit_entry", "entry_id")
    ),
    "POST /api/v1/enterprises/credit-list/imports": Row(
        admin(), form=lambda w: {"file": SimpleUploadedFile("名单.csv", CREDIT_CSV.encode(), "text/csv")}
    ),
    "GET /api/v1/enterprises/credit-list/imports": Row(admin()),
    "GET /api/v1/enterprises/credit-list/imports/{import_id}": Row(
        admin(), params=pk("credit_import", "import_id")
    ),
    "POST /api/v1/enterprises/credit-list/imports/{import_id}/apply": Row(
        admin(), params=pk("credit_import", "import_id")
    ),
    # applications: the provider's own; the reviewers and the Bureau read submitted ones and decide
    "GET /api/v1/applications/": Row(only("provider", "provider_other", "reviewer", "admin")),
    "POST /api/v1/applications/": Row(only("provider", "provider_other"), body=APPLICATION, day=IN_WINDOW),
    **{
        f"GET /api/v1/applications/{{pk}}{tail}": Row(SUBMITTED, params=pk("submitted"))
        for tail in ("", "/problems", "/checks", "/materials", "/excel", "/differences")
    },
    "PUT /api/v1/applications/{pk}": Row(DRAFT, params=pk("draft"), body=APPLICATION, day=IN_WINDOW),
    "PUT /api/v1/applications/{pk}/draft": Row(DRAFT, params=pk("draft"), body=APPLICATION, day=IN_WINDOW),
    "POST /api/v1/applications/{pk}/submit": Row(
        DRAFT, params=pk("draft"), body={"pledge_accepted": True}, day=IN_WINDOW
    ),
    **{
        f"POST /api/v1/applications/{{pk}}/{action}": Row(
            applicant("reviewer", "admin"), params=pk("submitted"), body={"comment": "意见"}, day=REVIEW_DAY
        )
        for action in ("approve", "return", "reject")
    },
    "POST /api/v1/applications/{pk}/materials": Row(
        DRAFT, params=pk("draft"), form=lambda w: {"kind": "price_proof", "file": pdf()}, day=IN_WINDOW
    ),
    "POST /api/v1/applications/{pk}/excel": Row(
        DRAFT, params=pk("draft"), form=lambda w: {"file": pdf("申请表.xlsx")}, day=IN_WINDOW
    ),
    "GET /api/v1/applications/materials": Row(only("provider", "provider_other", "reviewer", "admin")),
    "GET /api/v1/applications/materials/{pk}/download": Row(SUBMITTED, params=pk("dossier_material")),
    "DELETE /api/v1/applications/materials/{pk}": Row(DRAFT, params=pk("material"), day=IN_WINDOW),
    "POST /api/v1/applications/provider-materials": Row(
        only("provider", "provider_other"), form=lambda w: {"kind": "licence", "file": pdf("执照.pdf")}
    ),
    "GET /api/v1/applications/dossier": Row(only("provider", "provider_other")),
    "PUT /api/v1/applications/dossier": Row(
        only("provider", "provider_other"), body={"introduction": "介绍"}
    ),
    # reviews: the queue and decisions for reviewers, notices for the Bureau, published notices for all
    "GET /api/v1/reviews/queue": Row(only("reviewer", "admin")),
    "GET /api/v1/reviews/applications/{pk}": Row(only("reviewer", "admin"), params=pk("submitted")),
    "POST /api/v1/reviews/applications/{pk}/decision": Row(
        only("reviewer", "admin"), params=pk("submitted"), body={"action": "approve"}, day=REVIEW_DAY
    ),
    "GET /api/v1/reviews/applications/{pk}/decisions": Row(SUBMITTED, params=pk("submitted")),
    "POST /api/v1/reviews/applications/{pk}/assignments": Row(
        admin(), params=pk("submitted"), body=lambda w: {"reviewer_id": w["reviewer"].pk}
    ),
    "DELETE /api/v1/reviews/assignments/{pk}": Row(admin(), params=pk("assignment")),
    "GET /api/v1/reviews/notices": Row(admin()),
    "POST /api/v1/reviews/notices": Row(
        admin(), body=lambda w: {"application_ids": [w["submitted"].pk], "starts_on": "2025-07-10"}
    ),
    "POST /api/v1/reviews/notices/{pk}/close": Row(admin(), params=pk("quiet_notice")),
    "GET /api/v1/reviews/notices/{pk}/objections": Row(admin(), params=pk("notice")),
    "POST /api/v1/reviews/objections/{pk}/resolution": Row(
        admin(), params=pk("objection"), body={"action": "dismiss", "resolution": "不成立"}
    ),
    "GET /api/v1/reviews/public/notices": Row(public()),
    "GET /api/v1/reviews/public/notices/{pk}": Row(public(), params=pk("notice")),
    "POST /api/v1/reviews/public/notices/{pk}/objections": Row(
        public(),
        params=pk("notice"),
        form=lambda w: {
            "product_id": w["noticed_product"].pk,
            "name": "王五",
            "contact": "13800000002",
            "text": "异议",
        },
        day=IN_NOTICE,
    ),
    # catalogue: public; putting a product on sale is the Bureau's
    "GET /api/v1/catalogue/products": Row(public()),
    "GET /api/v1/catalogue/products/{pk}": Row(public(), params=pk("product")),
    "GET /api/v1/catalogue/manage/products": Row(admin()),
    "POST /api/v1/catalogue/products/{pk}/on-sale": Row(
        admin(), params=pk("ready_product"), body={"quantity": 5}
    ),
    # orders: enterprises order; the provider accepts or declines, the enterprise cancels
    "POST /api/v1/orders/": Row(
        only("enterprise", "enterprise_other"),
        body=lambda w: {
            "product_id": w["product"].pk,
            "idempotency_key": "matrix-order-new",
            "contact_name": "王经理",
            "contact_mobile": "13912345678",
        },
    ),
    "GET /api/v1/orders/": Row(members()),
    "GET /api/v1/orders/{number}": Row(READ_BY_PARTIES, params=number("placed")),
    "POST /api/v1/orders/{number}/accept": Row(party("provider"), params=number("placed")),
    "POST /api/v1/orders/{number}/decline": Row(
        party("provider"), params=number("placed"), body={"reason": "无法提供"}
    ),
    "POST /api/v1/orders/{number}/cancel": Row(party("enterprise"), params=number("placed")),
    # contracts: the provider records and amends, the enterprise confirms, completes and rates
    "GET /api/v1/contracts/": Row(members()),
    "GET /api/v1/contracts/products/{product_id}/ratings": Row(public(), params=pk("product", "product_id")),
    "GET /api/v1/contracts/orders/{number}/annex": Row(READ_BY_PARTIES, params=number("accepted")),
    "GET /api/v1/contracts/orders/{number}/quote": Row(
        party("provider"),
        params=number("accepted"),
        query={"total_amount": "20000.00", "service_start": "2025-07-01", "service_end": "2025-08-31"},
    ),
    "POST /api/v1/contracts/orders/{number}": Row(
        party("provider"),
        params=number("accepted"),
        body=lambda w: {**TERMS, "counterparty_uscc": w["enterprise"].organisation.uscc},
    ),
    "GET /api/v1/contracts/{number}": Row(READ_BY_PARTIES, params=contract("recorded")),
    "POST /api/v1/contracts/{number}/amend": Row(
        party("provider"), params=contract("recorded"), body={**TERMS, "reason": "调整服务期"}
    ),
    "POST /api/v1/contracts/{number}/confirm": Row(party("enterprise"), params=contract("recorded")),
    "POST /api/v1/contracts/{number}/complete": Row(
        party("enterprise"), params=contract("confirmed"), body={}
    ),
    "POST /api/v1/contracts/{number}/rating": Row(
        party("enterprise"), params=contract("completed"), body=RATING
    ),
    "PUT /api/v1/contracts/{number}/rating": Row(party("enterprise"), params=contract("rated"), body=RATING),
    "POST /api/v1/contracts/{number}/rating/reply": Row(
        party("provider"), params=contract("rated"), body={"reply": "感谢评价"}
    ),
    # claims: the provider files, the reviewers and the Bureau decide
    "GET /api/v1/claims/": Row(members()),
    "GET /api/v1/claims/claimable": Row(members()),
    "GET /api/v1/claims/review/queue": Row(only("reviewer", "admin")),
    "POST /api/v1/claims/{number}/start": Row(party("provider"), params=contract("completed"), day=CLAIM_DAY),
    "GET /api/v1/claims/{number}": Row(READ_BY_PARTIES, params=claim("submitted_claim"), day=CLAIM_DAY),
    "PUT /api/v1/claims/{number}/data": Row(
        party("provider"),
        params=claim("draft_claim"),
        body={
            "invoice_number": "FP-MATRIX",
            "invoice_date": "2025-07-02",
            "invoice_amount": "20000.00",
            "receipt_date": "2025-07-03",
            "receipt_amount": "14000.00",
        },
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/materials": Row(
        party("provider"),
        params=claim("draft_claim"),
        form=lambda w: {"kind": "invoice", "file": pdf_file("发票.pdf", ["发票"])},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/materials/merge": Row(
        party("provider"),
        params=claim("draft_claim"),
        form=lambda w: {"kind": "bank_receipt", "files": [image_file("1.png"), image_file("2.png")]},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/materials/{pk}/withdraw": Row(
        party("provider"),
        params=lambda w: {"number": w["draft_claim"].order.number, "pk": w["claim_material"].pk},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/prechecks": Row(
        party("provider"), params=claim("draft_claim"), day=CLAIM_DAY
    ),
    "POST /api/v1/claims/{number}/submit": Row(
        party("provider"), params=claim("draft_claim"), body={"confirm": True}, day=CLAIM_DAY
    ),
    "POST /api/v1/claims/{number}/waive": Row(
        party("provider"),
        params=contract("completed"),
        form=lambda w: {"statement": "放弃兑付"},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/decision": Row(
        party("reviewer", "admin"),
        params=claim("submitted_claim"),
        body={"action": "approve", "payout": "6000.00"},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/claims/{number}/credit-check": Row(
        party("reviewer", "admin"), params=claim("submitted_claim"), day=CLAIM_DAY
    ),
    # payouts: batches are the Bureau's; each organisation sees its own payouts; the notices are public
    "GET /api/v1/payouts/batches": Row(admin()),
    "POST /api/v1/payouts/batches": Row(admin(), body={"title": "矩阵批次"}, day=SECOND_PUBLISH_DAY),
    "POST /api/v1/payouts/batches/preview": Row(admin(), body={}, day=SECOND_PUBLISH_DAY),
    "GET /api/v1/payouts/batches/{pk}": Row(admin(), params=pk("exported_batch")),
    "POST /api/v1/payouts/batches/{pk}/items/{item_id}/remove": Row(
        admin(),
        params=lambda w: {"pk": w["draft_batch"].pk, "item_id": w["payout_item"].pk},
        body={"reason": "材料不全"},
        day=SECOND_PUBLISH_DAY,
    ),
    "POST /api/v1/payouts/batches/{pk}/publish": Row(
        admin(), params=pk("draft_batch"), body={}, day=SECOND_PUBLISH_DAY
    ),
    "POST /api/v1/payouts/batches/{pk}/cancel": Row(
        admin(), params=pk("draft_batch"), body={"reason": "重新编排"}, day=SECOND_PUBLISH_DAY
    ),
    "GET /api/v1/payouts/batches/{pk}/objections": Row(admin(), params=pk("noticed_batch")),
    "POST /api/v1/payouts/objections/{pk}/resolve": Row(
        admin(),
        params=pk("payout_objection"),
        body={"action": "dismiss", "resolution": "不成立"},
        day=SECOND_PUBLISH_DAY,
    ),
    "POST /api/v1/payouts/batches/{pk}/approve": Row(
        admin(), params=pk("due_batch"), day=AFTER_SECOND_NOTICE
    ),
    "POST /api/v1/payouts/batches/{pk}/export": Row(
        admin(), params=pk("exported_batch"), day=SECOND_PUBLISH_DAY
    ),
    "POST /api/v1/payouts/batches/{pk}/paid": Row(
        admin(), params=pk("exported_batch"), body={"reference": "LS-1"}, day=SECOND_PUBLISH_DAY
    ),
    # Background work: the payment file as a job (same rule as the export itself), a job is its owner's
    # alone (a number nobody owns is a 404 for everyone), delivery records for the Bureau.
    "POST /api/v1/tasks/jobs/payout-export/{batch_id}": Row(
        admin(), params=pk("exported_batch", "batch_id"), day=SECOND_PUBLISH_DAY
    ),
    # The other long jobs: each start answers as the operation it queues (the same roles, the same 404s).
    "POST /api/v1/tasks/jobs/dashboard-export": Row(admin(), body={"table": "vouchers"}),
    "POST /api/v1/tasks/jobs/backup": Row(admin()),
    "POST /api/v1/tasks/jobs/claim-prechecks/{number}": Row(
        party("provider"), params=claim("draft_claim"), day=CLAIM_DAY
    ),
    "POST /api/v1/tasks/jobs/claim-merge/{number}": Row(
        party("provider"),
        params=claim("draft_claim"),
        form=lambda w: {"kind": "bank_receipt", "files": [image_file("1.png"), image_file("2.png")]},
        day=CLAIM_DAY,
    ),
    "POST /api/v1/tasks/jobs/application-import/{pk}": Row(
        DRAFT, params=pk("draft"), form=lambda w: {"file": pdf("申请表.xlsx")}, day=IN_WINDOW
    ),
    "GET /api/v1/tasks/jobs/{job_id}": Row(
        {"anonymous": 401, **dict.fromkeys(ROLES[1:], 404)}, params=lambda w: {"job_id": 10**9}
    ),
    "GET /api/v1/tasks/deliveries": Row(admin()),
    "GET /api/v1/payouts/mine": Row(only("enterprise", "enterprise_other", "provider", "provider_other")),
    "GET /api/v1/payouts/payee": Row(only("provider", "provider_other")),
    "PUT /api/v1/payouts/payee": Row(
        only("provider", "provider_other"),
        body={"bank_name": "中国工商银行北京分行", "account_number": "0200000000000001"},
    ),
    "GET /api/v1/payouts/public/batches": Row(public()),
    "GET /api/v1/payouts/public/batches/{pk}": Row(public(), params=pk("noticed_batch")),
    "POST /api/v1/payouts/public/batches/{pk}/objections": Row(
        public(),
        params=pk("noticed_batch"),
        form=lambda w: {
            "item_ids": [w["noticed_batch"].items.get().pk],
            "name": "赵六",
            "contact": "13800000003",
            "text": "金额有误",
        },
        day=SECOND_PUBLISH_DAY,
    ),
    # oversight: sanctions and clawbacks of the parties, spot checks of the Bureau and its inspectors
    "GET /api/v1/oversight/sanctions": Row(
        only("enterprise", "enterprise_other", "provider", "provider_other", "admin")
    ),
    "GET /api/v1/oversight/sanctions/current": Row(
        only("enterprise", "enterprise_other", "provider", "provider_other"), day=OVERSIGHT_DAY
    ),
    "POST /api/v1/oversight/cases": Row(admin(), body={"kind": "other", "facts": "违规"}, day=OVERSIGHT_DAY),
    "GET /api/v1/oversight/cases/{case_id}": Row(admin(), params=pk("case", "case_id")),
    "GET /api/v1/oversight/sanctions/{sanction_id}": Row(
        hidden("enterprise", "admin"),
        params=pk("sanction", "sanction_id"),
    ),
    "POST /api/v1/oversight/sanctions/{sanction_id}/lift": Row(
        hidden("admin", sees=("enterprise",)),
        params=pk("sanction", "sanction_id"),
        body={"reason": "复核后解除"},
        day=OVERSIGHT_DAY,
    ),
    "GET /api/v1/oversight/clawbacks": Row(
        only("enterprise", "enterprise_other", "provider", "provider_other", "admin")
    ),
    "POST /api/v1/oversight/clawbacks": Row(
        admin(),
        body=lambda w: {
            "order_number": w["approved_claim"].order.number,
            "reason_kind": "no_service",
            "amount": "1000.00",
            "reason": "未开展服务",
        },
        day=OVERSIGHT_DAY,
    ),
    "POST /api/v1/oversight/clawbacks/report": Row(
        party("provider", enterprise_other=403),
        form=lambda w: {
            "order_number": w["approved_claim"].order.number,
            "reason_kind": "partial_refund",
            "amount": "1000.00",
            "reason": "部分退款",
        },
        day=OVERSIGHT_DAY,
    ),
    "GET /api/v1/oversight/clawbacks/{clawback_id}": Row(
        hidden("enterprise", "provider", "admin"), params=pk("clawback", "clawback_id")
    ),
    "GET /api/v1/oversight/clawbacks/{clawback_id}/repayments": Row(
        hidden("enterprise", "provider", "admin"), params=pk("clawback", "clawback_id")
    ),
    "POST /api/v1/oversight/clawbacks/{clawback_id}/repayments": Row(
        hidden("admin", sees=("enterprise", "provider")),
        params=pk("clawback", "clawback_id"),
        body={"paid_on": "2025-09-10", "amount": "1000.00", "reference": "TH-1"},
        day=OVERSIGHT_DAY,
    ),
    "POST /api/v1/oversight/clawbacks/{clawback_id}/waive": Row(
        hidden("admin", sees=("enterprise", "provider")),
        params=pk("clawback", "clawback_id"),
        body={"reason": "无法追回"},
        day=OVERSIGHT_DAY,
    ),
    "GET /api/v1/oversight/spot-checks": Row(only("reviewer", "admin")),
    "POST /api/v1/oversight/spot-checks": Row(
        admin(), body={"target": "orders", "size": 1, "seed": "again"}, day=OVERSIGHT_DAY
    ),
    # The reviewer inspects the check's one item.
    "GET /api/v1/oversight/spot-checks/{check_id}": Row(
        hidden("reviewer", "admin"), params=pk("spot_check", "check_id")
    ),
    "GET /api/v1/oversight/spot-checks/{check_id}/verify": Row(
        hidden("admin", sees=("reviewer",)), params=pk("spot_check", "check_id")
    ),
    "POST /api/v1/oversight/spot-checks/{check_id}/assign": Row(
        hidden("admin", sees=("reviewer",)),
        params=pk("spot_check", "check_id"),
        body=lambda w: {"inspector_id": w["reviewer"].pk},
    ),
    "POST /api/v1/oversight/spot-checks/items/{item_id}/finding": Row(
        hidden("reviewer", "admin"),
        params=pk("spot_check_item", "item_id"),
        body={"outcome": "compliant", "findings": "合规"},
        day=OVERSIGHT_DAY,
    ),
    # dashboard: the Bureau's
    **{
        f"GET /api/v1/dashboard/{name}": Row(admin())
        for name in ("budget", "vouchers", "claims", "providers")
    },
    "GET /api/v1/dashboard/export": Row(admin(), query={"table": "vouchers"}),
}


# --- the world ---------------------------------------------------------------------------------------------


def _admin() -> Any:
    user = UserFactory(admin=True)
    sync_admin_group()
    user.groups.add(Group.objects.get(name=ADMIN_GROUP))
    return user


def _completed(
    buyer: Any, provider: Any, product: Any, *, confirm: bool = True, complete: bool = True
) -> Any:
    order = place_and_accept(buyer, product, provider)
    contract = contract_services.contract_record(
        actor=provider,
        order=order,
        terms=terms(total=str(AMOUNT), deduction="6000.00", end=dt.date(2025, 8, 31)),
    )
    if confirm:
        contract = contract_services.contract_confirm(actor=buyer, contract=contract)
    if complete:
        contract = contract_services.contract_complete(actor=buyer, contract=contract)
    return contract


def build_world(programme: ProgrammeYear) -> World:
    """Records in every state an operation needs, owned by "enterprise" and "provider"."""
    reviewer = UserFactory(reviewer=True)
    admin_user = _admin()
    provider = UserFactory(provider=True)
    w: World = {
        "anonymous": None,
        "provider": provider,
        "provider_other": UserFactory(provider=True),
        "reviewer": reviewer,
        "admin": admin_user,
    }
    # Applications: one submitted (assigned to the reviewer), two approved and under notice (one of them
    # with an objection), one draft with a file; a file of the provider itself.
    submitted = catalogue_builders.application(provider, programme)
    approved = catalogue_builders.application(provider, programme, status="approved", name="矩阵公示产品")
    quiet = catalogue_builders.application(provider, programme, status="approved", name="矩阵无异议产品")
    # The builder numbers rows from a counter shared by every test of the run (and make_product counts from
    # 1): move these rows far beyond both, so no later row of the world can take their numbers.
    for offset, row in enumerate([submitted, approved, quiet], start=1):
        Application.objects.filter(pk=row.pk).update(sequence=CLEAR_SEQUENCE + offset)
    with clock.frozen_at(IN_WINDOW):
        draft = application_services.application_create(actor=provider, programme=programme, data=APPLICATION)
        w["material"] = application_services.material_upload(
            actor=provider,
            organisation=provider.organisation,
            programme=programme,
            kind="form_scan",
            file=pdf("申请表.pdf"),
            application=draft,
        )
        w["dossier_material"] = application_services.material_upload(
            actor=provider,
            organisation=provider.organisation,
            programme=programme,
            kind="licence",
            file=pdf("营业执照.pdf"),
        )
    w["draft"], w["submitted"] = draft, submitted
    with clock.frozen_at(REVIEW_DAY):
        w["assignment"] = review_services.review_assign(
            actor=admin_user, application=submitted, reviewer=reviewer
        )
    with clock.frozen_at(NOTICE_START):
        notice = review_services.notice_publish(
            actor=admin_user, programme=programme, applications=[approved], starts_on=NOTICE_START
        )
        w["quiet_notice"] = review_services.notice_publish(
            actor=admin_user, programme=programme, applications=[quiet], starts_on=NOTICE_START
        )
    w["notice"] = notice
    w["noticed_product"] = notice.items.get().product
    with clock.frozen_at(IN_NOTICE):
        w["objection"] = review_services.objection_file(
            actor=None,
            notice=notice,
            product=w["noticed_product"],
            name="张三",
            contact="13800000000",
            text="价格不实",
        )
    # Ordering: two eligible enterprises; the provider's products; the enterprise's orders in each state.
    with clock.frozen_at(ORDER_DAY):
        enterprise = make_eligible(UserFactory(), programme)
        w["enterprise"] = enterprise
        w["enterprise_other"] = make_eligible(UserFactory(), programme)
        [w["notification"]] = notify(
            recipients=[enterprise], kind="test", title="测试通知", url="/workbench/"
        )

        def product(**kwargs: Any) -> Any:
            return make_product(programme, provider=provider, price=AMOUNT, **kwargs)

        w["product"] = product()
        w["ready_product"] = product(status=ProductStatus.READY)
        w["placed"] = place_order(enterprise, w["product"])
        w["accepted"] = place_and_accept(enterprise, product(), provider)
        w["recorded"] = _completed(enterprise, provider, product(), confirm=False, complete=False)
        w["confirmed"] = _completed(enterprise, provider, product(), complete=False)
        w["completed"] = _completed(enterprise, provider, product())
        rated = _completed(enterprise, provider, product())
        contract_services.rating_create(actor=enterprise, contract=rated, scores=RATING, comment="好")
        w["rated"] = rated
        to_draft = _completed(enterprise, provider, product())
        to_submit = _completed(enterprise, provider, product())
    with clock.frozen_at(CLAIM_DAY):
        draft_claim = claim_services.claim_start(actor=provider, contract=to_draft)
        w["claim_material"] = claim_services.claim_material_upload(
            actor=provider,
            claim=draft_claim,
            kind=ClaimMaterialKind.PLEDGE,
            file=pdf_file("承诺.pdf", ["承诺"]),
        )
        w["draft_claim"] = draft_claim
        claim = fill(claim_services.claim_start(actor=provider, contract=to_submit), provider)
        w["submitted_claim"] = claim_services.claim_submit(actor=provider, claim=claim, confirmed=True)
    # Payouts: one batch exported, one under notice with an objection, one whose notice is over, a draft.
    payout_builders.payee_for(provider)
    payout_builders.approved_claim(programme, provider=provider)
    exported = payout_builders.batch_approved(admin_user, programme, on=PUBLISH_DAY)
    with clock.frozen_at(SECOND_PUBLISH_DAY):
        payout_services.payout_batch_export(actor=admin_user, batch=exported, out=io.BytesIO())
    w["exported_batch"] = exported
    payout_builders.approved_claim(programme, provider=provider)
    with clock.frozen_at(SECOND_PUBLISH_DAY):
        noticed = payout_services.payout_batch_publish(
            actor=admin_user, batch=payout_builders.batch_of(admin_user, programme)
        )
        w["payout_objection"] = payout_services.payout_objection_file(
            actor=None,
            batch=noticed,
            item_ids=[noticed.items.get().pk],
            name="李四",
            contact="13800000001",
            text="服务未开展",
        )
    w["noticed_batch"] = noticed
    payout_builders.approved_claim(programme, provider=provider)
    with clock.frozen_at(SECOND_PUBLISH_DAY):
        w["due_batch"] = payout_services.payout_batch_publish(
            actor=admin_user, batch=payout_builders.batch_of(admin_user, programme)
        )
    payout_builders.approved_claim(programme, provider=provider)
    with clock.frozen_at(SECOND_PUBLISH_DAY):
        w["draft_batch"] = payout_builders.batch_of(admin_user, programme)
    w["payout_item"] = w["draft_batch"].items.get()
    # Oversight: the enterprise's approved claim with the provider, sanctioned (a clawback follows).
    approved_claim = enforcement_builders.approved_claim(
        programme, reviewer=reviewer, buyer=enterprise, provider=provider
    )
    w["approved_claim"] = approved_claim
    with clock.frozen_at(OVERSIGHT_DAY):
        case = enforcement_services.sanction_record(
            actor=admin_user,
            kind="transfer",
            facts="倒卖服务券",
            enterprise=enterprise.organisation,
            claims=[approved_claim],
        )
        w["case"] = case
        w["sanction"] = case.sanctions.get()
        w["clawback"] = case.clawbacks.get()
        check = enforcement_services.spot_check_draw(
            actor=admin_user, programme=programme, target="orders", size=1, seed="matrix"
        )
        w["spot_check_item"] = check.items.get()
        enforcement_services.spot_check_assign(actor=admin_user, check=check, inspector=reviewer, items=None)
        w["spot_check"] = check
        w["credit_entry"] = credit_list_entry_create(
            actor=admin_user,
            uscc=make_uscc(990001),
            name="北京失信测试有限公司",
            kind=CreditListKind.DISHONEST_DEBTOR,
            recorded_on=dt.date(2024, 5, 1),
        )
        w["credit_import"] = credit_list_import_preview(
            actor=admin_user, file_name="名单.csv", content=CREDIT_CSV.encode()
        )
    w["staff_with_device"] = UserFactory(reviewer=True)
    enable_second_factor(w["staff_with_device"])
    w["audit_event"] = AuditEvent.objects.order_by("id").first()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The world, built once for the module inside a transaction rolled back at the end; one logged-in
    session cookie per visitor."""
    with module_world(django_db_blocker, tmp_path_factory.mktemp("api-matrix-media")):
        world = build_world(ProgrammeYear.objects.get(year=2025))
        world["cookies"] = session_cookies({role: world[role] for role in ROLES[1:]})
        world["watched"] = _watched(world)
        world["count_sql"] = _row_counts_sql()
        yield world


# --- the checks --------------------------------------------------------------------------------------------


def _operations() -> dict[str, bool]:
    """Every operation of the schema as ``"METHOD /path"``, with whether it needs a login."""
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": bool(operation.get("security"))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


OPERATIONS = _operations()


def test_every_operation_has_a_row():
    """A new endpoint without a row (or a row for an endpoint that is gone) fails here, by name."""
    missing = sorted(set(OPERATIONS) - set(MATRIX))
    assert not missing, f"operations without a row in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(OPERATIONS))
    assert not stale, f"rows for operations that are not in the schema: {stale}"
    incomplete = sorted(key for key, row in MATRIX.items() if set(row.expect) != set(ROLES))
    assert not incomplete, f"rows without an outcome for every visitor: {incomplete}"


def test_only_the_schemas_public_operations_admit_anonymous_visitors():
    wrong = sorted(
        key
        for key, needs_login in OPERATIONS.items()
        if key in MATRIX and MATRIX[key].expect["anonymous"] != (401 if needs_login else OK)
    )
    assert not wrong, f"the anonymous outcome disagrees with the schema's security: {wrong}"


def _watched(world: World) -> list[tuple[type[models.Model], list[Any]]]:
    """The world's records, grouped by model, whose every field a refused call must leave alone."""
    groups: dict[type[models.Model], list[Any]] = {}
    for value in world.values():
        if isinstance(value, models.Model):
            groups.setdefault(type(value), []).append(value.pk)
    return sorted(groups.items(), key=lambda item: item[0]._meta.label)


def _row_counts_sql() -> str:
    """One query counting the rows of every table (the names are the models' own, quoted)."""
    from django.apps import apps
    from django.db import connection

    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    return f"SELECT {counts}"


def _state(world: World) -> tuple[Any, ...]:
    """Row counts of every table, and the field values of every record of the world."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(world["count_sql"])
        counts = cursor.fetchone()
    rows = tuple(
        (model._meta.label, sorted(model.objects.filter(pk__in=pks).values_list(), key=str))
        for model, pks in world["watched"]
    )
    return counts, rows


def _call(world: World, method: str, path: str, row: Row, role: str) -> tuple[int, Any, bool]:
    """Call the operation as ``role`` in a savepoint that is rolled back; the status, the JSON body (or
    ``None``) and whether anything in the database changed."""
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.cookies["sessionid"] = world["cookies"][role]
    url = path.format(**row.params(world))
    if row.query:
        url = f"{url}?{urlencode(row.query)}"
    cache.clear()
    with clock.frozen_at(row.day), transaction.atomic():
        before = _state(world)
        if row.form is not None:
            response = client.post(url, row.form(world))
        elif row.body is not None:
            body = row.body(world) if callable(row.body) else row.body
            response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
        else:
            response = client.generic(method, url)
        changed = _state(world) != before
        transaction.set_rollback(True)
    data = None
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        data = response.json()
    return response.status_code, data, changed


def _problem(world: World, operation: str, row: Row, role: str) -> str | None:
    method, path = operation.split(" ", 1)
    status, data, changed = _call(world, method, path, row, role)
    expected = row.expect[role]
    code = data.get("code") if isinstance(data, dict) else None
    where = f"{operation} as {role}: got {status} ({code or '-'})"
    if status >= 500:
        return f"{where}, a server error"
    if expected == OK:
        if status in REFUSED:
            return f"{where}, expected to be let through"
        if status >= 400 and not code:
            return f"{where}, a refusal without a machine-readable code"
        return None
    if status != expected:
        return f"{where}, expected {expected}"
    if not code:
        return f"{where}, a refusal without a machine-readable code"
    if changed:
        return f"{where}, but the refused call changed the database"
    return None


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_for_every_visitor(world, db, operation):
    row = MATRIX.get(operation)
    assert row is not None, f"{operation} has no row in MATRIX: declare what each visitor gets"
    problems = [p for role in ROLES if (p := _problem(world, operation, row, role)) is not None]
    assert not problems, "\n".join(problems)
