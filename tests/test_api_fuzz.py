"""Schemathesis against /api/v1/openapi.json, in-process over WSGI, on the whole demo year.

Every operation is called with generated data (and with the identifiers of real demo records) by an
anonymous visitor and by a user of each role. Checked for every call: no 5xx, the response matches the
declared schema and content type, anonymous callers get 401 on every operation behind authentication, and a write
operation never succeeds (2xx) for a role its permission refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    FailureGroup,
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet

from voucher.testing.api_world import module_world, session_cookies

ROLES = ["enterprise", "provider", "reviewer", "admin"]
ACTORS = ["anonymous", *ROLES]
LOGINS = {"enterprise": "ent_food", "provider": "provider_ai", "reviewer": "reviewer1", "admin": "admin"}

# Write operations and the roles whose permission can let them through (a 2xx for any other role is a
# bypass). Anything not listed here may succeed for nobody but the roles in WRITE_DEFAULT.
WRITE_ROLES: list[tuple[str, set[str]]] = [
    (r"POST /api/v1/notifications/\{[^}]+\}/read", set(ROLES)),
    (r"POST /api/v1/enterprises/uscc/check", set(ROLES)),
    (r"POST /api/v1/enterprises/me/(authenticate|classify)", {"enterprise"}),
    (r"POST /api/v1/enterprises/credit-checks", {"reviewer", "admin"}),
    (r"POST /api/v1/enterprises/credit-list.*", {"admin"}),
    (r"POST /api/v1/applications/\{pk\}/(approve|return|reject)", {"reviewer", "admin"}),
    (r"(POST|PUT|DELETE) /api/v1/applications/.*", {"provider"}),
    (r"POST /api/v1/reviews/public/notices/\{pk\}/objections", set(ROLES)),
    (r"POST /api/v1/reviews/applications/\{pk\}/decision", {"reviewer", "admin"}),
    (r"(POST|DELETE) /api/v1/reviews/.*", {"admin"}),
    (r"POST /api/v1/catalogue/.*", {"admin"}),
    (r"POST /api/v1/orders/", {"enterprise"}),
    (r"POST /api/v1/orders/\{number\}/(accept|decline)", {"provider"}),
    (r"POST /api/v1/orders/\{number\}/cancel", {"enterprise"}),
    (r"(POST|PUT) /api/v1/contracts/\{number\}/(confirm|complete|rating)", {"enterprise"}),
    (r"(POST|PUT) /api/v1/contracts/.*", {"provider"}),
    (r"POST /api/v1/claims/\{number\}/(decision|credit-check)", {"reviewer", "admin"}),
    (r"(POST|PUT) /api/v1/claims/.*", {"provider"}),
    (r"(POST|PUT|PATCH|DELETE) /api/v1/(payouts|oversight)/.*", {"admin"}),
]
WRITE_DEFAULT = {"admin"}

MAX_EXAMPLES = {"anonymous": 3, "logged_in": 10}


def write_roles(method: str, path: str) -> set[str] | None:
    """The roles that may get a 2xx from a write operation; ``None`` for reads."""
    if method.upper() not in {"POST", "PUT", "PATCH", "DELETE"}:
        return None
    label = f"{method.upper()} {path}"
    for pattern, roles in WRITE_ROLES:
        if re.fullmatch(pattern, label):
            return roles
    return WRITE_DEFAULT


class _FuzzHandler:
    """Django's WSGI handler as the test client runs it: no CSRF check (the session cookie stands for a
    logged-in browser), and the request signals do not close the test transaction's connection."""

    def __init__(self) -> None:
        self.app = get_wsgi_application()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        original = self.app.get_response

        def get_response(request: Any) -> Any:
            request._dont_enforce_csrf_checks = True
            return original(request)

        self.app.get_response = get_response  # type: ignore[method-assign]
        try:
            return self.app(environ, start_response)
        finally:
            self.app.get_response = original  # type: ignore[method-assign]


def routed(path: str) -> bool:
    """Whether a URL reaches an API operation at all (``/orders/-5`` matches no integer route: a plain 404)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _operations() -> list[tuple[str, str]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return sorted((m.upper(), p) for p, item in schema["paths"].items() for m in item)


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The demo year, seeded once for the module inside a transaction that is rolled back at the end."""
    from voucher.accounts.models import User
    from voucher.contracts.models import Contract
    from voucher.demo.seed import seed_demo
    from voucher.orders.models import Order

    with module_world(django_db_blocker, tmp_path_factory.mktemp("fuzz-media")):
        seed_demo()
        cookies = session_cookies(
            {role: User.objects.get(username=username) for role, username in LOGINS.items()}
        )
        numbers = sorted(
            {
                *Order.objects.values_list("number", flat=True),
                *Contract.objects.values_list("number", flat=True),
            }
        )
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _FuzzHandler())
        yield {"schema": schema, "cookies": cookies, "numbers": numbers}


