"""Reads the stack's configuration from the Pulumi runtime and validates it in one step."""

import difflib
import json
from typing import Any, Collection, Iterator, Mapping

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from ..errors import NAMESPACE, PROVIDER_NAMESPACE, ConfigError, Problem, problems_from
from .base import NAMES_ARE_NEVER_SECRET
from .provider import AwsConfig
from .stack import PRODUCTION, StackConfig

# Namespaces whose keys a stack file may hold without this program reading them.
OTHER_KNOWN_NAMESPACES = ("pulumi",)


def read_stack_config() -> StackConfig:
    """The validated config of the running stack; raises ConfigError naming every problem."""
    stack = pulumi.get_stack()
    settings = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = [key for key in settings if runtime_config.is_config_secret(key)]
    return parse_stack_config(settings, stack, f"Pulumi.{stack}.yaml", secret_keys)


def parse_stack_config(settings: Mapping[str, Any], stack: str, stack_file: str,
                       secret_keys: Collection[str] = ()) -> StackConfig:
    """Validates flat Pulumi settings (`namespace:key` -> text, structured values as JSON text)."""
    raw: dict[str, Any] = {"environment": stack, "aws": {}}
    warnings = []
    for key, value in settings.items():
        namespace, _, name = key.partition(":")
        if namespace == NAMESPACE:
            raw[name] = _decode(value)
        elif namespace == PROVIDER_NAMESPACE:
            raw["aws"][name] = _decode(value)
        elif namespace not in OTHER_KNOWN_NAMESPACES:
            warnings.append(_foreign_key_warning(key, namespace, name))
    secrets = {key: frozenset(_leaves(_decode(settings[key]))) for key in secret_keys if key in settings}
    shown_never = {str(value) for values in secrets.values() for value in values}
    # Under `pulumi up` a secret arrives as plaintext: a key that names resources must not be one.
    naming_secrets = [Problem((key.split(":", 1)[1],), *NAMES_ARE_NEVER_SECRET)
                      for key in secrets if key in (f"{NAMESPACE}:project", f"{NAMESPACE}:environment")]
    context = {"prod": raw["environment"] == PRODUCTION, "region": raw["aws"].get("region"),
               "tier": raw.get("compliance", "commercial"), "warnings": warnings}
    try:
        config = StackConfig.model_validate(raw, context=context)
    except ValidationError as error:
        raise ConfigError(naming_secrets + problems_from(error, StackConfig), stack_file, shown_never,
                          list(secrets)) from None
    if naming_secrets:
        raise ConfigError(naming_secrets, stack_file, shown_never, list(secrets))
    config._secret_values = secrets
    config._warnings = [*warnings, *AwsConfig.unknown_keys(raw["aws"])]
    return config


def _foreign_key_warning(key: str, namespace: str, name: str) -> str:
    close = difflib.get_close_matches(namespace, [NAMESPACE, PROVIDER_NAMESPACE], n=1)
    hint = f"; did you mean {close[0]}:{name}?" if close else ""
    return f"{key} is not read by this program (it reads {NAMESPACE}: and aws: keys){hint}"


def _decode(value: Any) -> Any:
    """Pulumi hands structured values (maps, lists) to programs as JSON text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _leaves(value: Any) -> Iterator[Any]:
    """The text and number values inside a config value. Map keys name things (tables, indexes)
    and are never secret: they are part of resource names, which Pulumi does not encrypt."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
        yield value
