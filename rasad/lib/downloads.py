"""Files served as downloads: the one way every page and API endpoint sends a stored file
(``file_download``) or one it has just made (``content_download``).

A file's name may be Persian (an export's title, a person's name on a certificate): the
``Content-Disposition`` header carries it as RFC 6266 and RFC 5987 ask, ``filename*=UTF-8''…``
(percent-encoded UTF-8, read by every current browser) after an ASCII ``filename="…"`` for
programs that read only that one (docs/exports-and-background-work.md, "What an exported file
looks like")."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

from rasad.lib.persian import to_latin_digits

# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_file_name(name: str) -> str:
    """``name`` with the characters a file system refuses (``/``, ``:``, ``"``...) made spaces,
    runs of spaces made one, and at most 150 characters before its extension."""
    path = PurePosixPath(_UNSAFE.sub(" ", name).strip() or "download")
    stem = re.sub(r"\s+", " ", path.stem).strip()[:150].strip() or "download"
    return f"{stem}{path.suffix}"


def ascii_file_name(name: str) -> str:
    """An ASCII stand-in for ``name``: digits made Latin, letters without their accents, any
    other run of characters a hyphen; ``download`` when nothing is left of the stem."""
    path = PurePosixPath(safe_file_name(name))
    plain = unicodedata.normalize("NFKD", to_latin_digits(path.stem)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-._") or "download"
    suffix = re.sub(r"[^A-Za-z0-9.]", "", path.suffix)
    return f"{stem}{suffix}"


def attachment_header(name: str, fallback: str = "") -> str:
    """``Content-Disposition`` of a download named ``name``: ASCII names as they are; any other
    name percent-encoded in ``filename*``, after ``fallback`` (or ``ascii_file_name(name)``) in
    ``filename`` for programs that read only that."""
    name = safe_file_name(name)
    if name.isascii():
        return f'attachment; filename="{name}"'
    plain = ascii_file_name(fallback or name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_download(content: IO[bytes], name: str, content_type: str, *, fallback: str = "") -> FileResponse:
    """``content`` as a download named ``name``: saved, never shown in the browser window
    (``Content-Disposition: attachment``), with the type it was stored with, and ``nosniff`` so
    that no browser guesses another type (an HTML upload named ``.pdf`` stays inert)."""
    response = FileResponse(
        content, as_attachment=True, filename=safe_file_name(name), content_type=content_type
    )
    response["Content-Disposition"] = attachment_header(name, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def content_download(
    content: bytes | str, name: str, content_type: str, *, fallback: str = ""
) -> HttpResponse:
    """``content`` made for this request (an import template, a certificate, a calendar file) as
    a download named ``name`` (``Content-Disposition: attachment``)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(name, fallback)
    return response
