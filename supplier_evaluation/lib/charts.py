"""Tiny inline SVG charts, for the supplier form and the portal (no JavaScript
needed)."""

import math
from xml.sax.saxutils import escape


def sparkline_svg(
    values, labels=None, width=240, height=60, color="#714B67", title="", fluid=False
):
    """An SVG polyline of ``values`` (None or NaN are gaps); empty string when fewer
    than 2 points.

    ``fluid`` draws in a ``width`` x ``height`` box but lets the chart shrink to its
    container (a phone) instead of a fixed pixel size; it never grows beyond ``width``.
    """
    points = [
        (i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)
    ]
    if len(points) < 2:
        return ""
    low = min(v for _i, v in points)
    high = max(v for _i, v in points)
    span = (high - low) or 1.0
    step = (width - 8) / max(len(values) - 1, 1)

    def xy(i, v):
        return 4 + i * step, height - 4 - (v - low) / span * (height - 8)

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"><title>'
        f"{escape(str(labels[i]) if labels else str(i))}: {v:.1f}</title></circle>"
        for (i, v), (x, y) in ((p, xy(*p)) for p in points)
    )
    size = (
        f'width="100%" style="max-width: {width}px; height: auto;" '
        'preserveAspectRatio="xMinYMid meet"'
        if fluid
        else f'width="{width}" height="{height}"'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{line}"/>'
        f"{dots}</svg>"
    )


def grouped_bars_svg(labels, series, colors, width=320, height=140, title=""):
    """Vertical bars side by side per label: ``series`` is a list of value lists (one
    per series, each as long as ``labels``), drawn in ``colors``; each bar says its
    value on hover and above it."""
    top = max([v for values in series for v in values] + [1])
    slot = width / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    chart_height = height - 34
    parts = []
    for i, label in enumerate(labels):
        x0 = i * slot + slot * 0.1
        for j, values in enumerate(series):
            h = values[i] / top * chart_height
            x, y = x0 + j * bar, 14 + chart_height - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" '
                f'height="{h:.1f}" fill="{colors[j]}"><title>{escape(str(label))}: '
                f"{values[i]}</title></rect>"
                f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{values[i]}</text>'
            )
        parts.append(
            f'<text x="{x0 + slot * 0.4:.1f}" y="{height - 6}" font-size="12" '
            f'text-anchor="middle">{escape(str(label))}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'style="max-width: {width}px; height: auto;" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{''.join(parts)}</svg>"
    )
