"""Reading the exports: files → text grids → header → typed canonical frames and problems."""

from __future__ import annotations

from qkaward.inputs.load import load_inputs
from qkaward.inputs.read import RoleRead, read_role_file
from qkaward.inputs.workspace import ROLES, InputSpec, build_spec, read_workspace

__all__ = ["ROLES", "InputSpec", "RoleRead", "build_spec", "load_inputs", "read_role_file", "read_workspace"]
