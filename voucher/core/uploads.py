"""Checking uploaded files by their content, not their name.

A file's type is decided from its first bytes (magic numbers): PDF, PNG, JPEG, Office Open XML
workbooks (a zip holding ``[Content_Types].xml`` and ``xl/``), OFD documents (a zip holding ``OFD.xml``,
GB/T 33190) and XML documents (``<?xml``, e.g. the 数电票 original). The name's extension must agree with
the content, so a renamed executable (``setup.exe`` saved as ``合同.pdf``) is refused. Every app that
accepts files calls :func:`inspect_upload` before storing anything.

Hostile content is refused before any parser sees it: archives (workbooks) whose unpacked size, entry
count or compression ratio is out of proportion (zip bombs), workbooks with more rows or columns than
any real form, images whose pixel count would exhaust memory (decompression bombs), and, where the
caller asks for it, PDFs that do not parse or have too many pages.

Files saved while a transaction is open are kept only if it commits: :func:`on_commit_or_discard`
registers the work to do after commit together with the files saved for it, and deletes those files
when the transaction (or the savepoint) rolls back instead.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
import weakref
import zipfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.db import transaction

from voucher.core.text import clean_text

logger = logging.getLogger(__name__)

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
XLSX = "xlsx"
ZIP = "zip"
OFD = "ofd"
XML = "xml"

CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ZIP: "application/zip",
    OFD: "application/ofd",
    XML: "application/xml",
}
EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    XLSX: {".xlsx"},
    ZIP: {".zip"},
    OFD: {".ofd"},
    XML: {".xml"},
}
LABELS = {
    PDF: "PDF",
    PNG: "PNG 图片",
    JPEG: "JPEG 图片",
    XLSX: "Excel（.xlsx）",
    ZIP: "ZIP 压缩包",
    OFD: "OFD",
    XML: "XML",
}

# Executables and scripts are named in the refusal so the user understands why.
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Limits on what an upload may unpack to. Real workbooks compress about 5–20×; a zip bomb does 1000×.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100
MAX_SHEET_ROWS = 20000
MAX_SHEET_COLUMNS = 200
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 500
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})\d+\"")


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


def _zip_kind(data: bytes) -> str:
    """``XLSX`` or ``OFD`` from the archive's directory, else ``ZIP``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return ZIP
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return XLSX
    return OFD if "OFD.xml" in names else ZIP


