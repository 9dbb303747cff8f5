"""Files served as downloads: the one way every page and API endpoint sends a stored file
(``file_download``) or one it has just made (``content_download``).

A file's name may be Persian (an export's title, a person's name on a certificate): the
``Content-Disposition`` header carries it as RFC 6266 and RFC 5987 ask, ``filename*=UTF-8''…``
(percent-encoded UTF-8, read by every current browser) after an ASCII ``filename="…"`` for
programs that read only that one (docs/exports-and-background-work.md, "What an exported file
looks like").

A file made for its reader (a prepared export, an import template) is named by its title and the
moment it was made, in the reader's calendar and digits (``dated_names``), with an ASCII stand-in
of its kind and the same moment in Latin digits."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.lib import display
from rasad.lib.formatting import file_stamp
from rasad.lib.persian import to_latin_digits
from rasad.lib.tabular import CSV_TYPE, XLSX_TYPE

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


def dated_names(title: str, kind: str, extension: str, moment: datetime) -> tuple[str, str]:
    """A file's name for its reader and its ASCII stand-in: the title and ``moment`` in the
    reader's calendar and digits, Tehran time («پرونده‌ها ۱۴۰۵-۰۹-۱۴ ۲۲-۵۱.xlsx»), and the kind
    with the Jalali moment in Latin digits («cases-1405-09-14-22-51.xlsx»)."""
    latin = file_stamp(moment, prefs=display.DisplayPreferences(persian_digits=False))
    return f"{title} {file_stamp(moment)}.{extension}", f"{kind}-{latin.replace(' ', '-')}.{extension}"


_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}


def template_download(content: bytes, subject: str, kind: str, file_format: str) -> HttpResponse:
    """An import template (``file_format`` "xlsx" or "csv") as a download named for its reader, as
    an export is: «الگوی ورود افراد ۱۴۰۵-۰۹-۱۵ ۱۰-۲۰.xlsx», after the ASCII
    ``people-template-1405-09-15-10-20.xlsx``. ``subject`` names what the template imports."""
    title = _("Import template — %(subject)s") % {"subject": subject}
    name, fallback = dated_names(title, f"{kind}-template", file_format, timezone.now())
    return content_download(content, name, _TYPES[file_format], fallback=fallback)
