"""Reads the stack's configuration from the Pulumi runtime and validates it in one step."""

import json
from typing import Any, Mapping

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from .config import PRODUCTION, StackConfig
from .errors import NAMESPACE, ConfigError, problems_from


def read_stack_config() -> StackConfig:
    """The validated config of the running stack; raises ConfigError naming every problem."""
    stack = pulumi.get_stack()
    settings = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return parse_stack_config(settings, stack, stack_file=f"Pulumi.{stack}.yaml")


def parse_stack_config(settings: Mapping[str, Any], stack: str, stack_file: str) -> StackConfig:
    """Validates flat Pulumi settings (`namespace:key` -> string) of one stack."""
    raw: dict[str, Any] = {"environment": stack}
    if "aws:region" in settings:
        raw["aws:region"] = settings["aws:region"]
    prefix = f"{NAMESPACE}:"
    for key, value in settings.items():
        if key.startswith(prefix):
            raw[key[len(prefix):]] = _decode(value)
    try:
        return StackConfig.model_validate(raw, context={"prod": raw["environment"] == PRODUCTION})
    except ValidationError as error:
        raise ConfigError(problems_from(error, StackConfig), stack_file) from None


def _decode(value: Any) -> Any:
    """Pulumi hands structured values (maps, lists) to programs as JSON text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
