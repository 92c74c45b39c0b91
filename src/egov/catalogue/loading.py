"""Bulk writes of the catalogue: the seed catalogue (``data/procedures.json``) and the synthetic
national-size catalogue for benchmarks. Both are set-based, one transaction, audited.

The seed is idempotent: procedures already present are left as they are (editors own them after
the first load); missing sectors, procedures and offerings are added. Offerings are resolved
from the agency directory: ``{"kind": "commune_peoples_committee"}`` = every commune People's
Committee, ``{"kind": "department", "ministry": "15"}`` = every provincial department whose
level-2 code group is 15 (Justice), ``{"kind": "police"}`` = every provincial police,
``{"agency": "000.00.00.G01"}`` = that agency for the whole country.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from egov.agencies import selectors as agencies
from egov.agencies.facade import AgencyInfo, AgencyKind
from egov.audit.services import audit_record
from egov.catalogue import cache as catalogue_cache
from egov.catalogue import search
from egov.catalogue.models import (
    FeeLine,
    ImplementingLevel,
    OnlineMode,
    Origin,
    Procedure,
    ProcedureOffering,
    ProcedureVersion,
    ProcessingStep,
    RequiredDocument,
    Sector,
    VersionStatus,
)
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "procedures.json"


@dataclass(frozen=True, slots=True)
class LoadResult:
    data_version: str
    sectors_created: int = 0
    procedures_created: int = 0
    offerings_created: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.sectors_created or self.procedures_created or self.offerings_created)


@cache
def dataset() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _province_of(agency: AgencyInfo, by_code: dict[str, AgencyInfo]) -> str:
    if agency.kind == AgencyKind.COMMUNE_PEOPLES_COMMITTEE:
        parent = by_code.get(agency.parent_code)
        return parent.unit_code if parent is not None else ""
    return agency.unit_code[:2] if len(agency.unit_code) == 2 else ""


def _offering_agencies(rule: dict[str, str], all_agencies: list[AgencyInfo]) -> list[AgencyInfo]:
    if "agency" in rule:
        return [a for a in all_agencies if a.code == rule["agency"]]
    chosen = [a for a in all_agencies if a.kind == rule["kind"] and a.unit_code]
    if "ministry" in rule:
        chosen = [a for a in chosen if a.code.split(".")[2] == rule["ministry"]]
    return chosen


def _version_row(
    procedure: Procedure,
    data: dict[str, Any],
    number: int,
    forms: dict[str, Any],
    valid_to: dt.date | None,
) -> ProcedureVersion:
    return ProcedureVersion(
        procedure=procedure,
        number=number,
        status=VersionStatus.PUBLISHED,
        valid_from=dt.date.fromisoformat(data["valid_from"]),
        valid_to=valid_to,
        online_level=data["online_level"],
        online_mode=data["online_mode"],
        processing_days=data["processing_days"],
        processing_immediate=data["processing_immediate"],
        processing_note=data.get("processing_note", ""),
        time_unconfirmed=data.get("time_unconfirmed", False),
        fees_unconfirmed=data.get("fees_unconfirmed", False),
        result_documents=data.get("result_documents", []),
        form=forms.get(data.get("form") or "", {}),
        created_by="seed",
        published_by="seed",
    )


def _children(version: ProcedureVersion, data: dict[str, Any]) -> tuple[list[Any], ...]:
    docs = [
        RequiredDocument(version=version, position=i, **d) for i, d in enumerate(data["documents"])
    ]
    fees = [FeeLine(version=version, position=i, **f) for i, f in enumerate(data["fees"])]
    steps = [ProcessingStep(version=version, position=i, **s) for i, s in enumerate(data["steps"])]
    return docs, fees, steps


def _create_procedures(
    rows: list[dict[str, Any]], sectors: dict[str, Sector], forms: dict[str, Any]
) -> list[Procedure]:
    procedures = [
        Procedure(
            code=row["code"],
            code_unconfirmed=row["code_unconfirmed"],
            code_source=row["code_source"],
            name=row["name"],
            name_en=row["name_en"],
            name_folded=fold(row["name"]),
            sector=sectors[row["sector"]],
            level=row["level"],
            agency_kind=row["agency_kind"],
            owner_agency_code=sectors[row["sector"]].ministry_code,
            legal_basis=row["legal_basis"],
            origin=Origin.SEED,
            search_text=search.search_text(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                sector_name=sectors[row["sector"]].name,
            ),
        )
        for row in rows
    ]
    Procedure.objects.bulk_create(procedures)
    versions: list[ProcedureVersion] = []
    version_data: list[dict[str, Any]] = []
    for procedure, row in zip(procedures, rows, strict=True):
        items = row["versions"]
        for number, item in enumerate(items, 1):
            following = items[number] if number < len(items) else None
            valid_to = (
                dt.date.fromisoformat(following["valid_from"]) - dt.timedelta(days=1)
                if following
                else None
            )
            versions.append(_version_row(procedure, item, number, forms, valid_to))
            version_data.append(item)
    ProcedureVersion.objects.bulk_create(versions)
    docs: list[RequiredDocument] = []
    fees: list[FeeLine] = []
    steps: list[ProcessingStep] = []
    for version, item in zip(versions, version_data, strict=True):
        d, f, s = _children(version, item)
        docs += d
        fees += f
        steps += s
    RequiredDocument.objects.bulk_create(docs)
    FeeLine.objects.bulk_create(fees)
    ProcessingStep.objects.bulk_create(steps)
    return procedures


def _create_offerings(rows: list[dict[str, Any]], procedures: dict[str, Procedure]) -> int:
    all_agencies = agencies.agencies_list()
    by_code = {a.code: a for a in all_agencies}
    existing = set(
        ProcedureOffering.objects.values_list("procedure__code", "agency_code", "unit_code")
    )
    new: list[ProcedureOffering] = []
    for row in rows:
        procedure = procedures[row["code"]]
        for agency in _offering_agencies(row["offered_by"], all_agencies):
            unit = "" if "agency" in row["offered_by"] else agency.unit_code
            if (row["code"], agency.code, unit) in existing:
                continue
            province = _province_of(agency, by_code)
            override = row.get("province_levels", {}).get(province)
            new.append(
                ProcedureOffering(
                    procedure=procedure,
                    agency_code=agency.code,
                    unit_code=unit,
                    province_code=province,
                    valid_from=agency.valid_from,
                    valid_to=agency.valid_to,
                    online_level=override[0] if override else None,
                    online_mode=override[1] if override else "",
                )
            )
    ProcedureOffering.objects.bulk_create(new)
    return len(new)


def catalogue_load(*, actor: Actor) -> LoadResult:
    """Load the seed catalogue. One transaction; a second run changes nothing and writes no
    audit record."""
    data = dataset()
    with transaction.atomic():
        catalogue_cache.mark_changed()
        sectors = {s.code: s for s in Sector.objects.select_for_update()}
        new_sectors = [Sector(**row) for row in data["sectors"] if row["code"] not in sectors]
        Sector.objects.bulk_create(new_sectors)
        sectors.update({s.code: s for s in new_sectors})
        present = {
            p.code: p
            for p in Procedure.objects.filter(code__in=[row["code"] for row in data["procedures"]])
        }
        missing = [row for row in data["procedures"] if row["code"] not in present]
        created = _create_procedures(missing, sectors, data["forms"])
        present.update({p.code: p for p in created})
        offerings = _create_offerings(data["procedures"], present)
        result = LoadResult(
            data_version=data["version"],
            sectors_created=len(new_sectors),
            procedures_created=len(created),
            offerings_created=offerings,
            unchanged=len(data["procedures"]) - len(created),
        )
        if result.changed:
            audit_record(
                actor=actor,
                action="catalogue.loaded",
                subject_type="catalogue.dataset",
                subject_id=data["version"],
                diff={
                    "procedures_created": sorted(p.code for p in created),
                    "sectors_created": sorted(s.code for s in new_sectors),
                    "offerings_created": offerings,
                },
            )
            events.emit(
                name="catalogue.loaded",
                payload={"data_version": data["version"], "procedures": len(created)},
                actor=actor,
            )
    return result


# --- Synthetic catalogue (benchmarks) -----------------------------------------------------------

_VERBS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Thu hồi",
    "Xác nhận",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Chấp thuận",
    "Hỗ trợ",
    "Thông báo",
]
_OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "chứng chỉ hành nghề",
    "quyết định",
    "văn bản",
    "giấy xác nhận",
    "hồ sơ",
    "danh sách",
    "phương án",
    "đề án",
]
_TOPICS = [
    "kinh doanh dịch vụ vận tải",
    "hoạt động khoáng sản",
    "khai thác thủy sản",
    "hành nghề dược",
    "cơ sở giáo dục mầm non",
    "trung tâm ngoại ngữ",
    "đại lý xăng dầu",
    "biển quảng cáo",
    "bảo vệ môi trường",
    "an toàn thực phẩm",
    "phòng cháy chữa cháy",
    "tàu cá",
    "giống cây trồng",
    "thuốc thú y",
    "điểm du lịch",
    "cơ sở lưu trú",
    "nhà xuất bản",
    "hội nghị quốc tế",
    "dự án đầu tư",
    "quỹ xã hội",
    "hợp tác xã",
    "trợ giúp pháp lý",
    "công chứng viên",
    "thừa phát lại",
    "nhà ở xã hội",
    "phương tiện thủy nội địa",
    "xe ô tô",
    "di tích lịch sử",
    "lễ hội truyền thống",
    "tổ chức tôn giáo",
    "chứng chỉ tin học",
    "bằng tốt nghiệp",
    "cơ sở khám chữa bệnh",
    "trạm y tế",
    "trang trại chăn nuôi",
    "rừng sản xuất",
    "nguồn nước",
    "đê điều",
    "công trình thủy lợi",
    "khu công nghiệp",
]


def _synthetic_name(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TOPICS)}"


def catalogue_generate(*, actor: Actor, count: int, seed: int = 2026) -> int:
    """Add synthetic procedures (codes ``9.NNNNNN``, origin ``synthetic``) until the catalogue
    holds ``count`` synthetic ones, each with a version, documents, fees, steps and offerings at
    the demo agencies. Deterministic for a ``seed``. Returns how many were created."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    with transaction.atomic():
        catalogue_cache.mark_changed()
        if not Sector.objects.exists():
            catalogue_load(actor=actor)
        sectors = list(Sector.objects.order_by("code"))
        existing = set(
            Procedure.objects.filter(origin=Origin.SYNTHETIC).values_list("code", flat=True)
        )
        offices = [a for a in agencies.agencies_list(as_of=clock.today()) if a.unit_code]
        by_code = {a.code: a for a in agencies.agencies_list()}
        rows = []
        for n in range(1, count + 1):
            code = f"9.{n:06d}"
            name = _synthetic_name(rng)
            sector = rng.choice(sectors)
            if code in existing:
                continue
            rows.append(
                Procedure(
                    code=code,
                    code_unconfirmed=True,
                    code_source="synthetic",
                    name=name,
                    name_en="",
                    name_folded=fold(name),
                    sector=sector,
                    level=rng.choice(ImplementingLevel.values),
                    agency_kind="department",
                    owner_agency_code=sector.ministry_code,
                    origin=Origin.SYNTHETIC,
                    search_text=search.search_text(
                        code=code, name=name, name_en="", sector_name=sector.name
                    ),
                )
            )
        Procedure.objects.bulk_create(rows, batch_size=1000)
        _synthetic_versions(rows, rng, offices, by_code)
        if rows and connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor
            ):  # fresh statistics for the planner after a bulk load
                cursor.execute(
                    "ANALYZE catalogue_procedure, catalogue_procedureversion, "
                    "catalogue_procedureoffering"
                )
        if rows:
            audit_record(
                actor=actor,
                action="catalogue.generated",
                subject_type="catalogue.dataset",
                subject_id="synthetic",
                diff={"created": len(rows), "target": count},
            )
    return len(rows)


