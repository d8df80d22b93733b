"""Where the bundled configuration lives, and reading TOML (tomllib, falling back to tomli)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from qkaward.errors import ConfigError


def config_dir() -> Path:
    """The folder holding ``columns.toml``, ``policy/`` and ``standards/``.

    ``QKAWARD_CONFIG_DIR`` overrides it; by default it is the repository's top-level ``config/``.
    """
    env = os.environ.get("QKAWARD_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "config"


def toml_position(exc: Exception) -> str:
    """ "（第2行第5列附近）" from a TOML parser's message, or "" when it names no position."""
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    return f"（第{m.group(1)}行第{m.group(2)}列附近）" if m else ""


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a :class:`ConfigError` naming the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式错误{toml_position(exc)}，请检查引号、括号和等号") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror}") from None
