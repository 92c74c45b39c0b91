"""The TrueType fonts of signed results: full Vietnamese coverage on a machine without system
fonts.

Default: Noto Serif from the ``fontpkg-noto-serif`` package (SIL Open Font License), installed
from PyPI with the platform. It is a variable font; the regular and bold instances are made
once with fontTools (cut to Latin and Vietnamese first, which keeps it to a few seconds) and
kept in ``<EGOV_VAR_DIR>/cache/fonts/`` under the source's digest. ``EGOV_PDF_FONT`` and
``EGOV_PDF_FONT_BOLD`` name other fonts (static or variable).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import structlog
from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

from egov.documents.facade import SigningUnavailable

log = structlog.get_logger(__name__)

DEFAULT_FAMILY = "Noto Serif"
REGULAR, BOLD = 400, 700
# Latin, Latin-1, Latin Extended A/B, combining marks, Latin Extended Additional (Vietnamese),
# general punctuation, currency (₫), letterlike symbols (№).
_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
)
_CACHE_VERSION = "1"
_lock = threading.Lock()


@dataclass(frozen=True)
class FontPair:
    regular: Path
    bold: Path


def _packaged_font() -> Path:
    try:
        import fontpkg

        return Path(fontpkg.path(DEFAULT_FAMILY))
    except Exception as exc:  # the package is missing or broken: say so, do not print tofu
        log.error("documents_font_missing", error=type(exc).__name__)
        raise SigningUnavailable() from exc


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _cache_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "cache" / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _is_variable(path: Path) -> bool:
    with TTFont(path, lazy=True) as font:
        return "fvar" in font


def _instance(source: Path, weight: int) -> Path:
    """A static instance of the variable font ``source`` at ``weight``, made once."""
    target = _cache_dir() / f"{source.stem}-{_digest(source)}-{weight}-v{_CACHE_VERSION}.ttf"
    if target.exists():
        return target
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in _RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    axes = {axis.axisTag: axis for axis in font["fvar"].axes}
    location: dict[str, float] = {}
    if "wght" in axes:
        location["wght"] = max(axes["wght"].minValue, min(axes["wght"].maxValue, weight))
    if "wdth" in axes:
        location["wdth"] = max(axes["wdth"].minValue, min(axes["wdth"].maxValue, 100))
    static = instancer.instantiateVariableFont(font, location, inplace=False)
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    static.save(temporary)
    Path(temporary).replace(target)  # atomic: a reader sees no half-written font
    log.info("documents_font_instance_created", weight=weight)
    return target


def _static(source: Path, weight: int) -> Path:
    if not source.is_file():
        log.error("documents_font_missing", path=str(source))
        raise SigningUnavailable()
    return _instance(source, weight) if _is_variable(source) else source


def fonts() -> FontPair:
    """The regular and bold fonts to embed."""
    with _lock:
        configured = str(settings.EGOV_PDF_FONT or "")
        source = Path(configured) if configured else _packaged_font()
        regular = _static(source, REGULAR)
        bold_setting = str(settings.EGOV_PDF_FONT_BOLD or "")
        if bold_setting:
            bold = _static(Path(bold_setting), BOLD)
        elif _is_variable(source):
            bold = _instance(source, BOLD)
        else:
            bold = regular
    return FontPair(regular=regular, bold=bold)


@functools.lru_cache(maxsize=8)
def _characters(path: Path, mtime_ns: int) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_characters(path: Path, text: str) -> list[str]:
    """The characters of ``text`` (other than line breaks) that the font cannot show."""
    known = _characters(path, path.stat().st_mtime_ns)
    return sorted({ch for ch in text if ch not in "\r\n\t" and ord(ch) not in known})
