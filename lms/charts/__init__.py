"""Server-side SVG charts for the dashboards: escaped labels, no script, no outside assets, readable on a phone.

Each function returns markupsafe.Markup holding one <svg role="img"> with a <title> and a <desc>
summary; put it straight into a template. Call inside a request: labels and numbers follow the
page's language. Wrap a heat map in <div class="chart-scroll"> so a narrow screen scrolls it
sideways instead of shrinking its text.
"""
from lms.charts.bars import Bar, completion_bars
from lms.charts.heatmap import HeatColumn, HeatRow, heat_map
from lms.charts.lines import DayCount, progress_line

__all__ = ["Bar", "DayCount", "HeatColumn", "HeatRow", "completion_bars", "heat_map", "progress_line"]
