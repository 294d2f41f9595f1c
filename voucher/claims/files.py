"""Content checks for claim files and the merge tool (SPEC R2).

Every file is checked by content with :func:`voucher.core.uploads.inspect_upload` (magic bytes, size,
extension), then opened: a PDF must not be encrypted and must be readable page by page (pypdf), an
image must decode (Pillow). The text of a PDF is extracted once at upload for the pre-checks (R8).

:func:`merge_to_pdf` combines several images and PDFs into one PDF in the given order: images become
pages with img2pdf (lossless), PDFs are appended page by page with pypdf.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import img2pdf
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from voucher.core.uploads import (
    JPEG,
    OFD,
    PDF,
    PNG,
    XML,
    InspectedFile,
    detect_kind,
    display_file_name,
    inspect_upload,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)

TEXT_LIMIT = 200_000
MERGE_MAX_FILES = 20


def max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the content checks, with what was read from it."""

    name: str
    data: bytes
    inspected: InspectedFile
    page_count: int | None
    text: str


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def clean_name(file: Any) -> str:
    return display_file_name(getattr(file, "name", "") or "")


def read_bytes(file: Any) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return bytes(data)


def pdf_facts(data: bytes, *, name: str, field: str = "file") -> tuple[int, str]:
    """Page count and extracted text of a PDF; refuses encrypted or unreadable files."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(field, f"文件“{name}”已加密或设有密码，请上传未加密的 PDF。", "pdf_encrypted")
        pages = len(reader.pages)
        parts = []
        for page in reader.pages:
            parts.append(page.extract_text() or "")
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many error types for damaged files
        raise _refuse(
            field, f"文件“{name}”无法读取，可能已损坏，请重新导出后上传。", "pdf_unreadable"
        ) from exc
    if pages == 0:
        raise _refuse(field, f"文件“{name}”没有页面。", "pdf_unreadable")
    return pages, clean_text("\n".join(parts))[:TEXT_LIMIT]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Extracted text without NULs and control characters (some CJK font subsets yield them; PostgreSQL
    text cannot hold NUL)."""
    return _CONTROL.sub("", text)


def image_check(data: bytes, *, name: str, field: str = "file") -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(field, f"图片“{name}”无法读取，可能已损坏。", "image_unreadable") from exc


def check_file(file: Any, *, allowed: Sequence[str], field: str = "file") -> CheckedFile:
    """Check one upload by content and read it (see module docstring)."""
    name = clean_name(file)
    inspected = inspect_upload(file, allowed=allowed, max_bytes=max_upload_bytes(), name=name, field=field)
    data = read_bytes(file)
    if inspected.kind == PDF:
        pages, text = pdf_facts(data, name=name, field=field)
        return CheckedFile(name, data, inspected, pages, text)
    if inspected.kind in (OFD, XML):  # read for its fields by voucher.claims.invoices at upload
        return CheckedFile(name, data, inspected, None, "")
    image_check(data, name=name, field=field)
    return CheckedFile(name, data, inspected, 1, "")


def _image_page(data: bytes) -> bytes:
    """One image as a one-page PDF; images img2pdf refuses (alpha channel, palette) are flattened first."""
    try:
        return bytes(img2pdf.convert(data))
    except Exception:
        with Image.open(io.BytesIO(data)) as image:
            flat = image.convert("RGB")
            buffer = io.BytesIO()
            flat.save(buffer, format="PNG")
        return bytes(img2pdf.convert(buffer.getvalue()))


def merge_to_pdf(parts: Sequence[tuple[str, bytes]], *, field: str = "files") -> bytes:
    """Combine images and PDFs into one PDF, in the order given (each part is ``(name, bytes)``)."""
    if len(parts) < 2:
        raise _refuse(field, "请至少选择两个文件进行合并。", "merge_too_few")
    if len(parts) > MERGE_MAX_FILES:
        raise _refuse(field, f"一次最多合并 {MERGE_MAX_FILES} 个文件。", "merge_too_many")
    writer = PdfWriter()
    for name, data in parts:
        kind = detect_kind(data)
        if kind == PDF:
            pdf_facts(data, name=name, field=field)
            try:
                writer.append(io.BytesIO(data))
            except (PdfReadError, ValueError) as exc:
                raise _refuse(field, f"文件“{name}”无法合并。", "pdf_unreadable") from exc
        elif kind in (PNG, JPEG):
            image_check(data, name=name, field=field)
            try:
                page = _image_page(data)
            except ValueError as exc:  # e.g. a few pixels make a page smaller than PDF allows
                raise _refuse(
                    field, f"图片“{name}”尺寸过小，无法转换为 PDF，请重新拍摄或扫描。", "image_too_small"
                ) from exc
            writer.append(io.BytesIO(page))
        else:
            raise _refuse(field, f"文件“{name}”不是 PDF 或图片，不能合并。", "merge_bad_type")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def parse_order(value: str | None, count: int, *, field: str = "order") -> list[int]:
    """``"3,1,2"`` (1-based positions) → ``[2, 0, 1]``; empty means the upload order."""
    if not value or not value.strip():
        return list(range(count))
    try:
        positions = [int(p) - 1 for p in value.replace("，", ",").split(",") if p.strip()]
    except ValueError:
        raise _refuse(field, "顺序请填写以逗号分隔的序号，如 3,1,2。", "merge_bad_order") from None
    if sorted(positions) != list(range(count)):
        raise _refuse(field, f"顺序须包含 1 至 {count} 的每个序号各一次。", "merge_bad_order")
    return positions
