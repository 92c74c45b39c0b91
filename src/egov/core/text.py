"""Vietnamese text helpers: search keys that ignore diacritics and case."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d included) and collapse spaces.

    ``fold("Thành phố Hồ Chí Minh") == "thanh pho ho chi minh"``. Used for search columns so that
    ``ha noi``, ``Hà Nội`` and ``HA NOI`` all match.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
