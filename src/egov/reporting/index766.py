"""The Decision 766/QĐ-TTg index (serving people and businesses): five groups, maxima 18, 20,
22, 22 and 18 (= 100). Each metric scores ``points x indicator / 100`` from the indicators of
``facade.Indicators``; a metric the platform cannot measure yet (no ``formula``) scores 0 and is
shown as "not available". The per-metric points are configuration (``data/index766.json``,
with its source; marked unconfirmed until the Decision's appendix is checked).

| Metric | Formula (indicator, percent) |
|---|---|
| g1_synchronised | dossiers on the national portal / dossiers received (100 when any) |
| g2_on_time | (early + on time) / processed |
| g2_early | early / processed |
| g3_e_results | electronic results issued / processed |
| g4_offered_full | procedures offered full-process online / procedures offered |
| g4_online_dossiers | dossiers submitted online / received |
| g4_online_payment | payments made online / payments asked for |
| g5_feedback_on_time | feedback answered on time / feedback due (no feedback module: n/a) |
| g5_service_satisfaction | rating points given / points possible |
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from egov.reporting.facade import (
    GroupScore,
    IndexScore,
    Indicators,
    MetricScore,
)

DATA = Path(__file__).parent / "data" / "index766.json"
GROUP_MAXIMA = (18, 20, 22, 22, 18)


@dataclass(frozen=True)
class Config:
    version: str
    source: str
    confirmed: bool
    groups: tuple[dict[str, Any], ...]


@cache
def config() -> Config:
    """The weights file, checked: group maxima 18/20/22/22/18 and metric points adding up."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    groups = tuple(raw["groups"])
    maxima = tuple(int(g["max"]) for g in groups)
    if maxima != GROUP_MAXIMA:
        raise ValueError(f"Decision 766 group maxima must be {GROUP_MAXIMA}, not {maxima}")
    for group in groups:
        points = sum(float(mt["points"]) for mt in group["metrics"])
        if abs(points - float(group["max"])) > 1e-9:
            raise ValueError(f"group {group['number']}: metric points {points} != {group['max']}")
    return Config(raw["version"], raw["source"], bool(raw["confirmed"]), groups)


def score(indicators: Indicators) -> IndexScore:
    groups: list[GroupScore] = []
    for group in config().groups:
        scored: list[MetricScore] = []
        for metric in group["metrics"]:
            formula = metric.get("formula") or ""
            share = indicators.value(formula) if formula else None
            points_max = float(metric["points"])
            points = 0.0 if share is None else round(points_max * float(share) / 100.0, 2)
            scored.append(
                MetricScore(
                    code=metric["code"],
                    points_max=points_max,
                    share=share,
                    points=points,
                    formula=formula,
                    confirmed=bool(metric.get("confirmed")),
                )
            )
        groups.append(
            GroupScore(
                number=int(group["number"]),
                code=group["code"],
                max=int(group["max"]),
                points=round(sum(s.points for s in scored), 2),
                metrics=tuple(scored),
            )
        )
    return IndexScore(
        key=indicators.key,
        name=indicators.name,
        kind=indicators.kind,
        total=round(sum(g.points for g in groups), 2),
        groups=tuple(groups),
    )


def ranked(scores: list[IndexScore]) -> list[IndexScore]:
    """Highest total first; ties share a rank (1, 2, 2, 4) and are ordered by code."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.key))
    result: list[IndexScore] = []
    for position, item in enumerate(ordered, start=1):
        rank = result[-1].rank if result and result[-1].total == item.total else position
        result.append(
            IndexScore(item.key, item.name, item.kind, item.total, item.groups, rank=rank)
        )
    return result