def _real_parameters(path: str, numbers: list[str]) -> list[dict[str, Any]]:
    """Path parameters naming records of the demo year (the generated ones almost never do)."""
    names = re.findall(r"\{(\w+)\}", path)
    if not names:
        return []
    choices: list[dict[str, Any]] = []
    for index in range(12):
        values: dict[str, Any] = {}
        for name in names:
            if name == "number":
                values[name] = numbers[index % len(numbers)] if numbers else "none"
            elif name == "year":
                values[name] = [2025, 2026][index % 2]
            elif name == "code":
                values[name] = ["I65", "C", "M7491"][index % 3]
            else:
                values[name] = index + 1
        choices.append(values)
    return choices


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation_survives_fuzzing(world, db, actor, method, path):
    operation = world["schema"][path][method]
    headers = {"Cookie": f"sessionid={world['cookies'][actor]}"} if actor != "anonymous" else {}
    # Operations the schema declares behind session authentication must refuse anonymous callers (which
    # operations may be public at all is tests/test_public_surface.py's list).
    public = not operation.definition.raw.get("security")
    allowed_writers = write_roles(method, path)
    real = _real_parameters(path, world["numbers"])
    strategy = operation.as_strategy()
    if real:
        strategy = st.one_of(
            strategy, st.sampled_from(real).flatmap(lambda p: operation.as_strategy(path_parameters=p))
        )
    declared = set(operation.definition.raw.get("responses", {}))
    examples = MAX_EXAMPLES["anonymous" if actor == "anonymous" else "logged_in"]
    failures: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        # Each call in a savepoint, so an error inside one call leaves the next one a usable transaction.
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        body = "" if isinstance(case.body, NotSet) else f" body={str(case.body)[:200]!r}"
        where = f"{case.method} {case.formatted_path} query={case.query}{body}"
        if not routed(case.formatted_path):
            # No API route matches (``/applications/-5``: the int converter takes digits only), so Django's
            # own 404 page answers, not an operation of the schema.
            assert response.status_code == 404, f"{where}: {response.status_code}"
            return
        try:
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
                headers=headers,
            )
        except (AssertionError, FailureGroup) as exc:
            failures.append(f"{where}: {str(exc)[:600]}")
        status = response.status_code
        if 200 <= status < 300 and str(status) not in declared:
            failures.append(f"{where}: {status} is not a declared response ({sorted(declared)})")
        if actor == "anonymous" and not public and status != 401 and routed(case.formatted_path):
            failures.append(f"{where}: anonymous got {status}, not 401")
        if (
            allowed_writers is not None
            and 200 <= status < 300
            and actor not in {"anonymous", *allowed_writers}
        ):
            failures.append(f"{where}: {actor} got {status} from a write its permission refuses")

    run()
    assert not failures, "\n".join(failures[:5])


GET_OPERATIONS = [(method, path) for method, path in OPERATIONS if method == "GET"]


@pytest.mark.parametrize("actor", ACTORS)
def test_trust_6_every_read_answers_a_declared_status_with_the_declared_shape(world, db, actor):
    """Each GET operation on real records of the demo year, for each role: the status is one the schema
    declares for the operation and the body (success or error) has the declared shape."""
    headers = {"Cookie": f"sessionid={world['cookies'][actor]}"} if actor != "anonymous" else {}
    failures: list[str] = []
    calls = 0
    for method, path in GET_OPERATIONS:
        operation = world["schema"][path][method]
        for parameters in _real_parameters(path, world["numbers"])[:4] or [{}]:
            case = operation.Case(path_parameters=parameters or None)
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            calls += 1
            try:
                case.validate_response(
                    response,
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        response_schema_conformance,
                        content_type_conformance,
                    ],
                    headers=headers,
                )
            except (AssertionError, FailureGroup) as exc:
                failures.append(f"GET {case.formatted_path} {response.status_code}: {str(exc)[:400]}")
    assert calls > len(GET_OPERATIONS)
    assert not failures, "\n".join(failures[:8])


NUL_BODY = {
    name: "a\x00b"
    for name in (
        "name",
        "text",
        "reason",
        "note",
        "contact_name",
        "uscc",
        "number",
        "q",
        "comment",
        "statement",
    )
}


@pytest.mark.parametrize("actor", ROLES)
def test_nul_characters_anywhere_in_a_request_are_a_4xx_not_a_server_error(world, db, actor):
    """PostgreSQL text cannot hold NUL: every path parameter, query parameter and body string carrying one is
    refused as the caller's error (the generated examples above leave NUL out)."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = world["cookies"][actor]
    schema = world["schema"].raw_schema
    failures = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            concrete = re.sub(r"\{[^}]+\}", "a%00b", path)
            query = "&".join(
                f"{p['name']}=x%00y" for p in operation.get("parameters", []) if p["in"] == "query"
            )
            url = f"{concrete}?{query}" if query else concrete
            with transaction.atomic():
                response = client.generic(
                    method.upper(), url, data=json.dumps(NUL_BODY), content_type="application/json"
                )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
