"""Reading what people submit: pasted text, or a .txt, .docx or .pdf file with a text layer.

Every refusal is a ``ValidationError`` naming the field (``text`` or ``file``) and the cause in a
translated sentence; nothing is stored when reading fails. Limits:

* a file of at most ``MAX_FILE_BYTES`` (5 MB), a text of at most ``MAX_TEXT_CHARACTERS``;
* a .txt file is UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or
  Windows-1256 (the Arabic-script code page older Persian software writes); a file with NUL bytes
  or control characters is binary, whatever its name says;
* a .docx file is a zip archive with ``word/document.xml``, read with the standard library (its
  paragraphs, tabs and line breaks); the archive may not unpack to more than ``MAX_UNPACKED_BYTES``;
* a .pdf file is read with pypdf; one without a text layer (a scan) is refused with a plain
  explanation, because there is no OCR;
* the text must be Persian: enough Persian letters, and not Arabic or another language in the
  Arabic script (which lack «پ چ ژ گ»).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rasad.intake.choices import SourceKind

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARACTERS = 200_000
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MIN_LETTERS = 20

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PERSIAN_ONLY = frozenset("پچژگ")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ReadText:
    """Text read from a submission, and where it came from."""

    text: str
    source_kind: str
    file_name: str = ""


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def read_pasted(text: str) -> ReadText:
    check_text(text, "text")
    return ReadText(text, SourceKind.PASTED)


def read_upload(name: str, content: bytes) -> ReadText:
    """Read an uploaded file by its extension; raise ValidationError on ``file`` if it can't be."""
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(
            "file",
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{len(content) / 1048576:.1f}", "limit": MAX_FILE_BYTES // 1048576},
        )
    if not content:
        raise _refuse("file", _("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "txt":
        text, kind = _read_txt(content), SourceKind.TXT
    elif extension == "docx":
        text, kind = _read_docx(content), SourceKind.DOCX
    elif extension == "pdf":
        text, kind = _read_pdf(content), SourceKind.PDF
    else:
        raise _refuse(
            "file",
            _("Files of type “%(extension)s” cannot be read; upload a .txt, .docx or .pdf file.")
            % {"extension": extension or "?"},
        )
    check_text(text, "file")
    return ReadText(text, kind, name[-255:])


def _read_txt(content: bytes) -> str:
    if b"\x00" in content and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse("file", _("The file looks binary, not like text, although its name ends in .txt."))
    for encoding in ("utf-8-sig", "utf-16", "cp1256"):
        if encoding == "utf-16" and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
            break
        return text
    raise _refuse("file", _("The file looks binary, not like text, although its name ends in .txt."))


def _read_docx(content: bytes) -> str:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise _refuse(
            "file", _("The file is not a Word document: a .docx file is a zip archive, and this one is not.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                raise _refuse(
                    "file", _("The archive has no Word text in it (word/document.xml is missing).")
                ) from None
            if info.file_size > MAX_UNPACKED_BYTES:
                raise _refuse("file", _("The Word document unpacks to more than the size limit."))
            xml = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise _refuse(
            "file", _("The Word document could not be opened (%(error)s).") % {"error": error}
        ) from None
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - expat refuses entity expansion bombs; no DTD needed
    except ElementTree.ParseError:
        raise _refuse("file", _("The Word document is damaged: its text could not be read.")) from None
    paragraphs = []
    for paragraph in root.iter(f"{_WORD_NS}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD_NS}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_WORD_NS}tab":
                parts.append("\t")
            elif node.tag in (f"{_WORD_NS}br", f"{_WORD_NS}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _read_pdf(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _refuse("file", _("The PDF is password-protected; upload an unprotected copy."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise _refuse("file", _("The file is not a readable PDF.")) from None
    text = "\n\n".join(pages)
    if len(re.sub(r"\s", "", text)) < MIN_LETTERS:
        raise _refuse(
            "file",
            _(
                "This PDF has no text layer (it is probably a scan), and Rasad does not read text "
                "from images. Upload a PDF with selectable text, a .docx file, or paste the text."
            ),
        )
    return text


def check_text(text: str, field: str) -> None:
    """Refuse empty, over-long or non-Persian text."""
    if not text.strip():
        raise _refuse(field, _("The document is empty."))
    if len(text) > MAX_TEXT_CHARACTERS:
        raise _refuse(
            field,
            _("The text has %(count)s characters; the limit is %(limit)s.")
            % {"count": len(text), "limit": MAX_TEXT_CHARACTERS},
        )
    if _CONTROL.search(text) and len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise _refuse(field, _("The text contains binary data."))
    letters = [c for c in text if c.isalpha()]
    arabic_script = [c for c in letters if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff"]
    if len(arabic_script) < MIN_LETTERS or len(arabic_script) < 0.5 * len(letters):
        raise _refuse(field, _("The text does not look Persian; intake reads Persian documents only."))
    persian_only = sum(1 for c in arabic_script if c in _PERSIAN_ONLY)
    if len(arabic_script) >= 300 and persian_only == 0:
        raise _refuse(
            field,
            _("The text looks like Arabic or another language in the Arabic script, not Persian."),
        )
