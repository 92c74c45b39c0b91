"""The PDF of a result document (A4), with fpdf2 and an embedded TrueType font.

The fixed wording is Vietnamese on purpose: a result is an official document in the state
language (the national motto is never translated); the label and value lines come from the
caller. The QR code is drawn as vector squares from ``qrcode``'s matrix (no image library).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from egov.core.clock import VN_TZ
from egov.core.errors import ValidationFailed
from egov.documents import fonts

MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FAMILY = "egov"
_LEFT, _RIGHT, _TOP = 20.0, 15.0, 15.0
_WIDTH = 210.0 - _LEFT - _RIGHT
_QR_SIZE = 32.0


@dataclass(frozen=True)
class ResultContent:
    agency_name: str
    title: str
    code: str
    lines: Sequence[tuple[str, str]]
    verify_url: str
    issued_at: dt.datetime


def _all_text(content: ResultContent) -> str:
    parts = [content.agency_name, content.title, content.code, content.verify_url]
    parts += [text for line in content.lines for text in line]
    return "".join(parts)


def _check_glyphs(pair: fonts.FontPair, content: ResultContent) -> None:
    missing = set(fonts.missing_characters(pair.regular, _all_text(content)))
    missing |= set(fonts.missing_characters(pair.bold, content.agency_name + content.title))
    if missing:
        raise ValidationFailed(
            _(
                "The document contains characters its font cannot show: %(chars)s. Remove or "
                "replace them and try again."
            ),
            code="unprintable_characters",
            params={"chars": " ".join(sorted(missing))},
        )


def _header(pdf: FPDF, content: ResultContent, local: dt.datetime) -> None:
    left_width, right_width = 75.0, _WIDTH - 75.0
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_xy(_LEFT, top)
    pdf.multi_cell(left_width, 5.5, content.agency_name.upper(), align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.line(_LEFT + left_width / 2 - 12, pdf.get_y() + 1, _LEFT + left_width / 2 + 12,
             pdf.get_y() + 1)  # fmt: skip
    pdf.set_font(FAMILY, "", 11)
    pdf.set_xy(_LEFT, pdf.get_y() + 3)
    pdf.multi_cell(left_width, 5.5, f"Số: {content.code}", align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    left_bottom = pdf.get_y()

    x = _LEFT + left_width
    pdf.set_xy(x, top)
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(right_width, 5.5, MOTTO_NATION, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(right_width, 6, MOTTO, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto_width = pdf.get_string_width(MOTTO)
    middle = x + right_width / 2
    pdf.line(middle - motto_width / 2, pdf.get_y(), middle + motto_width / 2, pdf.get_y())
    pdf.set_font(FAMILY, "", 11)
    pdf.set_xy(x, pdf.get_y() + 3)
    issued = f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"
    pdf.cell(right_width, 5.5, issued, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 12)


def _body(pdf: FPDF, content: ResultContent) -> None:
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(_WIDTH, 8, content.title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 11.5)
    with pdf.table(
        col_widths=(60, _WIDTH - 60),
        width=_WIDTH,
        borders_layout="NONE",
        first_row_as_headings=False,
        text_align=("LEFT", "LEFT"),
        line_height=6.5,
        padding=(1, 2, 1, 0),
        v_align="TOP",
    ) as table:
        for label, value in (*content.lines, ("Mã kết quả", content.code)):
            row = table.row()
            row.cell(f"{label}:")
            row.cell(value)


def _qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")


def _footer(pdf: FPDF, content: ResultContent, local: dt.datetime) -> None:
    block = _QR_SIZE + 6
    if pdf.get_y() + block + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 10
    _qr(pdf, content.verify_url, _LEFT, y, _QR_SIZE)
    text_x = _LEFT + _QR_SIZE + 6
    pdf.set_xy(text_x, y)
    pdf.set_font(FAMILY, "", 10)
    note = (
        f"Văn bản điện tử được ký số bởi {content.agency_name} "
        f"lúc {local:%H:%M} ngày {local:%d/%m/%Y}.\n"
        f"Kiểm tra tính xác thực: quét mã QR hoặc truy cập {content.verify_url}"
    )
    pdf.multi_cell(
        _WIDTH - _QR_SIZE - 6, 5, note, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def render_result(content: ResultContent) -> bytes:
    """The unsigned PDF of a result document."""
    pair = fonts.fonts()
    _check_glyphs(pair, content)
    local = content.issued_at.astimezone(VN_TZ)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_LEFT, _TOP, _RIGHT)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FAMILY, "", str(pair.regular))
    pdf.add_font(FAMILY, "B", str(pair.bold))
    pdf.set_lang("vi")
    pdf.set_title(content.title)
    pdf.set_subject(content.code)
    pdf.set_author(content.agency_name)
    pdf.set_creator("egov platform")
    pdf.set_creation_date(content.issued_at)
    pdf.add_page()
    _header(pdf, content, local)
    _body(pdf, content)
    _footer(pdf, content, local)
    return bytes(pdf.output())
