"""`python -m bench [name ...]`: run the benchmarks (all by default); each prints its figures
and, last, one JSON line. `python -m bench.<name>` runs one of them alone."""

from __future__ import annotations

import asyncio
import sys

from bench import broadcast, checkin, overview, roster_import, tick, updates, year

BENCHES = {
    "roster": roster_import.main,
    "updates": updates.main,
    "broadcast": broadcast.main,
    "tick": tick.main,
    "checkin": checkin.main,
    "year": year.main,
    "overview": overview.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown}; choose from {sorted(BENCHES)}", file=sys.stderr)
        return 2
    for name in names:
        asyncio.run(BENCHES[name]())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
