"""An upload handler that keeps at most ``EGOV_UPLOAD_MAX_BYTES + 1`` bytes of each file.

It comes first in ``FILE_UPLOAD_HANDLERS``: the handlers after it (memory, then temporary file)
receive the file cut one byte past the limit, so an oversized upload costs neither memory nor
disk, and ``services.file_store`` still sees it as too large and refuses it with a message that
names the file and the limit (rather than the file silently going missing from the form).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.keep = int(settings.EGOV_UPLOAD_MAX_BYTES) + 1

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start >= self.keep:
            return None  # past the limit: drop the bytes, the next handlers see nothing more
        return raw_data[: self.keep - start]

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
