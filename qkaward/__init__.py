"""qkaward — 硚口区“四个一批”行动计划（2019—2021）奖励测算工具。

The library is organised along the data flow: ``inputs`` (reading exports) → ``frame`` (one
enterprise × year frame) → ``rules`` (one module per policy clause) → award lines → ``ledger`` /
``render``. ``cli`` is a thin Typer layer over it.
"""

from __future__ import annotations

__version__ = "0.1.0"
