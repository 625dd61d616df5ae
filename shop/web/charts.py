"""Charts drawn on the server: the geometry of column and bar charts, mirrored for right-to-left pages,
which templates/_charts.html turns into inline SVG (no JavaScript). Each chart keeps its data rows, so the
page shows the same figures as a table beside it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 640
ROW_HEIGHT = 56
LABEL_SPACE = 32  # above each bar, for its label
BAR_HEIGHT = 18
VALUE_SPACE = 90  # after the longest bar, for its figure
PLOT_TOP = 12
AXIS_SPACE = 34  # under the columns, for the day labels
SCALE_SPACE = 64  # beside the columns, for the scale


@dataclass(frozen=True)
class Row:
    """One figure: what it is, its value, and how the page writes both."""

    label: str
    value: Decimal
    shown: str
    note: str = ""  # a second column in the table (e.g. orders beside an amount)


@dataclass(frozen=True)
class Mark:
    """A rectangle and the texts beside it, in SVG user units (already mirrored on an RTL page)."""

    x: float
    y: float
    width: float
    height: float
    label: str
    shown: str
    label_x: float = 0
    label_y: float = 0
    text_x: float = 0
    text_y: float = 0
    track_x: float = 0
    track_width: float = 0
    over: bool = False


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    """What _charts.html draws: `kind` is 'columns' or 'bars'; `rows` fill the table."""

    id: str
    kind: str
    title: str
    description: str
    rows: Sequence[Row]
    columns: tuple[str, ...]  # the table's headings
    rtl: bool
    width: int = WIDTH
    height: int = 0
    marks: list[Mark] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    grid: list[Tick] = field(default_factory=list)  # horizontal lines with their scale text
    baseline: float = 0

    @property
    def empty(self) -> bool:
        return not self.rows


def _mirror(rtl: bool, x: float, width: float = 0) -> float:
    return WIDTH - x - width if rtl else x


def columns(chart_id: str, title: str, description: str, rows: Sequence[Row], headings: tuple[str, ...], *,
            rtl: bool, tick_every: int = 7, scale: Sequence[str] = (), height: int = 220) -> Chart:
    """A column per row (e.g. a day), oldest at the start of the reading direction; every `tick_every`-th
    row's label under the axis; `scale` writes the top of the scale and its half."""
    chart = Chart(chart_id, "columns", title, description, rows, headings, rtl, height=height)
    plot_height = height - PLOT_TOP - AXIS_SPACE
    top = max((row.value for row in rows), default=Decimal(0))
    step = (WIDTH - SCALE_SPACE) / max(len(rows), 1)
    chart.baseline = PLOT_TOP + plot_height
    for n, row in enumerate(rows):
        bar_height = float(row.value / top) * plot_height if top > 0 else 0.0
        x = SCALE_SPACE + n * step + step * 0.15
        chart.marks.append(Mark(x=_mirror(rtl, x, step * 0.7), y=chart.baseline - bar_height, width=step * 0.7,
                                height=bar_height, label=row.label, shown=row.shown))
        last = n == len(rows) - 1
        if n % tick_every == 0 or (last and n % tick_every > tick_every // 2):
            chart.ticks.append(Tick(_mirror(rtl, x + step * 0.35), chart.baseline + 18, row.label))
    for fraction, text in zip((1.0, 0.5), scale, strict=False):
        chart.grid.append(Tick(_mirror(rtl, SCALE_SPACE - 6), PLOT_TOP + plot_height * (1 - fraction), text))
    return chart


def bars(chart_id: str, title: str, description: str, rows: Sequence[Row], headings: tuple[str, ...], *,
         rtl: bool, full: Decimal | None = None) -> Chart:
    """A horizontal bar per row under its label, both from the start of the reading direction, the figure
    after the bar (labels of any length fit: they have the whole line). With `full` (1 for shares), each bar
    has a track of that length and a bar past it is marked as over."""
    chart = Chart(chart_id, "bars", title, description, rows, headings, rtl,
                  height=PLOT_TOP + ROW_HEIGHT * max(len(rows), 1))
    room = WIDTH - VALUE_SPACE
    top = full if full is not None else max((row.value for row in rows), default=Decimal(0))
    for n, row in enumerate(rows):
        y = PLOT_TOP + n * ROW_HEIGHT
        share = min(float(row.value / top), 1.0) if top and top > 0 else 0.0
        length = max(share * room, 1.0 if row.value > 0 else 0.0)
        bar_y = y + LABEL_SPACE
        chart.marks.append(Mark(
            x=_mirror(rtl, 0, length), y=bar_y, width=length, height=BAR_HEIGHT,
            label=row.label, shown=row.shown, label_x=_mirror(rtl, 0), label_y=y + LABEL_SPACE - 11,
            text_x=_mirror(rtl, (room if full is not None else length) + 6), text_y=bar_y + BAR_HEIGHT / 2,
            track_x=_mirror(rtl, 0, room) if full is not None else 0,
            track_width=room if full is not None else 0,
            over=full is not None and row.value > full))
    return chart
