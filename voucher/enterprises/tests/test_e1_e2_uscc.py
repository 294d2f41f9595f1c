"""E1/E2: the credit code — checksum, authority/type decoding, Beijing registration; one reason per refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from voucher.demo.codes import make_uscc
from voucher.enterprises import uscc
from voucher.enterprises.choices import AuthStatus
from voucher.enterprises.services import enterprise_authenticate, enterprise_register
from voucher.testing.enterprises import reference_rows

AUTHORITY_ROWS = reference_rows("uscc_authority_type_codes.csv")


def build(prefix: str, division: str = "110108", body: str = "MA0012345") -> str:
    first17 = prefix + division + body
    return first17 + uscc.check_char(first17)


def test_e1_reference_vectors_validate() -> None:
    for code in [
        "91110000600037341L",
        "91110000710939135P",
        "91110302562134916R",
        "911103027404017237",
        "91110228MA0037BTXB",
    ]:
        assert uscc.check_eligible(code).code == code


def test_e1_own_check_char_agrees_with_stdnum() -> None:
    from stdnum.cn import uscc as stdnum_uscc

    for serial in range(1, 200, 7):
        code = make_uscc(serial)
        assert uscc.check_char(code[:17]) == stdnum_uscc.calc_check_digit(code[:17])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91110302MA222LU88A", "uscc_checksum"),
        ("91110000600037341I", "uscc_format"),
        ("9111000060003734", "uscc_length"),
        ("91110000600037341L0", "uscc_length"),
        ("9111A000600037341L", "uscc_format"),
        ("", "uscc_length"),
    ],
)
def test_e1_bad_codes_refused_with_reason(value: str, code: str) -> None:
    with pytest.raises(uscc.UsccRefused) as exc:
        uscc.check_eligible(value)
    assert exc.value.code == code
    assert exc.value.reason


def test_e1_compact_accepts_spaces_and_lower_case() -> None:
    assert uscc.check_eligible("9111 0000 6000 3734 1l").code == "91110000600037341L"


@pytest.mark.parametrize("division", [r["code"] for r in reference_rows("beijing_divisions.csv")])
def test_e1_every_current_beijing_division_accepted(division: str) -> None:
    assert uscc.check_eligible(build("91", division)).division_code == division


@pytest.mark.parametrize(
    "division", [r["code"] for r in reference_rows("beijing_uscc_extra_region_codes.csv")]
)
def test_e1_extra_beijing_registration_codes_accepted(division: str) -> None:
    assert uscc.check_eligible(build("91", division)).division_code == division


@pytest.mark.parametrize("division", ["310115", "120101", "130100", "110120", "440300"])
def test_e1_not_registered_in_beijing_refused(division: str) -> None:
    with pytest.raises(uscc.UsccRefused) as exc:
        uscc.check_eligible(build("91", division))
    assert exc.value.code == "not_beijing"
    assert division in exc.value.reason
    assert "北京" in exc.value.reason


@pytest.mark.parametrize("row", AUTHORITY_ROWS, ids=lambda r: r["authority_code"] + r["type_code"])
def test_e2_every_authority_type_row_decided_with_its_reason(row: dict[str, str]) -> None:
    code = build(row["authority_code"] + row["type_code"])
    info = uscc.decode(code)
    assert (info.authority_name, info.type_name) == (row["authority_name"], row["type_name"])
    pair = (row["authority_code"], row["type_code"])
    if pair == ("9", "1"):
        assert uscc.check_eligible(code).type_name == "企业"
        return
    with pytest.raises(uscc.UsccRefused) as exc:
        uscc.check_eligible(code)
    expected = {("9", "2"): "individual_business", ("9", "3"): "farmer_cooperative"}.get(
        pair, "not_enterprise"
    )
    assert exc.value.code == expected
    if expected == "not_enterprise":
        assert row["type_name"] in exc.value.reason
        assert row["authority_name"] in exc.value.reason
        assert "非企业单位" in exc.value.reason


@pytest.mark.parametrize(
    ("prefix", "flag"), [("92", "individual_businesses_eligible"), ("93", "farmer_cooperatives_eligible")]
)
def test_e2_individual_business_and_cooperative_follow_programme_setting(prefix: str, flag: str) -> None:
    code = build(prefix)
    with pytest.raises(uscc.UsccRefused):
        uscc.check_eligible(code)
    assert uscc.check_eligible(code, **{flag: True}).code == code


def test_e2_unknown_authority_type_pair_refused() -> None:
    with pytest.raises(uscc.UsccRefused) as exc:
        uscc.check_eligible(build("94"))
    assert exc.value.code == "uscc_unknown_type"


def test_e2_letter_authority_codes_decoded_not_reported_as_typos() -> None:
    """python-stdnum refuses N/A/Y codes as malformed; they are real codes of non-enterprise units."""
    code = build("N2")
    with pytest.raises(uscc.UsccRefused) as exc:
        uscc.check_eligible(code)
    assert exc.value.code == "not_enterprise"
    assert "村级集体经济组织" in exc.value.reason


def test_e2_kindergarten_as_public_institution_refused_at_signup(db) -> None:
    with pytest.raises(ValidationError) as exc:
        enterprise_register(
            name="北京市某幼儿园",
            uscc=build("12", "110105"),
            username="kg",
            password="Kinder-2025-pw",
            contact_name="园长",
            contact_phone="13800138000",
        )
    assert "事业单位" in exc.value.message_dict["uscc"][0]


def test_e2_refusal_stored_on_authentication(enterprise_user, programme_2025) -> None:
    organisation = enterprise_user.organisation
    organisation.uscc = None
    organisation.save()
    auth = enterprise_authenticate(
        actor=enterprise_user, organisation=organisation, uscc=build("52", "110108")
    )
    assert auth.status == AuthStatus.REFUSED
    assert auth.refusal_code == "not_enterprise"
    assert "民办非企业单位" in auth.reason


def test_e1_authenticate_refuses_a_code_that_differs_from_the_registered_one(enterprise_user) -> None:
    with pytest.raises(ValidationError) as exc:
        enterprise_authenticate(
            actor=enterprise_user, organisation=enterprise_user.organisation, uscc="91110000600037341L"
        )
    assert "不一致" in exc.value.message_dict["uscc"][0]


def test_e1_malformed_code_is_a_field_error_and_stores_nothing(enterprise_user) -> None:
    from voucher.enterprises.models import EnterpriseAuthentication

    with pytest.raises(ValidationError) as exc:
        enterprise_authenticate(actor=enterprise_user, organisation=enterprise_user.organisation, uscc="123")
    assert "uscc" in exc.value.message_dict
    assert not EnterpriseAuthentication.objects.exists()
