"""Reading the exports: files → text grids → header → typed canonical frames and problems.

The names below are imported when first used, so that a command answered from the results memo
(:mod:`qkaward.memo`) starts without loading Polars."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "load_inputs": "load",
    "RoleRead": "read",
    "read_role_file": "read",
    "ROLES": "workspace",
    "InputSpec": "workspace",
    "build_spec": "workspace",
    "read_workspace": "workspace",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'qkaward.inputs' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qkaward.inputs.{module}"), name)
