"""Charts drawn on the server as SVG (no script, no external asset: the CSP allows neither).

Each series is told apart by its line pattern, its marker shape and a label at its end, not by
colour alone; every chart comes with the same numbers as a table (``table_headers``/``rows``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 16, 40
# (css class, dash pattern, marker) per series: distinguishable in greyscale.
STYLES = (
    ("series-1", "", "circle"),
    ("series-2", "8 5", "square"),
    ("series-3", "2 4", "triangle"),
    ("series-4", "12 4 2 4", "diamond"),
)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    @property
    def corner_x(self) -> float:
        return round(self.x - 4, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - 4, 1)

    @property
    def apex_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class Series:
    label: str
    css: str
    dash: str
    marker: str
    path: str
    points: tuple[Point, ...]
    end_x: float
    end_y: float


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    x_labels: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    tick_x: int
    label_y: int
    series: tuple[Series, ...]
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return float(step * exponent)
    return float(10 * exponent)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "\u2013"  # en dash: no value
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def line_chart(
    *,
    id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str = "",
    y_max: float | None = None,
) -> LineChart:
    """A line chart of up to four series over ``x_labels`` (``None``: no value, a gap)."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    values = [v for _label, vs in series for v in vs if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0.0))
    n = max(len(x_labels), 1)

    def x_at(i: int) -> float:
        return round(LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y_at(v: float) -> float:
        return round(TOP + plot_h - plot_h * (v / top), 1)

    drawn: list[Series] = []
    for index, (label, vs) in enumerate(series[: len(STYLES)]):
        css, dash, marker = STYLES[index]
        points = tuple(
            Point(x_at(i), y_at(v), _fmt(v, unit)) for i, v in enumerate(vs) if v is not None
        )
        commands: list[str] = []
        previous = -2
        for i, v in enumerate(vs):
            if v is None:
                continue
            commands.append(f"{'L' if i == previous + 1 else 'M'}{x_at(i)},{y_at(v)}")
            previous = i
        last = points[-1] if points else Point(x_at(n - 1), y_at(0), "")
        drawn.append(
            Series(label, css, dash, marker, " ".join(commands), points, last.x + 8, last.y + 4)
        )
    _spread_end_labels(drawn)
    ticks = tuple((y_at(top * k / 4), _fmt(top * k / 4, unit)) for k in range(5))
    every = max(1, math.ceil(n / 6))  # at most ~6 labels: they never overlap
    xs = tuple((x_at(i), text) for i, text in enumerate(x_labels) if i % every == 0)
    rows = tuple(
        (text, *(_fmt(vs[i] if i < len(vs) else None, unit) for _l, vs in series))
        for i, text in enumerate(x_labels)
    )
    return LineChart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=TOP + plot_h,
        x_labels=xs,
        y_ticks=ticks,
        tick_x=LEFT - 6,
        label_y=TOP + plot_h + 20,
        series=tuple(drawn),
        table_headers=("", *(label for label, _vs in series)),
        table_rows=rows,
    )


def _spread_end_labels(drawn: list[Series]) -> None:
    """Keep the end labels at least 14 px apart so they never overlap."""
    order = sorted(range(len(drawn)), key=lambda i: drawn[i].end_y)
    last_y = -math.inf
    for i in order:
        s = drawn[i]
        y = max(s.end_y, last_y + 14)
        drawn[i] = Series(s.label, s.css, s.dash, s.marker, s.path, s.points, s.end_x, y)
        last_y = y


@dataclass(frozen=True)
class Bar:
    label: str
    value_label: str
    y: float
    width: float
    rank: int
    text_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    label_x: int
    bar_height: int
    bars: tuple[Bar, ...]


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, float, int]],
    maximum: float = 100.0,
) -> BarChart:
    """Horizontal bars ``(label, value, rank)`` with the value written beside each bar."""
    label_width, bar_height, gap, value_room = 220, 18, 8, 60
    plot = WIDTH - label_width - value_room
    bars = tuple(
        Bar(
            label=label,
            value_label=_fmt(round(value, 2), ""),
            y=float(i * (bar_height + gap)),
            width=round(max(0.0, plot * min(value, maximum) / maximum), 1),
            rank=rank,
            text_y=float(i * (bar_height + gap) + 13),
            value_x=round(label_width + max(0.0, plot * min(value, maximum) / maximum) + 6, 1),
        )
        for i, (label, value, rank) in enumerate(items)
    )
    return BarChart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=max(1, len(bars)) * (bar_height + gap),
        label_width=label_width,
        label_x=label_width - 8,
        bar_height=bar_height,
        bars=bars,
    )
