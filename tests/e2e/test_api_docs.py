"""The published API documentation renders every operation in a real browser (issue: the API contract)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_trust_6_api_docs_page_renders_the_operations(live_server, desktop):
    errors: list[str] = []
    desktop.on("pageerror", lambda error: errors.append(str(error)))
    desktop.goto(live_server.url + "/api/v1/docs")
    desktop.wait_for_selector(".opblock", timeout=30_000)
    operations = desktop.locator(".opblock").count()
    schema = desktop.request.get(live_server.url + "/api/v1/openapi.json").json()
    declared = sum(
        1
        for path in schema["paths"].values()
        for method in path
        if method in {"get", "post", "put", "patch", "delete"}
    )
    assert operations == declared > 50
    assert not errors, errors
    assert desktop.locator(".errors-wrapper").count() == 0
