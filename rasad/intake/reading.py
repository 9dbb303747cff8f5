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
  explanation, because there is no OCR. A PDF holds its glyphs where they are drawn, so a
  right-to-left line comes out in visual order; pypdf's plain extraction guesses the order
  character by character and turns Persian digits around («۱۷ آبان» read as «۷۱ آبان») and puts
  Latin text in the wrong place. Rasad reads each line in visual order (pypdf's layout mode,
  which places glyphs by their position) and turns it into reading order itself
  (:func:`visual_to_logical`). A glyph that stands for several letters (the lam-alef ligature
  «لا») keeps them in reading order, so turning the line around would turn them around too:
  before reading, the letters of each Arabic-script ligature in the fonts' ``ToUnicode`` maps
  are put in drawing order (:func:`_turn_ligatures_around`). The lines of a paragraph are
  joined with a space (a line that ends a sentence keeps its line break), so that a sentence
  wrapped over two lines is one sentence again. Presentation forms (U+FB50-U+FEFF) are folded
  by the Persian normalizer like any submitted text. A zero-width non-joiner has no glyph and
  is lost («چالش‌های» is read «چالشهای»; the normalizer puts it back where it knows the word);
* the text must be Persian: enough Persian letters, and not Arabic or another language in the
  Arabic script (which lack «پ چ ژ گ»).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rasad.intake.choices import SourceKind
from rasad.lib import formatting

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
            % {
                "size": formatting.number(len(content) / 2**20, decimals=1),
                "limit": formatting.megabytes(MAX_FILE_BYTES),
            },
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
        pages = []
        for page in reader.pages:
            _turn_ligatures_around(page)
            pages.append(page.extract_text(extraction_mode="layout") or "")
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise _refuse("file", _("The file is not a readable PDF.")) from None
    text = "\n\n".join(_reading_order(page) for page in pages)
    if len(re.sub(r"\s", "", text)) < MIN_LETTERS:
        raise _refuse(
            "file",
            _(
                "This PDF has no text layer (it is probably a scan), and Rasad does not read text "
                "from images. Upload a PDF with selectable text, a .docx file, or paste the text."
            ),
        )
    return text


_BFCHAR_BLOCK = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _arabic_unit(unit: bytes) -> bool:
    code = int(unit, 16)
    return 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


def _reverse_ligature(entry: re.Match[bytes]) -> bytes:
    source, target = entry.group(1), entry.group(2)
    units = [target[i : i + 4] for i in range(0, len(target), 4)]
    if len(target) % 4 or len(units) < 2 or not all(_arabic_unit(unit) for unit in units):
        return entry.group()
    return b"<" + source + b"> <" + b"".join(reversed(units)) + b">"


def _turn_ligatures_around(page: Any) -> None:
    """Put the letters of the page's Arabic-script ligature glyphs in drawing order in its fonts'
    ``ToUnicode`` maps (``<0516> <06440627>``, «لا», becomes ``<06270644>``), so that turning a
    visual line around (:func:`visual_to_logical`) leaves them in reading order. Only the copy
    read in memory is changed."""
    from pypdf.errors import PdfReadError

    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return
    for font in fonts.get_object().values():
        try:
            unicode_map = font.get_object().get("/ToUnicode")
            if unicode_map is None:
                continue
            stream = unicode_map.get_object()
            data = stream.get_data()
            patched = _BFCHAR_BLOCK.sub(
                lambda block: b"beginbfchar" + _BFCHAR.sub(_reverse_ligature, block.group(1)) + b"endbfchar",
                data,
            )
            if patched != data:
                stream.set_data(patched)
        except (AttributeError, NotImplementedError, PdfReadError, ValueError, KeyError, TypeError):
            # A map that cannot be read or written back is read as it is (ligatures may then
            # come out turned around); the text is still read.
            continue


_RTL_LETTER = re.compile(r"[\u0600-\u06ef\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefe]")
_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
# A number as the bidirectional algorithm keeps it left to right: digits, separated by one of
# . , : / and the Arabic decimal and thousands signs (a date 1403/12/13, a time 16:21, 329٬369).
# A "-" or a percent sign joins it only where no Arabic letter comes before it in the line
# (after one, the algorithm takes the digits for Arabic numbers, which a "-" or "%" does not
# join: 2025-10-29 is drawn 29-10-2025).
_PLAIN_NUMBER = rf"{_DIGIT}+(?:[.,:/٫٬]{_DIGIT}+)*"
_NUMBER = rf"[%٪]?{_PLAIN_NUMBER}(?:-{_PLAIN_NUMBER})*[%٪]?"
# A Latin word, code or address: starts and ends with a letter or digit, so that a sentence's
# full stop or a bracket beside it stays in the right-to-left text.
_LATIN = r"[A-Za-z0-9](?:[A-Za-z0-9@._/:+\-]*[A-Za-z0-9])?"
# In the line turned around: a left-to-right run is Latin words and numbers separated by
# spaces that begins, in reading order, with a Latin word (the number that follows a word
# belongs to it: «ISO 14004»); it is the last token of the match, since the match is turned
# around. Any other number stands alone.
_LTR_RUN = re.compile(rf"(?:(?:{_LATIN}|{_NUMBER})[ \t]+)*(?=[A-Za-z0-9]*[A-Za-z]){_LATIN}|{_NUMBER}")


