"""Files served as downloads: the one way every page and API endpoint sends a stored file."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse


def file_download(content: IO[bytes], name: str, content_type: str) -> FileResponse:
    """``content`` as a download named ``name``: saved, never shown in the browser window
    (``Content-Disposition: attachment``), with the type it was stored with, and ``nosniff`` so
    that no browser guesses another type (an HTML upload named ``.pdf`` stays inert)."""
    response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
