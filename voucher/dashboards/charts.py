"""Server-rendered SVG charts: horizontal bar charts and line charts.

No script and no external file: the markup is part of the page, scales with its width (``viewBox``) and
carries a title and a description for screen readers; the page shows the same figures as a table under
each chart. Every text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | int
PALETTE = ["#e0902a", "#3b7dd8", "#2e9d5b", "#b3261e", "#7a5cc4", "#5f6b7a"]
# Narrow drawings, so that on a phone (about 330 px of card) the 12 px texts stay readable.
WIDTH = 400
LINE_WIDTH = 480
LABEL_WIDTH = 112
VALUE_WIDTH = 52
BAR = 13
GAP = 10
LEGEND = 28


def short_number(value: Number) -> str:
    """``12,345.00`` → ``1.2万``; ``230,000,000`` → ``2.3亿``; small numbers as they are."""
    number = Decimal(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number >= 100_000_000:
        return f"{sign}{number / 100_000_000:.1f}亿"
    if number >= 10_000:
        return f"{sign}{number / 10_000:.1f}万"
    if number == number.to_integral():
        return f"{sign}{int(number)}"
    return f"{sign}{number:.2f}"


def _clip(text: str, limit: int = 11) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(names: Sequence[str], y: int = 16) -> list[str]:
    parts = []
    x = 4
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" rx="2" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" class="chart-legend">{escape(name)}</text>')
        x += 28 + 14 * len(name)
    return parts


def _frame(title: str, height: int, body: list[str], chart_id: str, width: int = WIDTH) -> SafeString:
    description = f"{title}（数据见图下表格）"
    return mark_safe(  # noqa: S308 — every text above went through escape()
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
) -> SafeString:
    """Horizontal grouped bars: one group per category, one bar per series, values at the bar ends."""
    per_group = len(series) * BAR + GAP
    height = LEGEND + max(1, len(categories)) * per_group + 6
    top = max([Decimal(v) for _, values in series for v in values] + [Decimal(0)])
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = _legend([name for name, _ in series]) if len(series) > 1 else []
    for c, category in enumerate(categories):
        y0 = LEGEND + c * per_group
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y0 + len(series) * BAR / 2 + 4:.0f}" text-anchor="end" '
            f'class="chart-label"><title>{escape(category)}</title>{escape(_clip(category))}</text>'
        )
        for s, (name, values) in enumerate(series):
            value = Decimal(values[c])
            length = float(value / top * span) if top > 0 and value > 0 else 0.0
            y = y0 + s * BAR
            colour = PALETTE[s % len(PALETTE)]
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR - 2}" fill="{colour}">'
                f"<title>{escape(category)} · {escape(name)}：{escape(str(values[c]))}</title></rect>"
            )
            if value or len(series) == 1:
                body.append(
                    f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 3}" class="chart-value">'
                    f"{escape(short_number(value))}</text>"
                )
    return _frame(title, height, body, chart_id)


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    axis_labels: Sequence[str] | None = None,
) -> SafeString:
    """One line per series over ``labels`` (periods), with a zero-based axis and five grid lines;
    ``axis_labels`` are shorter texts for under the axis (the full label shows on the points)."""
    height = 280
    left, right, top_y, bottom = 52, LINE_WIDTH - 12, LEGEND + 8, height - 40
    top = max([Decimal(v) for _, values in series for v in values] + [Decimal(0)])
    top = top if top > 0 else Decimal(1)
    count = max(1, len(labels))
    step = (right - left) / max(1, count - 1)

    def x(i: int) -> float:
        return left + i * step if count > 1 else (left + right) / 2

    def y(value: Number) -> float:
        return bottom - float(Decimal(value) / top) * (bottom - top_y)

    body = _legend([name for name, _ in series])
    for k in range(6):
        level = top * k / 5
        gy = y(level)
        body.append(f'<line x1="{left}" x2="{right}" y1="{gy:.1f}" y2="{gy:.1f}" class="chart-grid"/>')
        body.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" class="chart-value">'
            f"{escape(short_number(level.quantize(Decimal(1))))}</text>"
        )
    every = max(1, -(-count // 8))
    for i, label in enumerate(axis_labels or labels):
        if i % every == 0:
            body.append(
                f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle" class="chart-label">'
                f"{escape(_clip(label, 8))}</text>"
            )
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        if count <= 16:
            for i, v in enumerate(values):
                body.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(labels[i])} · {escape(name)}：{escape(str(v))}</title></circle>"
                )
    return _frame(title, height, body, chart_id, LINE_WIDTH)
