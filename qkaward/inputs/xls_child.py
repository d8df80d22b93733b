"""Read a legacy .xls in a child process with a memory limit: ``python -m qkaward.inputs.xls_child SRC OUT``.

calamine's BIFF reader trusts sizes declared inside the file; a damaged 6 KB .xls was seen asking
for gigabytes, and some damage makes it panic. Neither can be caught in-process, so .xls files are
parsed here, each sheet written to ``OUT/<i>.parquet`` with ``OUT/sheets.json`` naming them, and the
parent turns any failure into a clear message.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

#: Address space the child may take for parsing, beyond what it holds once its libraries are loaded
#: (bytes): a BIFF sheet holds at most 65,536 rows and parsing the sample .xls peaks at ~70 MB, so 1 GiB
#: leaves room while stopping a runaway allocation quickly. Polars alone reserves several hundred MB of
#: address space when imported (how much varies from run to run), so the limit is counted from there:
#: a flat 1 GiB made valid files fail now and then ("memory allocation of 336 bytes failed").
MEMORY_LIMIT = 1024**3


def _address_space() -> int:
    """This process's virtual size in bytes (VmSize), or 0 where /proc is not available."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def main(src: str, out: str) -> int:
    import fastexcel
    import polars as pl

    pl.DataFrame({"x": [1, 2]}).sum()  # start Polars' thread pool before the limit is measured
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + MEMORY_LIMIT
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

    reader = fastexcel.read_excel(Path(src).read_bytes())
    names = list(reader.sheet_names)
    for i, sheet in enumerate(names):
        frame = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
        frame.write_parquet(Path(out) / f"{i}.parquet")
    (Path(out) / "sheets.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
