"""Charts as inline SVG drawn on the server: no JavaScript, no CDN.

Each chart is drawn for a 300-unit-wide viewBox (the width of a card on a
360 px phone), so its text keeps its size there; on wider screens the stylesheet caps its width. Every chart has
a ``<title>`` and the page shows the same numbers in a table.
"""

from decimal import Decimal

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WIDTH = 300


def short_rupiah(value) -> str:
    """Rp1,2 M (miliar), Rp350 jt, Rp12 rb: for chart labels; tables show the full amount."""
    value = Decimal(value or 0)
    for size, suffix in (
        (Decimal(10) ** 12, pgettext("singkatan rupiah", "T")),  # triliun
        (Decimal(10) ** 9, pgettext("singkatan rupiah", "M")),  # miliar
        (Decimal(10) ** 6, pgettext("singkatan rupiah", "jt")),  # juta
        (Decimal(1000), pgettext("singkatan rupiah", "rb")),  # ribu
    ):
        if abs(value) >= size:
            number = (value / size).quantize(Decimal("0.1"))
            text = f"{number:f}"
            if text.endswith(".0"):
                text = text[:-2]
            text = text.replace(".", get_format("DECIMAL_SEPARATOR"))
            return f"Rp{text} {suffix}"
    return f"Rp{int(value)}"


def _nice_max(value: Decimal) -> Decimal:
    """A round axis maximum at or above value (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return Decimal(1)
    exponent = len(str(int(value))) - 1
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= base * step:
            return base * step
    return base * 10


def _truncate(text: str, length: int) -> str:
    text = str(text or "")
    return text if len(text) <= length else text[: length - 1] + "…"


def monthly_bars(rows: list[dict], *, title: str) -> SafeString:
    """Vertical bars per month: the local part dark, the rest light, on a shared axis."""
    height, left, right, top, bottom = 190, 58, 4, 10, 22
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max((Decimal(r["total"]) for r in rows), default=Decimal(0)))
    slot = plot_w / max(len(rows), 1)
    bar_w = slot * 0.64
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for fraction in (0, Decimal("0.5"), 1):
        y = top + plot_h - float(fraction) * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(short_rupiah(top_value * fraction))}</text>'
        )
    for i, row in enumerate(rows):
        total, local = Decimal(row["total"]), Decimal(row.get("local") or 0)
        x = left + i * slot + (slot - bar_w) / 2
        h_total = float(total / top_value) * plot_h
        h_local = float(local / top_value) * plot_h
        base = top + plot_h
        tip = escape(
            f"{row.get('month', row['label'])}: {short_rupiah(total)} ({_('lokal')} {short_rupiah(local)})"
        )
        parts.append(f"<g><title>{tip}</title>")
        if total > 0:
            parts.append(
                f'<rect class="bar-total" x="{x:.1f}" y="{base - h_total:.1f}" width="{bar_w:.1f}" height="{h_total:.1f}"/>'
            )
        if local > 0:
            parts.append(
                f'<rect class="bar-local" x="{x:.1f}" y="{base - h_local:.1f}" width="{bar_w:.1f}" height="{h_local:.1f}"/>'
            )
        parts.append("</g>")
        if slot >= 26 or i % 2 == 0:  # on a narrow chart every other month, the table has them all
            parts.append(
                f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(row["label"])}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def horizontal_bars(rows: list[dict], *, title: str, limit: int = 10) -> SafeString:
    """One labelled bar per row (label above, value after the bar), largest first as given."""
    rows = rows[:limit]
    row_h, pad = 38, 4
    height = max(len(rows), 1) * row_h + pad
    value_w = 80
    plot_w = WIDTH - value_w - 4
    top_value = max((Decimal(r["total"]) for r in rows), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if not rows:
        parts.append(f'<text class="axis" x="4" y="22">{escape(_("Belum ada data"))}</text>')
    for i, row in enumerate(rows):
        y = pad + i * row_h
        value = Decimal(row["total"])
        w = max(float(value / top_value) * plot_w, 1.5 if value > 0 else 0)
        parts.append(f"<g><title>{escape(str(row['label']))}: {escape(short_rupiah(value))}</title>")
        parts.append(f'<text class="label" x="2" y="{y + 13}">{escape(_truncate(row["label"], 40))}</text>')
        parts.append(f'<rect class="track" x="2" y="{y + 19}" width="{plot_w:.1f}" height="12" rx="2"/>')
        if w:
            parts.append(f'<rect class="bar" x="2" y="{y + 19}" width="{w:.1f}" height="12" rx="2"/>')
        parts.append(
            f'<text class="value" x="{WIDTH - 2}" y="{y + 30}" text-anchor="end">{escape(short_rupiah(value))}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def progress(pct, *, target=None, label: str = "") -> SafeString:
    """A thin progress bar 0–100% with an optional target marker."""
    value = max(min(float(pct or 0), 100.0), 0.0)
    parts = [
        f'<svg class="progress" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        '<rect class="track" x="0" y="0" width="100" height="10"/>',
        f'<rect class="{"fill-ok" if target is None or value >= float(target) else "fill"}" x="0" y="0" width="{value:.2f}" height="10"/>',
    ]
    if target is not None:
        t = max(min(float(target), 100.0), 0.0)
        parts.append(f'<rect class="target" x="{max(t - 0.4, 0):.2f}" y="0" width="0.8" height="10"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - only numbers and an escaped label
