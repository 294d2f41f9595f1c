"""Issue 17, item 2: one normaliser for stored text and one key for comparing identifiers."""

from __future__ import annotations

import pytest

from voucher.accounts.models import Organisation
from voucher.core.text import clean_text, identifier_key
from voucher.core.uploads import display_file_name

HIDDEN = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
]


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_trust_2_clean_text_strips_controls_and_invisible_characters(char):
    assert clean_text(f"{char}北京{char}甲公司{char}") == "北京甲公司"


def test_trust_2_multiline_keeps_newline_and_tab_only():
    assert clean_text("一\r\n二\r三\u2028四\t五\x07\u202e", multiline=True) == "一\n二\n三\n四\t五"
    assert clean_text("一\n二\t三") == "一二三"
    assert clean_text(None) == "" and clean_text("") == ""


def test_trust_2_identifier_key_makes_spellings_of_one_identifier_collide():
    key = identifier_key("RACE-1")
    for spelling in (
        "RACE-1\u200b",
        "\ufeffRACE-1",
        " race-1 ",
        "ＲＡＣＥ－１",
        "RACE\u202e-1",
        "Race-1\x07",
    ):
        assert identifier_key(spelling) == key, spelling
    assert identifier_key("RACE-2") != key
    assert identifier_key("北京  市经济和信息化局") == identifier_key("北京 市经济和信息化局")


def test_trust_2_file_names_use_the_same_normaliser():
    assert display_file_name("发票\u202egpj.exe") == clean_text("发票\u202egpj.exe") == "发票gpj.exe"


@pytest.mark.django_db
def test_trust_2_free_text_is_cleaned_on_its_way_into_the_database():
    organisation = Organisation.objects.create(
        name="北京\u200b甲\u202e公司", is_enterprise=True, registered_address="海淀区\x07中关村\u2066"
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.registered_address) == ("北京甲公司", "海淀区中关村")
    organisation.contact_name = "王\ufeff经理"
    organisation.save(update_fields=["contact_name"])
    organisation.refresh_from_db()
    assert organisation.contact_name == "王经理"
