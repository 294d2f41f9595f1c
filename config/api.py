"""The JSON API (/api/v1/, OpenAPI at /api/v1/openapi.json).

Errors are ``{"code": …, "message": …, "fields": {field: [messages]}}`` with a 4xx status; the
message is the same Chinese sentence the pages show.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from voucher.accounts.api import router as accounts_router
from voucher.applications.api import router as applications_router
from voucher.catalogue.api import router as catalogue_router
from voucher.claims.api import router as claims_router
from voucher.contracts.api import router as contracts_router
from voucher.core.api import router as core_router
from voucher.core.api_schema import SCHEMA_ERROR_CODES, declare_error_responses
from voucher.core.workdays import ScheduleMissing
from voucher.dashboards.api import router as dashboards_router
from voucher.enforcement.api import router as enforcement_router
from voucher.enterprises.api import router as enterprises_router
from voucher.orders.api import router as orders_router
from voucher.payouts.api import router as payouts_router
from voucher.programmes.api import router as programmes_router
from voucher.reviews.api import router as reviews_router
from voucher.tasks.api import router as tasks_router


class VoucherAPI(NinjaAPI):
    """The platform's API; its published schema declares every operation's error answers."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        declare_error_responses(schema)
        return schema


api = VoucherAPI(
    title="北京市中小企业服务券平台 API",
    version="1",
    description="Service-voucher platform API. Session authentication (log in through /accounts/login/); "
    "unsafe methods need the CSRF token.",
    auth=django_auth,
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def _codes(exc: ValidationError) -> set[str]:
    errors = (
        [e for errs in exc.error_dict.values() for e in errs]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return {e.code for e in errors if e.code}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the rule's own code when the error carries exactly one (e.g. ``sold_out``), else ``invalid``."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    message = "；".join(m for msgs in fields.values() for m in msgs) if fields else "；".join(exc.messages)
    codes = _codes(exc)
    return _error(request, 422, codes.pop() if len(codes) == 1 else "invalid", message, fields)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 ``invalid_request``, or the refusal's own code (e.g. ``money_float``) when it is the only kind."""
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        name = ".".join(str(p) for p in err.get("loc", [])[1:]) or "__all__"
        fields.setdefault(name, []).append(err.get("msg", "格式不正确"))
    own = [err for err in exc.errors if err.get("type") in SCHEMA_ERROR_CODES]
    if own and len({err["type"] for err in own}) == 1:
        return _error(request, 422, own[0]["type"], own[0]["msg"], fields)
    return _error(request, 422, "invalid_request", "请求数据格式不正确。", fields)


@api.exception_handler(Ratelimited)
def on_rate_limited(request: HttpRequest, exc: Ratelimited) -> HttpResponse:
    return _error(request, 429, "rate_limited", "操作过于频繁，请稍后再试。")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, getattr(exc, "code", "forbidden"), str(exc) or "没有权限执行此操作。")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", "请先登录。")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "未找到该记录。")


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database cannot hold (PostgreSQL refuses NUL characters in text) is the caller's error."""
    if "NUL" not in str(exc):
        raise exc
    return _error(request, 422, "invalid_request", "请求中含有不允许的控制字符（NUL），请删除后重试。")


@api.exception_handler(ScheduleMissing)
def on_schedule_missing(request: HttpRequest, exc: ScheduleMissing) -> HttpResponse:
    return _error(request, 409, exc.code, str(exc))


api.add_router("/", core_router)
api.add_router("/accounts", accounts_router)
api.add_router("/programmes", programmes_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/applications", applications_router)
api.add_router("/reviews", reviews_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/orders", orders_router)
api.add_router("/contracts", contracts_router)
api.add_router("/claims", claims_router)
api.add_router("/payouts", payouts_router)
api.add_router("/oversight", enforcement_router)
api.add_router("/dashboard", dashboards_router)
api.add_router("/tasks", tasks_router)
