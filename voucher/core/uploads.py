"""Checking uploaded files by their content, not their name.

A file's type is decided from its first bytes (magic numbers): PDF, PNG, JPEG, and Office Open XML
workbooks (a zip holding ``[Content_Types].xml`` and ``xl/``). The name's extension must agree with
the content, so a renamed executable (``setup.exe`` saved as ``合同.pdf``) is refused. Every app that
accepts files calls :func:`inspect_upload` before storing anything.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
XLSX = "xlsx"
ZIP = "zip"

CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ZIP: "application/zip",
}
EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    XLSX: {".xlsx"},
    ZIP: {".zip"},
}
LABELS = {PDF: "PDF", PNG: "PNG 图片", JPEG: "JPEG 图片", XLSX: "Excel（.xlsx）", ZIP: "ZIP 压缩包"}

# Executables and scripts are named in the refusal so the user understands why.
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class InspectedFile:
    """What the content of an upload turned out to be."""

    kind: str
    content_type: str
    size: int
    sha256: str

    @property
    def is_inline_viewable(self) -> bool:
        return self.kind in {PDF, PNG, JPEG}


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _read_all(file: IO[bytes] | Any) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return bytes(data)


def _is_xlsx(data: bytes) -> bool:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def detect_kind(data: bytes) -> str | None:
    """The file type from its content, or ``None`` when it is none of the accepted types."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return XLSX if _is_xlsx(data) else ZIP
    return None


def looks_executable(data: bytes) -> bool:
    """True for Windows/Linux/macOS executables and scripts with a ``#!`` line."""
    return data.startswith(_EXECUTABLE_SIGNATURES)


def inspect_upload(
    file: IO[bytes] | Any,
    *,
    allowed: Iterable[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
    field: str = "file",
) -> InspectedFile:
    """Check an upload's size, content type and extension; raise ``ValidationError({field: …})``.

    ``allowed`` are kinds from this module (``PDF``, ``PNG``, ``JPEG``, ``XLSX``, ``ZIP``).
    """
    allowed = list(allowed)
    file_name = name if name is not None else str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError({field: f"文件“{file_name}”超过大小上限 {max_bytes // (1024 * 1024)} MB。"})
    data = _read_all(file)
    if not data:
        raise ValidationError({field: f"文件“{file_name}”是空文件。"})
    if len(data) > max_bytes:
        raise ValidationError({field: f"文件“{file_name}”超过大小上限 {max_bytes // (1024 * 1024)} MB。"})
    accepted = "、".join(LABELS[k] for k in allowed)
    if looks_executable(data):
        raise ValidationError({field: f"文件“{file_name}”是可执行程序或脚本，不能上传；请上传{accepted}。"})
    kind = detect_kind(data)
    if kind is None or kind not in allowed:
        raise ValidationError({field: f"文件“{file_name}”的内容不是允许的格式；请上传{accepted}。"})
    extension = _extension(file_name)
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            {field: f"文件“{file_name}”的扩展名与内容不符（内容为{LABELS[kind]}），请改正文件名后重新上传。"}
        )
    return InspectedFile(
        kind=kind, content_type=CONTENT_TYPES[kind], size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def opaque_upload_name(folder: str, filename: str) -> str:
    """A storage name that reveals nothing of the user's file name: ``folder/<random hex><.ext>``.

    The original name is kept on the database row for display and download.
    """
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"{folder}/{uuid.uuid4().hex}{extension}"
