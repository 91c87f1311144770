"""Small server-rendered SVG charts: no JavaScript, no external files.

The charts are pictures of numbers that are always also given in a table next to them, so they are
marked aria-hidden and carry no information of their own for assistive technology.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR_HEIGHT = 22
LABEL_WIDTH = 180
CHART_WIDTH = 560
COLOUR = "#1d4f91"


def bar_chart(items):
    """Horizontal bars for [(label, value)]; a value of None (suppressed) draws no bar."""
    items = list(items)
    largest = max([value or 0 for _label, value in items] + [1])
    bar_space = CHART_WIDTH - LABEL_WIDTH - 60
    height = BAR_HEIGHT * len(items) + 4
    parts = [
        f'<svg class="chart" role="img" aria-hidden="true" focusable="false" width="100%" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value) in enumerate(items):
        y = index * BAR_HEIGHT + 2
        width = round(bar_space * (value or 0) / largest)
        shown = "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="13">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{BAR_HEIGHT - 6}" fill="{COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 15}" font-size="13">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(points, series_labels=()):
    """A line per series over [(x label, (value, value, ...))], x labels at the first and last point."""
    points = list(points)
    width, height, margin = CHART_WIDTH, 200, 40
    if not points:
        return mark_safe("")
    series_count = len(points[0][1])
    largest = max([v or 0 for _x, values in points for v in values] + [1])
    step = (width - 2 * margin) / max(len(points) - 1, 1)
    colours = [COLOUR, "#b45309", "#047857"]
    parts = [
        f'<svg class="chart" role="img" aria-hidden="true" focusable="false" width="100%" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{margin}" y1="{height - margin}" x2="{width - margin}" y2="{height - margin}" stroke="#555"/>',
        f'<text x="{margin - 4}" y="{margin}" text-anchor="end" font-size="12">{largest}</text>',
        f'<text x="{margin - 4}" y="{height - margin}" text-anchor="end" font-size="12">0</text>',
    ]
    for series in range(series_count):
        coords = " ".join(
            f"{margin + i * step:.1f},{height - margin - (height - 2 * margin) * (values[series] or 0) / largest:.1f}"
            for i, (_x, values) in enumerate(points)
        )
        colour = colours[series % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>')
        if series < len(series_labels):
            parts.append(
                f'<text x="{width - margin}" y="{14 + 16 * series}" text-anchor="end" font-size="12" '
                f'fill="{colour}">{escape(series_labels[series])}</text>'
            )
    parts.append(
        f'<text x="{margin}" y="{height - margin + 16}" font-size="12">{escape(points[0][0])}</text>'
        f'<text x="{width - margin}" y="{height - margin + 16}" text-anchor="end" font-size="12">'
        f"{escape(points[-1][0])}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
