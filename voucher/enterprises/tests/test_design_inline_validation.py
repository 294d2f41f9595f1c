"""E1, E2 as the field is left: the signup page checks the credit code with htmx before anything is sent.

The check answers the one field again with its errors (the same service function that registration
uses), writes nothing, and leaves every other request of the page as it was.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from voucher.accounts.models import Organisation, User
from voucher.demo.codes import make_uscc

HTMX = {"HTTP_HX_REQUEST": "true"}


def _signup_data(uscc: str) -> dict[str, str]:
    return {
        "name": "北京新芽食品有限公司",
        "uscc": uscc,
        "contact_name": "刘一",
        "contact_phone": "13900001111",
        "username": "xinya",
        "password": "Xinya-2025-food",
        "password_again": "Xinya-2025-food",
    }


def _check(field: str, data: dict[str, str]):
    return Client().post(reverse("enterprises:signup"), data, **HTMX, HTTP_HX_VALIDATE_FIELD=field)


@pytest.mark.django_db
def test_design_inline_check_refuses_a_non_beijing_code_at_the_field_and_saves_nothing(
    programme_2025,
) -> None:
    response = _check("uscc", _signup_data(make_uscc(4322, division="310115")))
    page = response.content.decode()
    assert response.status_code == 200
    assert "不是北京市的登记机关" in page
    assert 'name="uscc"' in page and "is-invalid" in page
    assert 'name="username"' not in page  # only the field that was left comes back
    assert not Organisation.objects.exists() and not User.objects.filter(username="xinya").exists()


@pytest.mark.django_db
def test_design_inline_check_refuses_a_code_already_registered(programme_2025) -> None:
    code = make_uscc(4321, division="110302")
    Organisation.objects.create(name="北京已注册有限公司", uscc=code, is_enterprise=True)
    page = _check("uscc", _signup_data(code)).content.decode()
    assert "该统一社会信用代码已注册" in page


@pytest.mark.django_db
def test_design_inline_check_passes_a_good_code_and_still_registers_nothing(programme_2025) -> None:
    page = _check("uscc", _signup_data(make_uscc(4321, division="110302"))).content.decode()
    assert "is-invalid" not in page and 'hx-post="/' in page
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_design_inline_check_of_another_field_uses_the_form_rules(programme_2025) -> None:
    data = _signup_data(make_uscc(4321, division="110302")) | {"contact_phone": "12345"}
    page = _check("contact_phone", data).content.decode()
    assert 'name="contact_phone"' in page and "is-invalid" in page


@pytest.mark.django_db
def test_design_signup_without_the_header_registers_as_before(programme_2025) -> None:
    response = Client().post(
        reverse("enterprises:signup"), _signup_data(make_uscc(4321, division="110302")), **HTMX
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="北京新芽食品有限公司").exists()


@pytest.mark.django_db
def test_design_signup_page_wires_each_field_for_inline_checks(programme_2025) -> None:
    page = Client().get(reverse("enterprises:signup")).content.decode()
    assert page.count('hx-trigger="change"') == len(
        ["name", "uscc", "registered_address", "contact_name", "contact_phone", "username"]
    )


@pytest.mark.django_db
def test_design_password_fields_are_not_checked_inline(programme_2025) -> None:
    """A password is never sent back by the server, so re-rendering its field would erase what was typed."""
    page = Client().get(reverse("enterprises:signup")).content.decode()
    for name in ("password", "password_again"):
        block = page.split(f'name="{name}"')[0].rsplit('<div class="', 2)
        assert "inline-check" not in block[-2] + block[-1], name
