"""Issue 17 item 3: a request body over the upload limit is refused from its length, before it is read."""

from __future__ import annotations

import io

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client, RequestFactory

from voucher.core.middleware import RefuseOversizedBodyMiddleware

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    def read(self, *_args):  # pragma: no cover - reaching it fails the test
        raise AssertionError("the body was read")


def test_trust_3_an_oversized_body_is_refused_without_reading_it(settings):
    environ = RequestFactory().post("/accounts/login/").environ
    environ.update(
        {"CONTENT_LENGTH": str(settings.VOUCHER_REQUEST_MAX_BYTES + 1), "wsgi.input": Unreadable()}
    )
    reached = []
    middleware = RefuseOversizedBodyMiddleware(lambda request: reached.append(request) or None)
    response = middleware(WSGIRequest(environ))
    assert response.status_code == 413 and not reached
    assert "超过 21 MB 上限" in response.content.decode()


def test_trust_3_the_api_answers_413_with_a_code(settings):
    response = Client().post(
        "/api/v1/orders/",
        data=b"x",
        content_type="application/json",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_trust_3_a_body_within_the_limit_passes(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
