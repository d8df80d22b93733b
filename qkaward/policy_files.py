"""A policy's files, read as TOML without building the policy: the policy file with its ``--set``
overrides applied, and the NBS 四上 standard file it names.

:func:`qkaward.policy.load_policy` starts from :func:`read_raw`; the results memo finds the standard
file with it (``qkaward.memo.standard_note``) without building the policy's dataclasses (~30 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from qkaward.config import tomllib
from qkaward.errors import ConfigError

#: The bundled policy (SPEC §9: the default for --policy).
DEFAULT_POLICY = Path(__file__).resolve().parent.parent / "config" / "policy" / "qiaokou-2019.toml"


def read_raw(path: Path, overrides: Sequence[str] = ()) -> tuple[bytes, dict[str, Any]]:
    """The policy file's bytes and its TOML tree with ``overrides`` applied; :class:`ConfigError` if
    it cannot be read or parsed, or an override does not fit."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取政策配置文件 {path}：{exc.strerror or exc}") from exc
    try:
        raw = tomllib.loads(data.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"政策配置文件 {path} 不是有效的 TOML：{exc}") from exc
    for item in overrides:
        apply_override(raw, item)
    return data, raw


def standard_path(path: Path, standard: str) -> Path:
    """The NBS standard file a policy at ``path`` names (relative to the policy file)."""
    return (path.parent / standard).resolve()


def parse_value(text: str) -> Any:
    """A ``--set`` value: a TOML value (number, boolean, string, array), else the bare string."""
    try:
        return tomllib.loads(f"v = {text}", parse_float=Decimal)["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def apply_override(raw: dict[str, Any], item: str) -> None:
    """Apply one ``KEY=VALUE`` override to the raw TOML tree (in place)."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"参数覆盖“{item}”格式应为 KEY=VALUE")
    parts = key.split(".")
    node: Any = raw
    for i, part in enumerate(parts[:-1]):
        node = _step(node, part, ".".join(parts[: i + 1]), key)
    last = parts[-1]
    target = _step(node, last, key, key)
    value = parse_value(text)
    if isinstance(target, dict) and "value" in target:
        target["value"] = value
    elif isinstance(target, (dict, list)):
        raise ConfigError(f"参数覆盖“{key}”指向一组参数，不是单个值")
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _step(node: Any, part: str, where: str, key: str) -> Any:
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    if isinstance(node, dict) and part in node:
        return node[part]
    raise ConfigError(f"参数覆盖“{key}”：政策配置中没有参数“{where}”")
