"""Server-drawn SVG charts: geometry, gaps for missing values, labels that never overlap."""

from __future__ import annotations

from egov.web.charts import bar_chart, line_chart


def test_line_chart_scales_leaves_gaps_and_tabulates() -> None:
    chart = line_chart(
        id="c", title="t", description="d", x_labels=["a", "b", "c"],
        series=[("One", [0.0, 50.0, 100.0]), ("Two", [10.0, None, 30.0])],
    )  # fmt: skip
    one, two = chart.series
    assert one.path == "M56.0,240.0 L313.0,128.0 L570.0,16.0"  # 0 at the bottom, 100 at top
    assert two.path.count("M") == 2  # the missing middle value breaks the line
    assert (one.dash, two.dash, one.marker, two.marker) == ("", "8 5", "circle", "square")
    assert chart.table_rows == (("a", "0", "10"), ("b", "50", "\u2013"), ("c", "100", "30"))
    assert [label for _y, label in chart.y_ticks] == ["0", "25", "50", "75", "100"]


def test_end_labels_are_kept_apart() -> None:
    chart = line_chart(
        id="c", title="t", description="d", x_labels=["a", "b"],
        series=[("One", [1.0, 50.0]), ("Two", [1.0, 50.0]), ("Three", [1.0, 50.0])],
    )  # fmt: skip
    ys = sorted(s.end_y for s in chart.series)
    assert ys[1] - ys[0] >= 14
    assert ys[2] - ys[1] >= 14


def test_bar_chart_widths_are_proportional() -> None:
    chart = bar_chart(id="b", title="t", description="d", items=[("A", 50.0, 1), ("B", 0.0, 2)])
    assert [b.width for b in chart.bars] == [220.0, 0.0]
    assert [b.value_label for b in chart.bars] == ["50", "0"]
