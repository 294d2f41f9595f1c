"""The published API contract is true (issue 17, item 6).

The schema at /api/v1/openapi.json validates as OpenAPI, names each component after one class only (so every
operation publishes its own shape), declares on every operation the error answers it can give, and
declares no status twice. Responses per role are checked against it in tests/test_api_fuzz.py.
"""

from __future__ import annotations

import json
import typing
from collections import defaultdict
from typing import Any

import openapi_spec_validator
import pydantic
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates, f"declared twice: {sorted(duplicates)}"
    return dict(pairs)


@pytest.fixture
def published(admin_user) -> dict[str, Any]:
    """The schema as a client reads it (JSON text: a status given as 200 and as "200" would appear twice)."""
    client = Client()
    client.force_login(admin_user)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content, object_pairs_hook=_no_duplicate_keys)


def test_trust_6_no_operation_declares_a_response_code_twice(published):
    for path, item in published["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], (method, path)


def test_trust_6_the_published_schema_validates_as_openapi(published):
    openapi_spec_validator.validate(published)


def test_trust_6_the_docs_page_renders_the_schema(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "openapi.json" in response.content.decode()


def _models(annotation: Any) -> typing.Iterator[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _schema_classes() -> dict[str, set[str]]:
    """Every pydantic class an operation reads or answers with (nested ones too), by published name."""
    from config.api import api

    api.get_openapi_schema()  # binds the routers
    names: dict[str, set[str]] = defaultdict(set)
    seen: set[type] = set()

    def walk(model: type[pydantic.BaseModel], wrapper: bool) -> None:
        if model in seen:
            return
        seen.add(model)
        if not wrapper:
            names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
        for info in model.model_fields.values():
            for nested in _models(info.annotation):
                walk(nested, False)

    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                # The parameter and response wrappers ninja builds are not published as components.
                for model in operation.models:
                    walk(model, True)
                for model in operation.response_models.values():
                    for found in _models(model):
                        walk(found, True)
    return names


def test_trust_6_every_component_name_belongs_to_one_class(published):
    names = _schema_classes()
    shared = {name: sorted(classes) for name, classes in names.items() if len(classes) > 1}
    assert not shared, shared
    assert len(names) > 50
    components = published["components"]["schemas"]
    assert {"ApplicationMaterialOut", "ClaimMaterialOut", "ReviewMaterialOut"} <= set(components)


def test_trust_6_each_operation_publishes_its_own_shape(published):
    """The claim material upload answers a claim material, not an application's (they differ in fields)."""
    from voucher.claims.api import ClaimMaterialOut

    operation = published["paths"]["/api/v1/claims/{number}/materials"]["post"]
    ref = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    component = published["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(component["properties"]) == set(ClaimMaterialOut.model_fields)


def _declared(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def test_trust_6_every_operation_declares_the_error_answers_it_can_give(published):
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(published["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "fields"}
    missing = []
    for path, item in published["paths"].items():
        for method, operation in item.items():
            expected = set()
            if operation.get("security"):
                expected |= {401, 403}
            if any(p["in"] == "path" for p in operation.get("parameters", [])):
                expected |= {403, 404, 422}
            if method in {"post", "put", "patch", "delete"}:
                expected |= {403, 409, 422, 429}
            if operation.get("parameters"):
                expected.add(422)
            if not expected <= _declared(operation):
                missing.append(f"{method.upper()} {path}: {sorted(expected - _declared(operation))}")
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert answer["content"]["application/json"]["schema"] == error, (method, path, status)
    assert not missing, "\n".join(missing)


def test_trust_6_a_declared_error_answer_has_the_declared_shape(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"}
