"""Rich text that people write (a statement, talking points) in a small Markdown: paragraphs,
**bold**, *italic*, lists, headings, quotations and links.

Safe by construction rather than by cleaning: no HTML is accepted at all (markdown-it's
``html`` option is off, so ``<script>`` is shown as the text it is), an image is shown as its
words (a picture from an address outside the server is a request to the internet, which Rasad
never makes; attachments carry pictures), and a link is made only for ``http``, ``https`` and ``mailto``
addresses (markdown-it refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` itself).
The source is what is stored, searched and exported; only pages render it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_SCHEMES = ("http://", "https://", "mailto:")
# A numbered list's numbers as a Persian writer types them («۱.» «۲)»): Markdown knows only Latin
# digits there; the page draws the numbers in Persian (list-style-type: persian).
_LIST_NUMBER = re.compile(r"^( {0,3})([۰-۹٠-٩]{1,9})([.)])(?=\s)", re.MULTILINE)


def _latin_list_number(match: re.Match[str]) -> str:
    number = match.group(2).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
    return f"{match.group(1)}{number}{match.group(3)}"


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})

    def image_as_words(renderer: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
        return escapeHtml(renderer.renderInlineAsText(tokens[index].children or [], options, env))

    parser.add_render_rule("image", image_as_words)

    def validate(url: str) -> bool:
        return url.strip().lower().startswith(_SCHEMES)

    parser.validateLink = validate  # type: ignore[method-assign]
    return parser


def render(text: Any) -> SafeString:
    """The HTML of ``text``; an empty text gives an empty string."""
    source = "" if text is None else str(text)
    if not source.strip():
        return mark_safe("")
    html: str = _parser().render(_LIST_NUMBER.sub(_latin_list_number, source))
    # A link leaves Rasad: it opens in a new tab and gives the other site nothing of ours.
    html = html.replace("<a href=", '<a rel="noopener noreferrer" target="_blank" href=')
    return mark_safe(html)  # noqa: S308 - markdown-it with HTML off escapes every character of the source
