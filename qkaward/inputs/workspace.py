"""Which files a run reads: ``--stats``/``--tax``/… options and ``-w DIR`` with ``DIR/qkaward.toml``.

``qkaward.toml`` maps role names to lists of paths or globs relative to DIR, plus optional
``ledger`` and ``policy`` keys::

    ledger = "ledger.sqlite"
    [inputs]
    stats = ["stats_*.xls*"]
    tax = ["tax_2018_2020.xlsx"]

A path or glob may not leave the workspace (``../``, absolute paths elsewhere): the workspace is
what an operator reviewed, and a cron job must not be steered to read files outside it.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from qkaward.config import load_toml
from qkaward.errors import ConfigError

ROLES = ("stats", "tax", "enterprises", "events", "incubators", "talents")
WORKSPACE_FILE = "qkaward.toml"
WORKSPACE_KEYS = {"inputs", "ledger", "policy", "cache"}


#: The file types a run reads (a glob in qkaward.toml matches only these).
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".parquet")


def default_cache_dir() -> Path:
    """``$QKAWARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/qkaward``, else ``~/.cache/qkaward``."""
    env = os.environ.get("QKAWARD_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qkaward"


@dataclass(frozen=True)
class InputSpec:
    """The files of one run, each with its role, and the workspace settings."""

    files: tuple[tuple[str, Path], ...] = ()  # (role, path)
    workspace: Path | None = None
    ledger: Path | None = None
    policy: Path | None = None
    cache: Path | None = None  # parsed-input cache folder; None: no cache

    def label(self, path: Path) -> str:
        """How a file is named in messages: relative to the workspace when inside it."""
        if self.workspace is not None:
            try:
                return str(path.resolve().relative_to(self.workspace.resolve()))
            except ValueError:
                pass
        return str(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def read_workspace(directory: Path) -> InputSpec:
    """The files named by ``directory/qkaward.toml``."""
    if not directory.is_dir():
        raise ConfigError(f"工作目录不存在：{directory}")
    config_path = directory / WORKSPACE_FILE
    if not config_path.exists():
        raise ConfigError(
            f"工作目录 {directory} 中没有 {WORKSPACE_FILE}（可用 `qkaward sample DIR` 生成示例）"
        )
    raw = load_toml(config_path)
    unknown = set(raw) - WORKSPACE_KEYS
    if unknown:
        raise ConfigError(f"{config_path}：未知的配置项 {'、'.join(sorted(unknown))}")
    inputs = raw.get("inputs", {})
    if not isinstance(inputs, dict):
        raise ConfigError(f"{config_path}：[inputs] 应为表")
    files: list[tuple[str, Path]] = []
    for role, patterns in inputs.items():
        if role not in ROLES:
            raise ConfigError(f"{config_path}：[inputs] 中未知的输入类别 {role}（可用：{'、'.join(ROLES)}）")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ConfigError(f"{config_path}：inputs.{role} 应为路径或路径列表")
        for pattern in patterns:
            files.extend((role, p) for p in _expand(directory, pattern, f"{config_path}：inputs.{role}"))
    return InputSpec(
        files=tuple(files),
        workspace=directory,
        ledger=_setting_path(directory, raw, "ledger", config_path),
        policy=_setting_path(directory, raw, "policy", config_path),
        cache=_setting_path(directory, raw, "cache", config_path),
    )


def _setting_path(directory: Path, raw: dict, key: str, config_path: Path) -> Path | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{config_path}：{key} 应为路径字符串")
    path = directory / value
    if not _inside(path, directory):
        raise ConfigError(f"{config_path}：{key} = {value!r} 指向工作目录之外，不允许")
    return path


def _expand(directory: Path, pattern: str, where: str) -> list[Path]:
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise ConfigError(f"{where}：{pattern!r} 指向工作目录之外，不允许（请使用工作目录内的相对路径）")
    if glob.has_magic(pattern):
        matches = sorted(Path(p) for p in glob.glob(str(directory / pattern), recursive=True))
        matches = [m for m in matches if m.is_file() and m.suffix.lower() in SUFFIXES]
        if not matches:
            raise ConfigError(f"{where}：{pattern!r} 没有匹配到任何文件")
    else:
        matches = [directory / pattern]
    for m in matches:
        if not _inside(m, directory):
            raise ConfigError(f"{where}：{m} 指向工作目录之外（符号链接？），不允许")
    return matches


def build_spec(
    workspace: Path | None,
    options: dict[str, list[Path]],
    ledger: Path | None = None,
    policy: Path | None = None,
    *,
    use_cache: bool = True,
) -> InputSpec:
    """Combine ``-w DIR`` with per-role options; options add to the workspace's files.

    The cache folder is the workspace's ``cache`` key, else the user cache folder
    (:func:`default_cache_dir`); ``use_cache=False`` (``--no-cache``) turns it off."""
    base = read_workspace(workspace) if workspace is not None else InputSpec()
    extra = tuple((role, Path(p)) for role in ROLES for p in options.get(role) or [])
    return InputSpec(
        files=base.files + extra,
        workspace=base.workspace,
        ledger=ledger or base.ledger,
        policy=policy or base.policy,
        cache=(base.cache or default_cache_dir()) if use_cache else None,
    )
