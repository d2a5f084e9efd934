"""Reads `Pulumi.yaml` and a stack file into what the Pulumi engine would hand the program."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET = "[secret]"
# libyaml's loader when PyYAML was built with it: a large estate's stack file parses ~10x faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StackFileError(Exception):
    """A stack or project file that cannot be read at all (missing, not YAML, wrong shape)."""


@dataclass
class StackSettings:
    """Flat `namespace:key` -> string settings, as the engine passes config to a program."""

    values: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)


def project_name(project_root: Path) -> str:
    document = _load_yaml(project_root / "Pulumi.yaml")
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise StackFileError(f"{project_root / 'Pulumi.yaml'}: has no `name:`")
    return document["name"]


def read_stack_file(path: Path) -> StackSettings:
    document = _load_yaml(path) or {}
    config = document.get("config", {}) if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise StackFileError(f"{path}: `config:` must be a map of `namespace:key: value` entries")
    settings = StackSettings()
    for key, value in config.items():
        if _contains_secret(value):
            # Ciphertext cannot be decrypted without the stack's secrets provider; the program
            # sees a placeholder, and no output ever shows the value.
            settings.values[key] = SECRET
            settings.secret_keys.append(key)
        else:
            settings.values[key] = _as_setting(value)
    return settings


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(), Loader=SAFE_LOADER)
    except FileNotFoundError:
        raise StackFileError(f"{path}: no such file") from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path}: not valid YAML: {error}".replace("\n", " ")) from None


def _contains_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret(v) for v in value)
    return False


def _as_setting(value: Any) -> str:
    """Pulumi passes scalars as text and structured values as JSON text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)