def visual_to_logical(line: str) -> str:
    """A right-to-left line read left to right as drawn (a PDF's glyphs), in reading order: the
    line turned around, then each left-to-right run in it (numbers, Latin words) turned back.
    Brackets need nothing: a PDF maps a mirrored bracket to the character it stands for. A line
    without Arabic-script letters is left to right already and is kept."""
    line = re.sub(r"[ \t]+", " ", line).strip()
    if not _RTL_LETTER.search(line):
        return line
    turned = line[::-1]

    def turn_back(run: re.Match[str]) -> str:
        text = run.group()
        if re.fullmatch(_NUMBER, text) and _RTL_LETTER.search(turned, 0, run.start()):
            # After an Arabic letter: each plain number of it on its own, in the order read.
            return re.sub(_PLAIN_NUMBER, lambda number: number.group()[::-1], text)
        return text[::-1]

    return _LTR_RUN.sub(turn_back, turned)


_SENTENCE_END = re.compile(r"[.!?؟:؛]$")


# A gutter between two columns: at least this many spaces, at the same place in every line that
# has text on both sides of it, in the middle half of the page's width.
_GUTTER = 4


def _splits(line: str, x: int) -> bool:
    """The line has text on both sides of ``x`` and a gap of spaces there (two columns' lines)."""
    return bool(
        line[:x].strip() and line[x:].strip() and not line[x - _GUTTER // 2 : x + _GUTTER // 2].strip()
    )


def _gutter(lines: list[str]) -> int | None:
    """Where a page drawn in two columns divides (the middle of the widest run of positions where
    no line has a letter and at least a third of the lines have text on both sides), or None."""
    filled = [line for line in lines if line.strip()]
    width = max((len(line) for line in filled), default=0)
    if width < 40 or len(filled) < 3:
        return None
    best: tuple[int, int] | None = None  # (length of the run, its middle)
    run_start = None
    for x in range(width // 4, 3 * width // 4 + 1):
        crossing = sum(1 for line in filled if line[x : x + 1].strip())
        split = sum(1 for line in filled if _splits(line, x))
        clear = crossing <= len(filled) // 5 and split * 3 >= len(filled)
        if clear and run_start is None:
            run_start = x
        if (not clear or x == 3 * width // 4) and run_start is not None:
            end = x if not clear else x + 1
            if end - run_start >= 1 and (best is None or end - run_start > best[0]):
                best = (end - run_start, (run_start + end) // 2)
            run_start = None
    return best[1] if best is not None else None


def _in_columns(page: str) -> str:
    """A page as layout mode draws two columns (each line: the left column's line, a gutter of
    spaces, the right column's), column by column: the right one first, as a right-to-left page
    is read. A line across the gutter, or above or below the columns (a title, a signature),
    ends the columns before it and stays where it is. A page of one column is returned as it
    is."""
    lines = page.splitlines()
    gutter = _gutter(lines)
    if gutter is None:
        return page
    out: list[str] = []
    right: list[str] = []
    left: list[str] = []

    def flush() -> None:
        if right or left:
            out.extend([*right, "", *left, ""])
        right.clear()
        left.clear()

    # The columns run from the first line with text on both sides of the gutter to the last:
    # what is above and below them (a title, a signature) is whole, wherever layout mode put it.
    split = [i for i, line in enumerate(lines) if _splits(line, gutter)]
    first, last = split[0], split[-1]
    for index, line in enumerate(lines):
        across = line[:gutter].strip() and line[gutter:].strip() and not _splits(line, gutter)
        if across or not first <= index <= last:
            flush()
            out.extend([line, ""])
            continue
        right.append(line[gutter:])
        left.append(line[:gutter])
    flush()
    return "\n".join(out)


def _reading_order(page: str) -> str:
    """A page read in layout mode (visual lines, padded with spaces), in reading order: two
    columns read one after the other (:func:`_in_columns`); each line turned into reading order;
    the lines of a paragraph (layout mode leaves a blank line between paragraphs) joined with a
    space, as the paragraph was written, unless a line ends a sentence; a paragraph break kept as
    a blank line."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", _in_columns(page)):
        lines = [line for line in (visual_to_logical(line) for line in block.splitlines()) if line]
        if lines:
            text = lines[0]
            for line in lines[1:]:
                text += ("\n" if _SENTENCE_END.search(text) else " ") + line
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def check_text(text: str, field: str) -> None:
    """Refuse empty, over-long or non-Persian text."""
    if not text.strip():
        raise _refuse(field, _("The document is empty."))
    if len(text) > MAX_TEXT_CHARACTERS:
        raise _refuse(
            field,
            _("The text has %(count)s characters; the limit is %(limit)s.")
            % {"count": formatting.number(len(text)), "limit": formatting.number(MAX_TEXT_CHARACTERS)},
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
