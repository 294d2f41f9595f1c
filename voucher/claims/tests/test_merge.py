"""R2 merge tool: several images/PDFs become one PDF, pages in the order the user chose."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from voucher.claims import services
from voucher.claims.choices import MaterialKind
from voucher.claims.files import merge_to_pdf
from voucher.testing.claims import image_file, make_pdf, pdf_file, png_bytes

RED, GREEN, BLUE = (220, 0, 0), (0, 200, 0), (0, 0, 230)


def page_colours(data: bytes) -> list[tuple[int, int, int]]:
    colours = []
    for page in PdfReader(io.BytesIO(data)).pages:
        image = next(iter(page.images)).image
        assert image is not None
        colours.append(Image.Image.convert(image, "RGB").getpixel((1, 1)))
    return colours


def test_r2_three_images_become_one_pdf_with_three_pages_in_the_given_order():
    merged = merge_to_pdf(
        [("1.png", png_bytes(RED)), ("2.png", png_bytes(GREEN)), ("3.png", png_bytes(BLUE))]
    )
    assert merged.startswith(b"%PDF-")
    assert page_colours(merged) == [RED, GREEN, BLUE]


@pytest.mark.django_db
def test_r2_merge_into_bank_receipt_slot_with_chosen_order(claim, provider):
    files = [image_file("a.png", RED), image_file("b.png", GREEN), image_file("c.png", BLUE)]
    material = services.claim_material_merge(
        actor=provider, claim=claim, kind=MaterialKind.BANK_RECEIPT, files=files, order="3,1,2", name="回单"
    )
    assert material.page_count == 3
    assert material.original_name == "回单.pdf"
    assert material.merged_from == ["c.png", "a.png", "b.png"]
    with material.file.open("rb") as handle:
        assert page_colours(handle.read()) == [BLUE, RED, GREEN]


def test_r2_merge_mixes_pdfs_and_images():
    merged = merge_to_pdf([("a.pdf", make_pdf(["第一页"])), ("b.png", png_bytes(RED))])
    assert len(PdfReader(io.BytesIO(merged)).pages) == 2


def test_r2_merge_refuses_a_single_file_and_a_bad_order():
    with pytest.raises(ValidationError) as info:
        merge_to_pdf([("a.png", png_bytes())])
    assert info.value.error_dict["files"][0].code == "merge_too_few"
    from voucher.claims.files import parse_order

    with pytest.raises(ValidationError) as info:
        parse_order("1,1,2", 3)
    assert info.value.error_dict["order"][0].code == "merge_bad_order"
    assert parse_order("2,3,1", 3) == [1, 2, 0]


@pytest.mark.django_db
def test_r2_merge_refuses_non_pdf_non_image(claim, provider):
    bad = pdf_file("x.pdf", data=b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        services.claim_material_merge(
            actor=provider, claim=claim, kind=MaterialKind.OTHER, files=[image_file(), bad]
        )
