"""The stored file's row as written on the submission path (``core.rawrows.insert``): the model's
defaults and automatic times, as the ORM would have written them."""

from __future__ import annotations

import pytest

from egov.core.actor import Actor
from egov.documents.models import StoredFile
from egov.documents.services import file_store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
def test_a_stored_files_row_has_its_defaults_and_times() -> None:
    info = file_store(actor=Actor.system("tests"), content=PDF, filename="a.pdf", max_bytes=1000)
    row = StoredFile.objects.get(public_id=info.public_id)
    assert (row.filename, row.size, row.media_type) == ("a.pdf", len(PDF), "application/pdf")
    assert row.created_at is not None
    assert row.updated_at is not None
    assert (row.created_by, row.created_by_kind) == ("tests", "system")
