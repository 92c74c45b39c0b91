"""Synthetic population (``manage.py population_generate --count N --seed S``).

Households of Vietnamese people with family names by their real frequency, given and middle
names by sex, ages, ethnic groups and religions by rough national shares, spread over the
provinces by population (``data/names.json``, weights of the 63 former provinces, each mapped to
its 2025 province through geo lineage), with valid PINs. Deterministic for a seed (the reference
date is fixed, not today), so generating twice imports nothing new. Rows go through the same
validation and set-based import as ``population_import``.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import json
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.geo import selectors as geo
from egov.population import pins
from egov.population.facade import ImportResult
from egov.population.rows import COLUMNS

NAMES_PATH = Path(__file__).parent / "data" / "names.json"
REFERENCE_DATE = dt.date(2025, 10, 1)  # fixed so that a seed always gives the same people
RECORDED_ON_NEW_UNITS = 0.8  # share of households re-registered on the 2025 units


@cache
def _names() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(NAMES_PATH.read_text(encoding="utf-8"))
    return data


class _Weighted:
    def __init__(self, weights: dict[str, int]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


@dataclass
class _Geo:
    successor: dict[str, str]  # old province code -> 2025 province code
    names: dict[str, str]  # old province code -> name
    communes: dict[str, list[str]]  # 2025 province code -> commune codes
    reform: dt.date

    @classmethod
    def load(cls) -> _Geo:
        today = clock.today()
        successor: dict[str, str] = {}
        names: dict[str, str] = {}
        for new_code, former in geo.predecessors_by_successor(as_of=today).items():
            for unit in former:
                if unit.level == "province":
                    successor[unit.code] = new_code
                    names[unit.code] = unit.name
        communes: dict[str, list[str]] = {p.code: [] for p in geo.provinces(as_of=today)}
        reform = dt.date.min
        for code in communes:
            for unit in geo.unit_children(code=code, as_of=today):
                communes[code].append(unit.code)
                reform = max(reform, unit.valid_from or dt.date.min)
        if not successor or not any(communes.values()):
            raise ValidationFailed(
                _("Load the administrative units first (manage.py geo_load), then generate.")
            )
        return cls(successor=successor, names=names, communes=communes, reform=reform)


class Generator:
    def __init__(self, seed: int, place: _Geo) -> None:
        data = _names()
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
        self.seed = seed
        self.geo = place
        weights = {k: v for k, v in data["province_weight"].items() if k in place.successor}
        self.province = _Weighted(weights)
        self.family = _Weighted(data["family"])
        self.ethnicity = _Weighted(data["ethnicity"])
        self.religion = _Weighted(data["religion"])
        self.data = data
        self.issued: set[str] = set()
        self.households = 0

    def _name(self, family: str, sex: str) -> str:
        rng, d = self.rng, self.data
        middle = rng.choice(d["middle_male" if sex == "male" else "middle_female"])
        given = rng.choice(d["given_male" if sex == "male" else "given_female"])
        return f"{family} {middle} {given}"

    def _born(self, age: int) -> dt.date:
        start = dt.date(REFERENCE_DATE.year - age, 1, 1).toordinal()
        return min(dt.date.fromordinal(start + self.rng.randrange(365)), REFERENCE_DATE)

    def _pin(self, unit: str, born: dt.date, sex: str) -> str:
        prefix = pins.pin_prefix(province_pin_code=f"0{unit}", birth_year=born.year, sex=sex)
        while True:
            pin = prefix + f"{self.rng.randrange(1_000_000):06d}"
            if pin not in self.issued:
                self.issued.add(pin)
                return pin

    def household(self) -> list[dict[str, str]]:
        rng = self.rng
        self.households += 1
        old = self.province.pick(rng)
        new = self.geo.successor[old]
        on_new = rng.random() < RECORDED_ON_NEW_UNITS
        unit = rng.choice(self.geo.communes[new]) if on_new else old
        household_id = f"HK{self.seed % 1000:03d}{self.households:09d}"
        address = f"{rng.randrange(1, 300)} {rng.choice(self.data['streets'])}"
        head_sex = "male" if rng.random() < 0.75 else "female"
        head_age = 25 + int(rng.random() ** 1.4 * 60)
        family = self.family.pick(rng)
        members = [("head", head_sex, head_age, family)]
        if rng.random() < 0.8:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_age = max(20, head_age + rng.randint(-6, 4))
            members.append(("wife" if spouse_sex == "female" else "husband", spouse_sex,
                            spouse_age, self.family.pick(rng)))  # fmt: skip
        youngest_parent = min(m[2] for m in members)
        for _child in range(rng.choice((0, 1, 1, 2, 2, 2, 3)) if youngest_parent > 20 else 0):
            sex = "male" if rng.random() < 0.51 else "female"
            age = rng.randrange(0, min(youngest_parent - 19, 40))
            members.append(("son" if sex == "male" else "daughter", sex, age, family))
        return self._rows(members, old=old, new=new, unit=unit, household_id=household_id,
                          address=address, on_new=on_new)  # fmt: skip

    def _rows(self, members: list[tuple[str, str, int, str]], **home: Any) -> list[dict[str, str]]:
        rng = self.rng
        rows: list[dict[str, str]] = []
        parents: dict[str, str] = {}
        since_old = dt.date(rng.randrange(1990, 2025), rng.randrange(1, 13), 1)
        for relation, sex, age, family in members:
            born = self._born(age)
            registered = home["old"] if rng.random() < 0.85 else self.province.pick(rng)
            if born >= self.geo.reform:
                registered = self.geo.successor[registered]
            pin = self._pin(registered, born, sex)
            if relation in ("head", "wife", "husband"):
                parents["father" if sex == "male" else "mother"] = pin
            since = max(born, self.geo.reform if home["on_new"] else since_old)
            if not home["on_new"] and since >= self.geo.reform:
                since = self.geo.reform - dt.timedelta(days=1)
            rows.append({
                "pin": pin, "full_name": self._name(family, sex), "date_of_birth": born.isoformat(),
                "sex": sex, "ethnicity": self.ethnicity.pick(rng),
                "religion": self.religion.pick(rng), "nationality": "VN",
                "birth_registration_unit": registered,
                "hometown": self.geo.names.get(home["old"], ""),
                "household_id": home["household_id"], "relation_to_head": relation,
                "father_pin": parents.get("father", "") if relation in ("son", "daughter") else "",
                "mother_pin": parents.get("mother", "") if relation in ("son", "daughter") else "",
                "spouse_pin": "", "permanent_unit": home["unit"],
                "permanent_address": home["address"], "permanent_since": since.isoformat(),
            })  # fmt: skip
        if len(rows) > 1 and rows[1]["relation_to_head"] in ("wife", "husband"):
            rows[0]["spouse_pin"], rows[1]["spouse_pin"] = rows[1]["pin"], rows[0]["pin"]
        return rows


def generate_rows(*, count: int, seed: int) -> Iterator[tuple[int, dict[str, str]]]:
    """``count`` synthetic citizens as (line, row) pairs; line 2 is the first (after a header)."""
    generator = Generator(seed, _Geo.load())
    produced = 0
    while produced < count:
        for row in generator.household()[: count - produced]:
            produced += 1
            yield produced + 1, row


def _as_values(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[tuple[int, list[Any]]]:
    for line, row in rows:
        yield line, [row[c] for c in COLUMNS]


def write_file(*, path: Path, count: int, seed: int) -> int:
    """Write a CSV (``.csv``) or JSON Lines file of ``count`` synthetic citizens."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        if path.suffix == ".csv":
            writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
            writer.writeheader()
            for _line, row in generate_rows(count=count, seed=seed):
                writer.writerow(row)
        else:
            for _line, row in generate_rows(count=count, seed=seed):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return count


def generate_into_database(*, actor: Actor, count: int, seed: int) -> ImportResult:
    from egov.population.importer import import_rows

    with tempfile.TemporaryDirectory(prefix="egov-population-") as folder:
        return import_rows(
            actor=actor, rows=_as_values(generate_rows(count=count, seed=seed)),
            source=f"generated count={count} seed={seed}",
            report_path=Path(folder) / "errors.csv",
        )  # fmt: skip
