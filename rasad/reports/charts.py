"""Charts as SVG for the PDF reports.

WeasyPrint draws SVG text without Persian shaping, so a chart's SVG holds only lines, bars and
digits (Persian digits are left-to-right runs and draw correctly); titles, legends and anything
in words are HTML around the chart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from rasad.lib.persian import format_number

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'


def _line(x1: float, x2: float, y: float, stroke: str, *, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{stroke}"{dash}/>'


def _text(x: float, y: float, text: str, *, anchor: str, fill: str = "#555") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(text)}</text>"
    )


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    return [start + i * step for i in range(count + 2) if start + i * step <= high + step * 0.999]


def line_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    target: float | None = None,
    width: int = 520,
    height: int = 170,
    persian_digits: bool = True,
) -> str:
    """A trend line with dots, an optional dashed target line, digit-only axis labels."""
    known = [v for v in values if v is not None]
    if target is not None:
        known.append(target)
    if not known:
        return ""
    ticks = _ticks(min(0.0, min(known)), max(known))
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = 56, 8, 8, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(1, len(values) - 1)

    def x(index: int) -> float:
        return left + plot_w * index / count

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / ((high - low) or 1))

    parts = [SVG_OPEN.format(w=width, h=height)]
    for tick in ticks:
        parts.append(_line(left, width - right, y(tick), "#e3e6ea"))
        text = format_number(tick, persian_digits=persian_digits)
        parts.append(_text(left - 6, y(tick) + 4, text, anchor="end"))
    step = max(1, math.ceil(len(labels) / 6))
    last = len(labels) - 1
    for index, label in enumerate(labels):
        # Every ``step``-th label and the last, leaving out one that would stand closer than a
        # step to the last (12 months: 0, 2, 4, 6, 8 and 11; 10 would print over 11).
        if (index % step == 0 and last - index >= step) or index == last:
            anchor = "start" if index == 0 else "end" if index == len(labels) - 1 else "middle"
            parts.append(_text(x(index), height - 8, label, anchor=anchor))
    if target is not None:
        parts.append(_line(left, width - right, y(target), "#d9480f", dashed=True))
    points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1c7ed6" stroke-width="2"/>')
    for px, py in points:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="#1c7ed6"/>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    values: Sequence[float],
    *,
    width: int = 520,
    height: int = 150,
    colors: Sequence[str] = (),
    persian_digits: bool = True,
) -> str:
    """Vertical bars with their values above them (labels go in the HTML table beside it)."""
    if not values:
        return ""
    ticks = _ticks(0.0, max(max(values), 1.0))
    high = ticks[-1]
    left, right, top, bottom = 8, 8, 16, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = min(plot_w / len(values), 90.0)
    parts = [SVG_OPEN.format(w=width, h=height)]
    for index, value in enumerate(values):
        bar_h = plot_h * value / (high or 1)
        # Right to left, as the table beside it reads.
        bx = width - right - slot * (index + 1) + slot * 0.15
        color = colors[index % len(colors)] if colors else "#1c7ed6"
        top_y = top + plot_h - bar_h
        size = f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}"'
        parts.append(f'<rect x="{bx:.1f}" y="{top_y:.1f}" {size} fill="{color}"/>')
        text = format_number(value, persian_digits=persian_digits)
        parts.append(_text(bx + slot * 0.35, top_y - 3, text, anchor="middle", fill="#333"))
    parts.append("</svg>")
    return "".join(parts)