def detect_kind(data: bytes) -> str | None:
    """The file type from its content, or ``None`` when it is none of the accepted types."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data[:64].removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<?xml"):
        return XML
    return None


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_archive(data: bytes, *, name: str, field: str = "file") -> None:
    """Refuse a zip (or workbook) that would unpack to far more than it weighs, or has too many entries."""
    too_big = f"文件“{name}”解压后过大或压缩比异常（可能是“压缩炸弹”），已拒绝；请上传正常保存的文件。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            field, f"文件“{name}”不是有效的压缩文件或 Excel 工作簿。", "archive_unreadable"
        ) from None
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise _refuse(field, f"文件“{name}”包含的条目过多（{len(entries)} 个），已拒绝。", "archive_too_many")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(field, too_big, "archive_bomb")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise _refuse(field, too_big, "archive_bomb")


def check_sheet_size(
    data: bytes,
    *,
    name: str,
    field: str = "file",
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> None:
    """Refuse a workbook any of whose sheets has more than ``max_rows`` rows or ``max_columns`` columns
    (by default ``MAX_SHEET_ROWS`` and ``MAX_SHEET_COLUMNS``), counted in the sheet XML before openpyxl
    loads it.

    The sheet's declared dimension is read first; the row and cell elements are then counted as the XML
    streams past (the dimension may be missing or lie), and the refusal comes as soon as a limit is passed.
    """
    check_archive(data, name=name, field=field)
    max_rows = MAX_SHEET_ROWS if max_rows is None else max_rows
    max_columns = MAX_SHEET_COLUMNS if max_columns is None else max_columns

    def refuse(rows: int, columns: int) -> ValidationError:
        return _refuse(
            field,
            f"文件“{name}”的工作表过大（至少 {rows} 行、{columns} 列），最多 {max_rows} 行、{max_columns} 列，"
            "已拒绝。",
            "sheet_too_large",
        )

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not (entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")):
                continue
            with archive.open(entry) as handle:
                head = handle.read(4096)
                found = _DIMENSION.search(head)
                rows = columns = 0
                if found and found.group(3):
                    rows, columns = int(found.group(4)), _column_number(found.group(3))
                columns = max([columns, *(_column_number(c) for c in set(_CELL_REF.findall(head)))])
                if rows > max_rows or columns > max_columns:
                    raise refuse(rows, columns)
                counted = len(_ROW_TAG.findall(head))
                tail = head[-16:]
                for block in iter(lambda h=handle: h.read(256 * 1024), b""):  # type: ignore[misc]
                    chunk = tail + block
                    counted += len(_ROW_TAG.findall(chunk)) - len(_ROW_TAG.findall(tail))
                    columns = max([columns, *(_column_number(c) for c in set(_CELL_REF.findall(block)))])
                    if counted > max_rows or columns > max_columns:
                        raise refuse(max(rows, counted), columns)
                    tail = chunk[-16:]


def check_image(data: bytes, *, name: str, field: str = "file") -> None:
    """Refuse an image Pillow cannot identify, or whose pixel count is huge (a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = MAX_IMAGE_PIXELS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(field, f"图片“{name}”无法读取，可能已损坏。", "image_unreadable") from None
    if width * height >= MAX_IMAGE_PIXELS:
        raise _refuse(
            field,
            f"图片“{name}”像素过多（{width}×{height}），最多 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素，请缩小后上传。",
            "image_too_large",
        )


def check_pdf(data: bytes, *, name: str, field: str = "file", max_pages: int = MAX_PDF_PAGES) -> int:
    """The page count of a PDF; refuses one that does not parse or has more than ``max_pages`` pages."""
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf raises many error types for damaged files
        raise _refuse(
            field, f"文件“{name}”无法读取，可能已损坏，请重新导出后上传。", "pdf_unreadable"
        ) from None
    if pages == 0:
        raise _refuse(field, f"文件“{name}”没有页面。", "pdf_unreadable")
    if pages > max_pages:
        raise _refuse(
            field, f"文件“{name}”页数过多（{pages} 页），最多 {max_pages} 页。", "pdf_too_many_pages"
        )
    return pages


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
    parse_pdf: bool = False,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> InspectedFile:
    """Check an upload's size, content type and extension; raise ``ValidationError({field: …})``.

    ``allowed`` are kinds from this module (``PDF``, ``PNG``, ``JPEG``, ``XLSX``, ``ZIP``, ``OFD``, ``XML``).
    Archives (OFD included) and workbooks are checked for zip bombs and sheets over ``max_rows`` ×
    ``max_columns`` (:func:`check_sheet_size`), images for decompression bombs; with
    ``parse_pdf`` a PDF must also parse and stay within ``MAX_PDF_PAGES`` pages.
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
    if kind == XLSX:
        check_sheet_size(data, name=file_name, field=field, max_rows=max_rows, max_columns=max_columns)
    elif kind in {ZIP, OFD}:
        check_archive(data, name=file_name, field=field)
    elif kind in {PNG, JPEG}:
        check_image(data, name=file_name, field=field)
    elif kind == PDF and parse_pdf:
        check_pdf(data, name=file_name, field=field)
    return InspectedFile(
        kind=kind, content_type=CONTENT_TYPES[kind], size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def display_file_name(filename: str, *, limit: int = 255) -> str:
    """The user's file name as it is kept for display and download: the last path component, without
    invisible characters (``发票\\u202egpj.exe`` would show as ``发票exe.jpg``), trimmed, at most ``limit``
    characters. Check the extension on this name, so what is checked is what people see."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return clean_text(base).strip()[:limit]


def opaque_upload_name(folder: str, filename: str) -> str:
    """A storage name that reveals nothing of the user's file name: ``folder/<random hex><.ext>``.

    The original name is kept on the database row for display and download.
    """
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    extension = base[base.rfind(".") :].lower() if "." in base else ""
    # Only a plain extension survives; anything else (``x./../../etc``, spaces, control characters) is dropped.
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return f"{folder}/{uuid.uuid4().hex}{extension}"


class _CommitOrDiscard:
    """The callback Django keeps until the transaction ends: run after commit, it marks the files kept;
    dropped unrun (rollback), its finalizer deletes them. Nothing but the transaction's list of
    callbacks may refer to it, so it goes away the moment that list forgets it."""

    def __init__(self, then: Callable[[], Any], paths: list[str], storage: Storage) -> None:
        self.then = then
        self.state = {"committed": False}
        weakref.finalize(self, _discard_unless_committed, storage, paths, self.state)

    def __call__(self) -> None:
        self.state["committed"] = True
        self.then()


def _discard_unless_committed(storage: Storage, paths: list[str], state: dict[str, bool]) -> None:
    if state["committed"]:
        return
    for path in paths:
        with suppress(Exception):  # already gone, or the storage is unreachable: nothing else to do
            storage.delete(path)
            logger.info("deleted %s: the transaction that saved it rolled back", path)


def on_commit_or_discard(
    then: Callable[[], Any], paths: list[str], *, storage: Storage | None = None
) -> None:
    """Run ``then`` after the current transaction commits, like ``transaction.on_commit``; if it rolls
    back instead (the transaction, or the savepoint this is called in), delete the files in ``paths``
    from ``storage`` (default storage).

    Register it before saving, and append each file's name to ``paths`` as soon as it is saved: a failure
    half-way through the saving then removes what was saved so far. Outside a transaction ``then`` runs
    at once and the files stay.
    """
    transaction.on_commit(_CommitOrDiscard(then, paths, storage or default_storage))
