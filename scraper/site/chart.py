"""A stacked bar chart as inline SVG, drawn on the server: counts per month, one colour per series.

No JavaScript and nothing from a CDN. Every label is escaped, so a committee called
``<script>`` is drawn as those characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe-Ito colours: distinguishable with the common colour vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


@dataclass
class Series:
    key: str
    label: str
    counts: dict[str, int]


def month_range(first: str, last: str) -> list[str]:
    """All months from ``first`` to ``last`` (YYYY-MM), inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def series_from_rows(rows, count_column: str) -> tuple[list[str], list[Series]]:
    """Rows with month, committee_id, committee, organisation and a count -> months and series."""
    series: dict[str, Series] = {}
    months = set()
    for row in rows:
        month = row["month"]
        if not month or len(month) != 7:
            continue
        months.add(month)
        key = row["committee_id"]
        if key not in series:
            label = row["committee"] + (f" ({row['organisation']})" if row["organisation"] else "")
            series[key] = Series(key, label, {})
        series[key].counts[month] = series[key].counts.get(month, 0) + int(row[count_column])
    if not months:
        return [], []
    return month_range(min(months), max(months)), sorted(series.values(), key=lambda s: s.label)


def nice_scale(value: int) -> tuple[int, int]:
    """(top of the axis, step between ticks): whole numbers, at most five steps."""
    value = max(value, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * -(-value // step), step
    step = 10 ** len(str(value))
    return step * -(-value // step), step


def colours_for(keys) -> dict[str, str]:
    """The same committee gets the same colour in every chart."""
    return {key: PALETTE[number % len(PALETTE)] for number, key in enumerate(sorted(set(keys)))}


def stacked_bar_chart(months: list[str], series: list[Series], *, title: str, unit: str,
                      today_month: str | None = None, colours: dict[str, str] | None = None) -> Markup:
    """An accessible SVG chart (role=img, title, per-bar tooltips) of ``series`` over ``months``."""
    if not months:
        return Markup("<p>No data to chart yet.</p>")
    width_per_month = max(8, min(28, 960 // max(len(months), 1)))
    bar = max(4, width_per_month - 3)
    left, right, top, bottom = 44, 12, 14, 40
    plot_h = 220
    totals = {m: sum(s.counts.get(m, 0) for s in series) for m in months}
    y_max, step = nice_scale(max(totals.values()))
    colours = colours or colours_for(s.key for s in series)
    width = left + right + width_per_month * len(months)
    height = top + plot_h + bottom
    e = escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="activity-chart" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-label="{e(title)}">',
           f"<title>{e(title)}</title>"]
    for value in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * value / y_max
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#444">{value}</text>')
    for index, month in enumerate(months):
        x = left + index * width_per_month + 1
        base = top + plot_h
        if month == today_month:
            out.append(f'<rect x="{x - 1}" y="{top}" width="{width_per_month}" height="{plot_h}" fill="#fff4cc">'
                       f"<title>{e(month)}: this month</title></rect>")
        for number, s in enumerate(series):
            count = s.counts.get(month, 0)
            if not count:
                continue
            h = plot_h * count / y_max
            base -= h
            colour = colours.get(s.key, PALETTE[number % len(PALETTE)])
            noun = unit if count == 1 else unit + "s"
            out.append(f'<rect x="{x}" y="{base:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                       f"<title>{e(month)} · {e(s.label)}: {count} {e(noun)}</title></rect>")
        if month.endswith("-01") or index == 0:
            out.append(f'<line x1="{x - 1}" x2="{x - 1}" y1="{top + plot_h}" y2="{top + plot_h + 6}" stroke="#444"/>')
            out.append(f'<text x="{x - 1}" y="{top + plot_h + 20}" font-size="11" fill="#444">{e(month[:4])}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#444"/>')
    out.append("</svg>")
    legend = ['<ul class="chart-legend">']
    for number, s in enumerate(series):
        colour = colours.get(s.key, PALETTE[number % len(PALETTE)])
        legend.append(f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{colour}"/></svg> '
                      f"{e(s.label)}: {sum(s.counts.values())}</li>")
    legend.append("</ul>")
    return Markup("".join(out) + "".join(legend))
