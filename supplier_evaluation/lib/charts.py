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
