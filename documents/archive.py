"""ZIP archives the bot sends, split to stay under Telegram's 50 MB for a bot's document.

Files keep their order and are never split between archives; each archive is a complete ZIP
that opens on its own.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable, Sequence

DEFAULT_LIMIT = 49 * 1024 * 1024
# The end-of-central-directory record every archive ends with (no comment, no ZIP64): the one
# part of a one-file archive that a many-file archive holds only once.
_END_RECORD = 22
_Stamp = tuple[int, int, int, int, int, int]


def _archive(files: Sequence[tuple[str, bytes]], stamp: _Stamp) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_parts(files: Iterable[tuple[str, bytes]], limit: int = DEFAULT_LIMIT) -> list[bytes]:
    """`(name, data)` files packed in order into deflated ZIP archives, each smaller than
    `limit` bytes. A file whose archive alone would reach the limit raises ValueError.

    Each file is compressed alone first to learn what it adds to an archive (its entry and its
    directory record: its one-file archive less the end record), then the files are grouped
    greedily and every group is written and checked.
    """
    now = time.localtime()
    stamp: _Stamp = (now.tm_year, now.tm_mon, now.tm_mday, now.tm_hour, now.tm_min, now.tm_sec)
    sized: list[tuple[str, bytes, int]] = []
    for name, data in files:
        alone = len(_archive([(name, data)], stamp))
        if alone >= limit:
            raise ValueError(f"{name!r} alone makes a {alone}-byte archive, over {limit} bytes")
        sized.append((name, data, alone - _END_RECORD))
    groups: list[list[tuple[str, bytes]]] = []
    size = _END_RECORD
    for name, data, cost in sized:
        if not groups or size + cost >= limit:
            groups.append([])
            size = _END_RECORD
        groups[-1].append((name, data))
        size += cost
    parts: list[bytes] = []
    while groups:
        group = groups.pop(0)
        part = _archive(group, stamp)
        while len(part) >= limit and len(group) > 1:  # the estimate was short: move one on
            if not groups:
                groups.append([])
            groups[0].insert(0, group.pop())
            part = _archive(group, stamp)
        parts.append(part)
    return parts
