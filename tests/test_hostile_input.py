"""Hostile input (issue 11, item 3): zip bombs and huge sheets, malformed and oversized PDFs, image
decompression bombs, path traversal in file names, script tags and Unicode tricks in text, and CSRF on
every form and session-authenticated API write.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from voucher.claims import services as claim_services
from voucher.claims.choices import MaterialKind
from voucher.claims.models import ClaimMaterial
from voucher.core import uploads
from voucher.core.uploads import XLSX, check_pdf, display_file_name, inspect_upload, opaque_upload_name
from voucher.enterprises.models import CreditListImport
from voucher.enterprises.services import credit_list_import_preview
from voucher.orders import services as order_services
from voucher.testing.claims import claim, contract, on_claim_day, pdf_file  # noqa: F401
from voucher.testing.contracts import order  # noqa: F401
from voucher.testing.orders import buyer, on_order_day, product, provider  # noqa: F401
from voucher.testing.urls import sample_path, site_pages

PAGES = site_pages()


def workbook_bytes(rows: int = 3, columns: int = 2) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    for r in range(rows):
        sheet.append([f"r{r}c{c}" for c in range(columns)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one more member (stored deflated)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def xlsx(data: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


# --- spreadsheets ------------------------------------------------------------------------------------------


def test_an_ordinary_workbook_passes():
    assert inspect_upload(xlsx(workbook_bytes(50, 10)), allowed=[XLSX]).kind == XLSX


def test_a_zip_bomb_workbook_is_refused_before_openpyxl_opens_it():
    bomb = with_member(workbook_bytes(), "xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 100_000  # 8 MB of zeros packs to a few kilobytes
    with pytest.raises(ValidationError) as exc:
        inspect_upload(xlsx(bomb), allowed=[XLSX])
    assert codes(exc.value) == {"archive_bomb"}
    assert "压缩炸弹" in str(exc.value)


def test_a_workbook_unpacking_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 100_000)
    with pytest.raises(ValidationError) as exc:
        inspect_upload(xlsx(workbook_bytes(3000, 5)), allowed=[XLSX])
    assert codes(exc.value) == {"archive_bomb"}


def test_a_sheet_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SHEET_ROWS", 500)
    inspect_upload(xlsx(workbook_bytes(500, 2)), allowed=[XLSX])
    with pytest.raises(ValidationError) as exc:
        inspect_upload(xlsx(workbook_bytes(501, 2)), allowed=[XLSX])
    assert codes(exc.value) == {"sheet_too_large"}
    assert "501 行" in str(exc.value)


def test_a_sheet_with_too_many_columns_is_refused():
    with pytest.raises(ValidationError) as exc:
        inspect_upload(xlsx(workbook_bytes(2, 201)), allowed=[XLSX])
    assert codes(exc.value) == {"sheet_too_large"}


def test_a_sheet_whose_dimension_lies_is_still_counted(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SHEET_ROWS", 100)
    data = workbook_bytes(300, 2)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b'<dimension ref="A1:B300"/>', b'<dimension ref="A1:B2"/>')
            target.writestr(item, content)
    with pytest.raises(ValidationError) as exc:
        inspect_upload(xlsx(out.getvalue()), allowed=[XLSX])
    assert codes(exc.value) == {"sheet_too_large"}


@pytest.mark.django_db
def test_e_credit_list_import_refuses_a_zip_bomb_and_stores_nothing(admin_user):
    bomb = with_member(workbook_bytes(), "xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        credit_list_import_preview(actor=admin_user, file_name="失信名单.xlsx", content=bomb)
    assert codes(exc.value) == {"archive_bomb"}
    assert not CreditListImport.objects.exists()


# --- PDFs and images ---------------------------------------------------------------------------------------


def pdf_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdfs_that_do_not_parse_or_have_too_many_pages_are_refused():
    assert check_pdf(pdf_pages(3), name="a.pdf", max_pages=3) == 3
    with pytest.raises(ValidationError) as exc:
        check_pdf(pdf_pages(4), name="a.pdf", max_pages=3)
    assert codes(exc.value) == {"pdf_too_many_pages"}
    with pytest.raises(ValidationError) as exc:
        inspect_upload(
            SimpleUploadedFile("坏.pdf", b"%PDF-1.7\n" + b"\xff" * 500), allowed=["pdf"], parse_pdf=True
        )
    assert codes(exc.value) == {"pdf_unreadable"}


def png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_image_with_a_huge_pixel_count_is_refused_from_its_header():
    bomb = png((8000, 6000), mode="1")  # 48 megapixels in a few kilobytes
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError) as exc:
        inspect_upload(SimpleUploadedFile("回单.png", bomb), allowed=["png"])
    assert codes(exc.value) == {"image_too_large"}
    assert "像素过多" in str(exc.value)
    truncated = b"\x89PNG\r\n\x1a\n" + b"not an image" * 10
    with pytest.raises(ValidationError) as exc:
        inspect_upload(SimpleUploadedFile("回单.png", truncated), allowed=["png"])
    assert codes(exc.value) == {"image_unreadable"}


@pytest.mark.django_db
def test_r2_claim_upload_refuses_an_image_bomb_and_stores_nothing(claim, provider, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    bomb = SimpleUploadedFile("回单.png", png((8000, 6000), mode="1"), content_type="image/png")
    with pytest.raises(ValidationError):
        claim_services.claim_material_upload(
            actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, file=bomb
        )
    assert not ClaimMaterial.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.png"))


# --- file names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../x.pdf",
        "..\\..\\x.pdf",
        "/etc/passwd.pdf",
        "x./../../etc",
        "a.pdf/../../b",
        "合同.\u202efdp",
        "x.p\x00df",
    ],
)
def test_storage_names_never_carry_a_path_from_the_user(name):
    stored = opaque_upload_name("claims/2025", name)
    folder, _, leaf = stored.rpartition("/")
    assert folder == "claims/2025"
    assert ".." not in stored and "\\" not in leaf and "\x00" not in stored and "\u202e" not in stored
    assert len(leaf.split(".")[0]) == 32


@pytest.mark.django_db
def test_r2_an_uploaded_file_named_with_a_traversal_is_stored_inside_media(
    claim,  # noqa: F811
    provider,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    material = claim_services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.PLEDGE, file=pdf_file("../../../承诺.pdf", ["承诺"])
    )
    assert ".." not in material.file.name
    path = (tmp_path / "media" / material.file.name).resolve()
    assert path.is_file() and str(path).startswith(str((tmp_path / "media").resolve()))


# --- output escaping ---------------------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script>\u202egpj.exe\u200b<img src=x onerror=alert(1)>"


@pytest.mark.django_db
def test_script_tags_and_unicode_tricks_in_text_are_escaped_in_pages(client, buyer, product, provider):  # noqa: F811
    placed = order_services.order_place(
        actor=buyer,
        product=product,
        idempotency_key=uuid.uuid4().hex,
        contact_name=HOSTILE[:40],
        contact_mobile="13912345678",
        note=HOSTILE,
    )
    for user in (buyer, provider):
        client.force_login(user)
        page = client.get(f"/orders/{placed.number}/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.django_db
def test_r2_a_hostile_file_name_is_escaped_on_the_claim_page(client, claim, provider, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    name = "<img src=x onerror=alert(1)>\u202efdp.pdf"
    claim_services.claim_material_upload(
        actor=provider, claim=claim, kind=MaterialKind.PLEDGE, file=pdf_file(name, ["承诺"])
    )
    client.force_login(provider)
    page = client.get(f"/claims/{claim.order.number}/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# --- CSRF --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), PAGES, ids=[name for name, _ in PAGES])
def test_every_page_refuses_a_post_without_the_csrf_token(name, route, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(sample_path(route), {"x": "1"})
    assert response.status_code == 403, (name, response.status_code)


def _session_writes() -> list[tuple[str, str]]:
    """Write operations behind session authentication (public ones have no session for a token to protect)."""
    from config.api import api

    schema = api.get_openapi_schema()
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"} and operation.get("security")
    )


WRITES = _session_writes()


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_every_session_api_write_refuses_a_call_without_the_csrf_token(method, path, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    concrete = re.sub(r"\{[^}]+\}", "999999", path)
    response = client.generic(method.upper(), concrete, data="{}", content_type="application/json")
    assert response.status_code == 403, (response.status_code, response.content[:200])


@pytest.mark.django_db
def test_p5_an_application_material_that_is_not_a_readable_pdf_is_refused_and_not_stored(
    provider_user, programme_2025
):
    from voucher.applications import services as application_services
    from voucher.applications.models import Material

    broken = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.7\n" + b"\xff" * 500, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        application_services.material_upload(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind="licence",
            file=broken,
        )
    assert "无法读取" in str(exc.value)
    assert not Material.objects.exists()


# --- invisible characters in file names and tiny images ----------------------------------------------------

INVISIBLE = [
    *map(chr, range(0x200B, 0x2010)),  # zero-width space … right-to-left mark
    *map(chr, range(0x202A, 0x202F)),  # bidirectional embeddings and overrides
    *map(chr, range(0x2066, 0x206A)),  # bidirectional isolates
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen (another format character)
    "\u061c",  # Arabic letter mark
    "\u2028",  # line separator
    "\x07",
]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_dropped_from_the_file_name_kept_for_display(char):
    assert display_file_name(f"{char}合同{char}扫描件.pdf{char}") == "合同扫描件.pdf"


def test_the_kept_file_name_is_what_people_see_and_its_extension_is_the_one_checked():
    # "发票\u202egpj.exe" reads as "发票exe.jpg"; kept as "发票gpj.exe", the .exe is what gets checked.
    assert display_file_name("C:\\下载\\发票\u202egpj.exe") == "发票gpj.exe"
    with pytest.raises(ValidationError) as exc:
        inspect_upload(
            SimpleUploadedFile("x", png((4, 4))),
            allowed=["png", "jpeg"],
            name=display_file_name("发票\u202egpj.exe"),
        )
    assert "扩展名与内容不符" in str(exc.value)
    assert display_file_name("\u200b\u202e\u2066") == ""


@pytest.mark.django_db
def test_r2_a_claim_file_keeps_its_name_without_invisible_characters(claim, provider, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    material = claim_services.claim_material_upload(
        actor=provider,
        claim=claim,
        kind=MaterialKind.PLEDGE,
        file=pdf_file("\ufeff承诺\u200b书\u202e.pdf", ["承诺"]),
    )
    assert material.original_name == "承诺书.pdf"


@pytest.mark.django_db
def test_p5_an_application_file_keeps_its_name_without_invisible_characters(
    provider_user, programme_2025, settings, tmp_path
):
    from voucher.applications import services as application_services
    from voucher.applications.samples import tiny_pdf

    settings.MEDIA_ROOT = str(tmp_path / "media")
    material = application_services.material_upload(
        actor=provider_user,
        organisation=provider_user.organisation,
        programme=programme_2025,
        kind="licence",
        file=SimpleUploadedFile("营业\u2067执照\u2069.pdf", tiny_pdf("执照"), content_type="application/pdf"),
    )
    assert material.original_name == "营业执照.pdf"


def test_v3_an_objection_file_keeps_its_name_without_invisible_characters():
    from voucher.reviews.services import objection_fields_check

    errors: dict[str, list[str]] = {}
    _values, inspected, name = objection_fields_check(
        errors,
        name="张三",
        contact="13800000000",
        text="异议",
        file=SimpleUploadedFile("证据\u200f.png", png((4, 4))),
    )
    assert not errors and inspected is not None and name == "证据.png"


@pytest.mark.django_db
def test_e_a_credit_list_import_keeps_its_name_without_invisible_characters(admin_user):
    from voucher.testing.enterprises import CSV

    batch = credit_list_import_preview(actor=admin_user, file_name="\u202e失信名单.csv", content=CSV.encode())
    assert batch.file_name == "失信名单.csv"


def test_r2_an_image_too_small_for_a_pdf_page_is_refused_when_merging():
    """A 2×2 pixel image makes a page smaller than PDF allows: refused with a code, not a server error."""
    from voucher.claims.files import merge_to_pdf

    with pytest.raises(ValidationError) as exc:
        merge_to_pdf([("小.png", png((2, 2))), ("大.png", png((60, 40)))])
    assert codes(exc.value) == {"image_too_small"}
    assert len(merge_to_pdf([("a.png", png((60, 40))), ("b.png", png((60, 40)))])) > 0


# --- NUL in query strings ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), PAGES, ids=[name for name, _ in PAGES])
def test_every_page_answers_400_to_a_nul_in_its_query_string(name, route, admin_user):
    """PostgreSQL refuses text with NUL; a filter fed one must not become a server error."""
    client = Client()
    client.force_login(admin_user)
    response = client.get(sample_path(route), {"q": "a\x00b", "status": "\x00"})
    assert response.status_code == 400, (name, response.status_code)
    assert "查询参数含有无效字符" in response.content.decode()


@pytest.mark.django_db
def test_an_ordinary_query_string_still_reaches_the_page(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/catalogue/", {"q": "数字化"}).status_code == 200
    assert client.get("/audit/", {"action": "order.placed"}).status_code == 200
