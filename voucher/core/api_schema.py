"""Types and error responses shared by every API router (/api/v1/).

* :data:`BoundedDate`, :data:`PageNumber` and :data:`Money` are the input types of dates, page numbers and
  amounts: a value outside the platform's range is refused at its field with a 422, a Chinese message and a
  code (``date_out_of_range``, ``page_out_of_range``, ``money_float``).
* :class:`ErrorOut` is the body of every 4xx answer; :func:`declare_error_responses` declares, on every
  operation of the published schema, the error statuses it can answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from voucher.core.validators import DATE_MAX, DATE_MIN, PAGE_MAX, validate_date_in_range, validate_page_number


def _refusal(exc: ValidationError) -> PydanticCustomError:
    return PydanticCustomError(exc.error_list[0].code or "invalid", exc.messages[0])


def _date_in_range(value: dt.date) -> dt.date:
    try:
        validate_date_in_range(value)
    except ValidationError as exc:
        raise _refusal(exc) from None
    return value


def _page_in_range(value: int) -> int:
    try:
        validate_page_number(value)
    except ValidationError as exc:
        raise _refusal(exc) from None
    return value


def _not_a_float(value: Any) -> Any:
    """JSON numbers with a fraction are binary floats: ``0.1 + 0.2`` is not an amount of fen."""
    if isinstance(value, (float, bool)):
        raise PydanticCustomError(
            "money_float", '金额须填写为字符串（如 "1234.50"）或整数元，不能使用浮点数。'
        )
    return value


BoundedDate = Annotated[
    dt.date,
    AfterValidator(_date_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": f"{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}",
        }
    ),
]
PageNumber = Annotated[
    int,
    AfterValidator(_page_in_range),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": PAGE_MAX}),
]
Money = Annotated[
    Decimal,
    BeforeValidator(_not_a_float),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^-?\d{1,12}(\.\d{1,2})?$"},
                {"type": "integer"},
            ],
            "description": "金额（元）：字符串或整数，不接受浮点数",
        }
    ),
]

# Codes of the refusals above, reported as the answer's ``code`` when they are the only problem.
SCHEMA_ERROR_CODES = frozenset({"date_out_of_range", "page_out_of_range", "money_float"})


class ErrorOut(Schema):
    """Every 4xx answer: a machine-readable code, the Chinese sentence the pages show, problems by field."""

    code: str
    message: str
    fields: dict[str, list[str]]


ERROR_DESCRIPTIONS = {
    401: "未登录",
    403: "没有权限（角色、所属单位、CSRF）",
    404: "记录不存在或无权查看",
    409: "与当前状态冲突",
    422: "请求数据不符合规则",
    429: "操作过于频繁",
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from what it is.

    401 behind authentication; 403 behind authentication, for writes (CSRF, state of the account) and for
    one record by path (visibility); 404 for one record by path; 409 for writes (a record in another
    state, a missing working-day schedule); 422 whenever the caller sends anything (parameters or body)
    and for writes; 429 for writes (rate limits count submissions).
    """
    secured = bool(operation.get("security"))
    write = method in UNSAFE_METHODS
    parameters = operation.get("parameters", [])
    by_path = any(p["in"] == "path" for p in parameters)
    given = bool(parameters) or "requestBody" in operation
    statuses = {
        401: secured,
        403: secured or write or by_path,
        404: by_path,
        409: write,
        422: given or write,
        429: write,
    }
    return [status for status, applies in statuses.items() if applies]


def declare_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add :class:`ErrorOut` answers to every operation of an OpenAPI ``schema`` (statuses it declares are kept)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ErrorOut.__name__] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    ref = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                if status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    }
    return schema
