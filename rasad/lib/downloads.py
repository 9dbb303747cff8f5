"""Files served as downloads: the one way every page and API endpoint sends a stored file
(``file_download``) or one it has just made (``content_download``)."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, HttpResponse


def file_download(content: IO[bytes], name: str, content_type: str) -> FileResponse:
    """``content`` as a download named ``name``: saved, never shown in the browser window
    (``Content-Disposition: attachment``), with the type it was stored with, and ``nosniff`` so
    that no browser guesses another type (an HTML upload named ``.pdf`` stays inert)."""
    response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def content_download(content: bytes | str, name: str, content_type: str) -> HttpResponse:
    """``content`` made for this request (an import template, a certificate, a calendar file) as
    a download named ``name`` (``Content-Disposition: attachment``)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