def _synthetic_versions(
    rows: list[Procedure],
    rng: random.Random,
    offices: list[AgencyInfo],
    by_code: dict[str, AgencyInfo],
) -> None:
    versions, docs, fees, steps, offerings = [], [], [], [], []
    for procedure in rows:
        level = rng.choice([2, 3, 3, 4, 4, 4])
        mode = (
            OnlineMode.NONE
            if level <= 2
            else (
                OnlineMode.PARTIAL
                if level == 3
                else rng.choice([OnlineMode.FULL, OnlineMode.PARTIAL])
            )
        )
        version = ProcedureVersion(
            procedure=procedure,
            number=1,
            status=VersionStatus.PUBLISHED,
            valid_from=dt.date(2025, 7, 1),
            online_level=level,
            online_mode=mode,
            processing_days=rng.choice([3, 5, 7, 10, 15, 20]),
            created_by="synthetic",
        )
        versions.append(version)
        docs += [
            RequiredDocument(version=version, position=i, name=f"Giấy tờ số {i + 1}", originals=1)
            for i in range(2)
        ]
        fees.append(
            FeeLine(
                version=version,
                kind="fixed",
                label="Lệ phí",
                amount_vnd=rng.choice([0, 50000, 100000, 200000]),
                unconfirmed=True,
            )
        )
        steps += [
            ProcessingStep(version=version, position=i, name=f"Bước {i + 1}", duration_days=1)
            for i in range(3)
        ]
        for agency in rng.sample(offices, k=min(3, len(offices))):
            province = (
                by_code[agency.parent_code].unit_code
                if agency.kind == "commune_peoples_committee" and agency.parent_code in by_code
                else agency.unit_code[:2]
            )
            offerings.append(
                ProcedureOffering(
                    procedure=procedure,
                    agency_code=agency.code,
                    unit_code=agency.unit_code,
                    province_code=province,
                    valid_from=agency.valid_from,
                )
            )
    ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
    RequiredDocument.objects.bulk_create(docs, batch_size=2000)
    FeeLine.objects.bulk_create(fees, batch_size=2000)
    ProcessingStep.objects.bulk_create(steps, batch_size=2000)
    ProcedureOffering.objects.bulk_create(offerings, batch_size=2000)
