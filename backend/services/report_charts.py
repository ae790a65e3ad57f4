"""Charts of the staff reports as SVG, drawn on the server by pygal from a report's table.

The console shows each chart as an image beside the same figures in a data table (the screen
reader's version); the SVG needs no JavaScript in the browser and no build step.
"""

import pygal
from pygal.style import Style

from backend.services.reports import TOTAL, Table

# Dark colours, each at least 4.5:1 on white (text and WCAG's 3:1 for graphics alike).
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    font_family="system-ui, sans-serif",
    colors=("#1f4e79", "#a34700", "#2e6b30", "#6a1b9a", "#7a5c00"),
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
)

CHARTS = {
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "line": pygal.Line,
    "horizontal": pygal.HorizontalBar,
    "punchcard": pygal.Dot,
}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def chart_svg(table: Table) -> str:
    """The table's chart: one series per chosen column over its rows (the totals row and
    share rows left out), or for the hour-of-week punch card one series per weekday."""
    if table.chart is None:
        raise ValueError(f"the {table.name} report has no chart")
    chart = CHARTS[table.chart](
        js=[],
        style=STYLE,
        width=720,
        height=360 if table.chart != "horizontal" else 120 + 36 * len(table.rows),
        title=table.title,
        disable_xml_declaration=True,
        print_zeroes=False,
        show_legend=table.chart != "punchcard",
        legend_at_bottom=True,
        x_label_rotation=0 if len(table.rows) <= 12 else 45,
        truncate_label=-1,
        truncate_legend=-1,
    )
    rows = [row for row in table.rows if row[0] != TOTAL and str(row[0]) != "Osuus %"]
    if table.chart == "punchcard":
        chart.x_labels = table.columns[1:]
        for row in rows:
            chart.add(str(row[0]), [_number(value) for value in row[1:]])
        return str(chart.render(is_unicode=True))
    labels = [" ".join(str(cell) for cell in row[: table.series[0]]) for row in rows]
    chart.x_labels = labels
    for column in table.series:
        chart.add(table.columns[column], [_number(row[column]) for row in rows])
    return str(chart.render(is_unicode=True))
