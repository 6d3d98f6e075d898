"""Office files (DOCX, XLSX) are ZIP archives whose entries carry the moment they were written;
re-stamped with the document's own date, the same content gives the same bytes (a file sent
twice is the same file, and a test can compare them)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime


def restamp(data: bytes, made: datetime) -> bytes:
    """`data` (a ZIP) with every entry dated `made`, in its order, compression and attributes."""
    stamp = (max(made.year, 1980), made.month, made.day, made.hour, made.minute, made.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = entry.compress_type
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry))
    return out.getvalue()
