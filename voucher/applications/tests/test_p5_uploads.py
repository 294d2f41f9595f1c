"""P5: typed upload slots, content-checked files (voucher.core.uploads), folders "序号-产品名称"."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from voucher.applications import services
from voucher.applications.choices import MaterialKind
from voucher.applications.models import Material
from voucher.applications.samples import tiny_pdf, tiny_png
from voucher.core import uploads
from voucher.core.models import AuditEvent
from voucher.testing.applications import pdf_file

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (tiny_pdf(), "pdf"),
        (tiny_png(), "png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx"),
        (_zip(["a.txt"]), "zip"),
        (EXE, None),
        (b"hello", None),
    ],
)
def test_p5_detect_kind_by_magic_bytes(data, kind):
    assert uploads.detect_kind(data) == kind


def test_p5_renamed_executable_as_pdf_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect_upload(SimpleUploadedFile("合同.pdf", EXE), allowed=["pdf"])
    assert "可执行程序" in exc.value.message_dict["file"][0]


def test_p5_text_file_renamed_as_pdf_is_refused():
    with pytest.raises(ValidationError):
        uploads.inspect_upload(SimpleUploadedFile("合同.pdf", b"just text"), allowed=["pdf"])


def test_p5_extension_must_match_content():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect_upload(SimpleUploadedFile("截图.pdf", tiny_png()), allowed=["pdf", "png"])
    assert "扩展名" in exc.value.message_dict["file"][0]


def test_p5_size_limit():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect_upload(SimpleUploadedFile("a.pdf", tiny_pdf()), allowed=["pdf"], max_bytes=100)
    assert "大小上限" in exc.value.message_dict["file"][0]


def test_p5_empty_file_refused():
    with pytest.raises(ValidationError):
        uploads.inspect_upload(SimpleUploadedFile("a.pdf", b""), allowed=["pdf"])


def test_p5_inspect_reports_type_and_hash():
    result = uploads.inspect_upload(SimpleUploadedFile("a.PDF", tiny_pdf()), allowed=["pdf"])
    assert result.content_type == "application/pdf" and len(result.sha256) == 64


@pytest.mark.django_db
def test_p5_renamed_executable_is_refused_by_the_service_and_nothing_stored(provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    with pytest.raises(ValidationError):
        services.material_upload(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind=MaterialKind.PRICE_PROOF,
            file=SimpleUploadedFile("价格证明.pdf", EXE),
            application=application,
        )
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_p5_upload_is_stored_through_the_storage_api_and_audited(provider_user, programme_2025):
    application = services.application_create(
        actor=provider_user, programme=programme_2025, data={"product_name": "京韵设计"}
    )
    material = services.material_upload(
        actor=provider_user,
        organisation=provider_user.organisation,
        programme=programme_2025,
        kind=MaterialKind.PRICE_PROOF,
        file=pdf_file("报价明细.pdf"),
        application=application,
    )
    assert default_storage.exists(material.file.name)
    assert material.original_name == "报价明细.pdf"
    assert material.folder == f"{application.sequence}-京韵设计"
    assert AuditEvent.objects.filter(action="material.uploaded", object_id=str(material.pk)).exists()


@pytest.mark.django_db
def test_p5_folder_name_uses_the_sequence(provider_user, programme_2025):
    first = services.application_create(
        actor=provider_user, programme=programme_2025, data={"product_name": "甲"}
    )
    second = services.application_create(
        actor=provider_user, programme=programme_2025, data={"product_name": "乙"}
    )
    assert (first.folder_name, second.folder_name) == ("1-甲", "2-乙")


@pytest.mark.django_db
def test_p5_form_excel_slot_takes_only_xlsx(provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    with pytest.raises(ValidationError):
        services.material_upload(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind=MaterialKind.FORM_EXCEL,
            file=pdf_file(),
            application=application,
        )


@pytest.mark.django_db
def test_p5_single_slot_replaces_the_previous_file(provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    for name in ("扫描件1.pdf", "扫描件2.pdf"):
        services.material_upload(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind=MaterialKind.FORM_SCAN,
            file=pdf_file(name),
            application=application,
        )
    assert list(application.materials.values_list("original_name", flat=True)) == ["扫描件2.pdf"]


@pytest.mark.django_db
def test_p5_provider_slot_cannot_hold_product_files(provider_user, programme_2025):
    with pytest.raises(ValidationError):
        services.material_upload(
            actor=provider_user,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind=MaterialKind.PRICE_PROOF,
            file=pdf_file(),
        )


@pytest.mark.django_db
def test_p5_files_locked_after_submit(provider_user, submitted):
    material = submitted.materials.first()
    with pytest.raises(PermissionDenied):
        services.material_delete(actor=provider_user, material=material)
    with pytest.raises(PermissionDenied):
        services.material_upload(
            actor=provider_user,
            organisation=submitted.organisation,
            programme=submitted.programme,
            kind=MaterialKind.PRICE_PROOF,
            file=pdf_file(),
            application=submitted,
        )
    provider_file = Material.objects.filter(application__isnull=True).first()
    with pytest.raises(PermissionDenied):
        services.material_delete(actor=provider_user, material=provider_file)


@pytest.mark.django_db
def test_p5_other_provider_cannot_upload_to_an_application(other_provider, provider_user, programme_2025):
    application = services.application_create(actor=provider_user, programme=programme_2025)
    with pytest.raises(PermissionDenied):
        services.material_upload(
            actor=other_provider,
            organisation=provider_user.organisation,
            programme=programme_2025,
            kind=MaterialKind.PRICE_PROOF,
            file=pdf_file(),
            application=application,
        )
